"""The sources this app owns (registered in ``SupervisionConfig.ready``): an inspection case, an
emergency case whose 补办手续 is overdue, a result not published in time. Each loader reads only
what the user may see (404 otherwise) and says it in the words of the drafting form."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils import timezone

from zhifa.core import timefmt
from zhifa.inspections.models import (
    CaseOutcome,
    FindingResult,
    InspectionCase,
    ObjectionStatus,
    OralNotice,
    PenaltyChoice,
)
from zhifa.supervision.sources import Prefill, register_source

CASE_NOT_FOUND = "没有找到该检查案件，或您无权查看。"


def _case(pk: int, user: Any) -> InspectionCase:
    found = (
        InspectionCase.objects.restrict(user)
        .select_related("organisation", "enterprise")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404(CASE_NOT_FOUND)
    return found


def _name(case: InspectionCase) -> str:
    return f"{case.reference}（{case.enterprise.name}，{case.title}）"


def case_prefill(pk: int, user: Any) -> Prefill:
    """A case: its findings, its decision, objections and any departure from the discretion
    engine's proposal with the officer's reason."""
    case = _case(pk, user)
    facts = [
        f"{case.organisation.name}于{timefmt.chinese_date(case.inspection_date)}对"
        f"{case.enterprise.name}开展{case.get_kind_display()}（案件编号 {case.reference}）。"
    ]
    problems: list[str] = []
    basis: list[str] = []
    for finding in case.findings.all().order_by("position"):
        if finding.result != FindingResult.PROBLEM:
            continue
        line = f"检查发现：{finding.description or '（未填写检查情况）'}"
        if finding.violated_provision:
            line += f"，违反{finding.violated_provision}"
        facts.append(line + "。")
        if finding.penalty_provision:
            basis.append(finding.penalty_provision)
        if finding.proposed and finding.chosen and finding.proposed != finding.chosen:
            problems.append(
                f"处理决定“{PenaltyChoice(finding.chosen).label}”与裁量基准建议"
                f"“{PenaltyChoice(finding.proposed).label}”不一致，"
                f"理由：{finding.deviation_reason or '未说明理由'}。"
            )
    if case.outcome:
        decided = f"处理决定：{CaseOutcome(case.outcome).label}"
        if case.decision_note:
            decided += f"（{case.decision_note}）"
        facts.append(decided + "。")
    for objection in case.objections.all().order_by("submitted_at"):
        line = f"企业于{timefmt.chinese_date(objection.submitted_at)}提出异议：{objection.text}"
        if objection.status == ObjectionStatus.ANSWERED and objection.answer:
            line += f"；答复：{objection.answer}"
        else:
            line += "；尚未答复"
        problems.append(line + "。")
    return Prefill(
        addressee=case.organisation,
        case=case,
        label=f"检查案件：{_name(case)}",
        matter=f"你单位办理的检查案件 {case.reference}",
        facts=facts,
        problems=problems,
        basis=basis,
        requests=["对上述问题进行核查，依法予以纠正，并书面报告整改情况。"],
        suggested_kind="supervision_opinion",
    )


def overdue_remedy_prefill(pk: int, user: Any) -> Prefill:
    """An emergency inspection (口头通知) whose written 补办手续 is overdue; ``pk`` is the
    case's."""
    case = _case(pk, user)
    notice = OralNotice.objects.filter(case=case).first()
    if notice is None:
        raise Http404("该检查案件不是口头通知的紧急检查，没有补办手续。")
    today = timezone.localdate()
    state = (
        f"截至{timefmt.chinese_date(today)}尚未补办"
        if notice.makeup_done_at is None
        else f"于{timefmt.chinese_date(notice.makeup_done_at)}补办"
    )
    return Prefill(
        addressee=case.organisation,
        case=case,
        label=f"紧急检查逾期未补办手续：{_name(case)}",
        matter=f"你单位实施的紧急现场检查（案件编号 {case.reference}）补办手续的情况",
        facts=[
            f"{timefmt.chinese_date(notice.told_at)}，你单位以口头通知方式对{case.enterprise.name}"
            "实施紧急现场检查。",
            f"补办手续期限为{timefmt.chinese_date(notice.makeup_due)}，{state}。",
        ],
        requests=["立即补办检查审批和书面通知手续。", "说明逾期未补办的原因。"],
        suggested_kind="reminder_letter",
    )


def overdue_publication_prefill(pk: int, user: Any) -> Prefill:
    """A result not published (公示) by its due date."""
    case = _case(pk, user)
    if case.publish_due is None:
        raise Http404("该检查案件尚未作出处理决定，没有公示期限。")
    state = (
        "尚未公示"
        if case.published_at is None
        else f"于{timefmt.chinese_date(case.published_at)}公示"
    )
    return Prefill(
        addressee=case.organisation,
        case=case,
        label=f"检查结果逾期未公示：{_name(case)}",
        matter=f"你单位检查案件 {case.reference} 检查结果的公示情况",
        facts=[
            f"检查结果公示期限为{timefmt.chinese_date(case.publish_due)}，{state}。",
        ],
        requests=["立即依法公示检查结果。", "说明逾期未公示的原因。"],
        suggested_kind="reminder_letter",
    )


def register() -> None:
    register_source("case", "检查案件", case_prefill)
    register_source("overdue_remedy", "紧急检查逾期未补办手续", overdue_remedy_prefill)
    register_source("overdue_publication", "检查结果逾期未公示", overdue_publication_prefill)
