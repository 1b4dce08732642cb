"""The decision: the discretion engine's evaluation of each finding and the recorded 处理决定."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from zhifa.audit.services import record_change
from zhifa.core import access
from zhifa.discretion.conditions import Circumstance
from zhifa.discretion.conditions import HarmLevel as EngineHarm
from zhifa.discretion.engine import Evaluation, Outcome, PriorViolation, requires_reason
from zhifa.discretion.engine import Finding as EngineFinding
from zhifa.discretion.selectors import (
    ViolationChoice,
    evaluate_for,
    unknown_violation,
    violation_in_force,
)
from zhifa.documents.models import Document
from zhifa.inspections import paperwork
from zhifa.inspections.models import (
    CaseFinding,
    CaseOutcome,
    CaseStatus,
    FindingResult,
    HarmLevel,
    InspectionCase,
    PenaltyChoice,
)
from zhifa.inspections.services._common import (
    _issue,
    _link,
    _locked,
    _refresh,
    _text,
    _today,
    _transition,
    case_snapshot,
)
from zhifa.inspections.services.closing import publication_due
from zhifa.workdays.selectors import YearNotLoaded, add_workdays

# --- Decision ---------------------------------------------------------------------------------


ENGINE_TO_CHOICE = {
    Outcome.EXEMPT: PenaltyChoice.NONE,
    Outcome.MITIGATED: PenaltyChoice.MITIGATED,
    Outcome.LIGHTER: PenaltyChoice.LIGHTER,
    Outcome.GENERAL: PenaltyChoice.ORDINARY,
}
CHOICE_TO_ENGINE: dict[str, Outcome] = {
    str(choice): outcome for outcome, choice in ENGINE_TO_CHOICE.items()
}
CIRCUMSTANCES = frozenset(c.value for c in Circumstance)


def prior_violations(case: InspectionCase) -> tuple[PriorViolation, ...]:
    """The enterprise's earlier decided violations, from the findings of its other cases."""
    rows = (
        CaseFinding.objects.filter(
            case__enterprise_id=case.enterprise_id,
            case__decided_at__isnull=False,
            result=FindingResult.PROBLEM,
        )
        .exclude(case=case)
        .exclude(violation_code="")
        .values_list("violation_code", "case__decided_at")
    )
    return tuple(
        PriorViolation(code, timezone.localdate(decided)) for code, decided in rows.order_by("pk")
    )


def self_corrected_before(case: InspectionCase, finding: CaseFinding, found_on: dt.date) -> bool:
    """Whether the enterprise reported, before the inspection, a self-correction (自查) of the
    item this finding is about."""
    if finding.item is None:
        return False
    from zhifa.compliance.selectors import self_corrections

    return any(
        c.corrected_on < found_on
        for c in self_corrections(case.enterprise, item_codes=[finding.item.code])
    )


def _date_fact(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError(
            {
                "violation_ended_on": [
                    f"违法行为发生或终了日期“{value}”不正确，请按 2026-03-16 填写。"
                ]
            }
        ) from None


def special_limitation(facts: Mapping[str, Any]) -> tuple[int | None, str]:
    """行政处罚法第三十六条“法律另有规定的除外”: a period another law sets, named by the officer."""
    raw = facts.get("special_limitation_months")
    basis = str(facts.get("special_limitation_basis") or "").strip()
    if raw in (None, ""):
        if basis:
            raise ValidationError(
                {
                    "special_limitation_months": [
                        "写明了另有规定的法律依据，请同时填写其追责期限（月）。"
                    ]
                }
            )
        return None, ""
    try:
        months = int(raw)
    except (TypeError, ValueError):
        months = 0
    if not 1 <= months <= 600:
        raise ValidationError(
            {"special_limitation_months": [f"另有规定的追责期限“{raw}”不正确，请填写 1–600 个月。"]}
        )
    if not basis:
        raise ValidationError(
            {
                "special_limitation_basis": [
                    "填写了另有规定的追责期限，请写明规定该期限的法律及条款，"
                    "如《中华人民共和国税收征收管理法》第八十六条。"
                ]
            }
        )
    return months, basis[:200]


def evaluate_finding(
    case: InspectionCase, finding: CaseFinding, facts: Mapping[str, Any]
) -> Evaluation:
    """The discretion engine's answer for one problem: every list item for the violation with
    its conditions met and unmet, the statutory rules (行政处罚法第三十二、三十三条), and the
    proposal. A self-correction reported in the enterprise's 自查 before the inspection counts
    as corrected before the inspection."""
    found_on = timezone.localdate(case.started_at) if case.started_at else case.inspection_date
    harm = str(facts.get("harm_level") or "")
    on_site = bool(facts.get("corrected_on_site"))
    circumstances = frozenset(
        Circumstance(c) for c in facts.get("circumstances") or () if c in CIRCUMSTANCES
    )
    special_months, special_basis = special_limitation(facts)
    engine_finding = EngineFinding(
        violation_code=str(facts.get("violation_code") or finding.violation_code or ""),
        found_on=found_on,
        harm=EngineHarm(harm) if harm else None,
        minor_violation=harm in (HarmLevel.NONE, HarmLevel.MINOR),
        corrected_before_inspection=bool(facts.get("corrected_before"))
        or self_corrected_before(case, finding, found_on),
        ordered_on=found_on if on_site else None,
        deadline=found_on if on_site else None,
        corrected_on=found_on if on_site else None,
        no_subjective_fault=bool(facts.get("no_subjective_fault")),
        circumstances=circumstances,
        history=prior_violations(case),
        ended_on=_date_fact(facts.get("violation_ended_on")),
        life_or_financial_safety=bool(facts.get("life_or_financial_safety")),
        special_limitation_months=special_months,
        special_limitation_basis=special_basis,
    )
    return evaluate_for(case.organisation_id, engine_finding)


def _picked_violation(
    case: InspectionCase, finding: CaseFinding, data: Mapping[str, Any]
) -> ViolationChoice | None:
    """The violation of the lists in force the officer picked or typed the code of; an unknown
    code is refused, naming it."""
    label = f"第{finding.position}项"
    key = f"findings.{finding.position}.violation_code"
    text = str(data.get("violation_code") or "").strip()
    if not text:
        return None
    if len(text) > 64:
        raise ValidationError(
            {key: [f"{label}违法行为编码不能超过 64 个字符（现为 {len(text)} 个）。"]}
        )
    choice = violation_in_force(case.organisation_id, text)
    if choice is None:
        raise ValidationError({key: [unknown_violation(case.organisation_id, text)]})
    return choice


def _provision(value: Any, *, default: str, label: str, key: str, example: str) -> str:
    text = str(value or "").strip() or default
    if not text:
        raise ValidationError({key: [f"请填写{label}，如{example}。"]})
    if len(text) > 300:
        raise ValidationError({key: [f"{label}不能超过 300 个字符（现为 {len(text)} 个）。"]})
    return text


def _clean_decision(
    case: InspectionCase, finding: CaseFinding, data: Mapping[str, Any]
) -> dict[str, Any]:
    label = f"第{finding.position}项"
    key = f"findings.{finding.position}"
    chosen = str(data.get("chosen") or "")
    if chosen not in PenaltyChoice.values:
        raise ValidationError({key: [f"{label}请选择处理决定。"]})
    harm = str(data.get("harm_level") or "")
    if harm and harm not in HarmLevel.values:
        raise ValidationError({key: [f"{label}危害程度不正确。"]})
    unknown = [c for c in data.get("circumstances") or () if c not in CIRCUMSTANCES]
    if unknown:
        raise ValidationError({key: [f"{label}从轻减轻情形“{'、'.join(unknown)}”不正确。"]})
    picked = _picked_violation(case, finding, data)
    violation_code = picked.violation_code if picked else ""
    # Left blank, each provision is the picked violation's, as the lists state it.
    violated = _provision(
        data.get("violated_provision"),
        default=picked.violated_provision if picked else "",
        label=f"{label}违反的规定",
        key=f"{key}.violated_provision",
        example="《公共场所卫生管理条例》第七条",
    )
    penalty = _provision(
        data.get("penalty_provision"),
        default=picked.penalty_provision if picked else "",
        label=f"{label}处罚（责令改正）依据",
        key=f"{key}.penalty_provision",
        example="《公共场所卫生管理条例》第十四条",
    )
    reason = _text(data.get("deviation_reason"), label=f"{label}未采纳建议的理由")
    evaluation = evaluate_finding(case, finding, {**data, "violation_code": violation_code})
    proposal = evaluation.proposed
    proposed = ENGINE_TO_CHOICE[proposal.outcome]
    if requires_reason(evaluation, CHOICE_TO_ENGINE[chosen]) and not reason:
        allowed = "、".join(ENGINE_TO_CHOICE[o].label for o in proposal.allowed)
        raise ValidationError(
            {
                key: [
                    f"{label}的处理决定（{PenaltyChoice(chosen).label}）与裁量建议"
                    f"（{proposal.label}，可选：{allowed}）不一致，请写明理由；"
                    "理由将记录在案并向执法监督机关公开。"
                ]
            }
        )
    return {
        "chosen": chosen,
        "harm_level": harm,
        "violated_provision": violated,
        "penalty_provision": penalty,
        "proposed": proposed,
        "proposal_basis": "；".join([proposal.explanation, *proposal.basis]).strip("；"),
        "deviation_reason": reason,
        "violation_code": violation_code,
        "first_violation": not any(
            p.violation_code == violation_code for p in prior_violations(case)
        )
        if violation_code
        else None,
        "corrected_before": bool(data.get("corrected_before")),
        "corrected_on_site": bool(data.get("corrected_on_site")),
        "evaluation": evaluation.to_dict(),
    }


def decide_case(
    case: InspectionCase,
    *,
    actor: Any,
    outcome: str,
    decisions: Mapping[int, Mapping[str, Any]] | None = None,
    rectify_working_days: int | None = None,
    requirements: Sequence[str] = (),
    note: str = "",
) -> InspectionCase:
    """处理决定 after the on-site record.

    ``decisions`` maps a finding's position to its decision: the facts the discretion engine
    weighs (violation_code, harm_level, corrected_before, corrected_on_site,
    no_subjective_fault, circumstances, violation_ended_on, life_or_financial_safety,
    special_limitation_months and _basis for a period another law sets), the
    chosen outcome, the provision violated (violated_provision) and the one the penalty or the
    order to correct rests on (penalty_provision) — each, when left blank, that of the
    violation picked from the lists in force — and, when the choice is not one the engine
    allows, the reason, which the supervising body sees. A violation code the lists in force
    do not have is refused.
    ``outcome``: no_problem (only when nothing was found);
    no_penalty → 不予行政处罚决定书; rectify → 责令改正通知书 with a deadline in working days;
    filed → 立案, the hand-off to a penalty procedure."""
    access.require(actor, "case.decide", case)
    case.refresh_from_db()
    if case.status != CaseStatus.INSPECTED:
        raise ValidationError(
            f"案件 {case.reference} 当前状态为“{case.get_status_display()}”，"
            "只有现场检查结束后才能作出处理决定。"
        )
    if not outcome:
        raise ValidationError({"outcome": ["请选择处理结果。"]})
    if outcome not in CaseOutcome.values:
        raise ValidationError({"outcome": [f"处理结果“{outcome}”不正确，请从列表中选择。"]})
    problems = list(case.findings.filter(result=FindingResult.PROBLEM).order_by("position"))
    if outcome == CaseOutcome.NO_PROBLEM and problems:
        raise ValidationError(
            {"outcome": [f"现场检查记录了{len(problems)}个问题，不能以“未发现问题”办结。"]}
        )
    if outcome != CaseOutcome.NO_PROBLEM and not problems:
        raise ValidationError({"outcome": ["现场检查未记录问题，只能以“未发现问题”办结。"]})
    decisions = decisions or {}
    cleaned: dict[int, dict[str, Any]] = {}
    for finding in problems:
        data = decisions.get(finding.position)
        if data is None:
            raise ValidationError(
                {f"findings.{finding.position}": [f"第{finding.position}项问题尚未作出处理决定。"]}
            )
        cleaned[finding.position] = _clean_decision(case, finding, data)
    if outcome == CaseOutcome.NO_PENALTY and any(
        d["chosen"] != PenaltyChoice.NONE for d in cleaned.values()
    ):
        raise ValidationError(
            {"outcome": ["只有各项问题均决定不予处罚时，才能作出不予行政处罚决定。"]}
        )
    if outcome == CaseOutcome.RECTIFY and (
        rectify_working_days is None or not 1 <= rectify_working_days <= 60
    ):
        raise ValidationError({"rectify_working_days": ["请填写整改期限（1–60个工作日）。"]})
    note = _text(note, label="处理说明")
    today = _today()
    deadline: dt.date | None = None
    if outcome == CaseOutcome.RECTIFY:
        assert rectify_working_days is not None
        try:
            deadline = add_workdays(today, rectify_working_days)
        except YearNotLoaded as error:
            raise ValidationError(
                {
                    "rectify_working_days": [
                        f"{error.year}年的节假日安排尚未载入，无法按工作日计算整改期限；"
                        "请系统管理员在“工作日”中载入后再作出决定。"
                    ]
                }
            ) from None
    # The 文书 is issued before the decision is recorded, from the decision as it will be
    # saved: a document that cannot be rendered leaves the case undecided, to be decided again.
    for finding in problems:
        for key, value in cleaned[finding.position].items():
            setattr(finding, key, value)
    case.decision_note = note
    case.rectify_deadline = deadline
    document: Document | None = None
    if outcome == CaseOutcome.NO_PENALTY:
        context = paperwork.no_penalty_decision(case, problems=problems)
        document = _issue(
            case, kind="no_penalty_decision", actor=actor, context=context, step="decision"
        )
    elif outcome == CaseOutcome.RECTIFY:
        context = paperwork.rectification_order(
            case, requirements=list(requirements), problems=problems
        )
        document = _issue(
            case, kind="rectification_order", actor=actor, context=context, step="decision"
        )
    with transaction.atomic():
        current = _locked(case)
        before = case_snapshot(current)
        for finding in problems:
            finding.save()
        current.outcome = outcome
        current.decided_by = actor
        current.decided_at = timezone.now()
        current.decision_note = note
        current.publish_due = publication_due(today)
        if outcome == CaseOutcome.RECTIFY:
            current.rectify_deadline = deadline
            _transition(current, CaseStatus.RECTIFYING, doing="责令改正")
        else:
            _transition(current, CaseStatus.CLOSED, doing="办结")
            current.closed_at = current.decided_at
        current.save()
        summary = f"检查案件 {current.reference} 作出处理决定：{CaseOutcome(outcome).label}"
        if document is not None:
            _link(current, document, "decision")
            summary += f"，{document.kind.name} {document.number_text}"
        record_change(
            actor=actor,
            action="inspections.case.decide",
            obj=current,
            before=before,
            after={
                **case_snapshot(current),
                "decisions": {str(k): {**v} for k, v in cleaned.items()},
            },
            summary=summary,
        )
    _refresh(case, current)
    return case
