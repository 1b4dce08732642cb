"""The office pages of the problem list (问题清单): the list and its export, an item with its
timeline and the steps the user may take, the agency's inbox and answer, the entry form of a
supervising body or 联系点, and the totals of losses recovered. Thin: scope, validate, call a
service, render. Who complained is shown to the supervising bureau only."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhifa.complaints import forms, selectors, services
from zhifa.complaints.models import (
    TRANSITIONS,
    Complaint,
    ComplaintFile,
    Status,
)
from zhifa.core import access, timefmt
from zhifa.core.access import requires
from zhifa.core.exports import xlsx_response
from zhifa.core.viewhelpers import add_service_errors, posted, request_user, stored_file
from zhifa.org.models import Organisation, OrganisationKind, Region, Role
from zhifa.supervision.sources import draft_url

NO_BODY = "您的账号不隶属执法监督机关或监督联系点，不能登记投诉举报。"


def _item(request: HttpRequest, pk: int) -> Complaint:
    found: Complaint = selectors.visible(request_user(request)).get(pk=pk)
    return found


def _say(request: HttpRequest, error: ValidationError | PermissionDenied) -> None:
    texts = error.messages if isinstance(error, ValidationError) else [str(error)]
    for text in texts:
        messages.error(request, text)


def _form_messages(request: HttpRequest, form: Any) -> None:
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for text in errors:
            messages.error(request, f"{label}：{text}" if label else str(text))


# --- The list ----------------------------------------------------------------------------------


def _list_filter(
    request: HttpRequest,
) -> tuple[forms.ListFilterForm, selectors.ListFilter]:
    user = request_user(request)
    form = forms.ListFilterForm(request.GET or None, items=selectors.visible(user))
    chosen = selectors.ListFilter()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        chosen = selectors.ListFilter(
            status=data["status"] or "",
            channel=data["channel"] or "",
            category=data["category"].pk if data["category"] else None,
            agency=data["agency"].pk if data["agency"] else None,
            region=data["region"],
            since=data["since"],
            until=data["until"],
            overdue=bool(data["overdue"]),
            dormant=bool(data["dormant"]),
            q=data["q"] or "",
        )
    return form, chosen


@login_required
@requires("complaints.list")
@require_GET
def complaint_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    today = timefmt.today()
    form, chosen = _list_filter(request)
    rows = selectors.filtered(user, chosen, today)
    page = Paginator(rows, settings.ZHIFA_PAGE_SIZE).get_page(request.GET.get("page"))
    items = selectors.with_loss_sums(page.object_list)
    dormant_set = selectors.dormant_ids(items, today)
    identity = selectors.shows_identity(user)
    query = request.GET.copy()
    query.pop("status", None)
    query.pop("page", None)
    return render(
        request,
        "complaints/list.html",
        {
            "form": form,
            "page": page,
            "rows": [
                selectors.row(i, identity=identity, today=today, dormant_set=dormant_set)
                for i in items
            ],
            "identity": identity,
            "total": page.paginator.count,
            "counts": selectors.status_counts(user, chosen, today),
            "overdue_count": selectors.overdue(selectors.visible(user), today).count(),
            "chosen": chosen,
            "query": query.urlencode(),
            "can_enter": access.can(user, "complaints.enter"),
            "can_totals": access.can(user, "complaints.supervise"),
        },
    )


@login_required
@requires("complaints.list")
@require_GET
def complaint_export(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    today = timefmt.today()
    _, chosen = _list_filter(request)
    rows = selectors.filtered(user, chosen, today)
    headers = [label for _, label in selectors.columns(selectors.shows_identity(user))]
    return xlsx_response("问题清单", headers, selectors.export_rows(user, rows, today))


# --- The item ----------------------------------------------------------------------------------


def _may_step(item: Complaint, target: str) -> bool:
    return target in TRANSITIONS[item.status]


@login_required
@requires("complaints.view", Complaint)
@require_GET
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    item = _item(request, pk)
    identity = selectors.shows_identity(user, item)
    handle = access.can(user, "complaints.handle", item)
    answer = access.can(user, "complaints.answer", item)
    events = item.events.all()
    if not identity and not handle and not access.can(user, "complaints.answer"):
        # A complainant reads the steps meant for him; the bureau's internal notes stay out.
        events = events.filter(public=True)
    losses = list(item.losses.select_related("evidence").order_by("recovered_on", "pk"))
    for loss in losses:
        loss.amount_text = selectors.amount_text(loss.amount)  # type: ignore[attr-defined]
    today = timefmt.today()
    region = item.bureau.region if item.bureau_id else item.region  # type: ignore[union-attr]
    return render(
        request,
        "complaints/detail.html",
        {
            "item": item,
            "identity": identity,
            "events": events.order_by("at", "pk"),
            "files": item.files.order_by("uploaded_at", "pk"),
            "losses": losses,
            "loss_total": selectors.amount_text(sum((x.amount for x in losses), selectors.ZERO)),
            "overdue": item.is_overdue(today),
            "dormant": bool(selectors.dormant_ids([item], today)),
            "handle": handle,
            "may_answer": answer,
            "may_assign": handle and _may_step(item, Status.ASSIGNED) and item.status == "received",
            "may_decline": handle and _may_step(item, Status.DECLINED),
            "may_verify": handle and item.status == Status.ANSWERED,
            "may_return": handle and item.status == Status.ANSWERED,
            "may_close": handle and item.status == Status.VERIFIED,
            "may_loss": handle and item.status not in (Status.RECEIVED, Status.DECLINED),
            "may_files": handle,
            "document_url": draft_url("complaint", item.pk)
            if handle and item.agency_id and access.can(user, "supervision.draft")
            else "",
            "assign_form": forms.AssignForm(
                initial={"agency": item.agency.name if item.agency_id else ""},  # type: ignore[union-attr]
                region=region,
            ),
            "agencies": forms.enforcing_in(region).values_list("name", flat=True),
            "decline_form": forms.ReasonForm(label="不予受理理由"),
            "return_form": forms.ReasonForm(label="退回理由"),
            "verify_form": forms.NoteForm(label="核实意见"),
            "close_form": forms.NoteForm(label="销号说明（回访情况）", required=True),
            "loss_form": forms.LossForm(initial={"recovered_on": today}),
            "files_form": forms.FilesForm(),
            "answer_form": forms.AnswerForm(),
        },
    )


def _step(
    request: HttpRequest,
    pk: int,
    form: Any,
    act: Any,
    done: str,
) -> HttpResponse:
    """One of the bureau's steps posted from the item page: back to it with what happened."""
    user = request_user(request)
    item = _item(request, pk)
    if form.is_valid():
        try:
            act(item, user, form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            _say(request, error)
        else:
            messages.success(request, done.format(number=item.number))
    else:
        _form_messages(request, form)
    return redirect("complaints:detail", item.pk)


@login_required
@requires("complaints.handle", Complaint)
@require_POST
def complaint_assign(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    region = item.bureau.region if item.bureau_id else item.region  # type: ignore[union-attr]
    return _step(
        request,
        pk,
        forms.AssignForm(request.POST, region=region),
        lambda i, u, d: services.assign(i, agency=d["agency"], actor=u, note=d["note"]),
        "问题 {number} 已分办。",
    )


@login_required
@requires("complaints.handle", Complaint)
@require_POST
def complaint_decline(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        forms.ReasonForm(request.POST, label="不予受理理由"),
        lambda i, u, d: services.decline(i, actor=u, reason=d["reason"]),
        "问题 {number} 不予受理。",
    )


@login_required
@requires("complaints.handle", Complaint)
@require_POST
def complaint_verify(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        forms.NoteForm(request.POST, label="核实意见"),
        lambda i, u, d: services.verify(i, actor=u, note=d["note"]),
        "问题 {number} 的办理结果已核实，待反映人评价。",
    )


@login_required
@requires("complaints.handle", Complaint)
@require_POST
def complaint_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        forms.ReasonForm(request.POST, label="退回理由"),
        lambda i, u, d: services.return_for_rework(i, actor=u, reason=d["reason"]),
        "问题 {number} 已退回重办。",
    )


@login_required
@requires("complaints.handle", Complaint)
@require_POST
def complaint_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        forms.NoteForm(request.POST, label="销号说明（回访情况）", required=True),
        lambda i, u, d: services.close_unanswered(i, actor=u, note=d["note"]),
        "问题 {number} 已销号。",
    )


@login_required
@requires("complaints.handle", Complaint)
@require_POST
def complaint_loss(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        forms.LossForm(request.POST, request.FILES),
        lambda i, u, d: services.record_loss(
            i,
            actor=u,
            amount=d["amount"],
            description=d["description"],
            recovered_on=d["recovered_on"],
            evidence=d["evidence"],
        ),
        "已记录问题 {number} 的挽回损失。",
    )


@login_required
@requires("complaints.handle", Complaint)
@require_POST
def complaint_files(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        forms.FilesForm(request.POST, request.FILES),
        lambda i, u, d: services.add_files(i, actor=u, files=d["files"]),
        "已为问题 {number} 补充材料。",
    )


@login_required
@requires("complaints.answer", Complaint)
@require_POST
def complaint_answer(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        forms.AnswerForm(request.POST, request.FILES),
        lambda i, u, d: services.answer(i, actor=u, text=d["text"], files=d["files"]),
        "已答复问题 {number}，待执法监督机关核实。",
    )


@login_required
@requires("complaints.view", ComplaintFile)
@require_GET
def complaint_file_download(request: HttpRequest, pk: int) -> FileResponse:
    found = ComplaintFile.objects.restrict(request_user(request)).get(pk=pk)
    return stored_file(found.file.name, found.name)


# --- The agency's inbox ------------------------------------------------------------------------


@login_required
@requires("complaints.answer")
@require_GET
def complaint_inbox(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    today = timefmt.today()
    rows = selectors.agency_inbox(user)
    page = Paginator(rows, settings.ZHIFA_PAGE_SIZE).get_page(request.GET.get("page"))
    items = selectors.with_loss_sums(page.object_list)
    return render(
        request,
        "complaints/inbox.html",
        {
            "page": page,
            "rows": [
                selectors.row(i, identity=False, today=today, dormant_set=set()) for i in items
            ],
            "total": page.paginator.count,
            "overdue_count": selectors.overdue(rows, today).count(),
        },
    )


# --- Entry by a supervising body or 联系点 ------------------------------------------------------


def _entering_body(user: Any) -> Organisation | None:
    ids = user.organisations_as(*Role.supervising_roles())
    if user.organisation_id in ids:
        return user.organisation  # type: ignore[no-any-return]
    return (
        Organisation.objects.filter(pk__in=ids, kind__in=OrganisationKind.supervising())
        .select_related("region")
        .order_by("pk")
        .first()
    )


@login_required
@requires("complaints.enter")
@require_http_methods(["GET", "POST"])
def complaint_enter(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    body = _entering_body(user)
    if body is None:
        return render(
            request, "complaints/message.html", {"title": "登记投诉举报", "text": NO_BODY}
        )
    is_point = body.kind == OrganisationKind.CONTACT_POINT
    data = posted(request)
    form = forms.EnterForm(
        data,
        request.FILES if data is not None else None,
        region=body.region,
        categories=_categories_under(body.region),
        contact_point=is_point,
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        received_on: dt.date | None = d["received_on"]
        try:
            item = services.file_complaint(
                channel=d.get("channel") or "contact_point",
                category=d["category"],
                content=d["content"],
                title=d["title"],
                region=d["region"],
                agency=d["agency"],
                tags=d["tags"],
                files=d["files"],
                actor=user,
                is_anonymous=d["is_anonymous"],
                complainant_name=d["complainant_name"],
                complainant_phone=d["complainant_phone"],
                complainant_email=d["complainant_email"],
                complainant_enterprise_name=d["complainant_enterprise_name"],
                contact_point=body if is_point else None,
                received_at=_received_at(received_on),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"已登记问题 {item.number}。")
            return redirect("complaints:detail", item.pk)
    return render(
        request,
        "complaints/enter.html",
        {
            "form": form,
            "body": body,
            "is_point": is_point,
            "agencies": forms.enforcing_in(body.region).values_list("name", flat=True),
        },
    )


def _categories_under(region: Region) -> list[Any]:
    """The categories an item entered here may take: the national classes, the sub-categories
    of this region and those above, and those of the regions below it."""
    from zhifa.complaints.models import Category

    found = {c.pk: c for c in services.categories_for(region)}
    for extra in Category.objects.filter(
        is_active=True, region__code__startswith=region.code_prefix
    ).select_related("parent"):
        found.setdefault(extra.pk, extra)
    return list(found.values())


def _received_at(day: dt.date | None) -> dt.datetime | None:
    if day is None or day == timefmt.today():
        return None
    return dt.datetime(day.year, day.month, day.day, 12, 0, tzinfo=timefmt.SHANGHAI)


# --- Totals of losses recovered ----------------------------------------------------------------


def _totals(request: HttpRequest) -> tuple[dict[str, Any], selectors.Totals]:
    user = request_user(request)
    period = request.GET.get("period") or "month"
    since = _date(request.GET.get("since"))
    until = _date(request.GET.get("until"))
    totals = selectors.loss_totals(user, period=period, since=since, until=until)
    return {"period": totals.period, "since": since, "until": until}, totals


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@login_required
@requires("complaints.supervise")
@require_GET
def loss_totals(request: HttpRequest) -> HttpResponse:
    chosen, totals = _totals(request)
    return render(
        request,
        "complaints/totals.html",
        {
            "totals": totals,
            "chosen": chosen,
            "periods": selectors.PERIODS,
            "query": request.GET.urlencode(),
        },
    )


@login_required
@requires("complaints.supervise")
@require_GET
def loss_totals_export(request: HttpRequest) -> HttpResponse:
    _, totals = _totals(request)
    return xlsx_response(
        "挽回损失统计",
        ["统计维度", "项目", "问题数", "挽回损失（元）"],
        selectors.totals_rows(totals),
    )
