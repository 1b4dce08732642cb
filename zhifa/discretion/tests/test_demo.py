from __future__ import annotations

import pytest

from zhifa import testing
from zhifa.audit.models import AuditRecord
from zhifa.discretion.conditions import parse_conditions
from zhifa.discretion.demo import demo_data, load_demo_discretion
from zhifa.discretion.models import DiscretionItem, DiscretionVersion, VersionStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_agencies(jinzhong):
    chongqing = testing.region("500000", "重庆市", "province")
    fields = {
        "晋中市市场监督管理局": ("market", "市场监管"),
        "晋中市生态环境局": ("ecology", "生态环境"),
        "晋中市应急管理局": ("emergency", "应急管理"),
        "晋中市卫生健康委员会": ("health", "卫生健康"),
    }
    for name, (code, label) in fields.items():
        testing.organisation(name, region=jinzhong, fields=[testing.field(code, label)])
    testing.organisation(
        "重庆市文化和旅游发展委员会",
        region=chongqing,
        fields=[testing.field("culture", "文化旅游")],
    )


def test_the_demo_lists_load_once_with_sources_named(demo_agencies):
    created = load_demo_discretion()
    assert created == {"versions": 5, "items": 32}
    assert load_demo_discretion() == {"versions": 0, "items": 0}
    assert AuditRecord.objects.filter(action="discretion.demo.load").count() == 1
    assert DiscretionVersion.objects.filter(status=VersionStatus.PUBLISHED).count() == 5
    assert set(DiscretionItem.objects.values_list("field__code", flat=True)) == {
        "market",
        "ecology",
        "emergency",
        "health",
        "culture",
    }
    assert set(DiscretionItem.objects.values_list("kind", flat=True)) == {
        "exempt",
        "lighter",
        "mitigated",
    }
    for item in DiscretionItem.objects.all():
        assert item.source, item.code
        assert parse_conditions(item.conditions), item.code
    for version in DiscretionVersion.objects.all():
        assert version.source_list, version.label


def test_demo_items_not_checked_word_for_word_are_marked_paraphrased():
    items = [i for v in demo_data()["versions"] for i in v["items"]]
    assert len(items) >= 30
    assert [i["code"] for i in items if not i["is_paraphrased"]] == ["QW-02"]
    assert demo_data()["source_note"].startswith("SOURCE:")


def test_missing_agencies_are_skipped(jinzhong):
    assert load_demo_discretion() == {"versions": 0, "items": 0}
    assert not AuditRecord.objects.filter(action="discretion.demo.load").exists()
