"""Pages of the enterprise registry. Thin: scope, validate, call a service, render."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhifa.core import access
from zhifa.core.access import requires
from zhifa.core.exports import XLSX_TYPE, xlsx_response
from zhifa.core.viewhelpers import add_service_errors as _form_errors
from zhifa.core.viewhelpers import posted as _posted
from zhifa.core.viewhelpers import request_user as _user
from zhifa.org.models import User
from zhifa.org.scoping import get_visible_or_404
from zhifa.registry import importing, rules, selectors, services
from zhifa.registry.forms import (
    ContactForm,
    EnterpriseFilterForm,
    EnterpriseForm,
    ImportForm,
    OverrideForm,
)
from zhifa.registry.models import GRADE_BASIS, Contact, Enterprise

# The error table shows this many problems; the count of the rest is stated.
REPORT_LIMIT = 1000


def _filtered(request: HttpRequest, user: User) -> tuple[EnterpriseFilterForm, Any]:
    form = EnterpriseFilterForm(request.GET or None, user=user)
    filters = form.filters()
    if filters is None:
        return form, Enterprise.objects.none()
    return form, selectors.enterprises_for(user, **filters)


@login_required
@requires("enterprise.list")
@require_GET
def enterprise_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form, enterprises = _filtered(request, user)
    page = Paginator(enterprises, settings.ZHIFA_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "registry/enterprise_list.html",
        {
            "form": form,
            "page": page,
            "total": page.paginator.count,
            "can_write": access.can(user, "enterprise.register"),
            "export_query": request.GET.urlencode(),
        },
    )


@login_required
@requires("enterprise.list")
@require_GET
def enterprise_export(request: HttpRequest) -> HttpResponse:
    """The filtered list as .xlsx, with the import file's headers (so it reads back in)."""
    user = _user(request)
    _, enterprises = _filtered(request, user)

    def rows() -> Iterator[Sequence[Any]]:
        for enterprise in enterprises.iterator(chunk_size=1000):
            contact = enterprise.primary_contact
            yield (
                [
                    enterprise.uscc,
                    enterprise.name,
                    enterprise.legal_representative,
                    enterprise.address,
                    enterprise.region_id,
                    enterprise.industry,
                    enterprise.industry_code,
                    enterprise.credit_grade,
                    contact.name if contact else "",
                    contact.mobile if contact else "",
                    contact.email if contact else "",
                    enterprise.uscc_override_reason if enterprise.uscc_override else "",
                ]
            )

    return xlsx_response("企业名录", list(importing.HEADERS), rows())


@login_required
@requires("enterprise.view", Enterprise)
@require_GET
def enterprise_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    enterprise = get_visible_or_404(
        user,
        Enterprise.objects.select_related(
            "region__parent__parent", "uscc_override_by", "import_batch__created_by"
        ).prefetch_related("contacts"),
        pk=pk,
    )
    verdict = rules.check_uscc(enterprise.uscc)
    can_edit = access.can(user, "enterprise.edit", enterprise)
    return render(
        request,
        "registry/enterprise_detail.html",
        {
            "enterprise": enterprise,
            "contacts": list(enterprise.contacts.all()),
            "check_failed": verdict.needs_override,
            "expected_check_char": verdict.expected,
            "can_edit": can_edit,
            "can_review": access.can(user, "enterprise.review_code", enterprise),
            # An officer starts a case from here, the enterprise filled in (issue 17).
            "can_start_case": user.organisation is not None
            and access.can(user, "case.create", user.organisation),
            "grade_basis": GRADE_BASIS,
        },
    )


@login_required
@requires("enterprise.register")
@require_http_methods(["GET", "POST"])
def enterprise_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = EnterpriseForm(_posted(request), user=user)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = services.register_enterprise(data=form.service_data(), actor=user)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"已登记企业 {enterprise.name}（{enterprise.uscc}）。")
            return redirect("registry:enterprise_detail", pk=enterprise.pk)
    return render(request, "registry/enterprise_form.html", {"form": form, "enterprise": None})


@login_required
@requires("enterprise.edit", Enterprise)
@require_http_methods(["GET", "POST"])
def enterprise_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    enterprise = get_visible_or_404(user, Enterprise.objects.select_related("region"), pk=pk)
    form = EnterpriseForm(_posted(request), user=user, instance=enterprise)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = services.update_enterprise(
                enterprise, data=form.service_data(), actor=user
            )
        except ValidationError as error:
            if not hasattr(error, "error_dict") and error.messages == ["未作任何修改，无需保存。"]:
                messages.info(request, "未作任何修改。")
                return redirect("registry:enterprise_detail", pk=enterprise.pk)
            _form_errors(form, error)
        else:
            messages.success(request, f"已保存企业 {enterprise.name} 的修改。")
            return redirect("registry:enterprise_detail", pk=enterprise.pk)
    return render(
        request, "registry/enterprise_form.html", {"form": form, "enterprise": enterprise}
    )


@login_required
@requires("enterprise.review_code", Enterprise)
@require_http_methods(["GET", "POST"])
def enterprise_override(request: HttpRequest, pk: int) -> HttpResponse:
    """Review an enterprise whose code fails its check character and keep it as real."""
    user = _user(request)
    enterprise = get_visible_or_404(user, Enterprise.objects.select_related("region"), pk=pk)
    verdict = rules.check_uscc(enterprise.uscc)
    form = OverrideForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.approve_uscc_override(
                enterprise, reason=form.cleaned_data["uscc_override_reason"], actor=user
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"已人工复核 {enterprise.name} 的统一社会信用代码。")
            return redirect("registry:enterprise_detail", pk=enterprise.pk)
    return render(
        request,
        "registry/enterprise_override.html",
        {"enterprise": enterprise, "form": form, "verdict": verdict},
    )


# --- Contacts ---------------------------------------------------------------------------------


@login_required
@requires("enterprise.edit", Enterprise)
@require_http_methods(["GET", "POST"])
def contact_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    enterprise = get_visible_or_404(user, Enterprise.objects.all(), pk=pk)
    form = ContactForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.add_contact(enterprise, data=form.cleaned_data, actor=user)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"已添加送达联系人 {contact.name}。")
            return redirect("registry:enterprise_detail", pk=enterprise.pk)
    return render(
        request,
        "registry/contact_form.html",
        {"form": form, "enterprise": enterprise, "contact": None},
    )


@login_required
@requires("enterprise.edit", Enterprise)
@require_http_methods(["GET", "POST"])
def contact_edit(request: HttpRequest, pk: int, contact_pk: int) -> HttpResponse:
    user = _user(request)
    enterprise = get_visible_or_404(user, Enterprise.objects.all(), pk=pk)
    contact = get_visible_or_404(user, Contact.objects.filter(enterprise=enterprise), pk=contact_pk)
    form = ContactForm(_posted(request), instance=contact)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_contact(contact, data=form.cleaned_data, actor=user)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"已保存送达联系人 {form.cleaned_data['name']} 的修改。")
            return redirect("registry:enterprise_detail", pk=enterprise.pk)
    return render(
        request,
        "registry/contact_form.html",
        {"form": form, "enterprise": enterprise, "contact": contact},
    )


@login_required
@requires("enterprise.edit", Enterprise)
@require_POST
def contact_remove(request: HttpRequest, pk: int, contact_pk: int) -> HttpResponse:
    user = _user(request)
    enterprise = get_visible_or_404(user, Enterprise.objects.all(), pk=pk)
    contact = get_visible_or_404(user, Contact.objects.filter(enterprise=enterprise), pk=contact_pk)
    services.remove_contact(contact, actor=user)
    messages.success(request, f"已删除送达联系人 {contact.name}。")
    return redirect("registry:enterprise_detail", pk=enterprise.pk)


# --- Import -----------------------------------------------------------------------------------


@login_required
@requires("enterprise.register")
@require_http_methods(["GET", "POST"])
def enterprise_import(request: HttpRequest) -> HttpResponse:
    """Upload a file; every row is checked first, and a report lists every bad row."""
    user = _user(request)
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            outcome = services.import_enterprises(
                file_name=upload.name, content=upload.read(), actor=user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if outcome.batch is not None:
                messages.success(
                    request,
                    f"已导入文件“{outcome.batch.file_name}”，登记企业 {outcome.created} 家。",
                )
                return redirect("registry:enterprise_list")
            report = outcome.report
    return render(
        request,
        "registry/enterprise_import.html",
        {
            "form": form,
            "report": report,
            "shown_errors": report.errors[:REPORT_LIMIT] if report else [],
            "hidden_error_count": max(0, len(report.errors) - REPORT_LIMIT) if report else 0,
            "columns": importing.COLUMNS,
            "recent_imports": selectors.recent_imports(user),
            "can_override": access.can(user, "enterprise.review_code"),
        },
    )


@login_required
@requires("signed_in")
@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(importing.template_workbook(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, "企业名录导入模板.xlsx")
    return response
