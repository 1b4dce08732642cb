"""The decision on a case."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from zhifa.core.access import requires
from zhifa.core.viewhelpers import posted
from zhifa.discretion.engine import OUTCOME_LABELS
from zhifa.inspections import forms, selectors, services
from zhifa.inspections.models import FindingResult, InspectionCase
from zhifa.inspections.views._common import _case


@login_required
@requires("case.decide", InspectionCase)
@require_http_methods(["GET", "POST"])
def case_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """处理决定, with the discretion engine's proposal per problem; "查看裁量建议" weighs the
    facts entered so far and decides nothing."""
    user, case = _case(request, pk)
    problems = list(
        selectors.findings_of(case).filter(result=FindingResult.PROBLEM).order_by("position")
    )
    preview = request.method == "POST" and "preview" in request.POST
    form = forms.DecideForm(
        posted(request), findings=problems, organisation_id=case.organisation_id, preview=preview
    )
    valid = request.method == "POST" and form.is_valid()
    if valid and not preview:
        data = form.cleaned_data
        try:
            services.decide_case(
                case,
                actor=user,
                outcome=data["outcome"],
                decisions=form.decisions(),
                rectify_working_days=data["rectify_working_days"],
                requirements=form.requirement_lines(),
                note=data["note"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                f"已作出处理决定：{case.get_outcome_display()}"
                + (f"，整改期限 {case.rectify_deadline}" if case.rectify_deadline else "")
                + "。",
            )
            return redirect("inspections:case_detail", pk=case.pk)
    facts = form.decisions() if valid else {}
    proposals = {
        f.position: services.evaluate_finding(
            case,
            f,
            facts.get(f.position)
            or {
                "violation_code": f.violation_code,
                "harm_level": f.harm_level,
                "corrected_before": f.corrected_before,
                "corrected_on_site": f.corrected_on_site,
            },
        )
        for f in problems
    }
    rows = [
        {
            **row,
            "evaluation": proposals[row["finding"].position],
            "allowed": "、".join(
                OUTCOME_LABELS[o] for o in proposals[row["finding"].position].proposed.allowed
            ),
        }
        for row in form.finding_rows()
    ]
    return render(
        request, "inspections/case_decide.html", {"case": case, "form": form, "rows": rows}
    )
