"""GB/T 4754-2017 国民经济行业分类: its 20 门类 (A–T) and 97 大类 (01–97).

An inspection item names the industries it applies to, a plan task's draw pool is limited to
them, and an enterprise carries its 行业代码 to be matched: a 大类 code, or only a 门类 letter when
that is all that is known. The table is ``data/gbt4754_2017.csv`` (see ``data/SOURCE.md``).

Industries are written as codes, optionally followed by their name (``61 住宿业``), separated by
"；" "，" ";" "," or new lines; a cell of bare codes may also separate them with "、" or spaces
(``61、62、80``). A name alone is taken when it is exactly a 门类 or 大类 name.

Only ``data/gbt4754_2017.csv`` is read; nothing here touches the database.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

DATA_FILE = Path(__file__).resolve().parent / "data" / "gbt4754_2017.csv"
STANDARD = "GB/T 4754-2017"

# A few 中类/小类 names in common use for an enterprise's 行业, with their 大类 (the table holds
# 门类 and 大类 only). Used when an enterprise's 行业 is such a name and no code is given.
_LOWER_LEVEL_NAMES = {
    "道路货物运输": "54",  # 中类 543
    "金属船舶制造": "37",  # 小类 3731
    "助动车制造": "37",  # 中类 377
}

_SPLIT = re.compile(r"[；;，,\n\r]+")
_BARE_SPLIT = re.compile(r"[、\s]+")
# "61", "61 住宿业", "H61住宿业" (the 门类 letter written before the 大类), "H", "H 住宿和餐饮业".
_DIVISION = re.compile(r"^([A-Za-z]?)([0-9]{1,2})(?![0-9])\s*(.*)$")
_SECTION = re.compile(r"^([A-Za-z])(?![A-Za-z0-9])\s*(.*)$")


@cache
def _table() -> tuple[dict[str, str], dict[str, str], dict[str, str], dict[str, int]]:
    """(门类 letter → name, 大类 code → name, 大类 code → its 门类, code → order)."""
    sections: dict[str, str] = {}
    divisions: dict[str, str] = {}
    section_of: dict[str, str] = {}
    order: dict[str, int] = {}
    current = ""
    with DATA_FILE.open(encoding="utf-8", newline="") as handle:
        for position, row in enumerate(csv.DictReader(handle)):
            code, name = row["code"], row["name"]
            order[code] = position
            if code.isalpha():
                sections[code] = name
                current = code
            else:
                divisions[code] = name
                section_of[code] = current
    return sections, divisions, section_of, order


def sections() -> dict[str, str]:
    return _table()[0]


def divisions() -> dict[str, str]:
    return _table()[1]


def section_of(code: str) -> str:
    """The 门类 letter of a 大类 code or of a 门类 letter itself; "" for anything else."""
    if code in _table()[0]:
        return code
    return _table()[2].get(code, "")


def divisions_of(section: str) -> list[str]:
    return [code for code, letter in _table()[2].items() if letter == section]


def is_code(code: str) -> bool:
    return code in _table()[0] or code in _table()[1]


def name(code: str) -> str:
    return _table()[0].get(code) or _table()[1].get(code, "")


def label(code: str) -> str:
    """``61 住宿业``; a 门类 reads ``H 住宿和餐饮业（门类）``."""
    if code in _table()[0]:
        return f"{code} {_table()[0][code]}（门类）"
    return f"{code} {name(code)}".strip()


def ordered(codes: Iterable[str]) -> list[str]:
    """Codes without repeats, in the standard's order (each 门类 before its 大类)."""
    order = _table()[3]
    return sorted(set(codes), key=lambda c: order.get(c, len(order)))


def normalise(codes: Iterable[str]) -> list[str]:
    """A scope in its shortest form: a 大类 whose 门类 is also named adds nothing."""
    chosen = set(codes)
    return ordered(c for c in chosen if c in _table()[0] or section_of(c) not in chosen)


def describe(codes: Iterable[str]) -> str:
    """``61 住宿业、62 餐饮业``: the codes with their names, for people to read."""
    return "、".join(label(c) for c in ordered(codes))


def matching_codes(scope: Iterable[str]) -> list[str]:
    """Every enterprise 行业代码 a scope takes in: a 门类 takes its own letter (enterprises known
    only by their 门类) and each of its 大类; a 大类 takes itself."""
    matched: set[str] = set()
    for code in scope:
        if code in _table()[0]:
            matched.add(code)
            matched.update(divisions_of(code))
        elif code in _table()[1]:
            matched.add(code)
    return ordered(matched)


def covers(scope: Iterable[str], code: str) -> bool:
    """Whether a scope takes in everything ``code`` does (a 大类 under a named 门类 is covered)."""
    chosen = set(scope)
    return code in chosen or (code in _table()[1] and section_of(code) in chosen)


def code_for_name(text: str) -> str:
    """The code whose name ``text`` is (a 大类 before a 门类 of the same name), or "".

    The enumeration comma may be left out (``纺织服装服饰业``), as it often is in registers."""
    text = text.strip()
    if not text:
        return ""
    found = _by_name(text) or _LOWER_LEVEL_NAMES.get(text, "")
    if found:
        return found
    bare = text.replace("、", "")
    for table in (_table()[1], _table()[0]):
        for code, title in table.items():
            if title.replace("、", "") == bare:
                return code
    return ""


def _one_code(raw: str) -> str:
    text = raw.strip().upper()
    if text.isdigit() and len(text) <= 2:
        text = text.zfill(2)
    return text if is_code(text) else ""


def _by_name(text: str) -> str:
    return next((c for c, t in _table()[1].items() if t == text), "") or next(
        (c for c, t in _table()[0].items() if t == text), ""
    )


def _unknown(token: str) -> str:
    return (
        f"“{token}”不是 {STANDARD} 的门类字母（A–T）或大类代码（01–97），也不是其名称；"
        "请填写代码，如 61（住宿业）、H（住宿和餐饮业）。"
    )


def parse(value: Any) -> tuple[list[str], list[str]]:
    """Codes in the standard's order and the Chinese messages of what could not be read.

    ``value`` is a cell or text box, or a list of codes (the API, a form's checkboxes)."""
    tokens: list[str]
    if isinstance(value, list | tuple | set | frozenset):
        tokens = [str(v) for v in value]
    else:
        tokens = _SPLIT.split(str(value or ""))
    codes: list[str] = []
    errors: list[str] = []
    for raw in tokens:
        token = raw.replace("\u3000", " ").strip()
        if not token:
            continue
        by_name = _by_name(token)
        if by_name:
            codes.append(by_name)
            continue
        code, rest, prefix = "", "", ""
        if match := _DIVISION.match(token):
            prefix, code, rest = match.group(1).upper(), _one_code(match.group(2)), match.group(3)
        elif match := _SECTION.match(token):
            code, rest = _one_code(match.group(1)), match.group(2)
        rest = rest.strip().removesuffix("（门类）").removesuffix("(门类)").strip()
        if code and prefix and prefix != section_of(code):
            errors.append(
                f"大类 {code}（{name(code)}）属于门类 {section_of(code)}，不是门类 {prefix}；"
                "请核对代码。"
            )
            continue
        if code and rest in ("", name(code)):
            codes.append(code)
            continue
        # "61 餐饮业" names one industry by two different things; "61 62" and "61、62" list two.
        single = bool(rest) and not _BARE_SPLIT.search(rest.strip("、"))
        if code and single and not _one_code(rest.strip("、")) and rest[0] != "、":
            errors.append(f"代码 {code} 是“{name(code)}”，不是“{rest}”；请核对代码或名称。")
            continue
        parts = [p for p in _BARE_SPLIT.split(token) if p]
        found = [_one_code(p) or _by_name(p) for p in parts]
        if parts and all(found):
            codes.extend(found)
            continue
        bad = [p for p, c in zip(parts, found, strict=True) if not c]
        errors.append(_unknown(bad[0] if len(parts) > 1 and bad else token))
    return ordered(codes), errors


def choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped (门类 label, [(code, label), …]) for a form: the 门类 itself, then its 大类."""
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    for letter, title in _table()[0].items():
        options = [(letter, f"{letter} 整个门类：{title}")]
        options.extend((code, f"{code} {name(code)}") for code in divisions_of(letter))
        groups.append((f"{letter} {title}", options))
    return groups
