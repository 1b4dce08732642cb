"""Pages of document numbers. Thin: scope, validate, render."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhifa.core import access, params, uploads
from zhifa.core.access import requires
from zhifa.core.exports import local_time, xlsx_response
from zhifa.core.viewhelpers import add_service_errors as _form_errors
from zhifa.core.viewhelpers import posted as _posted
from zhifa.core.viewhelpers import request_user as _user
from zhifa.core.viewhelpers import stored_file
from zhifa.documents import rendering, selectors, services
from zhifa.documents.forms import (
    CONTENT_LABELS,
    ArchiveForm,
    BatchFilterForm,
    BatchIssueForm,
    CorrectForm,
    DeliverForm,
    DocumentFilterForm,
    DraftEditForm,
    DraftForm,
    IssueForm,
    NumberFilterForm,
    VerifyForm,
)
from zhifa.documents.models import (
    BatchItemStatus,
    Delivery,
    DeliveryMethod,
    Document,
    DocumentBatch,
    DocumentNumber,
    DocumentStatus,
    SendStatus,
)
from zhifa.documents.services import NumberingError
from zhifa.org.models import User


@login_required
@requires("number.list")
@require_GET
def number_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = NumberFilterForm(request.GET or None, user=user)
    numbers = selectors.numbers_for(user, **form.filters())
    if request.GET.get("export") == "xlsx":
        return _export(numbers)
    page = Paginator(numbers, settings.ZHIFA_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "documents/number_list.html",
        {"form": form, "page": page, "total": page.paginator.count},
    )


def _export(numbers: QuerySet[DocumentNumber]) -> HttpResponse:
    def rows() -> Iterator[Sequence[Any]]:
        for n in numbers.iterator(chunk_size=2000):
            yield (
                [
                    n.text,
                    n.organisation.name,
                    n.kind.name,
                    n.year,
                    n.number,
                    n.get_status_display(),
                    local_time(n.reserved_at),
                    str(n.reserved_by) if n.reserved_by else "",
                    local_time(n.used_at),
                    local_time(n.voided_at),
                    n.void_reason,
                    n.used_by_label,
                ]
            )

    return xlsx_response(
        "文号台账",
        [
            "文号",
            "机构",
            "文书种类",
            "年度",
            "序号",
            "状态",
            "预留时间",
            "预留人",
            "使用时间",
            "作废时间",
            "作废原因",
            "使用文书",
        ],
        rows(),
    )


# --- Documents (文书) --------------------------------------------------------------------------


def _content_rows(document: Document) -> list[tuple[str, str, list[str]]]:
    """The content items for display: (label, text, lines) — a list of texts as lines."""
    rows: list[tuple[str, str, list[str]]] = []
    for key, value in document.context.items():
        if key in services.STANDARD_KEYS:
            continue
        label = CONTENT_LABELS.get(key, key)
        if isinstance(value, list):
            rows.append((label, "", [_plain(i) for i in value]))
        else:
            rows.append((label, _plain(value), []))
    return rows


# The part of a structured entry (an item, an officer, a group of prohibitions) it is known by.
_LEAD_KEYS = ("title", "name")


def _paper(document: Document) -> str:
    """The 文书 as HTML to read on its page: an issued one from its stored DOCX (word for word
    what its PDF says), a draft from its kind's template; empty when neither can be read."""
    if document.docx_file:
        try:
            with document.docx_file.open("rb") as stored:
                return mark_safe(rendering.readable_html(stored.read()))
        except (OSError, ValueError, KeyError):
            return ""  # a file gone from storage: the page still shows the record
    if document.status != DocumentStatus.DRAFT:
        return ""
    context = services.render_context(
        document, number="〔签发时编号〕", code="（签发时生成）", date=timezone.localdate()
    )
    context["verification_url"] = ""
    try:
        # The converter escapes every text it writes; the markup is its own.
        return mark_safe(rendering.draft_html(document.kind.code, context))
    except rendering.RenderError:
        return ""


def _plain(value: Any) -> str:
    """Structured content as a person reads it, never as JSON: an entry is its name with the
    rest in brackets, e.g. 王海峰（33090021001234）."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "；".join(_plain(i) for i in value)
    if isinstance(value, dict):
        lead = next((_plain(value[k]) for k in _LEAD_KEYS if value.get(k)), "")
        rest = [
            _plain(v) for k, v in value.items() if k not in _LEAD_KEYS and v not in ("", None, [])
        ]
        if lead and rest:
            return f"{lead}（{'，'.join(rest)}）"
        return lead or "，".join(rest)
    return str(value)


def _may_author(user: User, document: Document) -> bool:
    return access.can(user, "document.issue", document)


@login_required
@requires("document.list")
@require_GET
def document_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = DocumentFilterForm(request.GET or None, user=user)
    documents = selectors.documents_for(user, **form.filters())
    if request.GET.get("export") == "xlsx":
        return _export_documents(documents)
    page = Paginator(documents, settings.ZHIFA_PAGE_SIZE).get_page(request.GET.get("page"))
    batchable = {d.pk for d in page if d.status == DocumentStatus.DRAFT and _may_author(user, d)}
    return render(
        request,
        "documents/document_list.html",
        {
            "form": form,
            "page": page,
            "total": page.paginator.count,
            "can_create": access.can(user, "document.draft"),
            "batchable": batchable,
        },
    )


def _export_documents(documents: QuerySet[Document]) -> HttpResponse:
    def rows() -> Iterator[Sequence[Any]]:
        for d in documents.iterator(chunk_size=2000):
            yield [
                d.number_text,
                d.kind.name,
                d.title,
                d.organisation.name,
                d.recipient_name,
                d.get_status_display(),
                "已作废" if d.is_voided else "",
                d.verification_code or "",
                d.issue_date.isoformat() if d.issue_date else "",
                local_time(d.issued_at),
                local_time(d.delivered_at),
                local_time(d.archived_at),
                d.pdf_sm3,
            ]

    return xlsx_response(
        "文书台账",
        [
            "文号",
            "文书种类",
            "标题",
            "制发机关",
            "受送达人",
            "状态",
            "作废",
            "核验码",
            "成文日期",
            "签发时间",
            "送达时间",
            "归档时间",
            "PDF SM3",
        ],
        rows(),
    )


@login_required
@requires("document.view", Document)
@require_GET
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    document = selectors.document_for(user, pk)
    may_author = _may_author(user, document)
    pending = selectors.pending_portal_delivery(document)
    status = document.status
    return render(
        request,
        "documents/document_detail.html",
        {
            "document": document,
            "deliveries": document.deliveries.select_related("sent_by", "confirmed_by"),
            "corrections": document.corrections.select_related("number"),
            "content": _content_rows(document),
            "paper": _paper(document),
            "can_edit": may_author and status == DocumentStatus.DRAFT,
            "can_issue": may_author and status == DocumentStatus.DRAFT,
            "can_deliver": may_author
            and status == DocumentStatus.ISSUED
            and not document.is_voided,
            "can_archive": may_author and status == DocumentStatus.DELIVERED,
            "can_correct": may_author and status != DocumentStatus.DRAFT and not document.is_voided,
            "can_confirm": pending is not None and services.receives(user, document),
            "pending": pending,
            "verify_url": services.verification_url(document.verification_code)
            if document.verification_code
            else "",
        },
    )


@login_required
@requires("document.draft")
@require_http_methods(["GET", "POST"])
def document_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    assert user.organisation is not None  # document.draft refuses a user without one
    form = DraftForm(_posted(request), user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            document = services.create_draft(
                kind=data["kind"],
                organisation=user.organisation,
                actor=user,
                recipient_enterprise=data["recipient_uscc"],
                recipient_name=data["recipient_name"],
                title=data["title"],
                context={},
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"已拟制文书草稿“{document.title}”，请填写文书内容。")
            return redirect("documents:document_edit", pk=document.pk)
    return render(request, "documents/document_form.html", {"form": form, "document": None})


@login_required
@requires("document.draft", Document)
@require_http_methods(["GET", "POST"])
def document_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    document = selectors.document_for(user, pk)
    initial = {"recipient_name": document.recipient_name, "title": document.title}
    form = DraftEditForm(
        _posted(request), initial=initial, kind_code=document.kind.code, context=document.context
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_draft(
                document,
                data={
                    "recipient_name": data["recipient_name"],
                    "title": data["title"],
                    "context": data["content"],
                },
                actor=user,
            )
        except ValidationError as error:
            if not hasattr(error, "error_dict") and error.messages == [services.NOTHING_CHANGED]:
                messages.info(request, "未作任何修改。")
                return redirect("documents:document_detail", pk=document.pk)
            _form_errors(form, error)
        else:
            messages.success(request, "已保存草稿的修改。")
            return redirect("documents:document_detail", pk=document.pk)
    return render(request, "documents/document_form.html", {"form": form, "document": document})


def _step(
    request: HttpRequest, pk: int, *, title: str, form_class: Any, lead: str, run: Any, done: str
) -> HttpResponse:
    user = _user(request)
    document = selectors.document_for(user, pk)
    form = form_class(_posted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = run(document, user, form.cleaned_data)
        except (ValidationError, NumberingError) as error:
            if isinstance(error, NumberingError):
                form.add_error(None, str(error))
            else:
                _form_errors(form, error)
        else:
            # A delivery whose e-mail or SMS failed did commit, but must not read as a success.
            failed = getattr(result, "send_status", "") == SendStatus.FAILED
            (messages.warning if failed else messages.success)(
                request, done.format(document=document, result=result)
            )
            target = result if isinstance(result, Document) else document
            return redirect("documents:document_detail", pk=target.pk)
    return render(
        request,
        "documents/document_confirm.html",
        {"form": form, "document": document, "title": title, "lead": lead},
    )


@login_required
@requires("document.issue", Document)
@require_http_methods(["GET", "POST"])
def document_issue(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        title="签发文书",
        form_class=IssueForm,
        lead="签发后分配文号、生成 DOCX 和 PDF 并记录其 SM3 哈希，内容不能再修改；"
        "如有错误只能制作更正文书。此操作不可撤回。",
        run=lambda d, u, data: services.issue_document(
            d, actor=u, issue_date=data.get("issue_date")
        ),
        done="已签发文书，文号 {document.number_text}。",
    )


@login_required
@requires("document.issue", Document)
@require_http_methods(["GET", "POST"])
def document_deliver(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        title="送达文书",
        form_class=DeliverForm,
        lead=(
            "平台送达推送到受送达人的服务台，待其签收；电子邮件和短信在登记后发出，发送成功即为已送达，"
            "发送失败会在送达记录中注明原因；纸质送达登记后即为已送达。"
        ),
        run=lambda d, u, data: services.deliver_document(
            d,
            method=data["method"],
            actor=u,
            address=data["address"],
            scan=data.get("scan"),
            note=data["note"],
        ),
        done="已登记送达：{result.get_method_display}{result.send_outcome}。",
    )


@login_required
@requires("document.issue", Document)
@require_http_methods(["GET", "POST"])
def document_archive(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        title="归档文书",
        form_class=ArchiveForm,
        lead="归档后文书不再办理送达。此操作不可撤回。",
        run=lambda d, u, data: services.archive_document(d, actor=u, reference=data["reference"]),
        done="已归档文书 {document.number_text}。",
    )


@login_required
@requires("document.issue", Document)
@require_http_methods(["GET", "POST"])
def document_correct(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    document = selectors.document_for(user, pk)
    content = {k: v for k, v in document.context.items() if k not in services.STANDARD_KEYS}
    initial = {"recipient_name": document.recipient_name, "title": document.title}
    form = CorrectForm(
        _posted(request), initial=initial, kind_code=document.kind.code, context=content
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            draft = services.correct_document(
                document,
                {
                    "recipient_name": data["recipient_name"],
                    "title": data["title"],
                    "context": data["content"],
                },
                user,
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(
                request, f"已制作更正草稿；签发后原文书 {document.number_text} 作废，两份均留存。"
            )
            return redirect("documents:document_detail", pk=draft.pk)
    return render(
        request,
        "documents/document_form.html",
        {"form": form, "document": document, "correcting": True},
    )


@login_required
@requires("document.sign_for", Document)
@require_POST
def document_confirm_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    document = selectors.document_for(user, pk)
    try:
        services.confirm_receipt(document, actor=user)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, f"已签收文书 {document.number_text}。")
    return redirect("documents:document_detail", pk=document.pk)


@login_required
@requires("document.view", Document)
@require_GET
def document_download(request: HttpRequest, pk: int, fmt: str) -> FileResponse:
    user = _user(request)
    return stored_file(*selectors.document_file(selectors.document_for(user, pk), fmt))


@login_required
@requires("document.issue", Document)
@require_GET
def receipt_download(request: HttpRequest, pk: int, delivery_pk: int) -> FileResponse:
    user = _user(request)
    document = selectors.document_for(user, pk)
    delivery = document.deliveries.filter(pk=delivery_pk).exclude(receipt_file="").first()
    if delivery is None or not _may_author(user, document):
        raise Http404("未找到该送达回证。")
    name = delivery.receipt_file.name or ""
    return stored_file(name, f"送达回证-{document.number_text}{Path(name).suffix}")


@login_required
@requires("document.inbox")
@require_GET
def received_list(request: HttpRequest) -> HttpResponse:
    """The portal inbox: documents sent to the user's enterprise or organisation."""
    user = _user(request)
    documents = selectors.received_documents(user)
    page = Paginator(documents, settings.ZHIFA_PAGE_SIZE).get_page(request.GET.get("page"))
    pending = set(
        Delivery.objects.filter(
            document__in=[d.pk for d in page],
            method=DeliveryMethod.PORTAL,
            confirmed_at__isnull=True,
        ).values_list("document_id", flat=True)
    )
    return render(
        request,
        "documents/received_list.html",
        {"page": page, "total": page.paginator.count, "pending": pending},
    )


# --- Public verification (no login) -----------------------------------------------------------


@requires("public")
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, code: str) -> HttpResponse:
    document = selectors.document_by_code(code)
    if document is None:
        raise Http404("核验码不存在，请核对文书上的核验码。")
    form = VerifyForm(_posted(request), request.FILES or None)
    result: str | None = None
    matched = ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        matched = services.verify_file(document, uploads.chunks(upload)) or ""
        result = "一致" if matched else "不一致"
    return render(
        request,
        "documents/verify.html",
        {
            "document": document,
            "recipient": selectors.masked_recipient(document),
            "form": form,
            "result": result,
            "matched": {"pdf": "PDF", "docx": "DOCX"}.get(matched, ""),
        },
    )


# --- Batches (批量签发) -------------------------------------------------------------------------

BATCH_MAX = 2000


def _selected_ids(request: HttpRequest) -> list[int]:
    source = request.POST if request.method == "POST" else request.GET
    ids: list[int] = []
    for raw in source.getlist("ids"):
        try:
            # ParamError (a ValueError) for an id beyond 64 bits, which no query can take.
            [pk] = params.ids([int(raw)], name="ids")
        except ValueError:
            raise Http404("所选文书编号不正确。") from None
        if pk not in ids:
            ids.append(pk)
    return ids


@login_required
@requires("document.list")
@require_GET
def batch_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = BatchFilterForm(request.GET or None)
    batches = selectors.batches_for(user, **form.filters())
    page = Paginator(batches, settings.ZHIFA_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "documents/batch_list.html",
        {"form": form, "page": page, "total": page.paginator.count},
    )


@login_required
@requires("document.issue")
@require_http_methods(["GET", "POST"])
def batch_create(request: HttpRequest) -> HttpResponse:
    """The confirm page of a 批量签发: the drafts ticked on the document list, then start."""
    user = _user(request)
    ids = _selected_ids(request)
    if not ids:
        messages.error(request, "请先在文书列表中勾选要批量签发的草稿。")
        return redirect(f"{reverse('documents:document_list')}?status=draft")
    if len(ids) > BATCH_MAX:
        messages.error(request, f"一次最多批量签发 {BATCH_MAX} 份文书，现选了 {len(ids)} 份。")
        return redirect(f"{reverse('documents:document_list')}?status=draft")
    found = selectors.documents_visible(user).select_related("kind", "organisation").in_bulk(ids)
    if len(found) < len(ids):
        raise Http404("所选文书中有未找到或您无权查看的文书。")
    drafts = [found[pk] for pk in ids]
    for document in drafts:
        access.require(user, "document.issue", document)
    form = BatchIssueForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.issue_documents_in_batch(
                drafts,
                actor=user,
                issue_date=form.cleaned_data.get("issue_date"),
                title=form.cleaned_data["title"],
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(
                request, f"已发起批量签发，共 {batch.total} 份文书，正在后台办理，本页显示进度。"
            )
            return redirect("documents:batch_detail", pk=batch.pk)
    return render(request, "documents/batch_form.html", {"form": form, "drafts": drafts})


@login_required
@requires("document.list", DocumentBatch)
@require_GET
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    batch = selectors.batch_for(user, pk)
    status = request.GET.get("status", "")
    if status not in BatchItemStatus.values:
        status = ""
    items = selectors.batch_items(batch, status=status)
    page = Paginator(items, settings.ZHIFA_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "documents/batch_detail.html",
        {
            "batch": batch,
            "page": page,
            "item_status": status,
            "item_statuses": BatchItemStatus.choices,
            "failures": selectors.batch_items(batch, status=BatchItemStatus.FAILED),
        },
    )


@login_required
@requires("document.list", DocumentBatch)
@require_GET
def batch_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress block alone, polled by htmx until the batch is finished."""
    user = _user(request)
    batch = selectors.batch_for(user, pk)
    return render(
        request,
        "documents/_batch_progress.html",
        {
            "batch": batch,
            "failures": selectors.batch_items(batch, status=BatchItemStatus.FAILED),
        },
    )
