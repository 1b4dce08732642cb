"""Pages of supervision letters: the supervisor's workspace and ledger, drafting, the letter page
with its steps, and the agency's inbox. Thin: scope, validate, call a service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhifa.core import access, timefmt
from zhifa.core.access import requires
from zhifa.core.exports import xlsx_response
from zhifa.core.viewhelpers import add_service_errors, posted, request_user, stored_file
from zhifa.documents import specs
from zhifa.org.models import Organisation
from zhifa.supervision import forms, selectors, services, sources
from zhifa.supervision.models import (
    LetterStatus,
    LetterType,
    ReplyEvidence,
    ReviewStatus,
    SupervisionLetter,
)

PAGE_SIZE = 20


def _letter(request: HttpRequest, pk: int) -> SupervisionLetter:
    found = (
        SupervisionLetter.objects.restrict(request_user(request))
        .select_related(*selectors.RELATED, "drafted_by", "reviewed_by", "signed_by")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404(SupervisionLetter.access_not_found)
    return found


def _bureau(request: HttpRequest) -> Organisation:
    user = request_user(request)
    if user.organisation is None:
        raise Http404("您未隶属于行政执法监督机关。")
    return user.organisation


# --- Supervisor's side -----------------------------------------------------------------------


@login_required
@requires("supervision.workspace")
@require_GET
def workspace(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    lists = selectors.workspace_lists(user)
    # The drafts (the overdue escalations among them) follow the counted lists.
    lists["drafts"] = selectors.bureau_letters(user).filter(status=LetterStatus.DRAFT)
    labels = {**selectors.WORKSPACE_LABELS, "drafts": "拟稿中（含自动拟制的提示函、督办函）"}
    sections = [
        {"key": key, "label": labels[key], "count": qs.count(), "letters": list(qs[:10])}
        for key, qs in lists.items()
    ]
    return render(
        request,
        "supervision/workspace.html",
        {
            "sections": sections,
            "today": timezone.localdate(),
            "can_draft": access.can(user, "supervision.draft"),
        },
    )


def _ledger_filter(request: HttpRequest) -> tuple[forms.LedgerFilterForm, selectors.LedgerFilter]:
    user = request_user(request)
    mine = selectors.bureau_letters(user)
    organisations = Organisation.objects.filter(pk__in=mine.values("addressee_id")).order_by("name")
    types = LetterType.objects.filter(pk__in=mine.values("letter_type_id"))
    form = forms.LedgerFilterForm(request.GET or None, organisations=organisations, types=types)
    chosen = selectors.LedgerFilter()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        chosen = selectors.LedgerFilter(
            addressee=data["addressee"].pk if data["addressee"] else None,
            kind=data["kind"].pk if data["kind"] else None,
            status=data["status"] or "",
            overdue=bool(data["overdue"]),
            year=data["year"],
        )
    return form, chosen


@login_required
@requires("supervision.workspace")
@require_GET
def ledger(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    form, chosen = _ledger_filter(request)
    today = timezone.localdate()
    letters = selectors.ledger(user, chosen, today)
    page = Paginator(letters, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/ledger.html",
        {
            "form": form,
            "page": page,
            "total": page.paginator.count,
            "summary": selectors.ledger_summary(letters, today),
            "count_labels": selectors.LEDGER_COUNTS,
            "today": today,
        },
    )


LEDGER_HEADERS = (
    "文书种类",
    "文号",
    "受文单位",
    "监督方式",
    "状态",
    "拟稿日期",
    "成文日期",
    "回复截止日期",
    "回复日期",
    "是否逾期",
    "办结日期",
    "来源",
)


def ledger_rows(letters: Any, today: Any) -> list[list[str]]:
    return [
        [
            letter.letter_type.name,
            letter.document.number_text,
            letter.addressee.name,
            letter.get_method_display(),
            letter.get_status_display(),
            timefmt.fmt_date(letter.drafted_at),
            timefmt.fmt_date(letter.document.issue_date),
            timefmt.fmt_date(letter.reply_due),
            timefmt.fmt_date(letter.replied_at),
            "逾期" if letter.is_overdue(today) else "",
            timefmt.fmt_date(letter.closed_at),
            letter.source_label,
        ]
        for letter in letters
    ]


@login_required
@requires("supervision.workspace")
@require_GET
def ledger_export(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    _, chosen = _ledger_filter(request)
    today = timezone.localdate()
    letters = selectors.ledger(user, chosen, today)
    return xlsx_response("监督文书台账", LEDGER_HEADERS, ledger_rows(letters, today))


@login_required
@requires("supervision.draft")
@require_http_methods(["GET", "POST"])
def letter_new(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    bureau = _bureau(request)
    types = services.letter_types_for(bureau)
    type_id = request.GET.get("type") or request.POST.get("type")
    letter_type = next((t for t in types if str(t.pk) == str(type_id)), None)
    source_code = request.GET.get("source", "")
    source_pk_text = request.GET.get("source_pk", "")
    prefill = None
    if source_code:
        try:
            source = sources.source(source_code)
            source_pk = int(source_pk_text)
        except (LookupError, ValueError):
            raise Http404("未找到该监督文书来源。") from None
        prefill = source.loader(source_pk, user)
        if letter_type is None and prefill.suggested_kind:
            letter_type = next((t for t in types if t.kind.code == prefill.suggested_kind), None)
    if letter_type is None:
        return render(
            request,
            "supervision/letter_choose.html",
            {"types": types, "source": source_code, "source_pk": source_pk_text},
        )
    initial = forms.initial_from(prefill, letter_type.kind.code) if prefill else {}
    initial.setdefault("reply_working_days", letter_type.reply_working_days)
    form = forms.LetterForm(
        posted(request), initial=initial, letter_type=letter_type, bureau=bureau
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            letter = services.draft_letter(
                actor=user,
                letter_type=letter_type,
                addressee=data["addressee"],
                content=form.content(),
                method=data["method"],
                reply_working_days=data.get("reply_working_days"),
                case=prefill.case if prefill else None,
                source_code=source_code if prefill else "",
                source_pk=int(source_pk_text) if prefill else None,
                source_label=prefill.label if prefill else "",
                orders_correction=bool(data.get("orders_correction")),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"已拟制{letter_type.name}草稿。")
            return redirect("supervision:letter_detail", pk=letter.pk)
    return render(
        request,
        "supervision/letter_form.html",
        {"form": form, "letter_type": letter_type, "prefill": prefill, "letter": None},
    )


@login_required
@requires("supervision.draft", SupervisionLetter)
@require_http_methods(["GET", "POST"])
def letter_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    letter = _letter(request, pk)
    if letter.status != LetterStatus.DRAFT:
        messages.error(
            request, f"监督文书当前为“{letter.get_status_display()}”，只有拟稿可以修改。"
        )
        return redirect("supervision:letter_detail", pk=pk)
    code = letter.letter_type.kind.code
    initial: dict[str, Any] = {
        "addressee": letter.addressee_id,
        "method": letter.method,
        "reply_working_days": letter.reply_working_days,
        "orders_correction": letter.orders_correction,
    }
    for field in specs.form_fields(code):
        value = letter.document.context.get(field.name, "")
        initial[field.name] = "\n".join(value) if isinstance(value, list) else value
    form = forms.LetterForm(
        posted(request), initial=initial, letter_type=letter.letter_type, bureau=letter.bureau
    )
    form.fields["addressee"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_letter(
                letter,
                actor=user,
                content=form.content(),
                method=data["method"],
                reply_working_days=data.get("reply_working_days"),
                orders_correction=bool(data.get("orders_correction")),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "已保存草稿。")
            return redirect("supervision:letter_detail", pk=pk)
    return render(
        request,
        "supervision/letter_form.html",
        {"form": form, "letter_type": letter.letter_type, "prefill": None, "letter": letter},
    )


def _content_rows(letter: SupervisionLetter) -> list[tuple[str, Any, bool]]:
    code = letter.letter_type.kind.code
    rows = []
    for field in specs.form_fields(code):
        value = letter.document.context.get(field.name)
        # The reply deadline is shown once, with its working days, above the content.
        if value and field.name not in forms.PLATFORM_FILLED:
            rows.append((field.label, value, isinstance(value, list)))
    return rows


@login_required
@requires("supervision.view", SupervisionLetter)
@require_GET
def letter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    letter = _letter(request, pk)
    today = timezone.localdate()
    can = {
        action: access.can(user, f"supervision.{action}", letter)
        for action in ("draft", "review", "sign", "verify", "answer")
    }
    bureau_side = can["verify"]
    return render(
        request,
        "supervision/letter_detail.html",
        {
            "letter": letter,
            "rows": _content_rows(letter),
            "replies": letter.replies.select_related("submitted_by").prefetch_related("evidence"),
            "summonses": letter.summonses.all() if bureau_side else [],
            "escalations": letter.escalations.select_related("letter_type") if bureau_side else [],
            "overdue": letter.is_overdue(today),
            "can": can,
            "bureau_side": bureau_side,
            "review_form": forms.ReviewForm(),
            "confirm_form": forms.ConfirmForm(),
            "reply_form": forms.ReplyForm(),
            "note_form": forms.NoteForm(),
            "reason_form": forms.ReasonForm(),
            "apply_form": forms.ApplyReviewForm(),
            "decide_form": forms.DecideReviewForm(),
            "summons_form": forms.SummonsForm(initial={"held_on": today}),
            "S": LetterStatus,
            "R": ReviewStatus,
        },
    )


def _step(request: HttpRequest, pk: int, form_class: Any, do: Any, done: str) -> HttpResponse:
    """Validate the step's form, call the service, report back on the letter page."""
    letter = _letter(request, pk)
    form = form_class(request.POST, request.FILES) if form_class else None
    if form is not None and not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("supervision:letter_detail", pk=pk)
    try:
        do(letter, form.cleaned_data if form is not None else {})
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect("supervision:letter_detail", pk=pk)


@login_required
@requires("supervision.draft", SupervisionLetter)
@require_POST
def letter_submit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    return _step(
        request,
        pk,
        None,
        lambda letter, d: services.submit_letter(letter, actor=user),
        "已送审核。",
    )


@login_required
@requires("supervision.review", SupervisionLetter)
@require_POST
def letter_review(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    return _step(
        request,
        pk,
        forms.ReviewForm,
        lambda letter, d: services.review_letter(
            letter, actor=user, approve=d["decision"] == "approve", opinion=d["opinion"]
        ),
        "已审核。",
    )


@login_required
@requires("supervision.sign", SupervisionLetter)
@require_POST
def letter_sign(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    return _step(
        request,
        pk,
        forms.ConfirmForm,
        lambda letter, d: services.sign_letter(letter, actor=user),
        "已签发，文书已送达受文单位的平台收件箱。",
    )


@login_required
@requires("supervision.answer", SupervisionLetter)
@require_POST
def letter_receive(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    return _step(
        request, pk, None, lambda letter, d: services.receive_letter(letter, actor=user), "已签收。"
    )


@login_required
@requires("supervision.answer", SupervisionLetter)
@require_POST
def letter_reply(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    return _step(
        request,
        pk,
        forms.ReplyForm,
        lambda letter, d: services.reply_letter(
            letter, actor=user, text=d["text"], files=d["files"]
        ),
        "已报送整改（执行）情况。",
    )


@login_required
@requires("supervision.answer", SupervisionLetter)
@require_POST
def letter_apply_review(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    return _step(
        request,
        pk,
        forms.ApplyReviewForm,
        lambda letter, d: services.apply_review(letter, actor=user, reasons=d["reasons"]),
        "已提出复查申请。",
    )


@login_required
@requires("supervision.verify", SupervisionLetter)
@require_POST
def letter_close(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    return _step(
        request,
        pk,
        forms.NoteForm,
        lambda letter, d: services.close_letter(letter, actor=user, note=d["note"]),
        "已核查办结。",
    )


@login_required
@requires("supervision.verify", SupervisionLetter)
@require_POST
def letter_return(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    return _step(
        request,
        pk,
        forms.ReasonForm,
        lambda letter, d: services.return_letter(letter, actor=user, reason=d["reason"]),
        "已退回重报。",
    )


@login_required
@requires("supervision.verify", SupervisionLetter)
@require_POST
def letter_decide_review(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    return _step(
        request,
        pk,
        forms.DecideReviewForm,
        lambda letter, d: services.decide_review(
            letter, actor=user, outcome=d["outcome"], decision=d["decision"]
        ),
        "已作出复查决定。",
    )


@login_required
@requires("supervision.verify", SupervisionLetter)
@require_POST
def letter_summons(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    return _step(
        request,
        pk,
        forms.SummonsForm,
        lambda letter, d: services.record_summons(
            letter,
            actor=user,
            held_on=d["held_on"],
            place=d["place"],
            attendees=d["attendees"],
            outcome=d["outcome"],
        ),
        "已记录约谈。",
    )


@login_required
@requires("supervision.view", ReplyEvidence)
@require_GET
def evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    evidence = (
        ReplyEvidence.objects.restrict(request_user(request))
        .filter(pk=pk, reply__letter__in=SupervisionLetter.objects.restrict(request_user(request)))
        .first()
    )
    if evidence is None:
        raise Http404(ReplyEvidence.access_not_found)
    return stored_file(str(evidence.file.name), evidence.name)


# --- The agency's inbox ----------------------------------------------------------------------


@login_required
@requires("supervision.inbox")
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    letters = selectors.inbox_letters(user)
    page = Paginator(letters, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/inbox.html",
        {"page": page, "total": page.paginator.count, "today": timezone.localdate()},
    )
