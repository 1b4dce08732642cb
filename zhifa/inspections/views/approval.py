"""Submitting, approving and rejecting a case, one by one or in a batch; the approval form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from zhifa.core import access
from zhifa.core.access import requires
from zhifa.core.viewhelpers import add_service_errors, posted, request_user
from zhifa.inspections import forms, selectors, services
from zhifa.inspections.models import CaseStatus, InspectionCase
from zhifa.inspections.views._common import _case, _confirm_step
from zhifa.org.models import User


def _post_step(
    request: HttpRequest, pk: int, step: Callable[[InspectionCase, User], Any], done: str
) -> HttpResponse:
    """A step without input: the button on the case page posts straight to it."""
    user, case = _case(request, pk)
    try:
        step(case, user)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, done.format(case=case))
    return redirect("inspections:case_detail", pk=case.pk)


@login_required
@requires("case.edit", InspectionCase)
@require_POST
def case_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_step(
        request,
        pk,
        lambda case, user: services.submit_case(case, actor=user),
        "检查案件 {case.reference} 已提请审批。",
    )


@login_required
@requires("case.edit", InspectionCase)
@require_POST
def case_revise(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_step(
        request,
        pk,
        lambda case, user: services.revise_case(case, actor=user),
        "检查案件 {case.reference} 已退回草稿，可修改后重新提请审批。",
    )


@login_required
@requires("case.edit", InspectionCase)
@require_POST
def case_approval_form(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_step(
        request,
        pk,
        lambda case, user: services.issue_approval_form(case, actor=user),
        "已生成检查案件 {case.reference} 的行政检查审批表。",
    )


@login_required
@requires("case.approve", InspectionCase)
@require_http_methods(["GET", "POST"])
def case_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _confirm_step(
        request,
        pk,
        form_class=forms.OpinionForm,
        step=lambda case, user, form: services.approve_case(
            case, actor=user, opinion=form.cleaned_data["opinion"]
        ),
        done=lambda case, _: f"已批准检查案件 {case.reference}。",
        title="批准检查",
        button="批准",
        extra=lambda case: {
            "summary": True,
            "approval": selectors.approval_facts(case),
            "late_notice": services.late_notice(case, timezone.localdate()),
            "note": (
                f"本案为{case.get_kind_display()}，批准即同意免于预告，理由：{case.exemption_reason}"
                if case.is_exempt
                else ""
            ),
        },
    )


@login_required
@requires("case.reject", InspectionCase)
@require_http_methods(["GET", "POST"])
def case_reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _confirm_step(
        request,
        pk,
        form_class=forms.RejectForm,
        step=lambda case, user, form: services.reject_case(
            case, actor=user, reason=form.cleaned_data["reason"]
        ),
        done=lambda case, _: f"检查案件 {case.reference} 未获批准，已退回申请人。",
        title="不予批准",
        button="不予批准",
        extra=lambda case: {"summary": True},
    )


# --- Batch approval ---------------------------------------------------------------------------


@login_required
@requires("case.approve_batch", own_organisation=True)
@require_http_methods(["GET", "POST"])
def batch_approve(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if user.organisation_id is None:
        # The page approves for the user's own agency; an administrator uses the API.
        raise PermissionDenied(services.APPROVE_DENIED)
    submitted = (
        selectors.cases_for(user)
        .filter(organisation_id=user.organisation_id, status=CaseStatus.SUBMITTED)
        .exclude(requested_by=user)
        .order_by("inspection_date", "pk")
    )
    # Only what this approver may approve (separation of duties); the service checks again.
    waiting = submitted.exclude(
        pk__in=[c.pk for c in submitted if not access.can(user, "case.approve", c)]
    )
    form = forms.BatchForm(posted(request), cases=waiting)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            batch = services.approve_batch(
                list(data["cases"]), actor=user, title=data["title"], opinion=data["opinion"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            count = batch.cases.count()
            messages.success(
                request,
                f"批量审批“{batch.title}”已批准 {count} 件检查，批量审批清单 "
                f"{batch.list_document.number_text if batch.list_document else ''}。",
            )
            return redirect("inspections:case_list")
    rows = [(case, widget) for case, widget in zip(waiting, form["cases"], strict=False)]
    return render(request, "inspections/batch_approve.html", {"form": form, "rows": rows})
