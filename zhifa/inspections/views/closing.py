"""After the decision: recheck, publication (公示, no login) and answering objections."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from zhifa.core.access import requires
from zhifa.core.viewhelpers import add_service_errors, posted, request_user, stored_file
from zhifa.inspections import forms, selectors, services
from zhifa.inspections.models import (
    InspectionCase,
    Objection,
    ObjectionAttachment,
    RectificationPhoto,
)
from zhifa.inspections.views._common import _confirm_step
from zhifa.org.scoping import get_visible_or_404


@login_required
@requires("case.recheck", InspectionCase)
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
        extra=lambda case: {
            "summary": True,
            "reports": selectors.rectification_reports(case),
        },
    )


@login_required
@requires("case.edit", InspectionCase)
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
@requires("objection.answer", Objection)
@require_http_methods(["GET", "POST"])
def objection_answer(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    objection = get_visible_or_404(
        user, Objection.objects.select_related("case__enterprise"), pk=pk
    )
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


@login_required
@requires("case.view", RectificationPhoto)
@require_GET
def rectification_photo(request: HttpRequest, pk: int) -> FileResponse:
    """A photo of the enterprise's 整改报告: for the enterprise and the agency (and who
    supervises it); no one else finds it (404)."""
    photo = RectificationPhoto.objects.restrict(request_user(request)).filter(pk=pk).first()
    if photo is None:
        raise Http404(RectificationPhoto.access_not_found)
    return stored_file(str(photo.file.name), str(photo.file.name).rsplit("/", 1)[-1])


@login_required
@requires("case.view", ObjectionAttachment)
@require_GET
def objection_file(request: HttpRequest, pk: int) -> FileResponse:
    """An attachment of an objection: for the enterprise, the agency and its supervisors."""
    found = ObjectionAttachment.objects.restrict(request_user(request)).filter(pk=pk).first()
    if found is None:
        raise Http404(ObjectionAttachment.access_not_found)
    return stored_file(str(found.file.name), found.filename)


# --- 公示 (no login) ----------------------------------------------------------------------------


@requires("public")
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
