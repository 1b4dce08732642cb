"""No internal identifier reaches a person: every page each persona can reach from its home page
and menu (following the links, as a person would: ``zhifa_testing.pages``), with the 文书 shown on
the document pages, and every .xlsx export linked from them, is read for
the login names of every user, the step codes of a case, JSON objects, dotted action codes
(``documents.document.issue``), the stored values of the models' choices (``draft``, ``sms``)
and the word "JSON".

The world is the access matrix's (zhifa_testing.world): the demo plus every kind of object, at
its fixed moment.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
import time_machine
from django.apps import apps
from django.db import transaction
from django.test import Client
from openpyxl import load_workbook

from zhifa.core.exports import XLSX_TYPE
from zhifa.inspections.models import CASE_DOCUMENT_STEPS
from zhifa_testing import pages
from zhifa_testing import world as worlds

pytestmark = pytest.mark.django_db

PERSONA_NAMES = [name for name, _ in worlds.PERSONAS]
# How a list's page links its spreadsheet.
EXPORT = "export=xlsx"
# The identifiers that do appear on a page by design, each with the reason.
ALLOWED: dict[str, str] = {}


class _VisibleText(HTMLParser):
    """The text a person reads: text nodes outside script and style, plus the attributes a
    browser shows (placeholder, title, alt, a button's value)."""

    HIDDEN = ("script", "style", "template", "noscript")
    SHOWN_ATTRIBUTES = ("placeholder", "title", "alt", "aria-label")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN:
            self._hidden += 1
        values = dict(attrs)
        for name in self.SHOWN_ATTRIBUTES:
            if values.get(name):
                self.parts.append(str(values[name]))
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.parts.append(str(values["value"]))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def _word(text: str) -> re.Pattern[str]:
    # Not a part of an address, a path or a file name (…/public/data/law-code.json).
    return re.compile(r"(?<![A-Za-z0-9_.@/-])" + re.escape(text) + r"(?![A-Za-z0-9_@/-]|\.\w)")


def choice_values() -> set[str]:
    """The stored values of every model field's choices that read as code (lower-case words)."""
    found: set[str] = set()
    for model in apps.get_models():
        if not model.__module__.startswith("zhifa."):
            continue
        for field in model._meta.get_fields():
            for value, _ in getattr(field, "flatchoices", None) or ():
                if isinstance(value, str) and re.fullmatch(r"[a-z][a-z0-9_]+", value):
                    found.add(value)
    return found


def identifier_patterns() -> dict[str, re.Pattern[str]]:
    from zhifa.org.models import User

    patterns = {
        "JSON 对象": re.compile(r"\{\s*\"[^\"]+\"\s*:"),
        # The word, not a file name: a draw's record file (draw-2-record.json) is named in the
        # command that re-checks it.
        "“JSON”": re.compile(r"(?<![.\w])JSON(?!\w)", re.IGNORECASE),
        "动作代码": re.compile(r"(?<![\w./@-])[a-z_]+\.[a-z_]+\.[a-z_]+(?![\w/@-]|\.\w)"),
    }
    for username in User.objects.values_list("username", flat=True):
        patterns[f"用户名 {username}"] = _word(username)
    for step in CASE_DOCUMENT_STEPS:
        patterns[f"环节代码 {step}"] = _word(step)
    for value in choice_values():
        patterns.setdefault(f"选项值 {value}", _word(value))
    return {name: p for name, p in patterns.items() if name not in ALLOWED}


def offences(text: str, patterns: dict[str, re.Pattern[str]]) -> list[str]:
    found = []
    for name, pattern in patterns.items():
        match = pattern.search(text)
        if match:
            start = max(match.start() - 20, 0)
            context = " ".join(text[start : match.end() + 20].split())
            found.append(f"{name}：…{context}…")
    return found


def readings(client: Client) -> Iterator[tuple[str, str]]:
    """(address, text) of every page the client's user reaches (``zhifa_testing.pages``: one
    sample of each page pattern, found by following links) and of every .xlsx export those
    pages link to."""
    exports: list[str] = []
    # The HTML the crawl was answered: each page is asked for once.
    for path, html in pages.pages_read_by(client):
        parser = _VisibleText()
        parser.feed(html)
        yield path, " ".join(parser.parts)
        exports.extend(link for link in pages.links_in(html, path) if EXPORT in link)
    for path in dict.fromkeys(exports):
        response = client.get(path)
        if response.status_code == 200 and response["Content-Type"].startswith(XLSX_TYPE):
            yield path, _workbook_text(response.content)


def _workbook_text(content: bytes) -> str:
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    cells = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(values_only=True):
            cells.extend(str(value) for value in row if value is not None)
    return " | ".join(cells)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    module_transaction = transaction.atomic()
    module_transaction._from_testcase = True  # type: ignore[attr-defined]
    with (
        django_db_blocker.unblock(),
        module_transaction,
        pages.world_at_moment(tmp_path_factory.mktemp("words-media")) as built,
    ):
        yield built
        transaction.set_rollback(True)


def test_the_checks_catch_each_kind_of_identifier(world):
    patterns = identifier_patterns()
    text = (
        '检查人员：王检查（inspector） 环节 site_record 内容 {"a": 1} 动作 documents.document.issue'
        " 状态 draft 文书内容（JSON）"
    )
    assert {line.split("：")[0] for line in offences(text, patterns)} == {
        "JSON 对象",
        "“JSON”",
        "动作代码",
        "用户名 inspector",
        "选项值 inspector",  # the role's stored value too
        "环节代码 site_record",
        "选项值 draft",
    }
    plain = (
        "检查人员：王检查 邮箱 wang@example.com 网址 https://zhifa.gov.cn/law/public/draft.html"
        " 文件 public/data/law-code.json 抽取记录 draw-2-record.json"
    )
    assert offences(plain, patterns) == []


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_no_page_or_export_shows_an_internal_identifier_to(world, persona):
    patterns = identifier_patterns()
    client = Client()
    user = world.personas[persona]
    if user is not None:
        client.force_login(user)
    found = []
    read = 0
    with time_machine.travel(worlds.MOMENT, tick=True):
        for url, text in readings(client):
            read += 1
            found.extend(f"{url}  {line}" for line in offences(text, patterns))
    assert read > 1
    assert not found, "\n".join(found)


def test_no_issued_document_shows_an_internal_identifier(world):
    from zhifa.documents.models import Document
    from zhifa.documents.rendering import readable_html

    patterns = identifier_patterns()
    found = []
    read = 0
    for document in Document.objects.exclude(docx_file="").order_by("pk"):
        with document.docx_file.open("rb") as stored:
            parser = _VisibleText()
            parser.feed(readable_html(stored.read()))
        read += 1
        text = " ".join(parser.parts)
        found.extend(f"{document.number_text}  {line}" for line in offences(text, patterns))
    assert read > 1
    assert not found, "\n".join(found)
