"""Pages of 执法体检. Thin: scope, validate, call a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhifa.core import access, tabular
from zhifa.core.access import requires
from zhifa.core.exports import xlsx_response
from zhifa.core.tabular import ImportFileError
from zhifa.core.viewhelpers import add_service_errors, posted
from zhifa.core.viewhelpers import request_user as _user
from zhifa.inspections.models import CaseStatus, InspectionCase
from zhifa.org.models import Role
from zhifa.review import importing, selectors, services
from zhifa.review.forms import (
    CampaignForm,
    ConcludeForm,
    ConfirmForm,
    DrawForm,
    FindingForm,
    ScoreForm,
    SpotCheckForm,
    StandardImportForm,
)
from zhifa.review.models import (
    Campaign,
    CampaignStatus,
    CaseReview,
    Grade,
    ReviewStandard,
    ReviewStatus,
    SpotCheck,
    SpotCheckStatus,
    StandardStatus,
)
from zhifa.supervision.sources import draft_url
from zhifa.versioned import views as versioned

PAGE_SIZE = 30


def _page(request: HttpRequest, rows: object) -> object:
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))  # type: ignore[arg-type]


# --- Standards -----------------------------------------------------------------------------------


@login_required
@requires("review.standard.view")
@require_GET
def standard_list(request: HttpRequest) -> HttpResponse:
    rows = ReviewStandard.objects.restrict(request.user).select_related("organisation")
    return render(request, "review/standard_list.html", {"standards": rows})


@login_required
@requires("review.standard.view", ReviewStandard)
@require_GET
def standard_detail(request: HttpRequest, pk: int) -> HttpResponse:
    standard = get_object_or_404(
        ReviewStandard.objects.restrict(request.user).select_related("organisation"), pk=pk
    )
    return render(
        request,
        "review/standard_detail.html",
        {
            "standard": standard,
            "vetoes": standard.veto_items.order_by("code"),
            "scored": standard.scored_items.order_by("code"),
            "can_publish": standard.status == StandardStatus.DRAFT
            and access.can(request.user, "review.standard.curate", standard),
        },
    )


@login_required
@requires("review.standard.curate", own_organisation=True)
@require_http_methods(["GET", "POST"])
def standard_import(request: HttpRequest) -> HttpResponse:
    """A new draft from a spreadsheet of items, all or nothing (every bad row named)."""
    user = _user(request)
    form = StandardImportForm(posted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "file"}
        upload = form.cleaned_data["file"]
        try:
            if upload.size > importing.SPEC.max_bytes:
                raise ImportFileError("文件超过 2 MB，请删减后重新上传。")
            data.update(importing.read_items(upload.name, upload.read()))
            standard = services.import_standard(
                actor=user, organisation=services.acting_organisation(user), data=data
            )
            messages.success(request, f"已导入评查标准草稿“{standard.label}”，核对后可公布。")
            return redirect("review:standard_detail", pk=standard.pk)
        except ImportFileError as error:
            form.add_error("file", str(error))
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
    return render(request, "review/standard_import.html", {"form": form})


@login_required
@requires("review.standard.view")
@require_GET
def standard_template(request: HttpRequest) -> HttpResponse:
    content = tabular.template_workbook("案卷评查标准", importing.COLUMNS)
    return versioned.template(content, "案卷评查标准导入模板.xlsx")


@login_required
@requires("review.standard.view", ReviewStandard)
@require_GET
def standard_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The items with the import file's headers, so that the export imports back."""
    standard = get_object_or_404(ReviewStandard.objects.restrict(request.user), pk=pk)
    return xlsx_response(
        f"案卷评查标准-{standard.label}", list(importing.HEADERS), importing.export_rows(standard)
    )


@login_required
@requires("review.standard.curate", ReviewStandard)
@require_POST
def standard_publish(request: HttpRequest, pk: int) -> HttpResponse:
    standard = get_object_or_404(ReviewStandard.objects.restrict(request.user), pk=pk)
    try:
        services.publish_standard(standard, actor=_user(request))
        messages.success(request, f"已公布评查标准“{standard.label}”。")
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    return redirect("review:standard_detail", pk=pk)


# --- Reviews -------------------------------------------------------------------------------------


@login_required
@requires("review.list")
@require_GET
def review_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    rows = selectors.reviews_for(user)
    status = request.GET.get("status", "")
    if status in ReviewStatus.values:
        rows = rows.filter(status=status)
    query = request.GET.get("q", "").strip()
    if query:
        rows = rows.filter(case__reference__icontains=query) | rows.filter(
            case__organisation__name__icontains=query
        )
    supervising = user.is_admin or user.has_role(*Role.supervising_roles())
    closed = (
        InspectionCase.objects.restrict(user)
        .filter(status=CaseStatus.CLOSED)
        .exclude(pk__in=CaseReview.objects.values("case_id"))
        .select_related("organisation")
        .order_by("-closed_at")[:20]
        if supervising
        else []
    )
    return render(
        request,
        "review/review_list.html",
        {
            "page": _page(request, rows),
            "status": status,
            "statuses": ReviewStatus.choices,
            "q": query,
            "to_do": selectors.reviews_to_do(user),
            "closed_cases": closed,
            "supervising": supervising,
        },
    )


@login_required
@requires("review.start", InspectionCase, kwarg="case_pk")
@require_POST
def review_start(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = get_object_or_404(InspectionCase.objects.restrict(request.user), pk=case_pk)
    try:
        review = services.start_review(case, actor=_user(request))
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
        return redirect("review:review_list")
    return redirect("review:review_detail", pk=review.pk)


def _case_file(case: InspectionCase) -> dict[str, object]:
    return {
        "documents": case.case_documents.select_related(
            "document", "document__kind", "document__number"
        ),
        "assignments": case.assignments.select_related("officer").order_by("position"),
        "findings": case.findings.select_related("item").order_by("position"),
    }


@login_required
@requires("review.view", CaseReview, write="review.score")
@require_http_methods(["GET", "POST"])
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    review = get_object_or_404(
        selectors.reviews_for(user).select_related("case__enterprise"), pk=pk
    )
    can_score = review.status == ReviewStatus.IN_PROGRESS and access.can(
        user, "review.score", review
    )
    form = ScoreForm(posted(request), review=review) if can_score else None
    if form is not None and request.method == "POST" and form.is_valid():
        vetoes, deductions = form.marks()
        try:
            services.score_review(
                review,
                actor=user,
                vetoes=vetoes,
                deductions=deductions,
                conclusion=form.cleaned_data.get("conclusion") or "",
            )
            messages.success(request, "评分已保存。")
            return redirect("review:review_detail", pk=pk)
        except ValidationError as error:
            add_service_errors(form, error)
    outcome = services.outcome_of(review)
    supervision_link = None
    if review.grade == Grade.FAIL and access.can(user, "review.score", review):
        supervision_link = draft_url("case_review", review.pk)
    return render(
        request,
        "review/review_detail.html",
        {
            "review": review,
            "case": review.case,
            "form": form,
            "confirm": ConfirmForm() if can_score else None,
            "outcome": outcome,
            "marks": review.veto_marks.select_related("item").order_by("item__code"),
            "deductions": review.deductions.select_related("item").order_by("item__code"),
            "supervision_link": supervision_link,
            "case_url": reverse("inspections:case_detail", args=[review.case_id]),
            **_case_file(review.case),
        },
    )


@login_required
@requires("review.score", CaseReview)
@require_POST
def review_complete(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_object_or_404(CaseReview.objects.restrict(request.user), pk=pk)
    if not ConfirmForm(request.POST).is_valid():
        messages.error(request, "请勾选“我已核对，确认此操作不可撤回”后再完成评查。")
        return redirect("review:review_detail", pk=pk)
    try:
        review = services.complete_review(review, actor=_user(request))
        messages.success(request, f"评查已完成：{review.total} 分，{review.get_grade_display()}。")
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    return redirect("review:review_detail", pk=pk)


@login_required
@requires("review.results")
@require_GET
def results(request: HttpRequest) -> HttpResponse:
    agencies, reviewers = selectors.results(_user(request))
    if request.GET.get("export") == "xlsx":
        rows = [["按被评查机关", *[""] * (len(selectors.RESULT_HEADERS) - 1)]]
        rows += [t.row() for t in agencies]
        rows += [["按评查人", *[""] * (len(selectors.RESULT_HEADERS) - 1)]]
        rows += [t.row() for t in reviewers]
        headers = ["机关/评查人", *selectors.RESULT_HEADERS[1:]]
        return xlsx_response("案卷评查结果", headers, rows)
    return render(
        request,
        "review/results.html",
        {"agencies": agencies, "reviewers": reviewers, "grades": Grade.labels},
    )


# --- Spot checks ---------------------------------------------------------------------------------


@login_required
@requires("review.spotcheck.list", write="review.spotcheck.create")
@require_http_methods(["GET", "POST"])
def spot_check_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = SpotCheckForm(posted(request), user=user)
    if request.method == "POST" and form.is_valid():
        try:
            spot = services.announce_spot_check(actor=user, **form.cleaned_data)
            messages.success(request, f"已公告日常抽查“{spot.title}”。")
            return redirect("review:spot_check_detail", pk=spot.pk)
        except ValidationError as error:
            add_service_errors(form, error)
    rows = SpotCheck.objects.restrict(user).select_related("agency", "organisation")
    return render(
        request, "review/spot_check_list.html", {"page": _page(request, rows), "form": form}
    )


@login_required
@requires("review.spotcheck.list", SpotCheck, write="review.spotcheck.draw")
@require_http_methods(["GET", "POST"])
def spot_check_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    spot = get_object_or_404(SpotCheck.objects.restrict(user), pk=pk)
    form = DrawForm(posted(request)) if spot.status == SpotCheckStatus.ANNOUNCED else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            services.draw_spot_check(spot, actor=user, value=form.cleaned_data["value"])
            messages.success(request, "已抽取，抽中的案件已列入待评查。")
            return redirect("review:spot_check_detail", pk=pk)
        except ValidationError as error:
            add_service_errors(form, error)
    return render(
        request,
        "review/spot_check_detail.html",
        {"spot": spot, "form": form, "reviews": spot.reviews.select_related("case")},
    )


@requires("public")
@require_GET
def spot_check_public(request: HttpRequest, pk: int) -> HttpResponse:
    spot = get_object_or_404(SpotCheck.objects.select_related("agency", "organisation"), pk=pk)
    return render(request, "review/spot_check_public.html", {"spot": spot})


@requires("public")
@require_GET
def spot_check_population(request: HttpRequest, pk: int) -> HttpResponse:
    """The frozen population as published (its SM3 is on the public page)."""
    spot = get_object_or_404(SpotCheck, pk=pk)
    response = HttpResponse(spot.population, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="spot-check-{spot.pk}-population.txt"'
    return response


# --- Campaigns -----------------------------------------------------------------------------------


@login_required
@requires("review.campaign.view", write="review.campaign.manage")
@require_http_methods(["GET", "POST"])
def campaign_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = CampaignForm(posted(request), user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = services.create_campaign(
                actor=user,
                title=data["title"],
                agencies=list(data["agencies"]),
                period_start=data["period_start"],
                period_end=data["period_end"],
                checklist=data["checklist"].splitlines(),
                field=data.get("field"),
            )
            return redirect("review:campaign_detail", pk=campaign.pk)
        except ValidationError as error:
            add_service_errors(form, error)
    rows = Campaign.objects.restrict(user).prefetch_related("agencies")
    return render(
        request, "review/campaign_list.html", {"page": _page(request, rows), "form": form}
    )


@login_required
@requires("review.campaign.view", Campaign, write="review.campaign.manage")
@require_http_methods(["GET", "POST"])
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    campaign = get_object_or_404(Campaign.objects.restrict(user), pk=pk)
    finding_form = (
        FindingForm(posted(request), campaign=campaign)
        if campaign.status == CampaignStatus.IN_PROGRESS
        else None
    )
    if finding_form is not None and request.method == "POST" and finding_form.is_valid():
        try:
            services.record_finding(campaign, actor=user, **finding_form.cleaned_data)
            messages.success(request, "已记录问题。")
            return redirect("review:campaign_detail", pk=pk)
        except ValidationError as error:
            add_service_errors(finding_form, error)
    return render(
        request,
        "review/campaign_detail.html",
        {
            "campaign": campaign,
            "findings": campaign.findings.select_related("agency", "item"),
            "finding_form": finding_form,
            "conclude_form": ConcludeForm()
            if campaign.status == CampaignStatus.IN_PROGRESS
            else None,
        },
    )


@login_required
@requires("review.campaign.manage", Campaign)
@require_POST
def campaign_start(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(Campaign.objects.restrict(request.user), pk=pk)
    try:
        services.start_campaign(campaign, actor=_user(request))
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    return redirect("review:campaign_detail", pk=pk)


@login_required
@requires("review.campaign.manage", Campaign)
@require_POST
def campaign_conclude(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(Campaign.objects.restrict(request.user), pk=pk)
    form = ConcludeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写监督结论。")
        return redirect("review:campaign_detail", pk=pk)
    try:
        services.conclude_campaign(
            campaign, actor=_user(request), conclusion=form.cleaned_data["conclusion"]
        )
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    return redirect("review:campaign_detail", pk=pk)
