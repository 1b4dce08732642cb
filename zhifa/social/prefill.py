"""The ``social_report`` source of a supervision document: a social supervisor's report with a
breach prefills a 监督意见书 to the agency whose officers he watched."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from zhifa.core import access, timefmt
from zhifa.social.models import CredentialShown, Report
from zhifa.supervision.sources import Prefill


def report_prefill(pk: int, user: Any) -> Prefill:
    report = (
        Report.objects.restrict(user)
        .select_related(
            "assignment__case__organisation",
            "assignment__case__enterprise",
            "assignment__supervisor__user",
        )
        .filter(pk=pk)
        .first()
    )
    if report is None or not access.can(user, "social.problems", report):
        raise Http404("没有找到该社会监督员反馈，或您无权查看。")
    case = report.case
    supervisor = report.assignment.supervisor
    when = report.assignment.checked_in_at
    facts = [
        f"{timefmt.chinese_date(case.inspection_date)}，{case.organisation.name}对{case.enterprise.name}"
        f"进行检查（{case.reference}），社会监督员{supervisor.name}（{supervisor.category_text}）"
        + (f"于 {timefmt.chinese_clock(when)} 到场" if when else "")
        + "伴随监督。"
    ]
    problems = [
        f"{point.section}：{point.item} —— {point.note}"
        for point in report.points.filter(breached=True)
    ]
    if report.credentials != CredentialShown.ALL:
        problems.append(
            f"执法人员{report.get_credentials_display()}执法证（《中华人民共和国行政处罚法》第五十五条）。"
        )
    if report.notes:
        facts.append(f"社会监督员补充：{report.notes}")
    return Prefill(
        addressee=case.organisation,
        case=case,
        label=f"社会监督员反映：{case.reference} {case.enterprise.name}",
        matter=f"{case.organisation.name}检查{case.enterprise.name}时执法人员的执法行为",
        facts=facts,
        problems=problems,
        suggested_kind="supervision_opinion",
    )


def report_documented(pk: int, letter: Any, actor: Any) -> None:
    """A supervision document was drafted from report ``pk``: a problem still waiting becomes
    已转监督文书 (a second document from the same report changes nothing more)."""
    from zhifa.social.models import ProblemStatus, Report
    from zhifa.social.services import mark_documented

    report = Report.objects.filter(pk=pk, problem_status=ProblemStatus.PENDING).first()
    if report is not None:
        mark_documented(report, actor=actor, document=letter.label)
