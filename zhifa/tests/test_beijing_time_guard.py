"""A guard over the source: no module formats an instant's clock or day but ``zhifa.core.timefmt``.

An aware datetime read from the database is in UTC; formatting its hour, minute or date directly
prints UTC (a 13:37 visit as "5时37分", a 07:30 morning as yesterday). This scan fails on each
way of doing that, naming the file and line, so that the fix is to call ``zhifa.core.timefmt``.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

import zhifa

ROOT = Path(zhifa.__file__).parent
HELPER = ROOT / "core" / "timefmt.py"

# String constants that carry a clock format, each with why it does not format an instant.
ALLOWED_CLOCK_FORMATS = {
    # The <input type="time"> / "datetime-local" widgets and the formats their values are parsed
    # with: Django's form fields convert an aware initial value to the current time zone
    # (pinned to Asia/Shanghai, see the last test) before the widget formats it, and parse input
    # as Beijing wall-clock time.
    ("inspections/forms.py", "%H:%M"),
    ("inspections/forms.py", "%Y-%m-%dT%H:%M"),
    ("inspections/forms.py", "%Y-%m-%d %H:%M"),
    ("inspections/forms.py", "%Y-%m-%d %H:%M:%S"),
}
# strftime directives of the clock (``{%p`` opens a docxtpl paragraph tag, not a directive).
CLOCK_DIRECTIVE = re.compile(r"(?<!\{)%[HIMSpXcTR]")
# DateTimeFields are named ``*_at`` throughout the house; dates are ``*_on``, ``*_date``.
INSTANT_NAMES = ("now", "moment")


@dataclass(frozen=True)
class Finding:
    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


def _modules() -> list[Path]:
    return sorted(
        path
        for path in ROOT.rglob("*.py")
        if path != HELPER
        and "tests" not in path.relative_to(ROOT).parts
        and "migrations" not in path.relative_to(ROOT).parts
        and path.name != "conftest.py"
    )


def _name_of(node: ast.expr) -> str:
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return ""


def _is_instant_name(name: str) -> bool:
    return name.endswith("_at") or name in INSTANT_NAMES


class _Scanner(ast.NodeVisitor):
    def __init__(self, relative: str) -> None:
        self.relative = relative
        self.findings: list[Finding] = []

    def _add(self, node: ast.AST, what: str) -> None:
        self.findings.append(Finding(f"zhifa/{self.relative}:{getattr(node, 'lineno', 0)}", what))

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if node.attr in ("hour", "minute") and isinstance(node.ctx, ast.Load):
            self._add(node, f"读取 .{node.attr}：钟点请用 zhifa.core.timefmt 格式化")
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Attribute):
            if func.attr == "strftime":
                self._add(node, "strftime：请用 zhifa.core.timefmt")
            if func.attr in ("date", "time", "timetz") and not node.args and not node.keywords:
                self._add(node, f".{func.attr}() 取的是 UTC 的日期/钟点：请用 timefmt.beijing_date")
            if func.attr in ("localtime", "activate", "override") and _name_of(func.value) == (
                "timezone"
            ):
                self._add(node, f"timezone.{func.attr}：请用 zhifa.core.timefmt（固定为北京时间）")
        elif isinstance(func, ast.Name) and func.id == "localtime":
            self._add(node, "localtime：请用 zhifa.core.timefmt")
        elif isinstance(func, ast.Name) and func.id == "str" and len(node.args) == 1:
            name = _name_of(node.args[0])
            if _is_instant_name(name):
                self._add(node, f"str() 直接输出时间 {name}：请用 zhifa.core.timefmt")
        self.generic_visit(node)

    def visit_FormattedValue(self, node: ast.FormattedValue) -> None:
        name = _name_of(node.value)
        if _is_instant_name(name):
            self._add(node, f"f-string 直接输出时间 {name}：请用 zhifa.core.timefmt")
        spec = node.format_spec
        if isinstance(spec, ast.JoinedStr):
            text = "".join(part.value for part in spec.values if isinstance(part, ast.Constant))
            if CLOCK_DIRECTIVE.search(text):
                self._add(node, f"f-string 钟点格式 {text}：请用 zhifa.core.timefmt")
        # The spec was judged above; only the formatted expression is scanned further.
        self.visit(node.value)

    def visit_Constant(self, node: ast.Constant) -> None:
        if (
            isinstance(node.value, str)
            and CLOCK_DIRECTIVE.search(node.value)
            and (self.relative, node.value) not in ALLOWED_CLOCK_FORMATS
        ):
            self._add(node, f"钟点格式串 {node.value!r}：请用 zhifa.core.timefmt")
        self.generic_visit(node)


def scan(path: Path) -> list[Finding]:
    relative = path.relative_to(ROOT).as_posix()
    scanner = _Scanner(relative)
    scanner.visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
    return scanner.findings


def test_no_module_formats_an_instant_without_converting_it_to_beijing_time():
    findings = [str(f) for path in _modules() for f in scan(path)]

    assert findings == []


def test_the_scan_catches_each_way_of_printing_utc():
    source = (
        "def f(case, moment, slot, today):\n"
        "    a = f'{moment.hour}时{moment.minute:02d}分'\n"
        "    b = f'{slot.starts_at:%Y-%m-%d %H:%M}'\n"
        "    c = case.started_at.date()\n"
        "    d = slot.starts_at.strftime('%Y')\n"
        "    e = f'已于 {case.published_at:%Y-%m-%d} 公示'\n"
        "    g = f'{today:%Y-%m-%d}' + str(case.inspection_date)\n"
        "    h = str(slot.ends_at)\n"
        "    return timezone.localtime(moment)\n"
    )
    scanner = _Scanner("inspections/sample.py")
    scanner.visit(ast.parse(source))

    assert [str(f) for f in scanner.findings] == [
        "zhifa/inspections/sample.py:2: 读取 .hour：钟点请用 zhifa.core.timefmt 格式化",
        "zhifa/inspections/sample.py:2: 读取 .minute：钟点请用 zhifa.core.timefmt 格式化",
        "zhifa/inspections/sample.py:3: f-string 直接输出时间 starts_at：请用 zhifa.core.timefmt",
        (
            "zhifa/inspections/sample.py:3: f-string 钟点格式 %Y-%m-%d %H:%M："
            "请用 zhifa.core.timefmt"
        ),
        "zhifa/inspections/sample.py:4: .date() 取的是 UTC 的日期/钟点：请用 timefmt.beijing_date",
        "zhifa/inspections/sample.py:5: strftime：请用 zhifa.core.timefmt",
        (
            "zhifa/inspections/sample.py:6: f-string 直接输出时间 published_at："
            "请用 zhifa.core.timefmt"
        ),
        "zhifa/inspections/sample.py:8: str() 直接输出时间 ends_at：请用 zhifa.core.timefmt",
        (
            "zhifa/inspections/sample.py:9: timezone.localtime："
            "请用 zhifa.core.timefmt（固定为北京时间）"
        ),
    ]


def test_the_current_time_zone_of_pages_is_beijing():
    """Templates localise aware datetimes to the current time zone; nothing may change it (the
    scan above refuses ``timezone.activate``/``override``), so it must be Beijing's."""
    assert (settings.TIME_ZONE, settings.USE_TZ) == ("Asia/Shanghai", True)
