from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404

from zhifa.inspections.models import (
    CaseFinding,
    CaseOutcome,
    FindingResult,
    InspectionCase,
    InspectionKind,
    Objection,
    PenaltyChoice,
)
from zhifa.supervision import sources


@pytest.fixture
def case(inspector, zhoushan_enterprise, enterprise):
    case = InspectionCase.objects.create(
        reference="舟卫检〔2026〕31号",
        verify_code="V31",
        checkin_code="C31",
        organisation=inspector.organisation,
        region=zhoushan_enterprise.region,
        enterprise=zhoushan_enterprise,
        kind=InspectionKind.SPECIAL,
        title="医疗废物专项检查",
        inspection_date=dt.date(2026, 11, 20),
        requested_by=inspector,
        outcome=CaseOutcome.NO_PENALTY,
        decision_note="初次违法且及时改正",
        publish_due=dt.date(2026, 11, 27),
    )
    CaseFinding.objects.create(
        case=case,
        position=1,
        result=FindingResult.PROBLEM,
        description="损伤性废物与感染性废物混放",
        violated_provision="《医疗废物管理条例》第十六条",
        proposed=PenaltyChoice.ORDINARY,
        chosen=PenaltyChoice.NONE,
        deviation_reason="当事人系初次违法",
        recorded_by=inspector,
    )
    Objection.objects.create(case=case, text="检查人员未出示执法证。", submitted_by=enterprise)
    return case


def test_the_case_source_prefills_findings_decision_objection_and_deviation(case, supervisor):
    prefill = sources.source("case").loader(case.pk, supervisor)
    assert prefill.addressee == case.organisation
    assert prefill.case == case
    assert prefill.label == "检查案件：舟卫检〔2026〕31号（舟山海鲜酒楼有限公司，医疗废物专项检查）"
    assert (
        "检查发现：损伤性废物与感染性废物混放，违反《医疗废物管理条例》第十六条。" in prefill.facts
    )
    assert "处理决定：不予行政处罚（初次违法且及时改正）。" in prefill.facts
    assert prefill.problems[0] == (
        "处理决定“不予处罚”与裁量基准建议“一般处罚”不一致，理由：当事人系初次违法。"
    )
    assert prefill.problems[1].startswith("企业于2026年")
    assert prefill.problems[1].endswith("提出异议：检查人员未出示执法证。；尚未答复。")


def test_overdue_publication_source_names_the_due_date(case, supervisor):
    prefill = sources.source("overdue_publication").loader(case.pk, supervisor)
    assert prefill.facts == ["检查结果公示期限为2026年11月27日，尚未公示。"]
    assert prefill.suggested_kind == "reminder_letter"


def test_a_source_outside_the_users_scope_is_not_found(case, outsider):
    with pytest.raises(Http404):
        sources.source("case").loader(case.pk, outsider)


def test_an_overdue_remedy_source_needs_an_oral_notice(case, supervisor):
    with pytest.raises(Http404, match="不是口头通知的紧急检查"):
        sources.source("overdue_remedy").loader(case.pk, supervisor)
