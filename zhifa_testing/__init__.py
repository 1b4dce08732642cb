"""Test factories shared by every app's tests. They create real rows; nothing is mocked."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from zhifa.core.identifiers import id_check_char, uscc_check_char
from zhifa.org.models import (
    EnforcementField,
    Officer,
    Organisation,
    OrganisationKind,
    Region,
    RegionLevel,
    User,
)
from zhifa.registry.models import Enterprise

DEMO_PASSWORD = "zhifa-test-pass"
_counter = itertools.count(1)


def make_uscc(serial: int, region_code: str = "330900") -> str:
    """A valid USCC: 9 (工商) 1 (企业) + region + 9-character body + check character."""
    body = f"{serial:09d}"
    first17 = f"91{region_code}{body}"
    return first17 + uscc_check_char(first17)


def make_id_number(serial: int, region_code: str = "330902", birth: str = "19850312") -> str:
    first17 = f"{region_code}{birth}{serial % 1000:03d}"
    return first17 + id_check_char(first17)


def region(code: str, name: str, level: str, parent: Region | None = None) -> Region:
    obj, _ = Region.objects.get_or_create(
        code=code, defaults={"name": name, "level": level, "parent": parent}
    )
    return obj


def zhejiang_zhoushan() -> Region:
    zj = region("330000", "浙江省", RegionLevel.PROVINCE)
    return region("330900", "舟山市", RegionLevel.CITY, zj)


def shanxi_jinzhong() -> Region:
    sx = region("140000", "山西省", RegionLevel.PROVINCE)
    return region("140700", "晋中市", RegionLevel.CITY, sx)


def field(code: str = "health", name: str = "卫生健康") -> EnforcementField:
    obj, _ = EnforcementField.objects.get_or_create(code=code, defaults={"name": name})
    return obj


def organisation(
    name: str,
    *,
    region: Region,
    kind: str = OrganisationKind.AGENCY,
    doc_prefix: str = "",
    fields: list[EnforcementField] | None = None,
) -> Organisation:
    org, _ = Organisation.objects.get_or_create(
        name=name, region=region, defaults={"kind": kind, "doc_prefix": doc_prefix}
    )
    if fields:
        org.fields.add(*fields)
    return org


def user(
    username: str,
    *,
    role: str,
    organisation: Organisation | None = None,
    enterprise: Enterprise | None = None,
    display_name: str = "",
    **extra: Any,
) -> User:
    obj = User.objects.create_user(
        username=username,
        password=DEMO_PASSWORD,
        role=role,
        organisation=organisation,
        enterprise=enterprise,
        display_name=display_name or username,
        **extra,
    )
    return obj


def officer(
    name: str,
    *,
    organisation: Organisation,
    cert_no: str | None = None,
    valid_until: dt.date = dt.date(2030, 12, 31),
    fields: list[EnforcementField] | None = None,
    **extra: Any,
) -> Officer:
    serial = next(_counter)
    obj = Officer.objects.create(
        name=name,
        cert_no=cert_no or f"33090020{serial:05d}",
        id_number=make_id_number(serial),
        organisation=organisation,
        cert_valid_from=dt.date(2024, 1, 1),
        cert_valid_until=valid_until,
        **extra,
    )
    if fields:
        obj.fields.add(*fields)
    return obj


def enterprise(name: str, *, region: Region, serial: int | None = None, **extra: Any) -> Enterprise:
    serial = serial if serial is not None else next(_counter)
    return Enterprise.objects.create(
        uscc=make_uscc(serial, region.code[:6]), name=name, region=region, **extra
    )


class RecordingSMSBackend:
    """An SMS gateway that keeps what it was asked to send (``ZHIFA_SMS_BACKEND`` in tests), as
    Django's locmem mail backend keeps ``mail.outbox``. Clear ``sent`` before each test."""

    sent: list[tuple[str, str]] = []

    def send(self, mobile: str, message: str) -> None:
        RecordingSMSBackend.sent.append((mobile, message))
