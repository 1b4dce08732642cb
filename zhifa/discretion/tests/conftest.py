"""Fixtures of the discretion tests: item data, a draft and a published version of 舟山市卫生健康
委员会's lists, and a counter of what was written."""

from __future__ import annotations

from typing import Any

import pytest

from zhifa.audit.models import AuditRecord
from zhifa.discretion import services
from zhifa.discretion.models import DiscretionItem, DiscretionVersion


def item_data(code: str = "BY-01", **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": code,
        "kind": "exempt",
        "field": "health",
        "violation_code": "GC-JKZM",
        "violation": "安排未获得有效健康合格证明的从业人员从事直接为顾客服务的工作",
        "violation_basis_law": "《公共场所卫生管理条例实施细则》",
        "violation_basis_article": "第三十八条",
        "discretion_basis_law": "《中华人民共和国行政处罚法》",
        "discretion_basis_article": "第三十三条第一款",
        "first_years": "2",
        "harm_max": "轻微",
        "correction": "责令期限内",
        "outcome": "不予行政处罚，责令改正并进行教育",
    }
    data.update(overrides)
    return data


def version_data(label: str = "舟山市卫生健康 2026版", **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "label": label,
        "issuer": "舟山市卫生健康委员会",
        "sources": "《公共场所卫生管理条例实施细则》\n演示清单",
    }
    data.update(overrides)
    return data


@pytest.fixture
def draft(health_agency, legal_reviewer) -> DiscretionVersion:
    version = services.create_version(
        organisation=health_agency, data=version_data(), actor=legal_reviewer
    )
    services.create_item(version=version, data=item_data(), actor=legal_reviewer)
    services.create_item(
        version=version,
        data=item_data(
            "CQ-01",
            kind="lighter",
            first_years="",
            harm_max="一般",
            correction="",
            circumstances="主动消除或减轻危害后果",
            discretion_basis_article="第三十二条第（一）项",
            outcome="从轻处罚",
            penalty_min="500",
            penalty_max="5000",
        ),
        actor=legal_reviewer,
    )
    return version


@pytest.fixture
def published(draft, legal_reviewer) -> DiscretionVersion:
    return services.publish_version(draft, actor=legal_reviewer)


@pytest.fixture
def counts():
    def _counts() -> dict[str, int]:
        return {
            "versions": DiscretionVersion.objects.count(),
            "items": DiscretionItem.objects.count(),
            "audit": AuditRecord.objects.count(),
        }

    return _counts
