"""Reading and validating an enterprise list (.xlsx or .csv, Chinese headers).

The whole file is checked before anything is written: ``validate_file`` returns a report with
every bad row (row number as the spreadsheet shows it, the header being row 1), the column and
the reason in Chinese. Writing is ``services.import_enterprises``' job, and happens only when
the report is clean.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from zhifa.core import tabular
from zhifa.core.exports import XLSX_TYPE as XLSX_TYPE  # the import template shares it
from zhifa.core.identifiers import uscc_check_char
from zhifa.core.tabular import Column, SheetSpec, read_rows
from zhifa.core.tabular import ImportFileError as ImportFileError
from zhifa.core.tabular import RowError as RowError
from zhifa.core.tabular import read_table as read_table
from zhifa.org.models import Region
from zhifa.registry import industries, rules
from zhifa.registry.models import Enterprise

# Limits that keep one request reasonable; a bigger list is split into several files.
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000


_EXAMPLE_FIRST17 = "91330902MA2A0B1C2"
# The template's example row; importing it unchanged is reported, so it is never registered.
EXAMPLE_USCC = _EXAMPLE_FIRST17 + uscc_check_char(_EXAMPLE_FIRST17)

COLUMNS: tuple[Column, ...] = (
    Column(
        "统一社会信用代码",
        "uscc",
        True,
        "18 位，数字及除 I、O、S、V、Z 以外的大写字母；第 18 位为 GB 32100-2015 校验码",
        EXAMPLE_USCC,
    ),
    Column("企业名称", "name", True, "不超过 200 字", "舟山示例海产品有限公司"),
    Column("法定代表人", "legal_representative", False, "不超过 64 字，可空", "张三"),
    Column("住所", "address", False, "不超过 255 字，可空", "浙江省舟山市定海区示例路 1 号"),
    Column(
        "所在区划代码",
        "region",
        True,
        "6 位行政区划代码（GB/T 2260），须在导入人所在机构的辖区内",
        "330902",
    ),
    Column("行业", "industry", False, "不超过 64 字，可空", "水产品加工"),
    Column(
        "行业代码",
        "industry_code",
        False,
        "GB/T 4754-2017 大类两位代码，如 13（农副食品加工业）；只知门类时填门类字母，如 C。"
        "留空时，“行业”恰为大类或门类名称的按名称对照",
        "13",
    ),
    Column("信用风险分类", "credit_grade", True, "A、B、C、D 之一", "B"),
    Column("联系人", "contact_name", False, "送达联系人姓名；填写手机或邮箱时必填", "李四"),
    Column("联系人手机", "contact_mobile", False, "以 1 开头的 11 位数字", "13800000000"),
    Column("联系人邮箱", "contact_email", False, "电子邮箱地址", "lisi@example.com"),
    Column(
        "校验位复核说明",
        "uscc_override_reason",
        False,
        "仅当代码校验位不符、且确属登记机关赋码的真实代码时填写；"
        "导入人须为执法机关负责人或系统管理员",
        "",
    ),
)
HEADERS: tuple[str, ...] = tuple(c.header for c in COLUMNS)
REQUIRED_HEADERS: tuple[str, ...] = tuple(c.header for c in COLUMNS if c.required)
_BY_HEADER = {c.header: c for c in COLUMNS}
SHEET = SheetSpec(
    document="企业名录",
    row_noun="企业数据",
    one_per_row="每行填写一家企业",
    headers=HEADERS,
    required=REQUIRED_HEADERS,
    keys={c.header: c.key for c in COLUMNS},
    max_bytes=MAX_FILE_BYTES,
    max_rows=MAX_ROWS,
)


@dataclass
class ParsedRow:
    row: int
    uscc: str
    name: str
    legal_representative: str
    address: str
    region: str
    industry: str
    industry_code: str
    credit_grade: str
    contact_name: str
    contact_mobile: str
    contact_email: str
    uscc_override_reason: str
    override: bool = False


@dataclass
class ImportReport(tabular.ImportReport[ParsedRow]):
    pass


# --- Reading ----------------------------------------------------------------------------------


# --- Validating -------------------------------------------------------------------------------


def _chunks(values: list[str], size: int = 900) -> Iterator[list[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _registered(codes: list[str]) -> set[str]:
    found: set[str] = set()
    for chunk in _chunks(codes):
        found.update(Enterprise.objects.filter(uscc__in=chunk).values_list("uscc", flat=True))
    return found


def _regions(codes: list[str]) -> dict[str, Region]:
    found: dict[str, Region] = {}
    for chunk in _chunks(codes):
        for region in Region.objects.filter(code__in=chunk):
            found[region.code] = region
    return found


def validate_file(*, file_name: str, content: bytes, actor: Any) -> ImportReport:
    """Read and check the whole file; nothing is written."""
    report = ImportReport(file_name=file_name)
    try:
        _validate(report, content, actor)
    except ImportFileError as error:
        report.file_error = str(error)
        report.rows = []
        report.errors = []
    return report


def _validate(report: ImportReport, content: bytes, actor: Any) -> None:
    raw_rows = read_rows(report.file_name, content, SHEET)

    verdicts = [rules.check_uscc(values.get("uscc", "")) for _, values in raw_rows]
    good_codes = [v.code for v in verdicts if v.well_formed]
    registered = _registered(sorted(set(good_codes)))
    regions = _regions(sorted({values.get("region", "") for _, values in raw_rows} - {""}))
    may_override = rules.can_override(actor)

    first_row_of: dict[str, int] = {}
    errors = report.errors

    def add(number: int, key: str, value: str, message: str) -> None:
        header = next(c.header for c in COLUMNS if c.key == key)
        errors.append(RowError(number, header, value, message))

    for (number, values), verdict in zip(raw_rows, verdicts, strict=True):
        get = values.get
        uscc_raw = get("uscc", "")
        reason = get("uscc_override_reason", "")
        override = False
        if not verdict.well_formed:
            add(number, "uscc", uscc_raw, verdict.error or "")
        else:
            code = verdict.code
            if code == EXAMPLE_USCC:
                add(number, "uscc", uscc_raw, "这是导入模板中的示例行，请删除后再导入。")
            elif code in first_row_of:
                add(
                    number,
                    "uscc",
                    uscc_raw,
                    f"与第 {first_row_of[code]} 行的统一社会信用代码重复，同一代码只能登记一次。",
                )
            elif code in registered:
                add(
                    number,
                    "uscc",
                    uscc_raw,
                    f"统一社会信用代码“{code}”已在企业名录中登记，不能重复导入；"
                    "如需修改该企业信息，请在企业详情页编辑。",
                )
            first_row_of.setdefault(code, number)
            if verdict.needs_override:
                if not reason:
                    add(
                        number,
                        "uscc",
                        uscc_raw,
                        verdict.check_message(
                            may_override=may_override,
                            how="请在“校验位复核说明”列写明复核依据",
                        ),
                    )
                elif not may_override:
                    add(number, "uscc_override_reason", reason, rules.OVERRIDE_DENIED)
                else:
                    override = True

        name = get("name", "")
        if not name:
            add(number, "name", name, "请填写企业名称。")
        for key, label in (
            ("name", "企业名称"),
            ("legal_representative", "法定代表人"),
            ("address", "住所"),
            ("industry", "行业"),
            ("uscc_override_reason", "校验位复核说明"),
        ):
            message = rules.too_long_message(label, get(key, ""), rules.MAX_LENGTHS[key])
            if message:
                add(number, key, get(key, "")[:20] + "…", message)

        region_code = get("region", "")
        region = regions.get(region_code)
        if not region_code:
            add(number, "region", "", "请填写所在区划代码（6 位行政区划代码，如 330902）。")
        elif region is None:
            add(
                number,
                "region",
                region_code,
                f"行政区划代码“{region_code}”不存在，请按 GB/T 2260 行政区划代码填写，如 330902。",
            )
        elif not rules.in_jurisdiction(actor, region.code):
            add(number, "region", region_code, rules.region_outside_message(actor, region))

        grade = rules.normalise_grade(get("credit_grade", ""))
        message = rules.grade_error(grade)
        if message:
            add(number, "credit_grade", get("credit_grade", ""), message)

        industry = get("industry", "")
        industry_code, message = rules.industry_code(get("industry_code", ""), industry)
        if message:
            add(number, "industry_code", get("industry_code", ""), message)
        elif industry_code and not industry:
            industry = industries.name(industry_code)

        contact = (get("contact_name", ""), get("contact_mobile", ""), get("contact_email", ""))
        for part, message in rules.contact_errors(*contact).items():
            key = f"contact_{part}"
            add(number, key, get(key, ""), message)

        report.rows.append(
            ParsedRow(
                row=number,
                uscc=verdict.code,
                name=name,
                legal_representative=get("legal_representative", ""),
                address=get("address", ""),
                region=region_code,
                industry=industry,
                industry_code=industry_code,
                credit_grade=grade,
                contact_name=contact[0],
                contact_mobile=contact[1],
                contact_email=contact[2],
                uscc_override_reason=reason if override else "",
                override=override,
            )
        )


# --- Template ---------------------------------------------------------------------------------


def template_workbook() -> bytes:
    """The import template: the headers and one example row, and a sheet explaining them."""
    return tabular.template_workbook("企业名录", COLUMNS)
