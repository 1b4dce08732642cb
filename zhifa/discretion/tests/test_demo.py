from __future__ import annotations

import pytest

import zhifa_testing as testing
from zhifa.audit.models import AuditRecord
from zhifa.discretion.conditions import parse_conditions
from zhifa.discretion.demo import demo_data, load_demo_discretion
from zhifa.discretion.models import DiscretionItem, DiscretionVersion, VersionStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_agencies(jinzhong, zhoushan):
    chongqing = testing.region("500000", "重庆市", "province")
    qingshan = testing.region("150204", "青山区", "district")
    agencies = {
        "晋中市市场监督管理局": (jinzhong, "market", "市场监管"),
        "晋中市生态环境局": (jinzhong, "ecology", "生态环境"),
        "晋中市应急管理局": (jinzhong, "emergency", "应急管理"),
        "晋中市卫生健康委员会": (jinzhong, "health", "卫生健康"),
        "重庆市文化和旅游发展委员会": (chongqing, "culture", "文化旅游"),
        "舟山市交通运输局": (zhoushan, "transport", "交通运输"),
        "晋中市农业农村局": (jinzhong, "agriculture", "农业农村"),
        "包头市青山区城市管理综合执法局": (qingshan, "urban", "城市管理"),
    }
    for name, (region, code, label) in agencies.items():
        testing.organisation(name, region=region, fields=[testing.field(code, label)])


def test_the_demo_lists_load_once_with_sources_named(demo_agencies):
    created = load_demo_discretion()
    assert created == {"versions": 8, "items": 45}
    assert load_demo_discretion() == {"versions": 0, "items": 0}
    assert AuditRecord.objects.filter(action="discretion.demo.load").count() == 1
    assert DiscretionVersion.objects.filter(status=VersionStatus.PUBLISHED).count() == 8
    assert set(DiscretionItem.objects.values_list("field__code", flat=True)) == {
        "market",
        "ecology",
        "emergency",
        "health",
        "culture",
        "transport",
        "agriculture",
        "urban",
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


def test_at_least_thirty_demo_items_come_from_published_lists_and_the_rest_say_so():
    items = [i for v in demo_data()["versions"] for i in v["items"]]
    written = [i["code"] for i in items if i["source"].startswith("按定义编写")]
    checked = [(i["code"], i["source"]) for i in items if not i["is_paraphrased"]]

    assert len(items) - len(written) >= 30
    assert written == ["JQ-01", "CQ-01", "JQ-01"]
    assert len(checked) == 26
    # A word-for-word check names the reproduction (or the law text) it was made against.
    assert all("http" in source or "LawRefBook" in source for _, source in checked)
    assert demo_data()["source_note"].startswith("SOURCE:")


def test_missing_agencies_are_skipped(jinzhong):
    assert load_demo_discretion() == {"versions": 0, "items": 0}
    assert not AuditRecord.objects.filter(action="discretion.demo.load").exists()
