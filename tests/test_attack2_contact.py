"""Contact details typed into an expert's free text without `consent.contact: true` (attack2).

The `email` field had its consent rule; the same address in the bio (as text or a mailto: link), or
a WeChat/QQ id, was published. generator/checks/integrity.py's check_consent now reads every text
of the record; the negative case privacy-email-consent-in-bio pins the message."""

from __future__ import annotations

import pytest

from generator.checks.values import CONTACT_IN_TEXT as _CONTACT_IN_TEXT

FOUND = [
    "联系：zhangwei@example.org",
    "[来信](mailto:zhangwei@example.org)",
    "邮箱 zhang.wei+hz@mail.example.com.cn",
    "zhangwei＠example.org",  # a full-width at sign
    "zhangwei @ example.org",
    "微信 zhangwei-hz",
    "微信号：zw_2016hz",
    "WeChat: zhangwei2016",
    "QQ：12345678",
]
NOT_FOUND = [
    ("https://www.zju.edu.cn@evil.example/", "a user name before a host: the link check's"),
    ("关注微信公众号：hzkexie2016", "an organisation's public account"),
    ("@杭州市科协 的活动", "an at sign without an address"),
    ("C++ 与 Python 编程", "no address"),
    ("发表 SCI 论文 60 余篇", "no address"),
]


@pytest.mark.parametrize("text", FOUND)
def test_contact_found(text):
    assert _CONTACT_IN_TEXT.search(text), text


@pytest.mark.parametrize("text,why", NOT_FOUND)
def test_not_contact(text, why):
    assert not _CONTACT_IN_TEXT.search(text), why


def test_with_consent_an_address_in_the_bio_is_fine(tree):
    from tests.conftest import run_kexie

    path = tree / "records" / "experts" / "zhang-wei.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("bio: 长期从事金属材料研究。", "bio: 来信请寄 zhangwei@example.org。"), encoding="utf-8")
    assert run_kexie("validate", cwd=tree).exit_code == 0
