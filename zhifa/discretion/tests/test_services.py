from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

import zhifa_testing as testing
from zhifa.audit.models import AuditRecord
from zhifa.audit.services import verify_chain
from zhifa.discretion import engine, selectors, services
from zhifa.discretion.conditions import HarmLevel
from zhifa.discretion.models import DiscretionItem, VersionStatus
from zhifa.discretion.tests.conftest import item_data, version_data
from zhifa.org.models import Role
from zhifa.workdays.services import load_year_from_package

pytestmark = pytest.mark.django_db


def test_a_legal_reviewer_drafts_items_with_structured_conditions_and_audit(draft, legal_reviewer):
    item = draft.items.get(code="BY-01")
    assert item.conditions == [
        {"kind": "first_violation", "years": 2},
        {"kind": "harm_at_most", "level": "minor"},
        {"kind": "corrected_within", "days": None, "working_days": True},
    ]
    assert item.condition_texts() == [
        "首次违法（近2年内无同类违法记录）",
        "危害后果不超过“轻微”",
        "在责令改正期限内改正",
    ]
    lighter = draft.items.get(code="CQ-01")
    assert lighter.penalty_min == Decimal("500")
    assert lighter.penalty_summary == "罚款 500 元以上 5000 元以下"
    assert list(
        AuditRecord.objects.filter(object_type__startswith="discretion")
        .order_by("seq")
        .values_list("action", flat=True)
    ) == ["discretion.version.create", "discretion.item.create", "discretion.item.create"]
    record = AuditRecord.objects.filter(action="discretion.item.create").first()
    assert record is not None
    assert record.actor == legal_reviewer
    assert record.region_id == "330900"
    assert verify_chain().ok


def test_bad_item_values_are_refused_naming_each_field(draft, legal_reviewer, counts):
    before = counts()
    with pytest.raises(ValidationError) as error:
        services.create_item(
            version=draft,
            data=item_data(
                "坏 编号",
                kind="罚款",
                field="market",
                violation_basis_law="公共场所卫生管理条例实施细则",
                first_years="0",
                harm_max="很轻",
                correction="尽快",
                income_max="五千",
                penalty_text="警告",
            ),
            actor=legal_reviewer,
        )
    messages = error.value.message_dict
    assert set(messages) == {
        "code",
        "kind",
        "field",
        "violation_basis_law",
        "first_years",
        "harm_max",
        "correction",
        "income_max",
    }
    assert messages["kind"] == ["清单“罚款”无效，应为不予处罚、从轻处罚、减轻处罚之一。"]
    assert messages["first_years"] == ["首次违法年限应在 1 至 10 之间，填写的是 0。"]
    assert counts() == before


def test_exempt_items_carry_no_penalty_and_lighter_items_need_one(draft, legal_reviewer):
    with pytest.raises(ValidationError) as error:
        services.create_item(
            version=draft, data=item_data("BY-02", penalty_text="警告"), actor=legal_reviewer
        )
    assert error.value.message_dict["penalty_text"] == [
        "不予处罚清单的事项不填处罚幅度（罚款上下限和处罚幅度应为空）。"
    ]
    with pytest.raises(ValidationError) as error:
        services.create_item(
            version=draft,
            data=item_data("JQ-02", kind="减轻", penalty_min="5000", penalty_max="100"),
            actor=legal_reviewer,
        )
    assert error.value.message_dict["penalty_max"] == [
        "罚款上限（100 元）不能低于下限（5000 元）。"
    ]


def test_an_item_needs_at_least_one_condition(draft, legal_reviewer):
    with pytest.raises(ValidationError) as error:
        services.create_item(
            version=draft,
            data=item_data("BY-03", first_years="", harm_max="", correction=""),
            actor=legal_reviewer,
        )
    assert error.value.message_dict["conditions"] == [
        "请至少填写一项适用条件（如首次违法年限、危害程度上限、改正期限）。"
    ]


def test_conditions_as_json_are_validated_by_the_schema(draft, legal_reviewer):
    with pytest.raises(ValidationError) as error:
        services.create_item(
            version=draft,
            data=item_data("BY-04", conditions=[{"kind": "harm_at_most", "level": "tiny"}]),
            actor=legal_reviewer,
        )
    assert error.value.message_dict["conditions"] == [
        "第 1 个适用条件（危害程度）的“level”取值无效：请按条件格式填写。"
    ]


@pytest.mark.parametrize("persona", ["inspector", "supervisor", "enterprise", "outsider"])
def test_only_curators_of_the_owning_agency_may_edit(request, draft, persona, counts):
    user = request.getfixturevalue(persona)
    before = counts()
    with pytest.raises(PermissionDenied):
        services.create_item(version=draft, data=item_data("BY-09"), actor=user)
    assert counts() == before


def test_a_reviewer_of_another_agency_may_not_edit(draft, jinzhong_market_agency, counts):
    other = testing.user("jz-legal", role=Role.LEGAL_REVIEWER, organisation=jinzhong_market_agency)
    before = counts()
    with pytest.raises(PermissionDenied, match="其他机关"):
        services.update_item(draft.items.get(code="BY-01"), data={"outcome": "x"}, actor=other)
    assert counts() == before


def test_publishing_supersedes_the_previous_version(published, legal_reviewer, approver):
    assert published.status == VersionStatus.PUBLISHED
    assert published.published_by == legal_reviewer
    second = services.revise_version(published, label="舟山市卫生健康 2027版", actor=approver)
    assert second.status == VersionStatus.DRAFT
    assert sorted(second.items.values_list("code", flat=True)) == ["BY-01", "CQ-01"]
    services.update_item(second.items.get(code="BY-01"), data={"first_years": "3"}, actor=approver)
    services.publish_version(second, actor=approver)
    published.refresh_from_db()
    second.refresh_from_db()
    assert published.status == VersionStatus.SUPERSEDED
    assert published.superseded_by == second
    assert second.status == VersionStatus.PUBLISHED
    # the old version's items are as they were published
    assert published.items.get(code="BY-01").conditions[0] == {
        "kind": "first_violation",
        "years": 2,
    }
    record = AuditRecord.objects.filter(action="discretion.version.publish").last()
    assert record is not None
    assert record.summary == (
        "公布裁量清单版本“舟山市卫生健康 2027版”，原版本“舟山市卫生健康 2026版”同时废止"
    )
    assert verify_chain().ok


def test_a_published_version_cannot_be_edited_and_nothing_changes(
    published, legal_reviewer, counts
):
    before = counts()
    item = published.items.get(code="BY-01")
    with pytest.raises(ValidationError, match="当前状态为“已公布”，不能修改事项"):
        services.update_item(item, data={"outcome": "改"}, actor=legal_reviewer)
    with pytest.raises(ValidationError, match="不能删除事项"):
        services.delete_item(item, actor=legal_reviewer)
    with pytest.raises(ValidationError, match="不能公布"):
        services.publish_version(published, actor=legal_reviewer)
    assert counts() == before
    item.refresh_from_db()
    assert item.outcome == "不予行政处罚，责令改正并进行教育"


def test_an_empty_draft_cannot_be_published(health_agency, legal_reviewer):
    version = services.create_version(
        organisation=health_agency, data=version_data("空版本"), actor=legal_reviewer
    )
    with pytest.raises(ValidationError, match="还没有任何事项，不能公布"):
        services.publish_version(version, actor=legal_reviewer)
    version.refresh_from_db()
    assert version.status == VersionStatus.DRAFT


def test_version_labels_are_unique_per_agency(draft, health_agency, legal_reviewer):
    with pytest.raises(ValidationError) as error:
        services.create_version(
            organisation=health_agency, data=version_data(), actor=legal_reviewer
        )
    assert error.value.message_dict["label"] == [
        "本机关已有名为“舟山市卫生健康 2026版”的清单版本，请换一个名称。"
    ]


def test_deleting_a_draft_item_is_recorded(draft, legal_reviewer):
    item = draft.items.get(code="CQ-01")
    services.delete_item(item, actor=legal_reviewer)
    assert not DiscretionItem.objects.filter(pk=item.pk).exists()
    record = AuditRecord.objects.get(action="discretion.item.delete")
    assert record.before["code"] == "CQ-01"
    assert record.object_id == str(item.pk)


def test_updating_an_item_through_columns_replaces_its_conditions(draft, legal_reviewer):
    item = draft.items.get(code="BY-01")
    services.update_item(
        item,
        data={"first_years": "", "harm_max": "", "correction": "", "before_inspection": True},
        actor=legal_reviewer,
    )
    item.refresh_from_db()
    assert item.conditions == [{"kind": "corrected_before_inspection"}]
    with pytest.raises(ValidationError, match="未作任何修改"):
        services.update_item(item, data={"before_inspection": True}, actor=legal_reviewer)


# --- The engine on stored items ----------------------------------------------------------------


def test_the_engine_evaluates_a_published_version(published):
    finding = engine.Finding(
        violation_code="GC-JKZM",
        found_on=dt.date(2026, 6, 15),
        harm=HarmLevel.MINOR,
        corrected_before_inspection=True,
    )
    result = engine.evaluate(finding, version=published)
    assert [(i.code, i.matches) for i in result.items] == [("BY-01", True), ("CQ-01", False)]
    assert result.proposed.outcome == engine.Outcome.EXEMPT
    assert result.proposed.basis[0] == (
        "舟山市卫生健康 2026版“不予处罚”清单第 BY-01 项"
        "（《中华人民共和国行政处罚法》第三十三条第一款）"
    )


def test_working_day_deadlines_use_the_loaded_holiday_arrangement(draft, legal_reviewer):
    load_year_from_package(2025, actor=None)
    services.update_item(
        draft.items.get(code="BY-01"), data={"correction": "5个工作日"}, actor=legal_reviewer
    )

    # Ordered on Monday 2025-09-29: 09-30 is a working day, 10-01..10-08 the National Day
    # holidays, 10-09, 10-10 and Saturday 10-11 (调休上班) working days, so the 5th is 10-13.
    def finding(corrected_on: dt.date) -> engine.Finding:
        return engine.Finding(
            violation_code="GC-JKZM",
            found_on=dt.date(2025, 9, 29),
            ordered_on=dt.date(2025, 9, 29),
            corrected_on=corrected_on,
            harm=HarmLevel.MINOR,
        )

    on_time = engine.evaluate(finding(dt.date(2025, 10, 13)), items=draft.items.all())
    late = engine.evaluate(finding(dt.date(2025, 10, 14)), items=draft.items.all())
    item = {i.code: i for i in on_time.items}["BY-01"]
    assert [c.kind for c in item.conditions] == [
        "first_violation",
        "harm_at_most",
        "corrected_within",
    ]
    assert item.conditions[2].text == (
        "限期改正：2025-10-13 改正，自 2025-09-29 起5个工作日即 2025-10-13 前（满足）"
    )
    assert item.matches is True
    assert {i.code: i for i in late.items}["BY-01"].matches is False


def test_evaluate_for_uses_the_agencys_list_in_force_or_the_statute_alone(
    draft, published, health_agency, jinzhong_market_agency
):
    finding = engine.Finding(
        violation_code="GC-JKZM",
        found_on=dt.date(2026, 6, 15),
        harm=HarmLevel.MINOR,
        corrected_before_inspection=True,
    )
    with_list = selectors.evaluate_for(health_agency.pk, finding)
    assert [i.code for i in with_list.matching_items] == ["BY-01"]
    statute_only = selectors.evaluate_for(jinzhong_market_agency.pk, finding)
    assert statute_only.items == ()
    assert statute_only.proposed.outcome == engine.Outcome.EXEMPT
    assert statute_only.proposed.basis == ("《中华人民共和国行政处罚法》第三十三条第一款",)


def test_a_version_citing_a_repealed_law_is_not_published_and_nothing_changes(
    draft, legal_reviewer, counts
):
    services.create_item(
        version=draft,
        data=item_data(
            "BY-02",
            violation_code="DQ-CBPF",
            violation_basis_law="《中华人民共和国大气污染防治法》",
            violation_basis_article="第九十九条第（二）项",
        ),
        actor=legal_reviewer,
    )
    before = counts()
    with time_machine.travel(dt.date(2026, 11, 27)), pytest.raises(ValidationError) as refused:
        services.publish_version(draft, actor=legal_reviewer)

    assert refused.value.messages == [
        "清单版本“舟山市卫生健康 2026版”引用了已废止的法律，请改正后再公布：",
        "事项 BY-02：《中华人民共和国大气污染防治法》已于2026年8月15日废止"
        "（《中华人民共和国生态环境法典》第一千二百四十二条），请改引《中华人民共和国生态环境法典》",
    ]
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT
    assert counts() == before


def test_a_law_is_still_citable_the_day_before_its_repeal(draft, legal_reviewer):
    services.create_item(
        version=draft,
        data=item_data("BY-02", violation_basis_law="《大气污染防治法》"),
        actor=legal_reviewer,
    )
    with time_machine.travel(dt.date(2026, 8, 14)):
        services.publish_version(draft, actor=legal_reviewer)

    draft.refresh_from_db()
    assert draft.status == VersionStatus.PUBLISHED
