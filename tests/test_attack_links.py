"""Attack round on issue #10 item 11 (links): a user name before the host.

`https://www.zju.edu.cn@evil.example/` reads as a university's page and opens evil.example (the
part before `@` is a user name, RFC 3986 §3.2.1). Refused in bio links (safe_link) and in the url
fields (homepage, website: schemas/common.schema.json), whose pattern the validator applies."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from generator.model.bio import render_markdown, safe_link

REPO = Path(__file__).resolve().parent.parent
URL_PATTERN = json.loads((REPO / "schemas" / "common.schema.json").read_text(encoding="utf-8"))["$defs"]["url"]["pattern"]

DECEPTIVE = [
    "https://www.zju.edu.cn@evil.example/",
    "http://user:pw@evil.example/",
    "https://good.example%2f@evil.example/",
    "http://a@b@evil.example/",
]
FINE = ["https://example.org/@zhangwei", "https://example.org/?to=a@b.c", "https://example.org:8443/x#a@b"]


@pytest.mark.parametrize("url", DECEPTIVE)
def test_user_name_before_the_host_is_refused(url):
    assert not safe_link(url)
    assert "href" not in render_markdown(f"[浙大主页]({url})")
    assert "href" not in render_markdown(f"<{url}>")
    assert not re.fullmatch(URL_PATTERN.replace("$", r"\Z"), url)


@pytest.mark.parametrize("url", FINE)
def test_at_sign_after_the_host_is_fine(url):
    assert safe_link(url)
    assert re.fullmatch(URL_PATTERN, url)


def test_url_pattern_still_refuses_spaces_and_backslash_hosts():
    for url in ("https://a b.example/", "https://\\evil.example/", "https://good.example\\@evil.example/", "https:///x"):
        assert not re.fullmatch(URL_PATTERN, url), url
