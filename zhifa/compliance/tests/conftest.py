"""Fixtures of the compliance tests: the demo list published for 舟山市, a draft, a supervisor of
舟山市 who curates, another enterprise, and evidence storage in a temporary directory."""

from __future__ import annotations

from typing import Any

import pytest

import zhifa_testing as testing
from zhifa.compliance import search, services
from zhifa.compliance.demo import load_demo_compliance
from zhifa.compliance.models import GuidanceVersion
from zhifa.org.models import Role


def item_data(code: str = "T-01", **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": code,
        "field": "market",
        "title": "未取得食品经营许可从事餐饮服务",
        "violations": "未办理食品经营许可证即开业",
        "legal_basis_law": "《中华人民共和国食品安全法》",
        "legal_basis_article": "第三十五条",
        "legal_basis_text": "从事餐饮服务应当依法取得许可（摘要）。",
        "liability": "依照第一百二十二条处罚。",
        "advice": "开业前申请食品经营许可。",
        "industries": "餐饮业、零售业",
        "inspection_item_codes": "SJ-SP-01",
    }
    data.update(overrides)
    return data


@pytest.fixture(autouse=True)
def _fresh_index():
    """Each test starts from an index built from its own database."""
    search.invalidate()
    yield
    search.invalidate()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def fields(db):
    return {
        code: testing.field(code, name)
        for code, name in (
            ("health", "卫生健康"),
            ("market", "市场监管"),
            ("ecology", "生态环境"),
            ("emergency", "应急管理"),
        )
    }


@pytest.fixture
def demo_version(admin_user, zhoushan, fields) -> GuidanceVersion:
    return load_demo_compliance(admin_user)


@pytest.fixture
def curator(justice_bureau):
    """执法监督人员 of 舟山市司法局: curates 舟山市's list."""
    return testing.user(
        "curator", role=Role.SUPERVISOR, organisation=justice_bureau, display_name="周编制"
    )


@pytest.fixture
def draft(curator, zhoushan, fields) -> GuidanceVersion:
    return services.create_version(
        region=zhoushan,
        data={"publisher": "舟山市司法局", "label": "2026版", "title": "舟山市合规指导清单"},
        actor=curator,
    )


@pytest.fixture
def other_enterprise_user(zhoushan):
    other = testing.enterprise("舟山另一家宾馆有限公司", region=zhoushan, industry="住宿业")
    return testing.user("other_ent", role=Role.ENTERPRISE, enterprise=other, display_name="吴老板")
