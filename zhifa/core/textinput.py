"""What typed or imported text may hold: no control characters, no hidden direction changes.

A NUL or another control character in a name breaks every export and document that carries it
(the XML inside .xlsx and .docx cannot hold it; PostgreSQL refuses NUL outright), and the
Unicode direction overrides (U+202A–U+202E, U+2066–U+2069) make text display as something other
than what it is. Both are refused where text comes in — every form (``TextForm``), every API
request (zhifa/api.py), every spreadsheet import (zhifa/core/tabular.py) and every query string
(zhifa.web.middleware) — with a Chinese message naming the field or row. Line breaks and tabs
are allowed only in multi-line fields (a Textarea on a page).
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.forms.utils import ErrorDict

_DIRECTION = "\u202a-\u202e\u2066-\u2069"
# C0 controls except tab, line feed and carriage return; DEL and the C1 controls; lone
# surrogates (valid JSON, but no database or file encoding can store them); U+FFFE and U+FFFF.
_CONTROL = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff"
_LINE_BREAKS = "\t\n\r\u2028\u2029"
_NEVER = re.compile(f"[{_CONTROL}{_DIRECTION}]")
_NOT_ON_ONE_LINE = re.compile(f"[{_CONTROL}{_DIRECTION}{_LINE_BREAKS}]")
_DIRECTION_RE = re.compile(f"[{_DIRECTION}]")


# Fields that take several lines — on the pages those are a Textarea; in the API and in import
# files the same names. Every other text is one line.
MULTILINE_FIELDS = frozenset(
    {
        "advice",
        "answer",
        "checklist",
        "circumstances",
        "comment",
        "content",
        "description",
        "deviation_reason",
        "exemption_reason",
        "history",
        "legal_basis",
        "legal_basis_text",
        "liability",
        "note",
        "notes",
        "opinion",
        "outcome",
        "party_opinion",
        "reason",
        "requirements",
        "source_note",
        "sources",
        "special_limitation_basis",
        "standard",
        "summary",
        "text",
        "uscc_override_reason",
        "violation",
        "violations",
    }
)


class TextError(ValueError):
    """Text holding a character it may not; ``str(error)`` is the Chinese reason."""


def problem(value: str, *, multiline: bool = False) -> str:
    """Why ``value`` may not be stored (without naming the field), or "" when it may."""
    found = (_NEVER if multiline else _NOT_ON_ONE_LINE).search(value)
    if found is None:
        return ""
    char = found.group()
    where = f"第 {found.start() + 1} 个字符，U+{ord(char):04X}"
    if _DIRECTION_RE.match(char):
        return (
            f"含有改变文字显示方向的控制字符（{where}），会使文字显示得与实际内容不同，"
            "请删除后重新填写。"
        )
    if char in _LINE_BREAKS:
        return "不能换行或含制表符，请写在一行内。"
    return f"含有不可见的控制字符（{where}），请删除后重新填写。"


def check(value: str, *, label: str, multiline: bool = False) -> str:
    """``value`` unchanged, or TextError naming ``label``."""
    reason = problem(value, multiline=multiline)
    if reason:
        raise TextError(f"{label}：{reason}")
    return value


def first_problem(
    value: Any,
    *,
    label: str,
    multiline: bool = False,
    multiline_keys: frozenset[str] = frozenset(),
) -> tuple[str, str] | None:
    """(where, message) of the first bad string inside ``value``: a str, or lists and dicts of
    them, keys included. ``where`` extends ``label`` by keys and list positions; the strings
    under a key in ``multiline_keys`` may hold line breaks."""
    if isinstance(value, str):
        reason = problem(value, multiline=multiline)
        return (label, f"{label}：{reason}") if reason else None
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{label}.{key}" if label else str(key)
            found = first_problem(str(key), label=where) or first_problem(
                item,
                label=where,
                multiline=multiline or key in multiline_keys,
                multiline_keys=multiline_keys,
            )
            if found:
                return found
    elif isinstance(value, list | tuple | set | frozenset):
        for index, item in enumerate(value):
            found = first_problem(
                item,
                label=f"{label}.{index}",
                multiline=multiline,
                multiline_keys=multiline_keys,
            )
            if found:
                return found
    return None


class CleanTextMixin:
    """Every field of the form refuses control characters and direction overrides, naming the
    field; only a Textarea may hold line breaks and tabs. The submitted values are checked before
    any field is cleaned: a choice field would otherwise look a NUL up in the database, which
    PostgreSQL answers with an error. While any value is refused, only those errors are shown."""

    fields: dict[str, forms.Field]

    def refused_values(self) -> dict[str, str]:
        form: Any = self
        refused: dict[str, str] = {}
        for name, field in self.fields.items():
            if field.disabled:
                continue
            raw = form[name].data
            text = isinstance(field, forms.CharField)
            strip = text and bool(getattr(field, "strip", False))
            # Line breaks in a date or a choice are for the field itself to refuse.
            multiline = not text or isinstance(field.widget, forms.Textarea)
            for value in raw if isinstance(raw, list | tuple) else [raw]:
                if not isinstance(value, str):
                    continue
                reason = problem(value.strip() if strip else value, multiline=multiline)
                if reason:
                    refused[name] = f"{field.label or name}：{reason}"
                    break
        return refused

    def full_clean(self) -> None:
        form: Any = self
        refused = self.refused_values() if form.is_bound else {}
        if not refused:
            super().full_clean()  # type: ignore[misc]
            return
        form._errors = ErrorDict(renderer=form.renderer)
        form.cleaned_data = {}
        for name, message in refused.items():
            form.add_error(name, message)


class TextForm(CleanTextMixin, forms.Form):
    """The base of every form of the project."""


class TextModelForm(CleanTextMixin, forms.ModelForm):  # type: ignore[type-arg]
    """The base of every model form of the project (admin included)."""
