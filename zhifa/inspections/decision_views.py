"""The violation picker of the decision page: search-as-you-type over the lists in force.

The decision page's "违法行为" field asks, as the officer types, for the violations of the lists
the case's agency has in force whose name or code contains the text (``case_violations``, a small
HTML fragment for htmx); choosing one (``case_violation_pick``) returns the field again with the
violation's code and its two provisions filled in, for the officer to check or correct. Without
scripts neither is called: the officer types the code and the form checks it.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from zhifa.core.access import requires
from zhifa.discretion.selectors import published_version_of, violation_in_force, violations_in_force
from zhifa.inspections import forms, selectors
from zhifa.inspections.models import CaseFinding, FindingResult, InspectionCase
from zhifa.inspections.views._common import _case


def _problem(request: HttpRequest, pk: int, position: int) -> tuple[InspectionCase, CaseFinding]:
    _user, case = _case(request, pk)
    finding = (
        selectors.findings_of(case)
        .filter(result=FindingResult.PROBLEM, position=position)
        .select_related("item")
        .first()
    )
    if finding is None:
        raise Http404("该案件没有这一项发现问题的检查记录。")
    return case, finding


@login_required
@requires("case.decide", InspectionCase)
@require_GET
def case_violations(request: HttpRequest, pk: int, position: int) -> HttpResponse:
    case, _finding = _problem(request, pk, position)
    q = str(request.GET.get(f"f{position}_violation_code") or request.GET.get("q") or "")
    q = q.strip()[:64]
    return render(
        request,
        "inspections/_violation_results.html",
        {
            "case": case,
            "position": position,
            "q": q,
            "choices": violations_in_force(case.organisation_id, q=q),
            "has_lists": published_version_of(case.organisation_id) is not None,
        },
    )


@login_required
@requires("case.decide", InspectionCase)
@require_GET
def case_violation_pick(request: HttpRequest, pk: int, position: int) -> HttpResponse:
    case, finding = _problem(request, pk, position)
    picked = violation_in_force(case.organisation_id, str(request.GET.get("code") or ""))
    if picked is None:
        raise Http404("本机关现行裁量清单中没有这一违法行为。")
    n = finding.position
    form = forms.DecideForm(
        findings=[finding],
        organisation_id=case.organisation_id,
        initial={
            f"f{n}_violation_code": picked.violation_code,
            f"f{n}_violated_provision": picked.violated_provision,
            f"f{n}_penalty_provision": picked.penalty_provision,
        },
    )
    return render(
        request,
        "inspections/_violation_picker.html",
        {"case": case, "row": form.finding_rows()[0], "picked": picked},
    )
