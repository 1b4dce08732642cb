"""Advance notice (凡检查必通知), notices in a batch, the oral notice and its 补办."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from zhifa.core import timefmt
from zhifa.core.access import requires
from zhifa.core.viewhelpers import add_service_errors, posted, request_user
from zhifa.inspections import forms, selectors, services
from zhifa.inspections.models import CaseStatus, InspectionCase, InspectionKind
from zhifa.inspections.views._common import _confirm_step, _notice_dates


@login_required
@requires("case.edit", InspectionCase)
@require_http_methods(["GET", "POST"])
def case_notice(request: HttpRequest, pk: int) -> HttpResponse:
    return _confirm_step(
        request,
        pk,
        form_class=forms.ConfirmForm,
        step=lambda case, user, form: services.issue_notice(case, actor=user),
        done=lambda case, document: (
            f"已发出预告通知书 {document.number_text}，并送达企业门户待签收。"
        ),
        title="发出预告通知书",
        button="发出预告通知书",
        extra=lambda case: {"summary": True, "show_notice_dates": True, **_notice_dates(case)},
    )


@login_required
@requires("case.edit", InspectionCase)
@require_http_methods(["GET", "POST"])
def case_oral_notice(request: HttpRequest, pk: int) -> HttpResponse:
    return _confirm_step(
        request,
        pk,
        form_class=forms.OralNoticeForm,
        form_kwargs=lambda case: {"case": case},
        initial=lambda case: {"told_at": timefmt.now().replace(second=0, microsecond=0)},
        step=lambda case, user, form: services.record_oral_notice(
            case, actor=user, **form.cleaned_data
        ),
        done=lambda case, oral: (
            f"已记录口头通知并报告机关负责人，现场检查开始；请于 {oral.makeup_due} 前补办审批手续。"
        ),
        title="紧急检查：口头通知",
        button="记录口头通知并进入现场",
    )


@login_required
@requires("case.makeup", InspectionCase)
@require_http_methods(["GET", "POST"])
def case_makeup(request: HttpRequest, pk: int) -> HttpResponse:
    return _confirm_step(
        request,
        pk,
        form_class=forms.OpinionForm,
        step=lambda case, user, form: services.complete_makeup(
            case, actor=user, opinion=form.cleaned_data["opinion"]
        ),
        done=lambda case, document: f"已补办审批手续，口头通知记录 {document.number_text}。",
        title="补办审批手续",
        button="补办审批",
        extra=lambda case: {"summary": True},
    )


@login_required
@requires("case.edit", own_organisation=True)
@require_http_methods(["GET", "POST"])
def batch_notice(request: HttpRequest) -> HttpResponse:
    """批量预告: the notices of many approved cases issued by one background batch, whose
    progress page the user is sent to."""
    user = request_user(request)
    if user.organisation_id is None:
        # The page notifies for the user's own agency; an administrator uses the API.
        raise PermissionDenied(services.WRITE_DENIED)
    waiting = (
        selectors.cases_for(user)
        .filter(organisation_id=user.organisation_id, status=CaseStatus.APPROVED)
        .exclude(kind__in=InspectionKind.exempt_from_notice())
        .exclude(is_emergency=True)
        .order_by("inspection_date", "pk")
    )
    # Late cases are listed apart with why, and cannot be chosen: they never hold up the rest.
    today = timezone.localdate()
    on_time, late = services.split_late(list(waiting), today)
    choosable = waiting.filter(pk__in=[c.pk for c in on_time])
    form = forms.NoticeBatchForm(posted(request), cases=choosable)
    if request.method == "POST" and form.is_valid():
        chosen, turned_late = services.split_late(list(form.cleaned_data["cases"]), today)
        try:
            if not chosen:
                raise ValidationError({"cases": [reason for _, reason in turned_late]})
            batch = services.issue_notices_in_batch(chosen, actor=user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"已开始批量签发 {batch.total} 份预告通知书。")
            for case, reason in turned_late:
                messages.error(
                    request, f"{case.enterprise.name}（{case.reference}）未签发：{reason}"
                )
            return redirect("documents:batch_detail", pk=batch.pk)
    rows = [(case, widget) for case, widget in zip(choosable, form["cases"], strict=False)]
    return render(
        request, "inspections/batch_notice.html", {"form": form, "rows": rows, "late": late}
    )
