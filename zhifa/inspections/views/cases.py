"""The agency's pages of a case: 待办, the list and its export, creation, the case page, editing."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from zhifa.core import access, timefmt
from zhifa.core.access import requires
from zhifa.core.exports import local_time, xlsx_response
from zhifa.core.viewhelpers import add_service_errors, posted, request_user
from zhifa.draws.models import DrawResultStatus, DrawStatus, DrawTask
from zhifa.inspections import forms, selectors, services
from zhifa.inspections.models import (
    CaseOfficer,
    CaseStatus,
    InspectionCase,
    InspectionKind,
    OralNotice,
)
from zhifa.inspections.panels import case_panels
from zhifa.inspections.views._common import _case, _confirm_step, _notice_dates
from zhifa.org.models import Officer, Role, User
from zhifa.org.scoping import visible_to
from zhifa.registry.models import Enterprise
from zhifa.workdays.selectors import YearNotLoaded


def _outside_page(user: Any) -> str | None:
    """The page of their own an enterprise user or a social supervisor reads a case on (the
    agency's pages carry its internal record), or None for the agency's page."""
    if not access.can(user, "case.view_internal"):
        if user.is_enterprise_user:
            return "inspections:my_case"
        if user.has_role(Role.SOCIAL_SUPERVISOR):
            return "inspections:accompany_case"
    return None


def _case_url(user: Any, case: InspectionCase) -> str:
    return reverse(_outside_page(user) or "inspections:case_detail", args=[case.pk])


def _own_organisation(user: User) -> None:
    # These pages act for the user's own agency; an administrator names one through the API.
    if user.organisation_id is None:
        raise PermissionDenied(services.WRITE_DENIED)


# --- 待办 -------------------------------------------------------------------------------------


# How many cases each part of the 待办 lists before "查看全部 N 项".
INBOX_SHOWN = 10


def _inbox_entry(
    user: Any, section: selectors.InboxSection, cases: list[InspectionCase], today: Any, count: int
) -> dict[str, Any]:
    return {
        "section": section,
        "count": count,
        "rows": [
            {"case": c, "url": _case_url(user, c), "late": services.late_notice(c, today)}
            for c in cases
        ],
    }


@login_required
@requires("signed_in")
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """今日事项 first, then what awaits this user; ``?section=`` lists one part in full, by page."""
    user = request_user(request)
    today = timezone.localdate()
    sections = selectors.inbox(user, today)
    chosen = next((s for s in sections if s.key == request.GET.get("section")), None)
    page = None
    if chosen is not None:
        page = Paginator(chosen.cases, settings.ZHIFA_PAGE_SIZE).get_page(request.GET.get("page"))
        entries = [_inbox_entry(user, chosen, list(page), today, page.paginator.count)]
    else:
        entries = [_inbox_entry(user, s, s.first(INBOX_SHOWN), today, s.count) for s in sections]
    return render(
        request,
        "inspections/inbox.html",
        {"sections": entries, "page": page, "chosen": chosen},
    )


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
@requires("case.list")
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    outside = _outside_page(user)
    if outside == "inspections:my_case":
        return redirect("inspections:my_cases")
    if outside == "inspections:accompany_case":
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
            "can_create": bool(user.organisation_id) and access.can(user, "case.create"),
            "can_approve": bool(user.organisation_id) and access.can(user, "case.approve_batch"),
            "export_query": request.GET.urlencode(),
        },
    )


@login_required
@requires("case.view_internal")
@require_GET
def case_export(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
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


# How many enterprises the picker offers for what has been typed so far.
PICKER_SHOWN = 8


@login_required
@requires("case.create", own_organisation=True)
@require_GET
def enterprise_options(request: HttpRequest) -> HttpResponse:
    """The enterprises matching what an officer types in the case form (name or 统一社会信用代码),
    among those he may see; htmx puts the answer under the search box."""
    user = request_user(request)
    typed = request.GET.get("q", "").strip()
    found = selectors.enterprises_matching(user, typed)[:PICKER_SHOWN] if len(typed) >= 2 else []
    return render(request, "inspections/_enterprise_options.html", {"found": found, "typed": typed})


def _new_case_initial(request: HttpRequest, user: User) -> dict[str, Any]:
    """The lead officer is the user himself when he is an officer of the agency who may inspect
    today; an enterprise chosen on its page (``?enterprise=``) is filled in."""
    initial: dict[str, Any] = {}
    own = Officer.objects.filter(user=user, organisation_id=int(user.organisation_id or 0)).first()
    if own is not None and not selectors.officer_standing(own, timezone.localdate()):
        initial.update(lead=own.pk, officers=[own.pk])
    wanted = request.GET.get("enterprise", "")
    if wanted.isdigit():
        enterprise = Enterprise.objects.restrict(user).filter(pk=int(wanted)).first()
        if enterprise is not None:
            initial["uscc"] = enterprise.uscc
            initial["enterprise_name"] = enterprise.name
    return initial


@login_required
@requires("case.create", own_organisation=True)
@require_http_methods(["GET", "POST"])
def case_create(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    _own_organisation(user)
    form = forms.CaseForm(
        posted(request),
        organisation_id=user.organisation_id,
        initial=_new_case_initial(request, user),
    )
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
@requires("case.create", own_organisation=True)
@require_http_methods(["GET", "POST"])
def draw_convert(request: HttpRequest) -> HttpResponse:
    """Drawn enterprises become draft cases of the draw's task (one per enterprise)."""
    user = request_user(request)
    _own_organisation(user)
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
    write = access.can(user, "case.edit", case)
    # An approver of the agency (``case.reject`` asks only that) is told why he may not approve
    # a case (separation of duties) instead of being offered the button.
    approve = access.can(user, "case.reject", case)
    oral = OralNotice.objects.filter(case=case).select_related("told_by", "head").first()
    # Separation of duties: an approver who takes part in the case or wrote its content is told
    # why he may not approve it instead of being offered the button.
    makeup_due = oral is not None and oral.makeup_done_at is None
    approval_refusal = (
        access.refusal(user, "case.approve", case)
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
        "makeup": makeup_due and access.can(user, "case.makeup", case),
        "social_supervisor": access.can(user, "case.assign_social_supervisor", case)
        and status not in (CaseStatus.CLOSED, CaseStatus.CANCELLED, CaseStatus.INSPECTED),
        "site": status == CaseStatus.ON_SITE and access.can(user, "case.record_onsite", case),
        "finish": status == CaseStatus.ON_SITE and access.can(user, "case.record_onsite", case),
        "decide": status == CaseStatus.INSPECTED and access.can(user, "case.decide", case),
        "recheck": status == CaseStatus.RECTIFYING and access.can(user, "case.recheck", case),
        "publish": write and case.decided_at is not None and case.published_at is None,
        "cancel": write and case.can_become(CaseStatus.CANCELLED),
        "checkin": status in (CaseStatus.APPROVED, CaseStatus.NOTIFIED, CaseStatus.ON_SITE)
        and access.can(user, "case.checkin", case),
        "answer": access.can(user, "objection.answer"),
    }
    return {
        "panels": case_panels(user, case),
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
        "reports": selectors.rectification_reports(case),
        "self_check": selectors.case_self_check(case),
        "objections": list(
            case.objections.select_related("submitted_by", "answered_by").prefetch_related(
                "attachments"
            )
        ),
        "today": timefmt.today(),
        "answer_days": settings.ZHIFA_OBJECTION_ANSWER_WORKING_DAYS,
        "changed_after_approval": status in (CaseStatus.APPROVED, CaseStatus.NOTIFIED),
        "verify_url": reverse("inspections:verify", args=[case.verify_code]),
        "late_notice": services.late_notice(case, timezone.localdate()),
        **_notice_dates(case),
    }


@login_required
@requires("case.view", InspectionCase)
@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user, case = _case(request, pk)
    # An outside reader who may see the case (the enterprise it concerns, the social supervisor
    # who accompanies it) reads it on his own page, without the agency's internal record.
    outside = _outside_page(user)
    if outside is not None:
        return redirect(outside, pk=case.pk)
    access.require(user, "case.view_internal", case)
    return render(request, "inspections/case_detail.html", _detail_context(user, case))


@login_required
@requires("case.edit", InspectionCase)
@require_http_methods(["GET", "POST"])
def case_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user, case = _case(request, pk)
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


@login_required
@requires("case.edit", InspectionCase)
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
