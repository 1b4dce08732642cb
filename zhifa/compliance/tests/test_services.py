"""Drafting, publishing and superseding guidance versions through the services."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from zhifa.audit.models import AuditRecord
from zhifa.compliance import services
from zhifa.compliance.models import GuidanceItem, GuidanceVersion, VersionStatus
from zhifa.compliance.tests.conftest import item_data


def test_a_curator_creates_a_draft_with_an_audit_record(draft, curator):
    assert draft.status == VersionStatus.DRAFT
    record = AuditRecord.objects.get(action="compliance.version.create")
    assert record.object_id == str(draft.pk)
    assert record.region_id == "330900"
    assert record.summary == "新建合规指导清单“舟山市合规指导清单（2026版）”草稿"


def test_an_inspector_may_not_create_a_version(inspector, zhoushan, fields):
    with pytest.raises(PermissionDenied):
        services.create_version(
            region=zhoushan,
            data={"publisher": "舟山市卫健委", "label": "2026版", "title": "清单"},
            actor=inspector,
        )
    assert GuidanceVersion.objects.count() == 0
    assert AuditRecord.objects.count() == 0


def test_a_curator_of_another_region_is_refused(outsider, jinzhong, zhoushan, fields):
    import zhifa_testing as testing
    from zhifa.org.models import OrganisationKind, Role

    bureau = testing.organisation("晋中市司法局", region=jinzhong, kind=OrganisationKind.SUPERVISOR)
    stranger = testing.user("jz_sup", role=Role.SUPERVISOR, organisation=bureau)
    with pytest.raises(PermissionDenied, match="本区划内"):
        services.create_version(
            region=zhoushan,
            data={"publisher": "舟山市司法局", "label": "2026版", "title": "清单"},
            actor=stranger,
        )
    assert GuidanceVersion.objects.count() == 0


def test_adding_an_item_records_it(draft, curator):
    item = services.add_item(draft, data=item_data(), actor=curator)
    assert item.position == 1
    assert item.industries == ["餐饮业", "零售业"]
    assert item.inspection_item_codes == ["SJ-SP-01"]
    assert item.field.code == "market"
    record = AuditRecord.objects.get(action="compliance.item.create")
    assert record.after["code"] == "T-01"
    assert record.after["field"] == "market"


def test_an_item_with_missing_fields_is_refused_naming_them(draft, curator):
    with pytest.raises(ValidationError) as caught:
        services.add_item(draft, data=item_data(title="", field="nope"), actor=curator)
    assert caught.value.message_dict["title"] == ["请填写合规事项。"]
    assert caught.value.message_dict["field"][0].startswith("执法领域：请选择")
    assert GuidanceItem.objects.count() == 0


def test_publishing_an_empty_draft_is_refused_and_changes_nothing(draft, curator):
    count = AuditRecord.objects.count()
    with pytest.raises(ValidationError, match="还没有任何条目"):
        services.publish_version(draft, actor=curator)
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT
    assert draft.published_at is None
    assert AuditRecord.objects.count() == count


def test_publishing_supersedes_the_previous_version_of_the_same_publisher(
    demo_version, curator, zhoushan
):
    new = services.create_version(
        region=zhoushan,
        data={"publisher": demo_version.publisher, "label": "2026版", "title": "新版清单"},
        actor=curator,
    )
    services.add_item(new, data=item_data(), actor=curator)
    services.publish_version(new, actor=curator)
    demo_version.refresh_from_db()
    new.refresh_from_db()
    assert new.status == VersionStatus.PUBLISHED
    assert new.published_by == curator
    assert demo_version.status == VersionStatus.SUPERSEDED
    assert demo_version.superseded_at == new.published_at
    record = AuditRecord.objects.filter(action="compliance.version.publish").latest("seq")
    assert record.after["superseded"] == [demo_version.pk]
    assert record.summary == "公布合规指导清单“新版清单（2026版）”，替代2025版"


def test_a_published_version_cannot_be_edited_or_published_again(demo_version, curator):
    item = demo_version.items.get(code="HG-SP-01")
    count = AuditRecord.objects.count()
    with pytest.raises(ValidationError, match="当前状态为“已公布”，不能修改条目"):
        services.update_item(item, data={"title": "改过的标题"}, actor=curator)
    with pytest.raises(ValidationError, match="当前状态为“已公布”，不能公布"):
        services.publish_version(demo_version, actor=curator)
    with pytest.raises(ValidationError, match="不能添加条目"):
        services.add_item(demo_version, data=item_data("NEW-1"), actor=curator)
    item.refresh_from_db()
    assert item.title == "未取得食品经营许可从事餐饮服务或食品销售"
    assert demo_version.items.count() == 108
    assert AuditRecord.objects.count() == count


def test_updating_an_item_in_a_draft_records_before_and_after(draft, curator):
    item = services.add_item(draft, data=item_data(), actor=curator)
    services.update_item(item, data={"advice": "先办证再开业。"}, actor=curator)
    item.refresh_from_db()
    assert item.advice == "先办证再开业。"
    record = AuditRecord.objects.get(action="compliance.item.update")
    assert record.before["advice"] == "开业前申请食品经营许可。"
    assert record.after["advice"] == "先办证再开业。"
    assert record.summary == "修改合规指导条目 T-01 的合规建议"


def test_the_demo_list_has_more_than_sixty_items_in_eight_fields(demo_version):
    assert demo_version.status == VersionStatus.PUBLISHED
    assert demo_version.label == "2025版"
    assert demo_version.region_id == "330900"
    fields = set(demo_version.items.values_list("field__code", flat=True))
    assert fields == {
        "health",
        "market",
        "ecology",
        "emergency",
        "transport",
        "agriculture",
        "urban",
        "culture",
    }
    assert demo_version.items.count() == 108


def test_loading_the_demo_twice_changes_nothing(demo_version, admin_user):
    from zhifa.compliance.demo import load_demo_compliance

    count = AuditRecord.objects.count()
    again = load_demo_compliance(admin_user)
    assert again.pk == demo_version.pk
    assert GuidanceVersion.objects.count() == 1
    assert AuditRecord.objects.count() == count


def test_a_list_citing_a_repealed_law_is_not_published_and_nothing_changes(draft, curator):
    services.add_item(draft, data=item_data(), actor=curator)
    services.add_item(
        draft,
        data=item_data(
            "T-02", field="ecology", legal_basis_law="《中华人民共和国固体废物污染环境防治法》"
        ),
        actor=curator,
    )
    count = AuditRecord.objects.count()
    with time_machine.travel(dt.date(2026, 11, 27)), pytest.raises(ValidationError) as refused:
        services.publish_version(draft, actor=curator)

    assert refused.value.messages[1] == (
        "条目 T-02：《中华人民共和国固体废物污染环境防治法》已于2026年8月15日废止"
        "（《中华人民共和国生态环境法典》第一千二百四十二条），请改引《中华人民共和国生态环境法典》"
    )
    assert len(refused.value.messages) == 2
    draft.refresh_from_db()
    assert (draft.status, draft.published_at) == (VersionStatus.DRAFT, None)
    assert AuditRecord.objects.count() == count
