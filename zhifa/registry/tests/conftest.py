"""Fixtures of the registry tests: regions and counters of what was written."""

from __future__ import annotations

import pytest

import zhifa_testing as testing
from zhifa.audit.models import AuditRecord
from zhifa.org.models import RegionLevel
from zhifa.registry.models import Contact, Enterprise


@pytest.fixture
def dinghai(zhoushan):
    """舟山市定海区 (330902), inside every 舟山 persona's jurisdiction."""
    return testing.region("330902", "定海区", RegionLevel.COUNTY, zhoushan)


@pytest.fixture
def putuo(zhoushan):
    return testing.region("330903", "普陀区", RegionLevel.COUNTY, zhoushan)


@pytest.fixture
def yuci(jinzhong):
    """晋中市榆次区 (140702): outside 舟山."""
    return testing.region("140702", "榆次区", RegionLevel.COUNTY, jinzhong)


@pytest.fixture
def counts():
    """``counts()`` → (enterprises, contacts, audit records), to prove what was written."""

    def _counts() -> tuple[int, int, int]:
        return Enterprise.objects.count(), Contact.objects.count(), AuditRecord.objects.count()

    return _counts
