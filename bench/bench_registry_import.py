"""Benchmark of the enterprise import: N rows from an .xlsx file, validated and written.

    .venv/bin/python bench/bench_registry_import.py --rows 10000 --runs 3

It generates the file in a temporary directory and points ZHIFA_VAR_DIR there, so the default
SQLite database is a throwaway one and the development database is never touched; with
ZHIFA_DATABASE_URL set it uses (and migrates) that database instead, deleting the imported
enterprises between runs. Each run times the whole ``import_enterprises`` call (reading,
validating every row, one transaction of bulk inserts and the one audit record) and, separately,
validation alone. It prints the median seconds and rows per second.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
COUNTIES = ["330902", "330903", "330921", "330922"]


def _bootstrap(var_dir: Path) -> None:
    os.environ["ZHIFA_VAR_DIR"] = str(var_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhifa.settings")
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _actor() -> Any:
    """An approver of a 舟山 agency (approvers may also import reviewed overrides)."""
    from zhifa.org.models import Organisation, OrganisationKind, Region, RegionLevel, Role, User

    province, _ = Region.objects.get_or_create(
        code="330000", defaults={"name": "浙江省", "level": RegionLevel.PROVINCE}
    )
    city, _ = Region.objects.get_or_create(
        code="330900", defaults={"name": "舟山市", "level": RegionLevel.CITY, "parent": province}
    )
    names = {"330902": "定海区", "330903": "普陀区", "330921": "岱山县", "330922": "嵊泗县"}
    for code, name in names.items():
        Region.objects.get_or_create(
            code=code, defaults={"name": name, "level": RegionLevel.COUNTY, "parent": city}
        )
    agency, _ = Organisation.objects.get_or_create(
        name="舟山市市场监督管理局（基准测试）",
        region=city,
        defaults={"kind": OrganisationKind.AGENCY},
    )
    user, _ = User.objects.get_or_create(
        username="bench-approver",
        defaults={"role": Role.APPROVER, "organisation": agency, "display_name": "基准测试"},
    )
    return user


def _workbook(rows: int, path: Path) -> bytes:
    """``rows`` enterprises; every 100th has a failing check character and a review note.

    Written as a regular workbook, which records its size (<dimension>) as Excel does; a
    streamed one lacks it and costs the reader an extra pass over the sheet.
    """
    from openpyxl import Workbook

    from zhifa.core.identifiers import USCC_CHARSET, uscc_check_char
    from zhifa.registry.importing import HEADERS

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "企业名录"
    sheet.append(list(HEADERS))
    grades = "ABCD"
    # 行业 with its GB/T 4754-2017 code (大类, or the 门类 letter where the text is that broad).
    industries = (("水产品加工", "13"), ("餐饮业", "62"), ("批发业", "51"), ("物流", "G"))
    for n in range(1, rows + 1):
        industry, industry_code = industries[n % 4]
        county = COUNTIES[n % len(COUNTIES)]
        first17 = f"91{county}{n:09d}"
        check = uscc_check_char(first17)
        note = ""
        if n % 100 == 0:
            check = USCC_CHARSET[(USCC_CHARSET.index(check) + 1) % len(USCC_CHARSET)]
            note = "已核对营业执照原件"
        sheet.append(
            [
                first17 + check,
                f"舟山基准测试企业{n}有限公司",
                f"法人{n % 997}",
                f"浙江省舟山市基准路 {n} 号",
                county,
                industry,
                industry_code,
                grades[n % 4],
                f"联系人{n % 991}",
                f"13{n:09d}",
                f"contact{n}@example.com",
                note,
            ]
        )
    workbook.save(path)
    return path.read_bytes()


def _clear() -> None:
    from zhifa.registry.models import Enterprise, EnterpriseImport

    Enterprise.objects.all().delete()  # contacts go with them
    EnterpriseImport.objects.all().delete()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="企业名录导入基准测试")
    parser.add_argument("--rows", type=int, default=10_000, help="企业行数（默认 10000）")
    parser.add_argument("--runs", type=int, default=3, help="重复次数，取中位数（默认 3）")
    args = parser.parse_args(argv)
    if args.rows < 1 or args.runs < 1:
        parser.error("--rows 和 --runs 须为正整数")

    tmp = Path(tempfile.mkdtemp(prefix="zhifa-bench-"))
    try:
        _bootstrap(tmp / "var")
        from django.db import connection

        from zhifa.audit.sm3 import SM3_IMPLEMENTATION
        from zhifa.registry.importing import validate_file
        from zhifa.registry.services import import_enterprises

        actor = _actor()
        started = time.perf_counter()
        content = _workbook(args.rows, tmp / "enterprises.xlsx")
        print(
            f"generated {args.rows} rows ({len(content) / 1024:.0f} KiB) in "
            f"{time.perf_counter() - started:.2f} s; database {connection.vendor}; "
            f"SM3 {SM3_IMPLEMENTATION}"
        )
        totals: list[float] = []
        validations: list[float] = []
        for run in range(1, args.runs + 1):
            _clear()
            started = time.perf_counter()
            report = validate_file(file_name="enterprises.xlsx", content=content, actor=actor)
            validations.append(time.perf_counter() - started)
            if not report.ok:
                print("validation failed:", report.file_error or report.errors[:5])
                return 1
            started = time.perf_counter()
            outcome = import_enterprises(file_name="enterprises.xlsx", content=content, actor=actor)
            totals.append(time.perf_counter() - started)
            if outcome.created != args.rows:
                print(f"run {run}: imported {outcome.created}, expected {args.rows}")
                return 1
            print(
                f"run {run}: validate {validations[-1]:.2f} s; validate+import {totals[-1]:.2f} s"
            )
        _clear()
        median = statistics.median(totals)
        print(
            f"rows={args.rows} runs={args.runs} median validate+import {median:.2f} s "
            f"({args.rows / median:,.0f} rows/s); median validate only "
            f"{statistics.median(validations):.2f} s"
        )
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
