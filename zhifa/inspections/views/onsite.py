"""On site (phone-sized): the site record, evidence, the social supervisor, finishing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from zhifa.core.access import requires
from zhifa.core.viewhelpers import add_service_errors, request_user, stored_file
from zhifa.inspections import forms, selectors, services
from zhifa.inspections.models import FindingEvidence, InspectionCase
from zhifa.inspections.views._common import _case, _confirm_step


@login_required
@requires("case.assign_social_supervisor", InspectionCase)
@require_http_methods(["GET", "POST"])
def case_social_supervisor(request: HttpRequest, pk: int) -> HttpResponse:
    return _confirm_step(
        request,
        pk,
        form_class=forms.SocialSupervisorForm,
        form_kwargs=lambda case: {"case": case},
        initial=lambda case: {"supervisor": case.social_supervisor_id},
        step=lambda case, user, form: services.assign_social_supervisor(
            case, actor=user, supervisor=form.cleaned_data["supervisor"]
        ),
        done=lambda case, _: f"已更新检查案件 {case.reference} 的伴随监督员。",
        title="安排伴随监督员",
        button="保存",
    )


@login_required
@requires("case.record_onsite", InspectionCase)
@require_http_methods(["GET", "POST"])
def case_finish(request: HttpRequest, pk: int) -> HttpResponse:
    return _confirm_step(
        request,
        pk,
        form_class=forms.FinishForm,
        step=lambda case, user, form: services.finish_site_record(
            case,
            actor=user,
            present_person=form.cleaned_data["present_person"],
            party_opinion=form.cleaned_data["party_opinion"],
        ),
        done=lambda case, document: f"现场检查结束，已生成现场检查笔录 {document.number_text}。",
        title="结束现场检查",
        button="结束现场检查并生成笔录",
        extra=lambda case: {"findings": list(selectors.findings_of(case))},
    )


# --- On site (phone-sized) --------------------------------------------------------------------


@login_required
@requires("case.record_onsite", InspectionCase)
@require_http_methods(["GET", "POST"])
def case_site(request: HttpRequest, pk: int) -> HttpResponse:
    """现场检查笔录, item by item, on a phone: one small form per item."""
    user, case = _case(request, pk)
    items = list(case.items.order_by("code"))
    recorded = {f.item_id: f for f in selectors.findings_of(case)}
    posted_item = request.POST.get("item") if request.method == "POST" else None
    rows = []
    for item in items:
        bound = posted_item == str(item.pk)
        finding = recorded.get(item.pk)
        initial = {"result": finding.result, "description": finding.description} if finding else {}
        form = forms.FindingForm(
            request.POST if bound else None,
            request.FILES if bound else None,
            initial=initial,
            prefix=f"item{item.pk}",
        )
        if bound and form.is_valid():
            try:
                services.record_finding(
                    case,
                    actor=user,
                    item=item,
                    result=form.cleaned_data["result"],
                    description=form.cleaned_data["description"],
                    files=form.cleaned_data["evidence"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"已记录“{item.name}”。")
                return redirect(
                    reverse("inspections:case_site", args=[case.pk]) + f"#item-{item.pk}"
                )
        rows.append({"item": item, "form": form, "finding": finding})
    return render(
        request,
        "inspections/case_site.html",
        {"case": case, "rows": rows, "done": len(recorded), "total": len(items)},
    )


@login_required
@requires("evidence.view", FindingEvidence)
@require_GET
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    evidence = selectors.evidence_for(request_user(request), pk)
    return stored_file(str(evidence.file.name), selectors.evidence_filename(evidence))
