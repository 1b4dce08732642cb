"""The complainant's pages: file a complaint (signed in or anonymous), follow it with its
tracking code, and confirm (评价 → 销号) or reopen it. Phone first: shop owners open these in
WeChat.

- The tracking code never travels in an address: after a successful lookup it is kept in the
  session, and the item page reads it from there.
- Guessing codes is slowed down: after ``TRACK_FAILURES`` wrong codes from one address (or one
  session) the lookup waits ``TRACK_LOCK_MINUTES``; a wrong code never says whether it exists.
- Who complained is not shown here at all (the complainant knows), and the agency never reaches
  these pages' data: they read the public timeline only (``ComplaintEvent.public``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhifa.complaints import public_forms as forms
from zhifa.complaints import services
from zhifa.complaints.models import (
    Category,
    Channel,
    Complaint,
    FileStage,
    Satisfaction,
    Status,
)
from zhifa.core import timefmt
from zhifa.core.access import requires
from zhifa.core.viewhelpers import add_service_errors, posted, request_user
from zhifa.inspections import selectors as inspection_selectors
from zhifa.inspections.models import CaseStatus
from zhifa.org.models import Region

# Session keys: the code of the item just filed (its receipt page) and of the item followed.
FILED_KEY = "complaints_filed_code"
TRACK_KEY = "complaints_track_code"
# Wrong codes before the lookup waits: per session, and per address (higher: many phones share
# one address behind a carrier's NAT). A code is 12 of 31 characters, so the wait only keeps a
# guesser from hammering; it is not what keeps codes secret.
TRACK_FAILURES = 5
TRACK_FAILURES_PER_ADDRESS = 20
TRACK_LOCK_MINUTES = 15
WRONG_CODE = "查询码不正确，请核对后重新输入（查询码为提交问题时页面上显示的 12 位字母和数字）。"
LOCKED = (
    f"查询码输错次数过多。为防止他人猜测查询码，请 {TRACK_LOCK_MINUTES} 分钟后再试；"
    "企业用户也可以登录后在“我的投诉”中查看。"
)
ENTER_CODE = "请先输入查询码。为保护查询码，查看页面的网址中不含查询码。"
OWN_CASES = 10

STATUS_WORDS = {
    Status.RECEIVED: "已受理，等待司法局分办",
    Status.ASSIGNED: "办理中",
    Status.ANSWERED: "承办单位已答复，等待司法局核实",
    Status.VERIFIED: "待评价：办理结果已经司法局核实，请您评价",
    Status.CLOSED: "已销号",
    Status.DECLINED: "不予受理",
}


def grouped_code(code: str) -> str:
    """K7QM3XTP9RHA → K7QM 3XTP 9RHA, for reading aloud and copying by hand."""
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))


def _yuan(value: Decimal) -> str:
    return f"{value:,.2f}"


# --- Filing -------------------------------------------------------------------------------------


def _filing_form(request: HttpRequest) -> forms.FileForm:
    user = request.user
    enterprise_user = bool(user.is_authenticated and getattr(user, "is_enterprise_user", False))
    regions = forms.filing_regions()
    cases: list[Any] = []
    initial: dict[str, Any] = {"anonymous": forms.NAMED}
    if enterprise_user:
        signed = request_user(request)
        cases = list(
            inspection_selectors.cases_for(signed)
            .exclude(status__in=(CaseStatus.DRAFT, CaseStatus.SUBMITTED, CaseStatus.REJECTED))
            .select_related("organisation__region")
            .order_by("-inspection_date", "-pk")[:OWN_CASES]
        )
        enterprise = signed.enterprise
        initial["region"] = forms.nearest_filing_region(
            enterprise.region if enterprise is not None else None, regions
        )
        initial["complainant_name"] = signed.display_name
    categories = list(
        Category.objects.filter(is_active=True)
        .select_related("parent", "region")
        .order_by("sort_order", "pk")
    )
    return forms.FileForm(
        posted(request),
        request.FILES if request.method == "POST" else None,
        initial=initial,
        categories=categories,
        regions=regions,
        cases=cases,
        signed_in_enterprise=enterprise_user,
    )


def _case_regions(form: forms.FileForm) -> dict[str, dict[str, Any]]:
    """For each offered case its agency and the listed region it belongs to: picking the case
    fills both."""
    return {
        pk: {
            "agency": case.organisation.name,
            "agency_id": case.organisation_id,
            "region": forms.nearest_filing_region(case.organisation.region, form.region_rows),
        }
        for pk, case in form.case_rows.items()
    }


@requires("complaints.file")
@require_http_methods(["GET", "POST"])
def file_form(request: HttpRequest) -> HttpResponse:
    form = _filing_form(request)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        anonymous = data["anonymous"] == forms.ANONYMOUS
        user = request.user if request.user.is_authenticated else None
        enterprise = (
            getattr(user, "enterprise", None)
            if form.signed_in_enterprise and not anonymous
            else None
        )
        try:
            item = services.file_complaint(
                channel=Channel.ANONYMOUS if anonymous else Channel.PORTAL,
                category=data["category"],
                content=data["content"],
                title=data["title"],
                region=data["region"],
                agency=data.get("agency"),
                case=data.get("case"),
                tags=data["tags"],
                files=data["files"],
                # An anonymous complainant is not recorded as the one who filed, signed in or not.
                actor=None if anonymous else user,
                is_anonymous=anonymous,
                complainant_name=data["complainant_name"],
                complainant_phone=data["complainant_phone"],
                complainant_email=data["complainant_email"],
                complainant_enterprise=enterprise,
                complainant_enterprise_name=data.get("complainant_enterprise_name", ""),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            request.session[FILED_KEY] = item.tracking_code
            request.session[TRACK_KEY] = item.tracking_code
            return redirect("complaints:filed")
    return render(
        request,
        "complaints/public/file.html",
        {
            "form": form,
            "case_regions": _case_regions(form),
            "upload_limits": forms.upload_limits(),
            "files_refused": request.method == "POST" and bool(request.FILES) and form.errors,
        },
    )


@requires("complaints.file")
@require_GET
def agencies(request: HttpRequest) -> JsonResponse:
    """The enforcing organisations of a region whose name holds ``q``: names only."""
    region = Region.objects.filter(pk=str(request.GET.get("region") or "")[:12]).first()
    if region is None:
        return JsonResponse({"results": []})
    query = str(request.GET.get("q") or "")[:40]
    return JsonResponse(
        {
            "results": [
                {"id": found.pk, "name": found.name, "place": found.region.name}
                for found in forms.agencies_in(region, query)
            ]
        },
        json_dumps_params={"ensure_ascii": False},
    )


@requires("complaints.file")
@require_GET
def filed(request: HttpRequest) -> HttpResponse:
    code = str(request.session.get(FILED_KEY) or "")
    item = services.find_by_tracking_code(code) if code else None
    context: dict[str, Any] = {"item": item}
    if item is not None:
        user = request.user
        context["code"] = grouped_code(item.tracking_code)
        context["received"] = timefmt.fmt_datetime(item.received_at)
        context["mine"] = bool(
            user.is_authenticated
            and getattr(user, "is_enterprise_user", False)
            and item.complainant_enterprise_id is not None
            and item.complainant_enterprise_id == user.enterprise_id  # type: ignore[union-attr]
        )
        try:
            days, _source = services.deadline_for(item.region, item.category)
        except ValidationError:
            days = 0
        context["days"] = days
    return render(request, "complaints/public/filed.html", context)


# --- Tracking -----------------------------------------------------------------------------------


def _client(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR") or "unknown")[:64]


def _failure_keys(request: HttpRequest) -> list[tuple[str, int]]:
    """The counters of wrong codes that apply to this request, with their limits."""
    keys = [(f"complaints:track-failures:ip:{_client(request)}", TRACK_FAILURES_PER_ADDRESS)]
    if request.session.session_key:
        keys.append(
            (f"complaints:track-failures:session:{request.session.session_key}", TRACK_FAILURES)
        )
    return keys


def _locked_out(request: HttpRequest) -> bool:
    return any(int(cache.get(key) or 0) >= limit for key, limit in _failure_keys(request))


def _count_failure(request: HttpRequest) -> None:
    # A right code does not reset the count: else one's own code would reset it between guesses.
    if not request.session.session_key:
        request.session.save()
    for key, _limit in _failure_keys(request):
        cache.add(key, 0, timeout=TRACK_LOCK_MINUTES * 60)
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=TRACK_LOCK_MINUTES * 60)


def _track_page(request: HttpRequest, form: forms.TrackForm, **extra: Any) -> HttpResponse:
    locked = _locked_out(request)
    return render(
        request,
        "complaints/public/track.html",
        {"form": form, "locked": locked, "locked_message": LOCKED, **extra},
        status=429 if locked and request.method == "POST" else 200,
    )


@requires("complaints.track")
@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    form = forms.TrackForm(posted(request))
    if request.method == "POST" and not _locked_out(request) and form.is_valid():
        item = services.find_by_tracking_code(form.cleaned_data["code"])
        if item is None:
            _count_failure(request)
            form.add_error("code", WRONG_CODE)
        else:
            request.session[TRACK_KEY] = item.tracking_code
            return redirect("complaints:track_item")
    return _track_page(request, form)


@requires("complaints.track")
@require_POST
def track_end(request: HttpRequest) -> HttpResponse:
    """结束查看: a shared phone forgets the code."""
    request.session.pop(TRACK_KEY, None)
    request.session.pop(FILED_KEY, None)
    messages.success(request, "已结束查看。再次查看请重新输入查询码。")
    return redirect("complaints:track")


def _item_context(item: Complaint) -> dict[str, Any]:
    """What the complainant reads of his item: no internal note, no one's identity."""
    events = [
        {
            "at": timefmt.fmt_datetime(event.at),
            "kind": event.get_kind_display(),
            "actor": event.actor_label,
            "text": event.text,
        }
        for event in item.events.filter(public=True).order_by("at", "pk")
    ]
    losses = list(item.losses.order_by("recovered_on", "pk"))
    answered = item.status in (Status.VERIFIED, Status.CLOSED) and bool(item.answer)
    status_words = STATUS_WORDS[Status(item.status)]
    if item.status == Status.ASSIGNED and item.agency is not None:
        status_words = f"办理中：已交{item.agency.name}办理"
    return {
        "item": item,
        "status_words": status_words,
        "category": item.category.full_name,
        "received": timefmt.fmt_datetime(item.received_at),
        "due": timefmt.chinese_date(item.answer_due)
        if item.answer_due and item.status == Status.ASSIGNED
        else "",
        "overdue": item.is_overdue(timefmt.today()),
        "show_answer": answered,
        "answered": timefmt.fmt_datetime(item.answered_at) if item.answered_at else "",
        "verified": timefmt.fmt_datetime(item.verified_at) if item.verified_at else "",
        "closed": timefmt.fmt_datetime(item.closed_at) if item.closed_at else "",
        "recovered": _yuan(sum((loss.amount for loss in losses), Decimal("0.00")))
        if losses
        else "",
        "losses": [
            {
                "on": timefmt.fmt_date(loss.recovered_on),
                "description": loss.description,
                "amount": _yuan(loss.amount),
            }
            for loss in losses
        ],
        "files": [f.name for f in item.files.filter(stage=FileStage.INTAKE).order_by("pk")],
        "events": events,
        "can_rate": item.status == Status.VERIFIED,
        "is_closed": item.status == Status.CLOSED,
        "satisfaction": item.get_satisfaction_display() if item.satisfaction else "",
    }


def _rate(
    request: HttpRequest, item: Complaint, *, actor: Any, done: str
) -> tuple[forms.RateForm, bool, HttpResponse | None]:
    """The 评价 posted on an item page: checked, confirmed on a second step, then rated.
    Returns the form, whether the confirmation step is shown, and the redirect when rated."""
    form = forms.RateForm(request.POST)
    if not form.is_valid():
        return form, False, None
    if request.POST.get("edit") or not form.cleaned_data["confirm"]:
        # The first submit, or "返回修改": the page asks again (the second step confirms).
        return form, not request.POST.get("edit"), None
    try:
        rated = services.rate(
            item,
            satisfaction=form.cleaned_data["satisfaction"],
            comment=form.cleaned_data["comment"],
            actor=actor,
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return form, False, None
    except PermissionDenied as error:
        form.add_error(None, str(error))
        return form, False, None
    if rated.status == Status.CLOSED:
        messages.success(request, f"感谢您的评价。问题 {rated.number} 已销号。")
    else:
        agency = rated.agency.name if rated.agency else "承办单位"
        messages.success(
            request, f"已收到您的评价。问题 {rated.number} 已重新交{agency}办理，请留意办理进度。"
        )
    return form, False, redirect(done)


def _item_page(
    request: HttpRequest,
    item: Complaint,
    *,
    template: str,
    actor: Any,
    done: str,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    confirming = False
    if request.method == "POST":
        form, confirming, response = _rate(request, item, actor=actor, done=done)
        if response is not None:
            return response
    else:
        form = forms.RateForm()
    context = _item_context(item)
    context.update(
        {
            "rate_form": form,
            "confirming": confirming,
            "confirm_label": Satisfaction(form.cleaned_data["satisfaction"]).label
            if confirming
            else "",
            "confirm_closes": confirming
            and form.cleaned_data["satisfaction"] != Satisfaction.UNSATISFIED,
            "rate_action": done,
            **(extra or {}),
        }
    )
    return render(request, template, context)


@requires("complaints.track")
@require_http_methods(["GET", "POST"])
def track_item(request: HttpRequest) -> HttpResponse:
    code = str(request.session.get(TRACK_KEY) or "")
    item = services.find_by_tracking_code(code) if code else None
    if item is None:
        request.session.pop(TRACK_KEY, None)
        return _track_page(request, forms.TrackForm(), note=ENTER_CODE)
    # The code is the complainant's credential here: the 评价 is his, whoever is signed in.
    return _item_page(
        request,
        item,
        template="complaints/public/track_item.html",
        actor=None,
        done=request.path,
    )


# --- The signed-in enterprise: 我的投诉 ----------------------------------------------------------


@login_required
@requires("complaints.mine")
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    rows = (
        Complaint.objects.restrict(user)
        .filter(complainant_enterprise_id=user.enterprise_id)
        .select_related("category__parent", "agency")
        .order_by("-received_at", "-pk")
    )
    page = Paginator(rows, settings.ZHIFA_PAGE_SIZE).get_page(request.GET.get("page"))
    items = [
        {
            "pk": item.pk,
            "number": item.number,
            "title": item.title,
            "category": item.category.full_name,
            "agency": item.agency.name if item.agency else "",
            "status": item.get_status_display(),
            "status_code": item.status,
            "received": timefmt.fmt_date(item.received_at),
            "overdue": item.is_overdue(timefmt.today()),
        }
        for item in page
    ]
    return render(request, "complaints/public/mine.html", {"page": page, "items": items})


@login_required
@requires("complaints.mine", Complaint, write="complaints.rate")
@require_http_methods(["GET", "POST"])
def mine_item(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    rows = Complaint.objects.restrict(user)
    if not user.is_admin:
        # 我的投诉 is the enterprise's own items, not what else its users might see.
        rows = rows.filter(complainant_enterprise_id=user.enterprise_id)
    item = get_object_or_404(rows.select_related("category__parent", "agency"), pk=pk)
    return _item_page(
        request,
        item,
        template="complaints/public/mine_item.html",
        actor=user,
        done=request.path,
    )
