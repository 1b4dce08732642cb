"""Pages of the three lists. Thin: scope, validate, call a service or the engine, render.

Public pages (no login) show published lists; curation pages show what ``visible_to`` lets a
user see and let 法制审核人员 / 执法机关负责人 / 系统管理员 edit drafts and publish; the evaluate
page lets agency users put a finding to the engine.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhifa.core import access
from zhifa.core.access import requires
from zhifa.core.viewhelpers import add_service_errors as _form_errors
from zhifa.core.viewhelpers import posted as _posted
from zhifa.core.viewhelpers import request_user as _user
from zhifa.discretion import engine, importing, rules, selectors, services
from zhifa.discretion.forms import (
    ConfirmForm,
    EvaluateForm,
    ImportForm,
    ItemForm,
    PublicFilterForm,
    ReviseForm,
    VersionForm,
)
from zhifa.discretion.models import DiscretionItem, DiscretionVersion, ListKind, VersionStatus
from zhifa.org.models import Organisation, User
from zhifa.org.scoping import get_visible_or_404
from zhifa.versioned import views as versioned

REPORT_LIMIT = 1000


def _draft_only(request: HttpRequest, version: DiscretionVersion) -> HttpResponse | None:
    """A redirect with the reason when ``version`` is no longer a draft; None when it is."""
    if version.is_draft:
        return None
    messages.error(
        request,
        f"清单版本“{version.label}”{VersionStatus(version.status).label}，不能修改；"
        "请在其基础上起草修订版本。",
    )
    return redirect("discretion:version_detail", pk=version.pk)


# --- Public -----------------------------------------------------------------------------------


def _public_items(request: HttpRequest) -> tuple[PublicFilterForm, Any]:
    form = PublicFilterForm(request.GET or None)
    filters = form.filters()
    if filters is None:
        return form, DiscretionItem.objects.none()
    return form, selectors.published_items(**filters)


@requires("public")
@require_GET
def public_list(request: HttpRequest) -> HttpResponse:
    form, items = _public_items(request)
    page = Paginator(items, settings.ZHIFA_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "discretion/public_list.html",
        {
            "form": form,
            "page": page,
            "total": page.paginator.count,
            "versions": selectors.public_versions(),
            "export_query": request.GET.urlencode(),
            "kinds": ListKind.choices,
        },
    )


@requires("public")
@require_GET
def public_export(request: HttpRequest) -> HttpResponse:
    _, items = _public_items(request)
    return versioned.export("行政处罚裁量三张清单", importing.HEADERS, items, importing.item_row)


@requires("public")
@require_GET
def public_item(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.public_item(pk)
    if item is None:
        raise Http404("未找到该清单事项，或该清单尚未公布。")
    related = (
        selectors.published_items(violation_code=item.violation_code)
        .filter(version_id=item.version_id)
        .exclude(pk=item.pk)
    )
    return render(
        request,
        "discretion/public_item.html",
        {"item": item, "conditions": item.condition_texts(), "related": related},
    )


@requires("public")
@require_GET
def public_version(request: HttpRequest, pk: int) -> HttpResponse:
    version = selectors.public_versions(include_superseded=True).filter(pk=pk).first()
    if version is None:
        raise Http404("未找到该清单版本，或该版本尚未公布。")
    return render(
        request,
        "discretion/public_version.html",
        {"version": version, "groups": _grouped(selectors.version_items(version))},
    )


def _grouped(items: Any) -> list[tuple[str, list[DiscretionItem]]]:
    groups: dict[str, list[DiscretionItem]] = {value: [] for value in ListKind.values}
    for item in items:
        groups[item.kind].append(item)
    return [(str(ListKind(kind).label), rows) for kind, rows in groups.items()]


# --- Curation ---------------------------------------------------------------------------------


def _version(user: User, pk: int) -> DiscretionVersion:
    return get_visible_or_404(
        user,
        DiscretionVersion.objects.select_related(
            "organisation", "created_by", "published_by", "superseded_by"
        ),
        pk=pk,
    )


@login_required
@requires("discretion.read")
@require_GET
def manage_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    status = request.GET.get("status", "")
    if status not in ("", *VersionStatus.values):
        status = ""
    versions = selectors.versions_for(user, status=status, q=request.GET.get("q", ""))
    page = Paginator(versions, settings.ZHIFA_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "discretion/manage_list.html",
        {
            "page": page,
            "total": page.paginator.count,
            "status": status,
            "q": request.GET.get("q", ""),
            "statuses": VersionStatus.choices,
            "can_curate": access.can(user, "discretion.manage"),
        },
    )


@login_required
@requires("discretion.manage")
@require_http_methods(["GET", "POST"])
def version_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = VersionForm(_posted(request), user=user)
    if request.method == "POST" and form.is_valid():
        organisation: Organisation | None = (
            form.cleaned_data["organisation"] if user.is_admin else user.organisation
        )
        if organisation is None:
            raise PermissionDenied(rules.CURATE_DENIED)
        try:
            version = services.create_version(
                organisation=organisation, data=form.cleaned_data, actor=user
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"已起草清单版本“{version.label}”，请添加事项或导入。")
            return redirect("discretion:version_detail", pk=version.pk)
    return render(request, "discretion/version_form.html", {"form": form, "version": None})


@login_required
@requires("discretion.read", DiscretionVersion)
@require_GET
def version_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    version = _version(user, pk)
    may = access.can(user, "discretion.manage", version)
    return render(
        request,
        "discretion/version_detail.html",
        {
            "version": version,
            "groups": _grouped(selectors.version_items(version)),
            "can_edit": may and version.is_draft,
            "can_revise": may and not version.is_draft,
            "revise_form": ReviseForm(initial={"label": f"{version.label}（修订）"}),
        },
    )


@login_required
@requires("discretion.manage", DiscretionVersion)
@require_http_methods(["GET", "POST"])
def version_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    version = _version(user, pk)
    if (refused := _draft_only(request, version)) is not None:
        return refused
    form = VersionForm(_posted(request), user=user, instance=version)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_version(version, data=form.cleaned_data, actor=user)
        except ValidationError as error:
            if not hasattr(error, "error_dict") and error.messages == [services.NOTHING_CHANGED]:
                messages.info(request, "未作任何修改。")
                return redirect("discretion:version_detail", pk=version.pk)
            _form_errors(form, error)
        else:
            messages.success(request, "已保存清单版本的修改。")
            return redirect("discretion:version_detail", pk=version.pk)
    return render(request, "discretion/version_form.html", {"form": form, "version": version})


@login_required
@requires("discretion.manage", DiscretionVersion)
@require_http_methods(["GET", "POST"])
def version_publish(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    version = _version(user, pk)
    if (refused := _draft_only(request, version)) is not None:
        return refused
    form = ConfirmForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.publish_version(version, actor=user)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"已公布清单版本“{version.label}”。")
            return redirect("discretion:version_detail", pk=version.pk)
    current = selectors.published_version_of(version.organisation_id)
    return render(
        request,
        "discretion/version_publish.html",
        {
            "form": form,
            "version": version,
            "current": current if current and current.pk != version.pk else None,
            "counts": {
                str(label): version.items.filter(kind=kind).count()
                for kind, label in ListKind.choices
            },
        },
    )


@login_required
@requires("discretion.manage", DiscretionVersion)
@require_POST
def version_revise(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    version = _version(user, pk)
    form = ReviseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写修订版本名称。")
        return redirect("discretion:version_detail", pk=version.pk)
    try:
        draft = services.revise_version(version, label=form.cleaned_data["label"], actor=user)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
        return redirect("discretion:version_detail", pk=version.pk)
    messages.success(request, f"已起草修订版本“{draft.label}”。")
    return redirect("discretion:version_detail", pk=draft.pk)


@login_required
@requires("discretion.read", DiscretionVersion)
@require_GET
def version_export(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    version = _version(user, pk)
    return versioned.export(
        f"裁量清单-{version.label}",
        importing.HEADERS,
        selectors.version_items(version),
        importing.item_row,
    )


@login_required
@requires("discretion.manage", DiscretionVersion)
@require_http_methods(["GET", "POST"])
def version_import(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    version = _version(user, pk)
    if (refused := _draft_only(request, version)) is not None:
        return refused
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            outcome = services.import_items(
                version=version, file_name=upload.name, content=upload.read(), actor=user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if outcome.written:
                messages.success(
                    request,
                    f"已导入文件“{upload.name}”：新增 {outcome.created} 项、"
                    f"修改 {outcome.updated} 项、未变 {outcome.unchanged} 项。",
                )
                return redirect("discretion:version_detail", pk=version.pk)
            report = outcome.report
    return render(
        request,
        "discretion/import.html",
        {
            "form": form,
            "version": version,
            "report": report,
            "shown_errors": report.errors[:REPORT_LIMIT] if report else [],
            "hidden_error_count": max(0, len(report.errors) - REPORT_LIMIT) if report else 0,
            "columns": importing.COLUMNS,
        },
    )


@requires("public")
@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    return versioned.template(importing.template_workbook(), "裁量清单导入模板.xlsx")


# --- Items ------------------------------------------------------------------------------------


@login_required
@requires("discretion.manage", DiscretionVersion)
@require_http_methods(["GET", "POST"])
def item_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    version = _version(user, pk)
    if (refused := _draft_only(request, version)) is not None:
        return refused
    form = ItemForm(_posted(request), organisation=version.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.create_item(version=version, data=form.service_data(), actor=user)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"已新增事项 {item.code}。")
            return redirect("discretion:version_detail", pk=version.pk)
    return render(
        request, "discretion/item_form.html", {"form": form, "version": version, "item": None}
    )


def _item(user: User, pk: int) -> DiscretionItem:
    return get_visible_or_404(
        user, DiscretionItem.objects.select_related("version__organisation", "field"), pk=pk
    )


@login_required
@requires("discretion.manage", DiscretionItem)
@require_http_methods(["GET", "POST"])
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    item = _item(user, pk)
    version = item.version
    if (refused := _draft_only(request, version)) is not None:
        return refused
    form = ItemForm(_posted(request), organisation=version.organisation, instance=item)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_item(item, data=form.service_data(), actor=user)
        except ValidationError as error:
            if not hasattr(error, "error_dict") and error.messages == [services.NOTHING_CHANGED]:
                messages.info(request, "未作任何修改。")
                return redirect("discretion:version_detail", pk=version.pk)
            _form_errors(form, error)
        else:
            messages.success(request, f"已保存事项 {item.code} 的修改。")
            return redirect("discretion:version_detail", pk=version.pk)
    return render(
        request, "discretion/item_form.html", {"form": form, "version": version, "item": item}
    )


@login_required
@requires("discretion.manage", DiscretionItem)
@require_POST
def item_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    item = _item(user, pk)
    version_pk = item.version_id
    try:
        services.delete_item(item, actor=user)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, f"已删除事项 {item.code}。")
    return redirect("discretion:version_detail", pk=version_pk)


# --- Evaluate ---------------------------------------------------------------------------------


@login_required
@requires("discretion.evaluate")
@require_http_methods(["GET", "POST"])
def evaluate(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    default = selectors.published_version_of(user.organisation_id)
    form = EvaluateForm(_posted(request), default_version=default)
    evaluation = None
    version = None
    if request.method == "POST" and form.is_valid():
        version = form.selected_version()
        evaluation = engine.evaluate(form.finding(), version=version)
    return render(
        request,
        "discretion/evaluate.html",
        {
            "form": form,
            "evaluation": evaluation,
            "version": version,
            "violations": selectors.violation_choices(default),
        },
    )
