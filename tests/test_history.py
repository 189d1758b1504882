"""What changed (#16 item 6): the 最近更新 page, the Atom feed and each record's history, built from
a real git repository's history of records/, and a site that still builds from a copy without git."""

from __future__ import annotations

import re
from pathlib import Path

import feedparser
import pytest

from generator.model.history import read_history
from tests.gitrepo import Repo
from tests.sitebuild import REPO, make_project, run_kexie, read_page
from generator.site.pages import RECORD_PAGES

RECORD_FOLDERS = {spec[0] for spec in RECORD_PAGES.values()}

BASE = REPO / "tests" / "cases" / "base" / "records"
UNREFERENCED = """\
id: zhao-min
name: 赵敏
title: 研究员
affiliation: 杭州示例研究院
disciplines: ["430"]
consent: {publish: true, date: "2016-01-01"}
owner: kexie
"""


def _commit(repo: Repo, monkeypatch, when: str, message: str) -> str:
    monkeypatch.setenv("GIT_AUTHOR_DATE", when)
    monkeypatch.setenv("GIT_COMMITTER_DATE", when)
    return repo.commit(message)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture(scope="module")
def history_project():
    monkeypatch = pytest.MonkeyPatch()
    project = make_project(BASE, "history")
    repo = Repo(project)
    records = project / "records"
    (records / "experts" / "zhao-min.yaml").write_text(UNREFERENCED, encoding="utf-8")
    _commit(repo, monkeypatch, "2016-01-10T09:00:00+08:00", "records")
    _edit(records / "societies" / "hz-materials.yaml", "name: 杭州市材料学会", "name: 杭州市新材料学会")
    _edit(records / "projects" / "xihu-materials-station-2016.yaml", "amount: 25000", "amount: 20000")
    _edit(records / "experts" / "chen-jing.yaml", "title: 主任医师", "title: 副主任医师")  # not published
    _commit(repo, monkeypatch, "2016-02-01T10:00:00+08:00", "edits")
    repo.remove("records/needs/new-alloy-coating.yaml")
    repo.remove("records/experts/zhao-min.yaml")
    _commit(repo, monkeypatch, "2016-03-05T11:00:00+08:00", "removals")
    monkeypatch.undo()
    return project


@pytest.fixture(scope="module")
def history_site(history_project, tmp_path_factory):
    out = tmp_path_factory.mktemp("history") / "site"
    result = run_kexie("build", "--out", str(out), cwd=history_project)
    assert result.returncode == 0, result.stderr
    return out


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_reader_sees_added_changed_and_removed_records_with_commit_times(history_project):
    history = read_history(history_project / "records")
    assert history.available
    first = history.changes[0]
    assert (first.when, first.action) == ("2016-03-05T11:00:00+08:00", "删除")
    assert {(c.type, c.id) for c in history.changes[:2]} == {("need", "new-alloy-coating"), ("expert", "zhao-min")}
    assert [(c.date, c.action) for c in history.of("society", "hz-materials")] == [("2016-02-01", "修改"), ("2016-01-10", "新增")]
    assert history.last_changed("society", "hz-materials") == "2016-02-01"
    assert history.last_changed("society", "no-such-society") == ""


def test_changes_page_lists_public_changes_newest_first_with_field_summaries(history_site):
    page = _text(history_site / "changes" / "index.html")
    cell = r"<td[^>]*>"  # phone cards label each cell (data-label)
    rows = re.findall(rf"<tr>{cell}<time datetime=\"([^\"]+)\">[^<]+</time></td>{cell}([^<]+)</td>{cell}(.*?)</td>{cell}(.*?)</td></tr>", page)
    assert rows[0][0] == "2016-03-05T11:00:00+08:00"
    shown = {(action, re.sub(r"<[^>]+>", "", title), summary) for _when, action, title, summary in rows}
    assert ("删除需求", "合金零件表面耐磨涂层工艺改进", "删除记录") in shown  # the removed record's old title
    assert ("删除专家", "一位专家的记录", "删除记录") in shown  # a removed expert: no name, no id
    assert ("修改学会", "杭州市新材料学会", "修改：名称") in shown
    assert ("修改项目", "杭州市材料学会西湖示例科技服务站项目", "修改：2016 年经费 -5,000 元（2.5 万元 → 2 万元）") in shown
    assert '<a href="../societies/hz-materials/">杭州市新材料学会</a>' in page
    assert [w for w, *_ in rows] == sorted((w for w, *_ in rows), reverse=True)


def test_unpublished_and_removed_experts_leave_no_trace(history_site):
    for path in [history_site / "changes" / "index.html", history_site / "atom.xml", history_site / "index.html"]:
        text = _text(path)
        for secret in ("chen-jing", "陈静", "副主任医师", "zhao-min", "赵敏"):
            assert secret not in text, (path, secret)


def test_feed_is_valid_atom_with_commit_times(history_site):
    feed = feedparser.parse(_text(history_site / "atom.xml"))
    assert feed.bozo == 0, feed.bozo_exception
    assert feed.version == "atom10"
    assert feed.feed.updated == "2016-03-05T11:00:00+08:00"  # the newest commit, not the clock
    titles = [e.title for e in feed.entries]
    assert titles[:2] == ["删除专家：一位专家的记录", "删除需求：合金零件表面耐磨涂层工艺改进"] or titles[:2] == [
        "删除需求：合金零件表面耐磨涂层工艺改进", "删除专家：一位专家的记录"]
    society = next(e for e in feed.entries if e.title == "修改学会：杭州市新材料学会")
    assert society.link == "https://hzkx.github.io/kexie/societies/hz-materials/"
    assert society.summary == "修改：名称"
    assert society.updated == "2016-02-01T10:00:00+08:00"
    assert len({e.id for e in feed.entries}) == len(feed.entries)


def test_every_page_advertises_the_feed(history_site):
    # every page of the site (the yearly report files beside /funding/YYYY/ are documents, not pages)
    # record pages (#14: hundreds of thousands of them) keep their head to title, description and
    # canonical URL; the home page, list pages and 404 advertise the feed
    pages = sorted(history_site.rglob("index.html")) + [history_site / "404.html"]
    record = {p for p in pages if len(p.relative_to(history_site).parts) == 3 and p.parts[-3] in RECORD_FOLDERS}
    assert len(pages) - len(record) > 15 and record
    for page in pages:
        advertised = '<link rel="alternate" type="application/atom+xml"' in _text(page)
        assert advertised == (page not in record), page


def test_record_page_shows_its_own_history(history_site):
    page = read_page(history_site / "societies" / "hz-materials" / "index.html")
    history = re.search(r'<ul class="kx-history">(.*?)</ul>', page).group(1)
    assert re.findall(r"<time[^>]*>([^<]+)</time> ([^<]+)</li>", history) == [("2016-02-01", "修改：名称"), ("2016-01-10", "新增记录")]
    assert "记录最后修改：<time>2016-02-01</time>" in page


def test_home_page_lists_the_newest_changes(history_site):
    page = _text(history_site / "index.html")
    latest = re.search(r'<ul class="kx-latest">(.*?)</ul>', page, re.S).group(1)
    dates = re.findall(r'<time datetime="([^"]+)">', latest)
    assert dates[0] == "2016-03-05T11:00:00+08:00" and dates == sorted(dates, reverse=True)
    assert "修改学会：<a href=\"societies/hz-materials/\">杭州市新材料学会</a>" in latest
    assert '<a href="atom.xml" type="application/atom+xml">' in page


def test_history_output_is_deterministic(history_project, history_site, tmp_path):
    again = tmp_path / "again"
    assert run_kexie("build", "--out", str(again), cwd=history_project).returncode == 0
    for name in ["atom.xml", "changes/index.html", "index.html", "societies/hz-materials/index.html"]:
        assert (again / name).read_bytes() == (history_site / name).read_bytes(), name


def test_without_git_history_the_site_builds_and_says_so(tmp_path):
    project = make_project(BASE, "no-history")  # a plain folder, like an unpacked tarball
    assert not read_history(project / "records").available
    out = tmp_path / "site"
    result = run_kexie("build", "--out", str(out), cwd=project)
    assert result.returncode == 0, result.stderr
    changes = _text(out / "changes" / "index.html")
    assert "没有修改历史" in changes and "不含 git 历史" in changes
    assert "暂无修改记录：本网站由不含 git 历史的记录副本生成" in _text(out / "index.html")
    assert "修改历史" not in _text(out / "societies" / "hz-materials" / "index.html")
    feed = feedparser.parse(_text(out / "atom.xml"))
    assert feed.bozo == 0 and feed.entries == []
    assert feed.feed.updated == "1970-01-01T00:00:00+00:00"  # SOURCE_DATE_EPOCH, not the clock


def test_summaries_read_only_the_changed_fields_and_match_a_whole_parse(tmp_path, monkeypatch):
    """The fast path (changed top-level fields only) says what RecordDiff says of whole documents."""
    import yaml

    from generator.model.history import _changed_parts
    from generator.records.recorddiff import record_notes
    from generator.records.schemas import SchemaSet

    schemas = SchemaSet(REPO / "schemas")
    old = (BASE / "projects" / "xihu-materials-station-2016.yaml").read_text(encoding="utf-8")
    variants = [
        old.replace("amount: 25000", "amount: 20000"),
        old.replace("title: 杭州市材料学会西湖示例科技服务站项目", "title: 新名称") + "contract: HT-1\n",
        old.replace("experts:\n  - zhang-wei\n", "experts:\n"),
        "# 只改注释\n" + old,
        old.replace("status:", "# 状态\nstatus:"),
    ]
    for new in variants:
        whole = record_notes(schemas, "project", yaml.safe_load(old), yaml.safe_load(new), values=False)
        part_old, part_new = _changed_parts(old.encode(), new.encode())
        assert record_notes(schemas, "project", part_old, part_new, values=False) == whole, new
    assert _changed_parts(b"# c\n" + old.encode(), old.encode()) == ({}, {})
    flow = b"{id: x, title: a}\n"
    assert _changed_parts(flow, b"{id: x, title: b}\n") == ({"id": "x", "title": "a"}, {"id": "x", "title": "b"})


def test_old_record_text_xml_cannot_carry_keeps_the_feed_valid(tmp_path, monkeypatch):
    """Today's validator refuses control characters, but history holds texts from before it: the
    title of a record removed since is read from an old revision and must not break the feed."""
    project = make_project(BASE, "history-hostile")
    repo = Repo(project)
    need = project / "records" / "needs" / "new-alloy-coating.yaml"
    _edit(need, "title: 合金零件表面耐磨涂层工艺改进", 'title: "合金\\x0b零件\\x01涂层</title>"')
    _commit(repo, monkeypatch, "2016-01-10T09:00:00+08:00", "records")
    repo.remove("records/needs/new-alloy-coating.yaml")
    _commit(repo, monkeypatch, "2016-02-01T10:00:00+08:00", "remove")
    out = tmp_path / "site"
    result = run_kexie("build", "--out", str(out), cwd=project)
    assert result.returncode == 0, result.stderr
    feed = feedparser.parse(_text(out / "atom.xml"))
    assert feed.bozo == 0, feed.bozo_exception
    assert feed.entries[0].title == "删除需求：合金 零件\ufffd涂层</title>"  # \v is whitespace
    changes = _text(out / "changes" / "index.html")
    assert "合金 零件\ufffd涂层&lt;/title&gt;" in changes and "\x01" not in changes
