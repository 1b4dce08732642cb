"""What a 不合格 review or a campaign finding puts into a supervision document's drafting form
(``zhifa.supervision.sources``)."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from zhifa.core import access
from zhifa.review.models import CampaignFinding, CaseReview
from zhifa.supervision.sources import Prefill

# 《行政执法监督条例》 (国务院令第825号) provides 意见书 for a problem found; its article text for
# 案卷评查 was not reachable, so the basis names the 条例 and the rule the file breaks.
REGULATION = "《行政执法监督条例》（国务院令第825号）"


def case_review(pk: int, user: Any) -> Prefill:
    review = (
        CaseReview.objects.restrict(user)
        .select_related("case", "case__organisation", "standard")
        .filter(pk=pk)
        .first()
    )
    if review is None or not access.can(user, "review.score", review):
        raise Http404(CaseReview.access_not_found)
    case = review.case
    hits = review.veto_marks.filter(hit=True).select_related("item")
    deductions = review.deductions.filter(points__gt=0).select_related("item")
    grade = review.get_grade_display() or "评查中"
    return Prefill(
        addressee=case.organisation,
        case=case,
        label=f"案卷评查：{case.reference} {grade}",
        matter=f"{case.organisation.name}检查案件 {case.reference} 的案卷",
        facts=[
            f"按“{review.standard.label}”评查{case.organisation.name}的检查案卷 {case.reference}"
            f"（{case.title}），得 {review.total if review.total is not None else '—'} 分，"
            f"等次为{grade}。"
        ],
        problems=[
            f"【否决项·{m.item.get_category_display()}】{m.item.text}：{m.comment}" for m in hits
        ]
        + [
            f"【{d.item.get_section_display()}扣 {d.points} 分】{d.item.text}：{d.comment}"
            for d in deductions
        ],
        basis=[REGULATION] + [m.item.basis for m in hits if m.item.basis],
        requests=["对上述问题逐项整改，并书面报告整改情况。"],
        suggested_kind="supervision_opinion",
    )


def campaign_finding(pk: int, user: Any) -> Prefill:
    finding = (
        CampaignFinding.objects.restrict(user)
        .select_related("campaign", "agency", "item")
        .filter(pk=pk)
        .first()
    )
    if finding is None or not access.can(user, "review.campaign.manage", finding.campaign):
        raise Http404(CampaignFinding.access_not_found)
    campaign = finding.campaign
    point = f"（检查要点：{finding.item.text}）" if finding.item else ""
    return Prefill(
        addressee=finding.agency,
        label=f"专项监督：{campaign.title}",
        matter=f"{finding.agency.name}在专项监督“{campaign.title}”中的执法情况",
        facts=[f"在专项监督“{campaign.title}”中发现{finding.agency.name}存在问题{point}。"],
        problems=[f"【{finding.get_severity_display()}】{finding.text}"],
        basis=[REGULATION],
        requests=["对上述问题进行整改，并书面报告整改情况。"],
        suggested_kind="supervision_opinion",
    )
