"""Pages of organisations and officers. Thin: scope, validate, call a service, render."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from zhifa.core import access
from zhifa.core.access import requires
from zhifa.core.exports import xlsx_response
from zhifa.core.viewhelpers import request_user as _user
from zhifa.org import selectors, services
from zhifa.org.forms import (
    CertificateAction,
    CertificateStatusForm,
    OfficerFilterForm,
    OfficerForm,
    OrganisationFilterForm,
)
from zhifa.org.models import Officer, Organisation, OrganisationKind, Role, User
from zhifa.org.scoping import get_visible_or_404, visible_to


def _page(request: HttpRequest, queryset: QuerySet[Any]) -> Page[Any]:
    return Paginator(queryset, settings.ZHIFA_PAGE_SIZE).get_page(request.GET.get("page"))


# --- Organisations ----------------------------------------------------------------------------


@login_required
@requires("organisation.list")
@require_GET
def organisation_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = OrganisationFilterForm(request.GET or None, user=user)
    data = form.cleaned_data if form.is_valid() else {}
    organisations = selectors.organisations_for(
        user,
        q=data.get("q", ""),
        kind=data.get("kind", ""),
        region_prefix=data.get("region", ""),
    )
    page = _page(request, organisations)
    return render(
        request,
        "org/organisation_list.html",
        {"form": form, "page": page, "total": page.paginator.count},
    )


@login_required
@requires("organisation.view", Organisation)
@require_GET
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    organisation = get_visible_or_404(
        user,
        Organisation.objects.select_related("region__parent__parent", "parent").prefetch_related(
            "fields"
        ),
        pk=pk,
    )
    officers = visible_to(user, organisation.officers.all()).prefetch_related("fields")
    children = visible_to(user, organisation.children.all())
    parent_visible = (
        organisation.parent_id is not None
        and visible_to(user, Organisation.objects.filter(pk=organisation.parent_id)).exists()
    )
    return render(
        request,
        "org/organisation_detail.html",
        {
            "organisation": organisation,
            "officers": officers,
            "children": children,
            "parent_visible": parent_visible,
            "can_manage_officers": access.can(user, "officer.manage", organisation)
            and organisation.kind in OrganisationKind.enforcing(),
            "today": timezone.localdate(),
        },
    )


# --- Officers ---------------------------------------------------------------------------------


@login_required
@requires("officer.list")
@require_GET
def officer_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = OfficerFilterForm(request.GET or None, user=user)
    officers = selectors.officers_for(user, **form.filters())
    page = _page(request, officers)
    can_create = access.can(user, "officer.manage")
    return render(
        request,
        "org/officer_list.html",
        {
            "form": form,
            "page": page,
            "total": page.paginator.count,
            "can_create": can_create,
            "export_query": request.GET.urlencode(),
        },
    )


EXPORT_HEADERS = [
    "姓名",
    "执法证号",
    "身份证号（已脱敏）",
    "所属机构",
    "执法领域",
    "证件有效期起",
    "证件有效期至",
    "证件状态",
    "今日执法资格",
    "不符合原因",
]


@login_required
@requires("officer.list")
@require_GET
def officer_export(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = OfficerFilterForm(request.GET or None, user=user)
    today = timezone.localdate()

    def rows() -> Iterator[Sequence[Any]]:
        for officer in selectors.officers_for(user, **form.filters()).iterator(chunk_size=1000):
            reason = officer.ineligibility_reason(today)
            yield (
                [
                    officer.name,
                    officer.cert_no,
                    officer.masked_id_number,
                    officer.organisation.name,
                    "、".join(f.name for f in officer.fields.all()),
                    officer.cert_valid_from,
                    officer.cert_valid_until,
                    officer.get_cert_status_display(),
                    "不可参与执法" if reason else "可参与执法",
                    reason or "",
                ]
            )

    return xlsx_response("执法人员", EXPORT_HEADERS, rows())


@login_required
@requires("officer.view", Officer)
@require_GET
def officer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    officer = get_visible_or_404(
        user,
        Officer.objects.select_related("organisation__region", "user").prefetch_related("fields"),
        pk=pk,
    )
    can_manage = access.can(user, "officer.manage", officer)
    return render(
        request,
        "org/officer_detail.html",
        {
            "officer": officer,
            "today": timezone.localdate(),
            "reason": officer.ineligibility_reason(),
            "can_manage": can_manage,
            "certificate_actions": [
                (a, CertificateAction.labels[a]) for a in CertificateAction.available(officer)
            ]
            if can_manage
            else [],
        },
    )


def _manageable_organisations(user: User, officer: Officer | None = None) -> QuerySet[Organisation]:
    """Organisations ``user`` may register officers in (an edited officer's own included)."""
    if user.is_admin:
        condition = Q(kind__in=OrganisationKind.enforcing(), is_active=True)
        if officer is not None:
            condition |= Q(pk=officer.organisation_id)
        return Organisation.objects.filter(condition).select_related("region")
    return Organisation.objects.filter(pk__in=user.organisations_as(Role.APPROVER))


@login_required
@requires("officer.manage")
@require_http_methods(["GET", "POST"])
def officer_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    organisations = _manageable_organisations(user)
    initial = {}
    if not user.is_admin and len(organisations) == 1:
        initial["organisation"] = organisations[0].pk
    form = OfficerForm(request.POST or None, organisations=organisations, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            officer = services.create_officer(actor=user, **form.service_kwargs())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, f"已登记执法人员 {officer.name}（执法证号 {officer.cert_no}）。"
            )
            return redirect("org:officer_detail", pk=officer.pk)
    return render(request, "org/officer_form.html", {"form": form, "officer": None})


@login_required
@requires("officer.manage", Officer)
@require_http_methods(["GET", "POST"])
def officer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    officer = get_visible_or_404(user, Officer.objects.select_related("organisation"), pk=pk)
    form = OfficerForm(
        request.POST or None,
        organisations=_manageable_organisations(user, officer),
        instance=officer,
    )
    if request.method == "POST" and form.is_valid():
        if not form.changed_for_update():
            messages.info(request, "未作任何修改。")
            return redirect("org:officer_detail", pk=officer.pk)
        try:
            officer = services.update_officer(officer, actor=user, **form.service_kwargs())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"已保存执法人员 {officer.name} 的修改。")
            return redirect("org:officer_detail", pk=officer.pk)
    return render(request, "org/officer_form.html", {"form": form, "officer": officer})


@login_required
@requires("officer.manage", Officer)
@require_http_methods(["GET", "POST"])
def officer_certificate(request: HttpRequest, pk: int) -> HttpResponse:
    """Suspend, revoke or restore a 执法证: choose and give the reason, then confirm."""
    user = _user(request)
    officer = get_visible_or_404(user, Officer.objects.select_related("organisation"), pk=pk)
    confirming = False
    if request.method == "POST":
        form = CertificateStatusForm(request.POST, officer=officer)
        if form.is_valid():
            if form.cleaned_data["confirmed"]:
                action = form.cleaned_data["action"]
                try:
                    services.change_certificate_status(
                        officer,
                        status=form.target_status,
                        reason=form.cleaned_data["reason"],
                        actor=user,
                    )
                except ValueError as error:
                    form.add_error(None, str(error))
                else:
                    messages.success(
                        request,
                        f"已为 {officer.name} 办理“{CertificateAction.labels[action]}”。",
                    )
                    return redirect("org:officer_detail", pk=officer.pk)
            else:
                confirming = True
        elif set(form.errors) == {"acknowledge"}:
            confirming = True
    else:
        initial_action = request.GET.get("action", "")
        form = CertificateStatusForm(
            officer=officer,
            initial={"action": initial_action}
            if initial_action in CertificateAction.available(officer)
            else {},
        )
    action = form.cleaned_data.get("action", "") if form.is_bound and confirming else ""
    return render(
        request,
        "org/officer_certificate.html",
        {
            "officer": officer,
            "form": form,
            "confirming": confirming,
            "action": action,
            "action_label": CertificateAction.labels.get(action, ""),
            "is_revoke": action == CertificateAction.REVOKE,
            "available": CertificateAction.available(officer),
        },
    )
