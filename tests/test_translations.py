"""Every user-visible text has an English translation (Chinese is the source language)."""

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "supervision" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
KEYWORDS = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None, "ngettext": (1, 2)}
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def source_messages() -> set[str]:
    found = set()
    for directory, method in (("supervision", "python"), ("templates", "jinja2")):
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / directory,
            method_map=[("**.py", method)] if method == "python" else [("**.html", method)],
            keywords=KEYWORDS,
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


def catalogue():
    with PO.open("rb") as fh:
        return read_po(fh, locale="en")


def test_every_message_in_the_code_is_translated():
    translated = {m.id: m.string for m in catalogue() if m.id}
    messages = source_messages()
    assert {
        "首页",
        "操作日志",
        "用户名或密码不正确，或账号已停用。",
    } <= messages  # extraction works
    missing = sorted(m for m in messages if not translated.get(m))
    assert not missing, f"run `make extract-messages` and translate: {missing}"


def test_translations_keep_placeholders_and_are_not_fuzzy():
    for message in catalogue():
        if not message.id:
            continue
        assert not message.fuzzy, message.id
        assert set(PLACEHOLDER.findall(message.id)) == set(PLACEHOLDER.findall(message.string)), (
            message.id
        )
