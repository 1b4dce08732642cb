"""Pages of the compliance guidance lists and self-checks. Thin: scope, validate, call a
service, render.

The published lists, their items and the search need no login. Curators (系统管理员, 执法监督人员)
draft, import and publish versions; an enterprise user keeps its own self-checks, which nobody
else but an administrator lists.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhifa.compliance import importing, rules, search, selectors, services
from zhifa.compliance.forms import (
    AnswerForm,
    ConfirmForm,
    CorrectionForm,
    ItemForm,
    ItemImportForm,
    SearchForm,
    SelfCheckStartForm,
    VersionForm,
)
from zhifa.compliance.models import (
    Answer,
    GuidanceItem,
    GuidanceVersion,
    SelfCheck,
    SelfCheckAnswer,
    SelfCheckStatus,
    VersionStatus,
)
from zhifa.core import access, params
from zhifa.core.access import requires
from zhifa.core.viewhelpers import add_service_errors as _form_errors
from zhifa.core.viewhelpers import posted as _posted
from zhifa.core.viewhelpers import request_user as _user
from zhifa.org.scoping import get_visible_or_404, visible_to
from zhifa.versioned import views as versioned

REPORT_LIMIT = 1000
SEARCH_PAGE_SIZE = 10


def _version_for(request: HttpRequest, pk: int) -> GuidanceVersion:
    """A public version for anyone; a draft only for a curator who may see it."""
    version = get_object_or_404(GuidanceVersion.objects.select_related("region"), pk=pk)
    if version.is_public:
        return version
    user = request.user
    if access.can(user, "guidance.curate"):
        return get_visible_or_404(user, GuidanceVersion.objects.select_related("region"), pk=pk)
    raise Http404("未找到该清单，或它尚未公布。")


# --- Public pages ------------------------------------------------------------------------------


@requires("guidance.list")
@require_GET
def version_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    can_curate = access.can(user, "guidance.curate")
    drafts = (
        visible_to(user, GuidanceVersion.objects.filter(status=VersionStatus.DRAFT))
        if can_curate
        else GuidanceVersion.objects.none()
    )
    return render(
        request,
        "compliance/version_list.html",
        {
            "versions": selectors.public_versions(),
            "drafts": drafts.select_related("region"),
            "can_curate": can_curate,
            "form": SearchForm(),
        },
    )


@requires("public")
@require_GET
def version_detail(request: HttpRequest, pk: int) -> HttpResponse:
    version = _version_for(request, pk)
    form = SearchForm(request.GET or None)
    field = industry = ""
    if form.is_bound and form.is_valid():
        field = form.cleaned_data["field"]
        industry = form.cleaned_data["industry"]
    items = selectors.public_items(version, field=field, industry=industry)
    page = Paginator(items, settings.ZHIFA_PAGE_SIZE).get_page(request.GET.get("page"))
    user = request.user
    can_edit = version.is_draft and access.can(user, "guidance.curate", version)
    return render(
        request,
        "compliance/version_detail.html",
        {
            "version": version,
            "page": page,
            "total": page.paginator.count,
            "form": form,
            "can_edit": can_edit,
        },
    )


@requires("public")
@require_GET
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(GuidanceItem.objects.select_related("field", "version"), pk=pk)
    version = _version_for(request, item.version_id)
    user = request.user
    can_edit = version.is_draft and access.can(user, "guidance.curate", version)
    return render(
        request,
        "compliance/item_detail.html",
        {"item": item, "version": version, "can_edit": can_edit},
    )


@requires("guidance.list")
@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    results: search.SearchResults | None = None
    page_number = 1
    if form.is_bound and form.is_valid() and form.cleaned_data["q"].strip():
        page_number = params.page_from_text(request.GET.get("page"))
        results = search.search(
            form.cleaned_data["q"],
            field=form.cleaned_data["field"] or None,
            industry=form.cleaned_data["industry"] or None,
            limit=SEARCH_PAGE_SIZE,
            offset=(page_number - 1) * SEARCH_PAGE_SIZE,
        )
    pages = 0
    if results is not None:
        pages = max(1, -(-results.total // SEARCH_PAGE_SIZE))
    return render(
        request,
        "compliance/search.html",
        {
            "form": form,
            "results": results,
            "page_number": page_number,
            "pages": pages,
            "has_previous": page_number > 1,
            "has_next": page_number < pages,
            "previous_page": page_number - 1,
            "next_page": page_number + 1,
        },
    )


# --- Curating ----------------------------------------------------------------------------------


@login_required
@requires("guidance.curate")
@require_http_methods(["GET", "POST"])
def version_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = VersionForm(_posted(request), user=user)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.create_version(
                region=form.cleaned_data["region"], data=form.cleaned_data, actor=user
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"已新建清单草稿“{version.title}（{version.label}）”。")
            return redirect("compliance:version_detail", pk=version.pk)
    return render(request, "compliance/version_form.html", {"form": form})


@login_required
@requires("guidance.curate", GuidanceVersion)
@require_http_methods(["GET", "POST"])
def version_import(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    version = _version_for(request, pk)
    form = (
        ItemImportForm(request.POST, request.FILES)
        if request.method == "POST"
        else ItemImportForm()
    )
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            outcome = services.import_items(
                version, file_name=upload.name, content=upload.read(), actor=user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if outcome.report.ok:
                messages.success(
                    request,
                    f"已导入文件“{upload.name}”：新增 {outcome.created} 条、"
                    f"更新 {outcome.updated} 条、未变 {outcome.unchanged} 条。",
                )
                return redirect("compliance:version_detail", pk=version.pk)
            report = outcome.report
    return render(
        request,
        "compliance/version_import.html",
        {
            "version": version,
            "form": form,
            "report": report,
            "shown_errors": report.errors[:REPORT_LIMIT] if report else [],
            "hidden_error_count": max(0, len(report.errors) - REPORT_LIMIT) if report else 0,
            "columns": importing.COLUMNS,
        },
    )


@requires("public")
@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    return versioned.template(importing.template_workbook(), "合规指导清单导入模板.xlsx")


@requires("public")
@require_GET
def version_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The version as .xlsx with the import file's headers, so that it imports back."""
    version = _version_for(request, pk)
    items = GuidanceItem.objects.filter(version=version).select_related("field")
    return versioned.export(
        "合规指导清单", importing.HEADERS, items.order_by("position", "code"), importing.item_row
    )


@login_required
@requires("guidance.curate", GuidanceVersion)
@require_http_methods(["GET", "POST"])
def version_publish(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    version = _version_for(request, pk)
    form = ConfirmForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.publish_version(version, actor=user)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"已公布“{version.title}（{version.label}）”。")
            return redirect("compliance:version_detail", pk=version.pk)
    previous = GuidanceVersion.objects.filter(
        region_id=version.region_id, publisher=version.publisher, status=VersionStatus.PUBLISHED
    ).exclude(pk=version.pk)
    return render(
        request,
        "compliance/version_publish.html",
        {"version": version, "form": form, "previous": previous},
    )


@login_required
@requires("guidance.curate", GuidanceVersion)
@require_http_methods(["GET", "POST"])
def item_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    version = _version_for(request, pk)
    form = ItemForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            item = services.add_item(version, data=form.cleaned_data, actor=user)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"已新增条目 {item.code} {item.title}。")
            return redirect("compliance:item_detail", pk=item.pk)
    return render(
        request, "compliance/item_form.html", {"form": form, "version": version, "item": None}
    )


@login_required
@requires("guidance.curate", GuidanceItem)
@require_http_methods(["GET", "POST"])
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    item = get_object_or_404(GuidanceItem.objects.select_related("field"), pk=pk)
    version = _version_for(request, item.version_id)
    form = ItemForm(_posted(request), instance=item)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_item(item, data=form.cleaned_data, actor=user)
        except ValidationError as error:
            if not hasattr(error, "error_dict") and error.messages == [services.NOTHING_CHANGED]:
                messages.info(request, "未作任何修改。")
                return redirect("compliance:item_detail", pk=item.pk)
            _form_errors(form, error)
        else:
            messages.success(request, f"已保存条目 {item.code} 的修改。")
            return redirect("compliance:item_detail", pk=item.pk)
    return render(
        request, "compliance/item_form.html", {"form": form, "version": version, "item": item}
    )


# --- Self-checks -------------------------------------------------------------------------------


@login_required
@requires("selfcheck.list")
@require_GET
def self_check_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    checks = selectors.self_checks_for(user)
    page = Paginator(checks, settings.ZHIFA_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "compliance/self_check_list.html",
        {"page": page, "total": page.paginator.count, "can_start": bool(user.enterprise_id)},
    )


@login_required
@requires("selfcheck.start")
@require_http_methods(["GET", "POST"])
def self_check_start(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    enterprise = user.enterprise
    if enterprise is None:
        raise PermissionDenied(rules.SELF_CHECK_DENIED)
    initial = {
        "industry": enterprise.industry,
        "inspection_item_codes": request.GET.get("items", ""),
    }
    form = SelfCheckStartForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        codes = rules.split_list(form.cleaned_data["inspection_item_codes"])
        try:
            check = services.start_self_check(
                enterprise,
                actor=user,
                inspection_item_codes=codes,
                industry=form.cleaned_data["industry"],
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, "已生成自查清单，请逐项填写。")
            return redirect("compliance:self_check_detail", pk=check.pk)
    return render(
        request,
        "compliance/self_check_start.html",
        {"form": form, "enterprise": enterprise, "version": services.version_for(enterprise)},
    )


def _visible_check(request: HttpRequest, pk: int) -> SelfCheck:
    return get_visible_or_404(
        _user(request),
        SelfCheck.objects.select_related("enterprise", "version", "version__region"),
        pk=pk,
    )


def _answers(check: SelfCheck) -> list[SelfCheckAnswer]:
    return list(
        check.answers.select_related("item", "item__field").order_by("item__position", "item__code")
    )


@login_required
@requires("selfcheck.view", SelfCheck)
@require_GET
def self_check_detail(request: HttpRequest, pk: int) -> HttpResponse:
    check = _visible_check(request, pk)
    answers = _answers(check)
    return render(
        request,
        "compliance/self_check_detail.html",
        {
            "check": check,
            "answers": answers,
            "editable": check.status == SelfCheckStatus.IN_PROGRESS,
            "answer_choices": [c for c in Answer.choices if c[0]],
            "pending": sum(1 for a in answers if a.answer == Answer.PENDING),
            "gaps": [a for a in answers if a.answer == Answer.VIOLATES],
        },
    )


@login_required
@requires("selfcheck.edit", SelfCheck)
@require_POST
def self_check_answer(request: HttpRequest, pk: int, answer_pk: int) -> HttpResponse:
    check = _visible_check(request, pk)
    answer = get_object_or_404(
        SelfCheckAnswer.objects.select_related("item"), pk=answer_pk, self_check=check
    )
    form = AnswerForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, f"{answer.item.code}：{message}")
    else:
        try:
            services.answer_item(
                answer,
                value=form.cleaned_data["answer"],
                note=form.cleaned_data["note"],
                actor=_user(request),
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, f"{answer.item.code}：{message}")
    return redirect(
        reverse("compliance:self_check_detail", args=[check.pk]) + f"#answer-{answer.pk}"
    )


@login_required
@requires("selfcheck.edit", SelfCheck)
@require_POST
def self_check_complete(request: HttpRequest, pk: int) -> HttpResponse:
    check = _visible_check(request, pk)
    try:
        services.complete_self_check(check, actor=_user(request))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("compliance:self_check_detail", pk=check.pk)
    messages.success(request, "自查已完成，可打印自查报告。")
    return redirect("compliance:self_check_report", pk=check.pk)


@login_required
@requires("selfcheck.view", SelfCheck)
@require_GET
def self_check_report(request: HttpRequest, pk: int) -> HttpResponse:
    check = _visible_check(request, pk)
    answers = _answers(check)
    counts = _counts(answers)
    return render(
        request,
        "compliance/self_check_report.html",
        {
            "check": check,
            "answers": answers,
            "gaps": [a for a in answers if a.answer == Answer.VIOLATES],
            "counts": counts,
        },
    )


@login_required
@requires("selfcheck.view", SelfCheck)
@require_GET
def self_check_report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The report laid out as a PDF with the documents' GB/T 9704 stylesheet and fonts."""
    from zhifa.documents import rendering

    check = _visible_check(request, pk)
    missing = rendering.missing_fonts()
    if missing:
        messages.error(
            request, "本机缺少文书字体，暂不能生成 PDF，请使用打印页面：" + "；".join(missing)
        )
        return redirect("compliance:self_check_report", pk=check.pk)
    answers = _answers(check)
    body = render_to_string(
        "compliance/self_check_report_pdf.html",
        {
            "check": check,
            "answers": answers,
            "gaps": [a for a in answers if a.answer == Answer.VIOLATES],
            "counts": _counts(answers),
        },
    )
    try:
        pdf = rendering.html_to_pdf(f"{rendering.HTML_HEAD}{body}{rendering.HTML_END}")
    except rendering.RenderError as error:  # a character the document faces cannot draw
        messages.error(request, f"暂不能生成 PDF，请使用打印页面：{error}")
        return redirect("compliance:self_check_report", pk=check.pk)
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"企业自查报告-{check.enterprise.name}-{check.pk}.pdf"
    response["Content-Disposition"] = content_disposition_header(False, filename) or ""
    return response


def _counts(answers: list[SelfCheckAnswer]) -> dict[str, int]:
    return {
        str(label): sum(1 for a in answers if a.answer == value) for value, label in Answer.choices
    }


@login_required
@requires("selfcheck.edit", SelfCheck)
@require_http_methods(["GET", "POST"])
def self_check_correct(request: HttpRequest, pk: int, answer_pk: int) -> HttpResponse:
    check = _visible_check(request, pk)
    answer = get_object_or_404(
        SelfCheckAnswer.objects.select_related("item"), pk=answer_pk, self_check=check
    )
    form = (
        CorrectionForm(request.POST, request.FILES)
        if request.method == "POST"
        else CorrectionForm()
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.record_correction(
                answer,
                corrected_on=form.cleaned_data["corrected_on"],
                evidence=form.cleaned_data["evidence"],
                note=form.cleaned_data["note"],
                actor=_user(request),
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"已登记条目 {answer.item.code} 的整改情况。")
            return redirect("compliance:self_check_detail", pk=check.pk)
    return render(
        request,
        "compliance/self_check_correct.html",
        {"check": check, "answer": answer, "form": form},
    )


@login_required
@requires("selfcheck.view", SelfCheck)
@require_GET
def self_check_evidence(request: HttpRequest, pk: int, answer_pk: int) -> FileResponse:
    check = _visible_check(request, pk)
    answer = get_object_or_404(
        SelfCheckAnswer.objects.filter(~Q(evidence="")), pk=answer_pk, self_check=check
    )
    name = (answer.evidence.name or "").rsplit("/", 1)[-1]
    return FileResponse(answer.evidence.open("rb"), as_attachment=True, filename=name)
