"""Pages of inspection cases: the inbox, the agency's case pages, the enterprise portal, the
phone-sized 扫码入企 and check-in pages and the public results (公示).

Views are thin: they read through ``selectors`` (scoped), take input with ``forms`` and call one
service per step; a refused step shows the service's Chinese message on the form.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhifa.core import timefmt
from zhifa.core.exports import local_time, xlsx_response
from zhifa.core.viewhelpers import add_service_errors, posted, request_user, stored_file
from zhifa.discretion.engine import OUTCOME_LABELS
from zhifa.documents import selectors as document_selectors
from zhifa.draws.models import DrawResultStatus, DrawStatus, DrawTask
from zhifa.inspections import forms, selectors, services
from zhifa.inspections.models import (
    CaseOfficer,
    CaseStatus,
    FindingResult,
    GuidanceBooking,
    GuidanceSlot,
    InspectionCase,
    InspectionKind,
    Objection,
    OralNotice,
)
from zhifa.org.models import Officer, Role, User
from zhifa.org.scoping import get_visible_or_404, require_role, visible_to
from zhifa.plans import rules
from zhifa.workdays.selectors import YearNotLoaded, latest_notice_date, notice_working_days

ENTERPRISE_ONLY = "“我的检查”仅供被检查企业的用户使用。"


# --- Who may do what (the services check again) ----------------------------------------------


def _may_write(user: User, case: InspectionCase) -> bool:
    return rules.can_write(user) and rules.owns(user, case.organisation_id)


def _may_approve(user: User, case: InspectionCase) -> bool:
    return rules.can_approve(user) and rules.owns(user, case.organisation_id)


def _require_write(user: User, case: InspectionCase) -> None:
    if not _may_write(user, case):
        raise PermissionDenied(services.WRITE_DENIED)


def _require_approve(user: User, case: InspectionCase) -> None:
    if not _may_approve(user, case):
        raise PermissionDenied(services.APPROVE_DENIED)


def _require_agency_writer(user: User) -> None:
    if not (rules.can_write(user) and user.organisation_id):
        raise PermissionDenied(services.WRITE_DENIED)


def _case(request: HttpRequest, pk: int) -> tuple[User, InspectionCase]:
    user = request_user(request)
    return user, selectors.get_case_or_404(user, pk)


def _case_url(user: Any, case: InspectionCase) -> str:
    if getattr(user, "role", None) == Role.ENTERPRISE:
        return reverse("inspections:my_case", args=[case.pk])
    if getattr(user, "role", None) == Role.SOCIAL_SUPERVISOR:
        return reverse("inspections:accompany_case", args=[case.pk])
    return reverse("inspections:case_detail", args=[case.pk])


AGENCY_PAGE_ONLY = (
    "检查案件的机关内部记录只供执法机关和执法监督机关查看；"
    "社会监督员请在“伴随监督”中查看所伴随的检查。"
)


def _require_internal_reader(user: User) -> None:
    """The agency's pages and exports carry its internal record (检查事由, exemption reasons,
    approvals, the discretion proposals): the enterprise and social supervisors have their own."""
    if selectors.is_external(user):
        raise PermissionDenied(AGENCY_PAGE_ONLY)


def _notice_dates(case: InspectionCase) -> dict[str, Any]:
    """The latest lawful notice date of the case, or why it cannot be computed."""
    try:
        days = notice_working_days(case.region)
        return {
            "latest_notice": latest_notice_date(case.inspection_date, days),
            "notice_days": days,
        }
    except YearNotLoaded as error:
        return {"notice_problem": str(error)}


# --- 待办 -------------------------------------------------------------------------------------


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    sections = [
        {"section": s, "rows": [(c, _case_url(user, c)) for c in s.cases]}
        for s in selectors.inbox(user)
    ]
    return render(request, "inspections/inbox.html", {"sections": sections})


# --- Agency: list, export, create -------------------------------------------------------------


def _filtered(
    request: HttpRequest, user: User
) -> tuple[forms.CaseFilterForm, QuerySet[InspectionCase]]:
    form = forms.CaseFilterForm(request.GET or None)
    filters = form.filters()
    if filters is None:
        return form, InspectionCase.objects.none()
    cases = selectors.search_cases(
        selectors.cases_for(user),
        q=str(filters.get("q", "")).strip(),
        status=filters.get("status", ""),
        kind=filters.get("kind", ""),
        year=filters.get("year"),
    )
    return form, cases


@login_required
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if user.role == Role.ENTERPRISE:
        return redirect("inspections:my_cases")
    if user.role == Role.SOCIAL_SUPERVISOR:
        return redirect("inspections:accompany_list")
    form, cases = _filtered(request, user)
    page = Paginator(cases, settings.ZHIFA_PAGE_SIZE).get_page(request.GET.get("page"))
    year = (form.filters() or {}).get("year") or timezone.localdate().year
    return render(
        request,
        "inspections/case_list.html",
        {
            "year": year,
            "exemptions": selectors.exemption_statistics(selectors.cases_for(user), year),
            "form": form,
            "page": page,
            "total": page.paginator.count,
            "can_create": rules.can_write(user) and bool(user.organisation_id),
            "can_approve": rules.can_approve(user) and bool(user.organisation_id),
            "export_query": request.GET.urlencode(),
        },
    )


@login_required
@require_GET
def case_export(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    _require_internal_reader(user)
    _, cases = _filtered(request, user)
    cases = cases.prefetch_related(
        "items", Prefetch("assignments", queryset=CaseOfficer.objects.select_related("officer"))
    )

    def rows() -> Iterator[Sequence[Any]]:
        for case in cases.iterator(chunk_size=500):
            yield [
                case.reference,
                case.organisation.name,
                case.enterprise.uscc,
                case.enterprise.name,
                str(case.get_kind_display()),
                case.inspection_date.isoformat(),
                "、".join(i.name for i in case.items.all()),
                "、".join(
                    f"{a.officer.name}（{a.officer.cert_no}）" for a in case.assignments.all()
                ),
                str(case.get_status_display()),
                str(case.get_outcome_display()) if case.outcome else "",
                case.exemption_reason,
                local_time(case.approved_at),
                local_time(case.notified_at),
                local_time(case.published_at),
            ]

    return xlsx_response(
        "检查案件",
        [
            "案件编号",
            "执法机关",
            "统一社会信用代码",
            "企业名称",
            "检查类型",
            "检查日期",
            "检查事项",
            "执法人员",
            "状态",
            "处理结果",
            "免于预告理由",
            "审批时间",
            "预告时间",
            "公示时间",
        ],
        rows(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_create(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    _require_agency_writer(user)
    form = forms.CaseForm(posted(request), organisation_id=user.organisation_id)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        assert user.organisation is not None
        try:
            case = services.create_case(
                organisation=user.organisation,
                enterprise=data["uscc"],
                kind=data["kind"],
                items=list(data["items"]),
                officers=form.ordered_officers(),
                inspection_date=data["inspection_date"],
                inspection_time=data["inspection_time"],
                title=data["title"],
                reason=data["reason"],
                exemption_reason=data["exemption_reason"],
                is_emergency=data["is_emergency"],
                actor=user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"已新建检查案件 {case.reference}（草稿），请核对后提请审批。"
            )
            return redirect("inspections:case_detail", pk=case.pk)
    return render(
        request,
        "inspections/case_form.html",
        {"form": form, "exempt_kinds": sorted(InspectionKind.exempt_from_notice())},
    )


@login_required
@require_http_methods(["GET", "POST"])
def draw_convert(request: HttpRequest) -> HttpResponse:
    """Drawn enterprises become draft cases of the draw's task (one per enterprise)."""
    user = request_user(request)
    _require_agency_writer(user)
    draws = (
        visible_to(user, DrawTask.objects.filter(status=DrawStatus.DRAWN))
        .filter(organisation_id=int(user.organisation_id or 0))
        .annotate(
            waiting=Count("results", filter=Q(results__status=DrawResultStatus.AWAITING_APPROVAL))
        )
        .filter(waiting__gt=0)
        .order_by("-drawn_at", "-pk")
    )
    form = forms.DrawConvertForm(posted(request), draws=draws)
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            report = services.cases_from_draw(form.cleaned_data["draw"], actor=user)
        except ValidationError as error:
            add_service_errors(form, error)
        except YearNotLoaded as error:
            form.add_error(None, str(error))
    return render(request, "inspections/draw_convert.html", {"form": form, "report": report})


# --- Agency: the case page --------------------------------------------------------------------


def _detail_context(user: User, case: InspectionCase) -> dict[str, Any]:
    status = case.status
    write = _may_write(user, case)
    approve = _may_approve(user, case)
    oral = OralNotice.objects.filter(case=case).select_related("told_by", "head").first()
    # Separation of duties: an approver who takes part in the case or wrote its content is told
    # why he may not approve it instead of being offered the button.
    makeup_due = oral is not None and oral.makeup_done_at is None
    approval_refusal = (
        services.approval_refusal(case, user)
        if approve and (status == CaseStatus.SUBMITTED or makeup_due)
        else None
    )
    before_site = status in (
        CaseStatus.DRAFT,
        CaseStatus.REJECTED,
        CaseStatus.APPROVED,
        CaseStatus.NOTIFIED,
    )
    can = {
        "edit": write and before_site,
        "submit": write and status == CaseStatus.DRAFT,
        "revise": write and status == CaseStatus.REJECTED,
        "approve": approve and status == CaseStatus.SUBMITTED and approval_refusal is None,
        "approval_form": write and case.approved_by_id is not None and not case.approval_batch_id,
        "notice": write and status == CaseStatus.APPROVED and case.needs_notice,
        "oral_notice": write
        and case.is_emergency
        and oral is None
        and status in (CaseStatus.DRAFT, CaseStatus.APPROVED, CaseStatus.NOTIFIED),
        "makeup": approve and makeup_due and approval_refusal is None,
        "social_supervisor": write
        and status not in (CaseStatus.CLOSED, CaseStatus.CANCELLED, CaseStatus.INSPECTED),
        "site": write and status == CaseStatus.ON_SITE,
        "finish": write and status == CaseStatus.ON_SITE,
        "decide": write and status == CaseStatus.INSPECTED,
        "recheck": write and status == CaseStatus.RECTIFYING,
        "publish": write and case.decided_at is not None and case.published_at is None,
        "cancel": write and case.can_become(CaseStatus.CANCELLED),
        "checkin": status in (CaseStatus.APPROVED, CaseStatus.NOTIFIED, CaseStatus.ON_SITE)
        and case.assignments.filter(officer__user=user).exists(),
        "answer": user.is_admin or user.role == Role.SUPERVISOR,
    }
    return {
        "case": case,
        "can": can,
        "joint": case.joint_visit,
        "joint_cases": list(
            InspectionCase.objects.filter(joint_visit_id=case.joint_visit_id)
            .exclude(pk=case.pk)
            .select_related("organisation")
        )
        if case.joint_visit_id
        else [],
        "may_write": write,
        "approval_refusal": approval_refusal,
        "oral": oral,
        "assignments": list(case.assignments.select_related("officer").order_by("position")),
        "items": list(case.items.order_by("code")),
        "findings": list(selectors.findings_of(case)),
        "documents": list(
            case.case_documents.select_related("document__kind", "document__number").order_by(
                "created_at", "pk"
            )
        ),
        "timeline": selectors.timeline(case, user),
        "bookings": list(case.bookings.select_related("slot__officer")),
        "rechecks": list(case.rechecks.all()),
        "objections": list(case.objections.select_related("submitted_by", "answered_by")),
        "changed_after_approval": status in (CaseStatus.APPROVED, CaseStatus.NOTIFIED),
        "verify_url": reverse("inspections:verify", args=[case.verify_code]),
        **_notice_dates(case),
    }


@login_required
@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user, case = _case(request, pk)
    if user.role == Role.ENTERPRISE:
        return redirect("inspections:my_case", pk=case.pk)
    _require_internal_reader(user)
    return render(request, "inspections/case_detail.html", _detail_context(user, case))


@login_required
@require_http_methods(["GET", "POST"])
def case_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user, case = _case(request, pk)
    _require_write(user, case)
    initial = {
        "items": list(case.items.values_list("pk", flat=True)),
        "officers": list(
            case.assignments.order_by("position").values_list("officer_id", flat=True)
        ),
        "lead": case.assignments.order_by("position").values_list("officer_id", flat=True).first(),
        "inspection_date": case.inspection_date,
        "inspection_time": case.inspection_time,
        "title": case.title,
        "reason": case.reason,
    }
    form = forms.CaseContentForm(
        posted(request), initial=initial, organisation_id=case.organisation_id
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = form.ordered_officers()
        was = case.status
        try:
            services.update_case(
                case,
                actor=user,
                items=list(data["items"]),
                officers=chosen,
                inspection_date=data["inspection_date"],
                inspection_time=data["inspection_time"],
                title=data["title"] or case.title,
                reason=data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if was != case.status and case.status == CaseStatus.SUBMITTED:
                messages.warning(
                    request,
                    f"已修改检查案件 {case.reference}：批准的检查内容发生变化，已退回重新审批。",
                )
            else:
                messages.success(request, f"已修改检查案件 {case.reference}。")
            return redirect("inspections:case_detail", pk=case.pk)
    return render(
        request,
        "inspections/case_edit.html",
        {
            "case": case,
            "form": form,
            "approved": case.status in (CaseStatus.APPROVED, CaseStatus.NOTIFIED),
        },
    )


def _post_step(
    request: HttpRequest, pk: int, step: Callable[[InspectionCase, User], Any], done: str
) -> HttpResponse:
    """A step without input: the button on the case page posts straight to it."""
    user, case = _case(request, pk)
    _require_write(user, case)
    try:
        step(case, user)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, done.format(case=case))
    return redirect("inspections:case_detail", pk=case.pk)


@login_required
@require_POST
def case_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_step(
        request,
        pk,
        lambda case, user: services.submit_case(case, actor=user),
        "检查案件 {case.reference} 已提请审批。",
    )


@login_required
@require_POST
def case_revise(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_step(
        request,
        pk,
        lambda case, user: services.revise_case(case, actor=user),
        "检查案件 {case.reference} 已退回草稿，可修改后重新提请审批。",
    )


@login_required
@require_POST
def case_approval_form(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_step(
        request,
        pk,
        lambda case, user: services.issue_approval_form(case, actor=user),
        "已生成检查案件 {case.reference} 的行政检查审批表。",
    )


def _confirm_step(
    request: HttpRequest,
    pk: int,
    *,
    form_class: Callable[..., Any],
    step: Callable[[InspectionCase, User, Any], Any],
    done: Callable[[InspectionCase, Any], str],
    title: str,
    button: str,
    permission: Callable[[User, InspectionCase], None] = _require_write,
    form_kwargs: Callable[[InspectionCase], dict[str, Any]] | None = None,
    initial: Callable[[InspectionCase], dict[str, Any]] | None = None,
    extra: Callable[[InspectionCase], dict[str, Any]] | None = None,
) -> HttpResponse:
    """A step confirmed on its own page: the form, the service, its errors on the form."""
    user, case = _case(request, pk)
    permission(user, case)
    kwargs = form_kwargs(case) if form_kwargs else {}
    form = form_class(
        posted(request),
        request.FILES or None,
        initial=initial(case) if initial else None,
        **kwargs,
    )
    if request.method == "POST" and form.is_valid():
        try:
            result = step(case, user, form)
        except ValidationError as error:
            add_service_errors(form, error)
        except YearNotLoaded as error:
            # Working-day arithmetic for a year whose holidays are not loaded: the step is
            # refused with the calendar's own message, which says how to load the year.
            form.add_error(None, str(error))
        else:
            messages.success(request, done(case, result))
            return redirect("inspections:case_detail", pk=case.pk)
    context = {"case": case, "form": form, "title": title, "button": button}
    if extra:
        context.update(extra(case))
    return render(request, "inspections/case_step.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def case_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _confirm_step(
        request,
        pk,
        form_class=forms.OpinionForm,
        permission=_require_approve,
        step=lambda case, user, form: services.approve_case(
            case, actor=user, opinion=form.cleaned_data["opinion"]
        ),
        done=lambda case, _: f"已批准检查案件 {case.reference}。",
        title="批准检查",
        button="批准",
        extra=lambda case: {
            "summary": True,
            "note": (
                f"本案为{case.get_kind_display()}，批准即同意免于预告，理由：{case.exemption_reason}"
                if case.is_exempt
                else ""
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _confirm_step(
        request,
        pk,
        form_class=forms.RejectForm,
        permission=_require_approve,
        step=lambda case, user, form: services.reject_case(
            case, actor=user, reason=form.cleaned_data["reason"]
        ),
        done=lambda case, _: f"检查案件 {case.reference} 未获批准，已退回申请人。",
        title="不予批准",
        button="不予批准",
        extra=lambda case: {"summary": True},
    )


@login_required
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
@require_http_methods(["GET", "POST"])
def case_makeup(request: HttpRequest, pk: int) -> HttpResponse:
    return _confirm_step(
        request,
        pk,
        form_class=forms.OpinionForm,
        permission=_require_approve,
        step=lambda case, user, form: services.complete_makeup(
            case, actor=user, opinion=form.cleaned_data["opinion"]
        ),
        done=lambda case, document: f"已补办审批手续，口头通知记录 {document.number_text}。",
        title="补办审批手续",
        button="补办审批",
        extra=lambda case: {"summary": True},
    )


@login_required
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


@login_required
@require_http_methods(["GET", "POST"])
def case_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """处理决定, with the discretion engine's proposal per problem; "查看裁量建议" weighs the
    facts entered so far and decides nothing."""
    user, case = _case(request, pk)
    _require_write(user, case)
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


@login_required
@require_http_methods(["GET", "POST"])
def case_recheck(request: HttpRequest, pk: int) -> HttpResponse:
    return _confirm_step(
        request,
        pk,
        form_class=forms.RecheckForm,
        step=lambda case, user, form: services.record_recheck(
            case,
            actor=user,
            passed=form.cleaned_data["passed"],
            note=form.cleaned_data["note"],
            rechecked_on=form.cleaned_data["rechecked_on"],
            file_case=form.cleaned_data["file_case"],
        ),
        done=lambda case, recheck: (
            "已记录复查：" + ("整改到位，案件办结。" if recheck.passed else "未整改到位。")
        ),
        title="复查",
        button="记录复查",
        extra=lambda case: {"summary": True},
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _confirm_step(
        request,
        pk,
        form_class=forms.PublishForm,
        initial=lambda case: {"summary": services.default_result_summary(case)},
        step=lambda case, user, form: services.publish_result(
            case, actor=user, summary=form.cleaned_data["summary"]
        ),
        done=lambda case, _: f"检查案件 {case.reference} 的结果已公示。",
        title="公示检查结果",
        button="公示",
        extra=lambda case: {"summary": True},
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _confirm_step(
        request,
        pk,
        form_class=forms.ReasonForm,
        step=lambda case, user, form: services.cancel_case(
            case, actor=user, reason=form.cleaned_data["reason"]
        ),
        done=lambda case, _: f"已撤销检查案件 {case.reference}。",
        title="撤销检查案件",
        button="确认撤销",
        extra=lambda case: {"summary": True},
    )


@login_required
@require_http_methods(["GET", "POST"])
def objection_answer(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    objection = get_visible_or_404(
        user, Objection.objects.select_related("case__enterprise"), pk=pk
    )
    require_role(user, Role.SUPERVISOR, message="企业异议由执法监督机关答复。")
    form = forms.AnswerForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_objection(objection, actor=user, answer=form.cleaned_data["answer"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "已答复企业异议。")
            return redirect("inspections:case_detail", pk=objection.case_id)
    return render(
        request, "inspections/objection_answer.html", {"objection": objection, "form": form}
    )


# --- On site (phone-sized) --------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def case_site(request: HttpRequest, pk: int) -> HttpResponse:
    """现场检查笔录, item by item, on a phone: one small form per item."""
    user, case = _case(request, pk)
    _require_write(user, case)
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
@require_GET
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    evidence = selectors.evidence_for(request_user(request), pk)
    return stored_file(str(evidence.file.name), selectors.evidence_filename(evidence))


# --- Batch approval and guidance slots --------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def batch_approve(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not (rules.can_approve(user) and user.organisation_id):
        raise PermissionDenied(services.APPROVE_DENIED)
    submitted = (
        selectors.cases_for(user)
        .filter(organisation_id=user.organisation_id, status=CaseStatus.SUBMITTED)
        .exclude(requested_by=user)
        .order_by("inspection_date", "pk")
    )
    # Only what this approver may approve (separation of duties); the service checks again.
    waiting = submitted.exclude(
        pk__in=[c.pk for c in submitted if services.approval_refusal(c, user) is not None]
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


@login_required
@require_http_methods(["GET", "POST"])
def batch_notice(request: HttpRequest) -> HttpResponse:
    """批量预告: the notices of many approved cases issued by one background batch, whose
    progress page the user is sent to."""
    user = request_user(request)
    if not (rules.can_write(user) and user.organisation_id):
        raise PermissionDenied(services.WRITE_DENIED)
    waiting = (
        selectors.cases_for(user)
        .filter(organisation_id=user.organisation_id, status=CaseStatus.APPROVED)
        .exclude(kind__in=InspectionKind.exempt_from_notice())
        .exclude(is_emergency=True)
        .order_by("inspection_date", "pk")
    )
    form = forms.NoticeBatchForm(posted(request), cases=waiting)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.issue_notices_in_batch(list(form.cleaned_data["cases"]), actor=user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"已开始批量签发 {batch.total} 份预告通知书。")
            return redirect("documents:batch_detail", pk=batch.pk)
    rows = [(case, widget) for case, widget in zip(waiting, form["cases"], strict=False)]
    return render(request, "inspections/batch_notice.html", {"form": form, "rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def slot_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    require_role(user, *Role.agency_roles(), Role.SUPERVISOR)
    slots = visible_to(
        user,
        GuidanceSlot.objects.select_related("organisation", "officer").prefetch_related(
            Prefetch(
                "bookings",
                queryset=GuidanceBooking.objects.select_related("case__enterprise").order_by("pk"),
            )
        ),
    ).order_by("-starts_at", "-pk")
    can_publish = rules.can_write(user) and bool(user.organisation_id)
    form = forms.SlotForm(posted(request), organisation_id=user.organisation_id)
    if request.method == "POST":
        if not can_publish:
            raise PermissionDenied(services.WRITE_DENIED)
        if form.is_valid():
            assert user.organisation is not None
            try:
                slot = services.publish_slot(
                    organisation=user.organisation, actor=user, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"已发布指导时段 {slot}。")
                return redirect("inspections:slot_list")
    page = Paginator(slots, settings.ZHIFA_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "inspections/slot_list.html",
        {"page": page, "form": form, "can_publish": can_publish},
    )


@login_required
@require_http_methods(["GET", "POST"])
def booking_done(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    booking = get_visible_or_404(
        user, GuidanceBooking.objects.select_related("case__enterprise", "slot__officer"), pk=pk
    )
    _require_write(user, booking.case)
    form = forms.GuidanceNoteForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.record_guidance(booking, actor=user, note=form.cleaned_data["note"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"已记录对{booking.case.enterprise.name}的指导情况。")
            return redirect("inspections:slot_list")
    return render(request, "inspections/booking_done.html", {"booking": booking, "form": form})


# --- Enterprise portal (我的检查) ---------------------------------------------------------------


def _enterprise(request: HttpRequest) -> User:
    user = request_user(request)
    require_role(user, Role.ENTERPRISE, message=ENTERPRISE_ONLY)
    return user


def _my_case(request: HttpRequest, pk: int) -> tuple[User, InspectionCase]:
    user = _enterprise(request)
    return user, selectors.get_case_or_404(user, pk)


@login_required
@require_GET
def my_cases(request: HttpRequest) -> HttpResponse:
    user = _enterprise(request)
    cases = selectors.cases_for(user).exclude(
        status__in=(CaseStatus.DRAFT, CaseStatus.SUBMITTED, CaseStatus.REJECTED)
    )
    page = Paginator(cases.order_by("-inspection_date", "-pk"), settings.ZHIFA_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "inspections/my_cases.html", {"page": page})


def _my_context(user: User, case: InspectionCase) -> dict[str, Any]:
    pending = document_selectors.pending_portal_delivery(case.notice) if case.notice else None
    bookings = list(case.bookings.select_related("slot__officer").order_by("slot__starts_at"))
    decided = case.decided_at is not None
    return {
        "case": case,
        "pending": pending,
        "bookings": bookings,
        "booking_form": forms.BookingForm(slots=selectors.open_slots(case)),
        "can_book": case.status == CaseStatus.NOTIFIED,
        "rating_form": forms.RatingForm(),
        "can_rate": decided and case.rated_at is None,
        "objection_form": forms.ObjectionForm(),
        "can_object": case.status
        not in (CaseStatus.DRAFT, CaseStatus.SUBMITTED, CaseStatus.REJECTED),
        "assignments": list(case.assignments.select_related("officer").order_by("position")),
        "items": list(case.items.order_by("code")),
        "item_codes": "、".join(case.items.order_by("code").values_list("code", flat=True)),
        "findings": list(selectors.findings_of(case)) if decided else [],
        "documents": [
            link
            for link in case.case_documents.select_related(
                "document__kind", "document__number"
            ).order_by("created_at", "pk")
            if link.document.recipient_enterprise_id == case.enterprise_id
        ],
        "objections": list(case.objections.all()),
        "decided": decided,
        "timeline": selectors.timeline(case, user),
    }


@login_required
@require_GET
def my_case(request: HttpRequest, pk: int) -> HttpResponse:
    user, case = _my_case(request, pk)
    context = _my_context(user, case)
    context.update(_checkin_qr(request, case))
    return render(request, "inspections/my_case.html", context)


def _my_step(
    request: HttpRequest,
    pk: int,
    form_for: Callable[[InspectionCase], Any] | None,
    step: Callable[[InspectionCase, User, Any], str],
    form_name: str = "",
) -> HttpResponse:
    """A portal action posted from the case page; a refusal shows the page again with it."""
    user, case = _my_case(request, pk)
    form = form_for(case) if form_for else None
    if form is None or form.is_valid():
        try:
            done = step(case, user, form)
        except ValidationError as error:
            if form is None:
                messages.error(request, "；".join(error.messages))
            else:
                add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("inspections:my_case", pk=case.pk)
    if form is None:
        return redirect("inspections:my_case", pk=case.pk)
    context = _my_context(user, case)
    context.update(_checkin_qr(request, case))
    context[form_name] = form
    return render(request, "inspections/my_case.html", context, status=400)


@login_required
@require_POST
def my_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    def step(case: InspectionCase, user: User, _: Any) -> str:
        services.confirm_notice(case, actor=user)
        return "已签收预告通知书。请对照通知所列事项自查，需要时可预约合规指导。"

    return _my_step(request, pk, None, step)


@login_required
@require_POST
def my_book(request: HttpRequest, pk: int) -> HttpResponse:
    def step(case: InspectionCase, user: User, form: Any) -> str:
        booking = services.book_guidance(
            case, actor=user, slot=form.cleaned_data["slot"], topic=form.cleaned_data["topic"]
        )
        return f"已预约指导时段 {booking.slot}。"

    return _my_step(
        request,
        pk,
        lambda case: forms.BookingForm(request.POST, slots=selectors.open_slots(case)),
        step,
        "booking_form",
    )


@login_required
@require_POST
def my_cancel_booking(request: HttpRequest, pk: int) -> HttpResponse:
    user = _enterprise(request)
    booking = get_visible_or_404(
        user, GuidanceBooking.objects.select_related("case", "slot"), pk=pk
    )
    try:
        services.cancel_booking(booking, actor=user)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, f"已取消预约 {booking.slot}。")
    return redirect("inspections:my_case", pk=booking.case_id)


@login_required
@require_POST
def my_rate(request: HttpRequest, pk: int) -> HttpResponse:
    def step(case: InspectionCase, user: User, form: Any) -> str:
        services.rate_case(
            case,
            actor=user,
            rating=form.cleaned_data["rating"],
            comment=form.cleaned_data["comment"],
        )
        return "感谢您的评价。"

    return _my_step(request, pk, lambda case: forms.RatingForm(request.POST), step, "rating_form")


@login_required
@require_POST
def my_object(request: HttpRequest, pk: int) -> HttpResponse:
    def step(case: InspectionCase, user: User, form: Any) -> str:
        services.object_to_case(case, actor=user, text=form.cleaned_data["text"])
        return "异议已提交执法监督机关，答复后将在本页显示。"

    return _my_step(
        request, pk, lambda case: forms.ObjectionForm(request.POST), step, "objection_form"
    )


# --- Social supervisors (伴随监督): the external cut, read only --------------------------------


def _social_supervisor(request: HttpRequest) -> User:
    user = request_user(request)
    require_role(user, Role.SOCIAL_SUPERVISOR, message="“伴随监督”仅供社会监督员使用。")
    return user


@login_required
@require_GET
def accompany_list(request: HttpRequest) -> HttpResponse:
    user = _social_supervisor(request)
    cases = selectors.cases_for(user).order_by("-inspection_date", "-pk")
    page = Paginator(cases, settings.ZHIFA_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "inspections/accompany_list.html", {"page": page})


@login_required
@require_GET
def accompany_case(request: HttpRequest, pk: int) -> HttpResponse:
    user = _social_supervisor(request)
    case = selectors.get_case_or_404(user, pk)
    decided = case.decided_at is not None
    return render(
        request,
        "inspections/accompany_case.html",
        {
            "case": case,
            "reason": selectors.external_reason(case),
            "assignments": list(case.assignments.select_related("officer").order_by("position")),
            "items": list(case.items.order_by("code")),
            # When guidance is given matters to the one who watches; what the enterprise asked
            # stays between it and the agency.
            "bookings": list(case.bookings.select_related("slot__officer")),
            "decided": decided,
            "findings": list(selectors.findings_of(case)) if decided else [],
            "timeline": selectors.timeline(case, user),
        },
    )


# --- 扫码入企 and check-in (phone-sized) ---------------------------------------------------------


def _by_code(code: str) -> InspectionCase:
    return get_object_or_404(
        InspectionCase.objects.select_related("organisation", "enterprise", "region"),
        verify_code=code.strip().upper(),
    )


def _by_checkin_code(code: str) -> InspectionCase:
    return get_object_or_404(
        InspectionCase.objects.select_related("organisation", "enterprise", "region"),
        checkin_code=code.strip().upper(),
    )


def _is_its_enterprise(user: Any, case: InspectionCase) -> bool:
    return bool(
        user.is_authenticated
        and user.role == Role.ENTERPRISE
        and user.enterprise_id == case.enterprise_id
    )


def _checkin_qr(request: HttpRequest, case: InspectionCase) -> dict[str, str]:
    """The check-in code the enterprise shows the officers at its door, as a QR code. Only the
    enterprise's own pages carry it: scanning it is what proves an officer is there."""
    if case.status not in APPROVED_STATES or case.status in (
        CaseStatus.INSPECTED,
        CaseStatus.RECTIFYING,
        CaseStatus.CLOSED,
    ):
        return {}
    url = request.build_absolute_uri(reverse("inspections:checkin", args=[case.checkin_code]))
    return {"checkin_url": url, "qr_svg": _qr_svg(url)}


def _qr_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=12, border=2)
    text = image.to_string(encoding="unicode")
    return str(text)


APPROVED_STATES = (
    CaseStatus.APPROVED,
    CaseStatus.NOTIFIED,
    CaseStatus.ON_SITE,
    CaseStatus.INSPECTED,
    CaseStatus.RECTIFYING,
    CaseStatus.CLOSED,
)


@require_GET
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public (no login): the enterprise checks that the inspection at its door is genuine."""
    case = _by_code(code)
    today = timezone.localdate()
    approved = case.status in APPROVED_STATES and case.approved_by_id is not None
    emergency = case.is_emergency and case.status in APPROVED_STATES
    officers = [
        {
            "officer": a.officer,
            # A public page: the category of the problem, never a disciplinary reason.
            "problem": a.officer.public_ineligibility(today),
            "checked_in_at": a.checked_in_at,
        }
        for a in case.assignments.select_related("officer").order_by("position")
    ]
    # The check-in code is the enterprise's to show: this public page carries it only for a
    # signed-in user of the inspected enterprise (an unannounced inspection's enterprise reaches
    # the case here first, from the code the officers present).
    own = _is_its_enterprise(request.user, case)
    return render(
        request,
        "inspections/verify.html",
        {
            "case": case,
            "approved": approved,
            "emergency": emergency,
            "officers": officers,
            "items": list(case.items.order_by("code")),
            "prohibitions": document_selectors.current_prohibitions(today),
            "is_its_enterprise": own,
            **(_checkin_qr(request, case) if own and (approved or emergency) else {}),
            "today": today,
        },
    )


def _its_officer(user: User, case: InspectionCase) -> tuple[Officer, CaseOfficer]:
    officer = Officer.objects.filter(user=user).first()
    if officer is None:
        raise PermissionDenied("只有绑定了执法证的执法人员账号可以签到。")
    assignment = case.assignments.filter(officer=officer).first()
    if assignment is None:
        raise PermissionDenied(
            f"{officer.name} 不是案件 {case.reference} 批准的执法人员，不能签到。"
        )
    return officer, assignment


def _checkin_context(
    user: User, case: InspectionCase, officer: Officer, assignment: CaseOfficer
) -> dict[str, Any]:
    assignment.refresh_from_db()
    return {
        "case": case,
        "officer": officer,
        "assignment": assignment,
        "assignments": list(case.assignments.select_related("officer").order_by("position")),
        "may_record": case.status == CaseStatus.ON_SITE and _may_write(user, case),
    }


@login_required
@require_http_methods(["GET", "POST"])
def case_checkin(request: HttpRequest, pk: int) -> HttpResponse:
    """The officers' check-in page reached from the case, for the enterprise that shows no QR
    code (most have no platform account): the officer types the 入企核验码 the enterprise reads
    out, which it may first receive by SMS. The page never carries the code."""
    user, case = _case(request, pk)
    officer, assignment = _its_officer(user, case)
    errors: list[str] = []
    if request.method == "POST":
        try:
            location = services.clean_location(
                request.POST.get("latitude"),
                request.POST.get("longitude"),
                request.POST.get("accuracy"),
            )
            services.check_in(
                case, actor=user, code=request.POST.get("code", ""), location=location
            )
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, f"{officer.name} 已签到。")
            return redirect("inspections:case_checkin", pk=case.pk)
    return _render_case_checkin(request, user, case, officer, assignment, errors)


@login_required
@require_POST
def case_checkin_sms(request: HttpRequest, pk: int) -> HttpResponse:
    user, case = _case(request, pk)
    officer, assignment = _its_officer(user, case)
    try:
        masked = services.send_checkin_code(case, actor=user)
    except ValidationError as error:
        return _render_case_checkin(request, user, case, officer, assignment, error.messages)
    messages.success(
        request,
        f"已向企业联系人（尾号 {masked[-4:]}）发送入企核验码短信。请企业联系人出示短信或读出"
        "核验码，填入下方签到。",
    )
    return redirect("inspections:case_checkin", pk=case.pk)


def _render_case_checkin(
    request: HttpRequest,
    user: User,
    case: InspectionCase,
    officer: Officer,
    assignment: CaseOfficer,
    errors: list[str],
) -> HttpResponse:
    mobile = services.checkin_contact_mobile(case)
    context = _checkin_context(user, case, officer, assignment)
    context.update(
        {
            "ask_code": True,
            "errors": errors,
            "refusal": services.checkin_refusal(case, timefmt.today()),
            "contact_tail": mobile[-4:] if mobile else "",
        }
    )
    return render(request, "inspections/checkin.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def checkin(request: HttpRequest, code: str) -> HttpResponse:
    user = request_user(request)
    case = _by_checkin_code(code)
    officer, assignment = _its_officer(user, case)
    errors: list[str] = []
    if request.method == "POST":
        try:
            location = services.clean_location(
                request.POST.get("latitude"),
                request.POST.get("longitude"),
                request.POST.get("accuracy"),
            )
            services.check_in(case, actor=user, code=code, location=location)
        except ValidationError as error:
            errors = error.messages
        else:
            case.refresh_from_db()
            messages.success(request, f"{officer.name} 已签到。")
            return redirect("inspections:checkin", code=case.checkin_code)
    context = _checkin_context(user, case, officer, assignment)
    context["errors"] = errors
    return render(request, "inspections/checkin.html", context)


# --- 公示 (no login) ----------------------------------------------------------------------------


@require_GET
def public_results(request: HttpRequest) -> HttpResponse:
    form = forms.ResultFilterForm(request.GET or None)
    q, year = "", None
    if form.is_bound and form.is_valid():
        q = form.cleaned_data["q"].strip()
        year = form.cleaned_data["year"]
    results = selectors.published_results(q=q, year=year)
    page = Paginator(results, settings.ZHIFA_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "inspections/public_results.html",
        {"form": form, "page": page, "total": page.paginator.count},
    )
