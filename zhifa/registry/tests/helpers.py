"""Codes and import files for the registry tests."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook

import zhifa_testing as testing
from zhifa.core.identifiers import USCC_CHARSET
from zhifa.registry.importing import HEADERS


def code(serial: int, region: str = "330902") -> str:
    """A valid code of an enterprise (9 1) in ``region``."""
    return testing.make_uscc(serial, region)


def wrong_check(valid: str) -> str:
    """``valid`` with another, still allowed, 18th character: well formed, check fails."""
    other = USCC_CHARSET[(USCC_CHARSET.index(valid[17]) + 1) % len(USCC_CHARSET)]
    return valid[:17] + other


def row(serial: int, **overrides: str) -> dict[str, str]:
    """One good row of an import file, keyed by the Chinese headers."""
    data = {
        "统一社会信用代码": code(serial),
        "企业名称": f"舟山测试企业{serial}有限公司",
        "法定代表人": "张三",
        "住所": f"浙江省舟山市定海区测试路 {serial} 号",
        "所在区划代码": "330902",
        "行业": "水产品加工",
        "行业代码": "13",
        "信用风险分类": "B",
        "联系人": "李四",
        "联系人手机": f"138{serial:08d}",
        "联系人邮箱": f"contact{serial}@example.com",
        "校验位复核说明": "",
    }
    data.update(overrides)
    return data


def xlsx_bytes(rows: list[dict[str, object]], headers: tuple[str, ...] = HEADERS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(headers))
    for data in rows:
        sheet.append([data.get(h, "") for h in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(
    rows: list[dict[str, str]], *, encoding: str = "utf-8-sig", headers: tuple[str, ...] = HEADERS
) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for data in rows:
        writer.writerow([data.get(h, "") for h in headers])
    return buffer.getvalue().encode(encoding)
