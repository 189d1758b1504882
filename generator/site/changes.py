"""What changed, for people: the "最近更新" page, the home page's list, each record's short history
and the Atom feed (`atom.xml`), all from the model's git history (generator/model/history.py).

Only what the site shows may appear: an expert who is not published never does (a removed expert
is "一位专家的记录", without name or id), and summaries name fields, never their values. Times come
from commits, so the same repository always gives the same feed.
"""

from __future__ import annotations

import os
import re
from datetime import datetime, timezone
from pathlib import Path

from generator.site.pages import RECORD_PAGES

FEED = "atom.xml"
# characters XML 1.0 cannot carry at all (lxml refuses them): record text is untrusted
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
FEED_ENTRIES = 50
PAGE_ENTRIES = 100
HOME_ENTRIES = 12
RECORD_ENTRIES = 3
_ATTRIBUTE = {"expert": "experts", "society": "societies", "workstation": "workstations",
              "project": "projects", "need": "needs", "proposal": "proposals"}


class Changes:
    """The history's public items, summarised once per build (one `git cat-file` for all)."""

    def __init__(self, model):
        self.model = model
        self.history = model.history
        self.available = bool(self.history and self.history.available)
        self.items: list[dict] = []  # newest first, public only
        if not self.available:
            return
        shown = []
        for change in self.history.changes:
            if self._visible(change):
                shown.append(change)
        latest = shown[:max(PAGE_ENTRIES, FEED_ENTRIES)]
        per_record = [c for attribute in _ATTRIBUTE.values() for rid in getattr(model, attribute)
                      for c in self.history.of(_type_of(attribute), rid)[:RECORD_ENTRIES]]
        self.history.summarise(latest + per_record, model.labels)
        names = self.history.removed_names([c for c in latest if c.action == "删除"])
        self.items = [self._item(c, names) for c in latest]
        anonymous: dict[str, int] = {}
        for item in self.items:  # a removed expert's id is their name in pinyin: never shown
            if item["type"] == "expert" and not item["url"]:
                anonymous[item["commit"]] = anonymous.get(item["commit"], 0) + 1
                item["id"] = f"removed-{anonymous[item['commit']]}"

    def _visible(self, change) -> bool:
        attribute = _ATTRIBUTE.get(change.type)
        if attribute is None:  # policies and staff have no page
            return False
        if change.id in getattr(self.model, attribute):
            return True
        # gone from the site: a removed record may be listed as removed; an expert who is not
        # published (never, or no longer) leaves no other trace
        return change.action == "删除" and (change.type != "expert" or not self._expert_file_exists(change.id))

    def _expert_file_exists(self, expert_id: str) -> bool:
        root = self.history.root
        return bool(root and (root / "experts" / f"{expert_id}.yaml").exists())

    def _item(self, change, names: dict) -> dict:
        attribute = _ATTRIBUTE[change.type]
        folder, _template, title_key, kind = RECORD_PAGES[attribute]
        record = getattr(self.model, attribute).get(change.id)
        if record is not None:
            title, url = record[title_key], f"{folder}/{change.id}/"
        elif change.type == "expert":
            title, url = "一位专家的记录", ""
        else:
            title, url = names.get(change.old_blob, change.id), ""
        return {"when": change.when, "date": change.date, "kind": kind, "title": title, "url": url,
                "action": change.action, "summary": change.summary, "commit": change.commit, "type": change.type,
                "id": change.id}

    def latest(self, limit: int = HOME_ENTRIES) -> list[dict]:
        """The newest items, one per record (the home page's list)."""
        seen, result = set(), []
        for item in self.items:
            key = (item["type"], item["id"])
            if key not in seen:
                seen.add(key)
                result.append(item)
            if len(result) == limit:
                break
        return result

    def record_history(self, record_type: str, record_id: str) -> list[dict]:
        """A record's own newest changes: date and one-line summary."""
        if not self.available:
            return []
        return [{"date": c.date, "when": c.when, "summary": c.summary}
                for c in self.history.of(record_type, record_id)[:RECORD_ENTRIES]]

    def attach(self) -> None:
        """Give every record dict of the model its `history` (the record footer shows it)."""
        for record_type, attribute in _ATTRIBUTE.items():
            for rid, record in getattr(self.model, attribute).items():
                record["history"] = self.record_history(record_type, rid)

    def write_feed(self, site_dir: Path, site_url: str, site_name: str) -> None:
        """atom.xml: the newest FEED_ENTRIES public changes; `updated` is the newest commit's time."""
        from feedgen.feed import FeedGenerator

        base = site_url if site_url.endswith("/") or not site_url else site_url + "/"
        feed = FeedGenerator()
        feed.id(base + FEED if base else f"urn:kexie:{FEED}")
        feed.title(f"{site_name} · 最近更新")
        feed.subtitle("专家、学会、工作站、项目、企业需求与建议记录的新增、修改和删除")
        feed.language("zh-CN")
        feed.link(href=base + "changes/", rel="alternate", type="text/html")
        feed.link(href=base + FEED, rel="self", type="application/atom+xml")
        feed.author({"name": "杭州市科学技术协会学会部"})
        feed.generator("kexie")
        items = self.items[:FEED_ENTRIES]
        feed.updated(items[0]["when"] if items else _epoch())
        for item in reversed(items):  # feedgen prepends: the newest ends up first
            entry = feed.add_entry()
            entry.id(f"{base or 'urn:kexie:'}changes/#{item['commit'][:12]}-{item['type']}-{item['id']}")
            entry.title(_xml(f"{item['action']}{item['kind']}：{item['title']}"))
            entry.updated(item["when"])
            entry.published(item["when"])
            # a removed record has no page: its entry points to the 最近更新 page (Atom needs a link)
            entry.link(href=base + (item["url"] or "changes/"), rel="alternate", type="text/html")
            entry.summary(_xml(item["summary"]))
        (site_dir / FEED).write_bytes(feed.atom_str(pretty=True))


def _xml(text: str) -> str:
    """Text a feed can carry: characters XML forbids become U+FFFD (visible, not dropped)."""
    return _NOT_XML.sub("\ufffd", text)


def _type_of(attribute: str) -> str:
    return next(t for t, a in _ATTRIBUTE.items() if a == attribute)


def _epoch() -> str:
    """No history: the feed's time is SOURCE_DATE_EPOCH (set by `kexie build`), never the clock."""
    seconds = int(os.environ.get("SOURCE_DATE_EPOCH", "0") or 0)
    return datetime.fromtimestamp(seconds, timezone.utc).isoformat()
