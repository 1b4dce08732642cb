"""The 文书 of a case: what each kind says, built from the case's own records.

Each builder returns the docxtpl context of one document kind (the fields in
``zhifa/documents/specs.py``); ``services`` drafts, issues and links the document.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from zhifa.core import timefmt
from zhifa.inspections.models import (
    CaseFinding,
    FindingResult,
    InspectionCase,
    InspectionKind,
    OralNotice,
    Recheck,
)

RIGHTS = "如不服本{what}，可在收到之日起六十日内依法申请行政复议，或者在六个月内依法提起行政诉讼。"
BOOKING = (
    "检查前如需合规指导，可在本通知送达之日起、检查日前登录企业门户“我的检查”预约指导时段，"
    "本机关将安排执法人员上门或线上指导；也可对照通知所列事项和合规指导清单先行自查，"
    "发现问题及时改正并在门户中报告，检查时将依法予以考虑。"
)


# Dates and times in 文书 are Beijing's (an instant read from the database is in UTC).
chinese_date = timefmt.chinese_date
chinese_datetime = timefmt.chinese_datetime


def inspection_time(case: InspectionCase) -> str:
    return timefmt.chinese_appointment(case.inspection_date, case.inspection_time)


def _items(case: InspectionCase) -> list[dict[str, str]]:
    return [{"name": i.name, "basis": i.legal_basis} for i in case.items.order_by("code")]


def _officers(case: InspectionCase) -> list[dict[str, str]]:
    return [
        {"name": a.officer.name, "cert_no": a.officer.cert_no}
        for a in case.assignments.select_related("officer").order_by("position")
    ]


def _contact(case: InspectionCase) -> str:
    first = case.assignments.select_related("officer").order_by("position").first()
    name = first.officer.name if first else "执法人员"
    phone = case.organisation.phone or "（见本机关门户网站）"
    return f"联系人：{name}，电话：{phone}。"


def approval_form(case: InspectionCase, *, approver_name: str) -> dict[str, Any]:
    reason = case.reason or case.title
    if case.is_exempt:
        reason = f"{reason}（免于预告：{case.exemption_reason}）"
    return {
        "inspection_type": InspectionKind(case.kind).label,
        "inspection_time": inspection_time(case),
        "reason": reason,
        "items": _items(case),
        "officers": _officers(case),
        "approver_opinion": case.approval_opinion or "同意。",
        "approver": approver_name,
    }


def batch_list(
    cases: Sequence[InspectionCase], *, opinion: str, approver_name: str
) -> dict[str, Any]:
    rows = []
    for case in cases:
        names = "、".join(i.name for i in case.items.order_by("code")) or case.title
        rows.append(
            {
                "enterprise": case.enterprise.name,
                "item": names,
                "time": chinese_date(case.inspection_date),
            }
        )
    return {
        "rows": rows,
        "approver_opinion": opinion or "同意批量实施。",
        "approver": approver_name,
    }


def self_check_hints(case: InspectionCase) -> list[str]:
    hints = [point for item in case.items.order_by("code") for point in item.checklist]
    return hints[:8] or ["对照检查事项逐项自查，发现问题先行整改并保留记录。"]


def preview_notice(case: InspectionCase) -> dict[str, Any]:
    return {
        "inspection_time": inspection_time(case),
        "items": _items(case),
        "officers": _officers(case),
        "self_check": self_check_hints(case),
        "contact": _contact(case),
        "booking": BOOKING,
    }


def oral_notice_record(case: InspectionCase, oral: OralNotice, *, remedy: str) -> dict[str, Any]:
    head = oral.head
    head_name = str(head.person_name)
    return {
        "notified_at": chinese_datetime(oral.told_at),
        "notified_person": oral.told_to,
        "officers": _officers(case),
        "reason": oral.content,
        "reported_to": (
            f"已于{chinese_datetime(oral.head_notified_at)}报告本机关负责人{head_name}。"
        ),
        "remedy_record": remedy,
    }


def _finding_line(finding: CaseFinding) -> str:
    name = finding.item.name if finding.item else "其他情况"
    label = FindingResult(finding.result).label
    text = f"{name}：{label}"
    if finding.description:
        text += f"。{finding.description}"
    return text


def site_record(case: InspectionCase, *, present_person: str, party_opinion: str) -> dict[str, Any]:
    start = case.started_at
    end = case.inspected_at
    when = inspection_time(case)
    if start is not None and end is not None:
        when = timefmt.chinese_span(start, end)
    return {
        "inspection_time": when,
        "place": case.enterprise.address or case.enterprise.name,
        "officers": _officers(case),
        "present_person": present_person,
        "findings": [_finding_line(f) for f in case.findings.select_related("item")],
        "party_opinion": party_opinion,
    }


# What an officer types may end in its own punctuation ("…混放。") or in the words the 文书
# adds ("…的规定"); both are dropped before the text is set into a sentence.
_TRAILING = "。．.，,；;、：: \t\r\n"
LAWS_IN_GENERAL = "有关法律、法规"
NO_PENALTY_BASIS = "《中华人民共和国行政处罚法》第三十三条第一款"


def clause(text: str) -> str:
    """``text`` without the punctuation it ends in, to be joined into a sentence."""
    return text.strip().rstrip(_TRAILING)


def _without(text: str, suffix: str) -> str:
    text = clause(text)
    return clause(text.removesuffix(suffix))


def _conduct(finding: CaseFinding) -> str:
    return _without(finding.description or (finding.item.name if finding.item else ""), "的行为")


def _violated(finding: CaseFinding) -> str:
    # Decisions before the provisions were recorded apart left it blank: the inspection item's
    # own basis is the duty that was checked.
    text = finding.violated_provision or (finding.item.legal_basis if finding.item else "")
    return _without(text, "的规定") or LAWS_IN_GENERAL


def _penalty(finding: CaseFinding) -> str:
    return _without(finding.penalty_provision, "的规定")


def _violation(finding: CaseFinding) -> dict[str, str]:
    violated = _violated(finding)
    # ``basis`` is what templates uploaded before printed after "违反了": the violated provision.
    return {
        "fact": _conduct(finding),
        "violated": violated,
        "penalty": _penalty(finding),
        "basis": violated,
    }


def _distinct(texts: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(t for t in texts if t))


def _joined(texts: Iterable[str]) -> str:
    return "、".join(_distinct(texts))


def rectification_order(
    case: InspectionCase, *, requirements: list[str], problems: list[CaseFinding]
) -> dict[str, Any]:
    deadline = case.rectify_deadline
    violations = [_violation(f) for f in problems]
    return {
        "violations": violations,
        "order_basis": _joined([v["penalty"] for v in violations]) or LAWS_IN_GENERAL,
        "deadline": chinese_date(deadline) if deadline else "",
        "requirements": requirements
        or ["按检查发现的问题逐项改正，并于期限届满前书面报告整改情况。"],
        "rights": RIGHTS.format(what="通知"),
    }


# Why a rule of the statute exempts, said of the party (行政处罚法第三十三条、第三十六条).
EXEMPTION_REASONS = {
    "art33_1_minor": "违法行为轻微并及时改正，没有造成危害后果",
    "art33_1_first": "初次违法且危害后果轻微并及时改正",
    "art33_2": "有证据足以证明没有主观过错",
    "art36": "违法行为在法定追责期限内未被发现",
}


def _exemptions(finding: CaseFinding) -> tuple[list[str], list[str]]:
    """(reasons, provisions) of the 不予处罚 as the discretion engine weighed the finding: each
    exemption list item and statutory rule that applied."""
    evaluation = finding.evaluation if isinstance(finding.evaluation, dict) else {}
    reasons: list[str] = []
    bases: list[str] = []
    for rule in evaluation.get("statutory") or ():
        if rule.get("applies") and "exempt" in (rule.get("outcomes") or ()):
            reasons.append(EXEMPTION_REASONS.get(str(rule.get("rule")), ""))
            bases.append(str(rule.get("article") or ""))
    for item in evaluation.get("items") or ():
        if item.get("matches") and item.get("kind") == "exempt":
            listed = f"{item.get('version_label') or ''}不予处罚清单第 {item.get('code')} 项"
            reasons.append(f"属于{listed.strip()}所列情形")
            bases.append(str(item.get("discretion_basis") or ""))
    return reasons, bases


def no_penalty_decision(case: InspectionCase, *, problems: list[CaseFinding]) -> dict[str, Any]:
    facts = "；".join(
        f"{_conduct(f)}的行为，违反了{_violated(f)}的规定" for f in problems if _conduct(f)
    )
    inspected = timefmt.beijing_date(case.started_at) if case.started_at else case.inspection_date
    weighed = [_exemptions(f) for f in problems]
    grounds = _distinct(r for reasons, _ in weighed for r in reasons)
    # An officer who decided against the proposal gave the reason in his own words.
    own = _distinct(clause(f.deviation_reason) for f in problems)
    reason = (f"你单位{'；'.join(grounds)}" if grounds else "；".join(own)) or clause(
        case.decision_note
    )
    return {
        "facts": f"你单位于{chinese_date(inspected)}检查中被发现：{facts}。",
        "reason": f"{reason}。" if reason else "违法行为轻微并及时改正，没有造成危害后果。",
        "basis": _joined([b for _, bases in weighed for b in bases]) or NO_PENALTY_BASIS,
        "decision": "对你单位不予行政处罚，并予以批评教育和合规指导。",
        "rights": RIGHTS.format(what="决定"),
    }


def review_opinion(case: InspectionCase, recheck: Recheck) -> dict[str, Any]:
    findings = [line for line in recheck.note.splitlines() if line.strip()] or [recheck.note]
    conclusion = (
        "已按要求改正，本次责令改正事项办结。"
        if recheck.passed
        else "未按要求改正，本机关将依法处理。"
    )
    return {
        "review_time": chinese_date(recheck.rechecked_on),
        "findings": findings,
        "conclusion": conclusion,
    }
