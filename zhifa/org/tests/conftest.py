"""Fixtures of the org tests: officers of the personas' agencies."""

from __future__ import annotations

import datetime as dt

import pytest

import zhifa_testing as testing
from zhifa.audit.models import AuditRecord
from zhifa.org.models import Officer


@pytest.fixture
def health_officer(health_agency):
    """周执法 of 舟山市卫生健康委员会, certificate valid 2024-01-01 … 2030-12-31."""
    return testing.officer(
        "周执法",
        organisation=health_agency,
        cert_no="330900200001",
        fields=[testing.field()],
    )


@pytest.fixture
def jinzhong_officer(jinzhong_market_agency):
    """郑市监 of 晋中市市场监督管理局: outside every 舟山 persona's scope."""
    return testing.officer(
        "郑市监",
        organisation=jinzhong_market_agency,
        cert_no="140700300001",
        fields=[testing.field("market", "市场监管")],
    )


@pytest.fixture
def counts():
    """``counts()`` → (officers, audit records), to prove a denied write changed nothing."""

    def _counts() -> tuple[int, int]:
        return Officer.objects.count(), AuditRecord.objects.count()

    return _counts


FAR_PAST = dt.date(2024, 6, 30)
FAR_FUTURE = dt.date(2099, 1, 1)
