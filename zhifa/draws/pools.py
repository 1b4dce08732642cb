"""Freezing a draw's pools: the canonical files whose SM3 is published at announcement.

The enterprise pool is read one credit-grade stratum at a time, as one string the database
builds from the registry's covering index, and written straight to the file while it is
hashed, so a provincial pool of millions never becomes model objects or a row per enterprise.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import overload

from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection

from zhifa.audit.sm3 import SM3Stream, sm3_hex
from zhifa.draws.record import stratum_pool_bytes
from zhifa.org.models import Officer
from zhifa.registry.models import CreditGrade, Enterprise


@dataclass(frozen=True)
class StratumSpec:
    """Which enterprises fall in a stratum: one credit grade, or every grade when blank."""

    code: str
    credit_grade: str


@dataclass
class StratumPool:
    code: str
    size: int = 0
    sm3: str = ""


@dataclass
class EnterprisePool:
    path: str
    size: int
    sm3: str
    strata: dict[str, StratumPool] = field(default_factory=dict)


def _grade_codes(
    region_prefix: str, industry_codes: Collection[str] | None, grades: Sequence[str]
) -> list[str]:
    """统一社会信用代码 of the given grades in code-point order, of enterprises whose 行业代码 is
    one of ``industry_codes`` (every enterprise when None).

    The database concatenates the codes of an ordered subquery (over the registry's
    (credit_grade, uscc, region, industry_code) index) into one string, which crosses the wire
    as one value instead of a row per enterprise. Aggregate order follows the subquery in SQLite and
    PostgreSQL but no standard promises it, nor that a database collation orders codes by code
    point, so the order is checked here and restored if it ever differs.
    """
    queryset = Enterprise.objects.filter(
        region__pk__startswith=region_prefix, credit_grade__in=list(grades)
    )
    if industry_codes is not None:
        queryset = queryset.filter(industry_code__in=sorted(industry_codes))
    inner, params = queryset.order_by("uscc").values_list("uscc").query.sql_with_params()
    if connection.vendor == "postgresql":
        sql = f"SELECT string_agg(pool.uscc, E'\\n') FROM ({inner}) AS pool"
    else:
        sql = f"SELECT group_concat(pool.uscc, char(10)) FROM ({inner}) AS pool"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    text = row[0] if row else None
    if not text:
        return []
    codes: list[str] = text.split("\n")
    ordered = sorted(codes)
    return codes if codes == ordered else ordered


def freeze_strata_pool(
    *,
    name: str,
    region_prefix: str,
    industry_codes: Collection[str] | None,
    strata: Sequence[StratumSpec],
    excluded: Collection[str] = (),
) -> EnterprisePool:
    """Write the canonical pool file: each stratum's codes in code order, strata in code order.

    Every line is one 统一社会信用代码 and a newline. A stratum's block is its own pool, so its
    SM3 lets it be re-drawn alone; the SM3 of the whole file is the pool hash announced.
    """
    claimed = {s.credit_grade for s in strata if s.credit_grade}
    whole = SM3Stream()
    summaries: dict[str, StratumPool] = {}
    handle, tmp_path = tempfile.mkstemp(prefix="zhifa-pool-", suffix=".txt")
    try:
        with os.fdopen(handle, "wb") as out:
            for spec in sorted(strata, key=lambda s: s.code):
                grades = (
                    [spec.credit_grade]
                    if spec.credit_grade
                    else [g for g in CreditGrade.values if g not in claimed]
                )
                codes = _grade_codes(region_prefix, industry_codes, grades)
                if excluded:
                    codes = [c for c in codes if c not in excluded]
                data = ("\n".join(codes) + "\n").encode("utf-8") if codes else b""
                out.write(data)
                whole.update(data)
                summaries[spec.code] = StratumPool(
                    code=spec.code, size=len(codes), sm3=sm3_hex(data)
                )
        with open(tmp_path, "rb") as f:
            saved = default_storage.save(name, File(f, name=os.path.basename(name)))
    finally:
        os.unlink(tmp_path)
    return EnterprisePool(
        path=saved,
        size=sum(p.size for p in summaries.values()),
        sm3=whole.hexdigest(),
        strata=summaries,
    )


class PoolBlock(Sequence[str]):
    """One stratum's lines of a frozen pool file, indexed without splitting the whole file."""

    def __init__(self, data: bytes, start: int, size: int, width: int | None) -> None:
        self._data = data
        self._start = start
        self._size = size
        self._width = width
        self._lines: list[str] | None = None

    def __len__(self) -> int:
        return self._size

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> list[str]: ...
    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._size))]
        if index < 0:
            index += self._size
        if not 0 <= index < self._size:
            raise IndexError(index)
        if self._width is not None:
            at = self._start + index * self._width
            return self._data[at : at + self._width - 1].decode("utf-8")
        if self._lines is None:
            self._lines = self._data.decode("utf-8").split("\n")
        return self._lines[self._start + index]


def open_pool(data: bytes, strata: Sequence[tuple[str, int]]) -> dict[str, PoolBlock]:
    """code → that stratum's lines, for a pool file whose strata have the given sizes in order.

    Codes of one length (every valid 统一社会信用代码 has 18 characters) make the file
    fixed-width, and then a line is found by arithmetic; otherwise the file is split once.
    """
    total = sum(size for _, size in strata)
    width = len(data) // total if total and len(data) % total == 0 else 0
    fixed = width > 1 and data[width - 1 :: width] == b"\n" * total
    blocks: dict[str, PoolBlock] = {}
    offset = 0
    for code, size in strata:
        if fixed:
            blocks[code] = PoolBlock(data, offset * width, size, width)
        else:
            blocks[code] = PoolBlock(data, offset, size, None)
        offset += size
    return blocks


@dataclass
class OfficerPool:
    path: str
    size: int
    sm3: str
    cert_nos: list[str]


def eligible_officers(organisation_id: int, field_id: int, on: dt.date) -> list[Officer]:
    """Officers of the agency and field whose 执法证 is valid on ``on``, in 执法证号 order."""
    officers = (
        Officer.objects.filter(organisation_id=organisation_id, fields__pk=field_id)
        .order_by("cert_no")
        .distinct()
    )
    return [o for o in officers if o.is_eligible(on)]


def freeze_officer_pool(*, name: str, officers: Sequence[Officer]) -> OfficerPool:
    cert_nos = sorted(o.cert_no for o in officers)
    data = stratum_pool_bytes(cert_nos)
    saved = default_storage.save(name, ContentFile(data, name=os.path.basename(name)))
    return OfficerPool(path=saved, size=len(cert_nos), sm3=sm3_hex(data), cert_nos=cert_nos)


def read_pool(path: str) -> bytes:
    with default_storage.open(path, "rb") as f:
        data: bytes = f.read()
    return data
