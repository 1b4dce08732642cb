"""``/api/documents/``: 文书 list, detail and issue for signed-in users; public verification
by code (no login) — the same facts as the verification page, never a list."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest
from ninja import Field, File, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import paginate

from zhifa.core import params, uploads
from zhifa.core.access import requires
from zhifa.core.viewhelpers import stored_file
from zhifa.documents import selectors, services
from zhifa.documents.models import BatchItemStatus, Document, DocumentBatch, DocumentStatus
from zhifa.documents.services import NumberingError
from zhifa.org.models import User

router = Router(tags=["文书"])


class DocumentOut(Schema):
    id: int
    kind: str = Field(description="文书种类代码")
    kind_name: str
    organisation_id: int
    organisation_name: str
    recipient_name: str
    title: str
    status: str = Field(description="draft 草稿、issued 已签发、delivered 已送达、archived 已归档")
    number: str = Field(description="文号，签发后才有")
    verification_code: str | None
    issue_date: dt.date | None
    issued_at: dt.datetime | None
    pdf_sm3: str
    docx_sm3: str
    voided_by: int | None = Field(description="作废本文书的更正文书编号")

    @staticmethod
    def resolve_kind(obj: Document) -> str:
        return obj.kind.code

    @staticmethod
    def resolve_kind_name(obj: Document) -> str:
        return obj.kind.name

    @staticmethod
    def resolve_organisation_name(obj: Document) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_number(obj: Document) -> str:
        return obj.number_text

    @staticmethod
    def resolve_voided_by(obj: Document) -> int | None:
        return obj.voided_by_id


class DocumentDetailOut(DocumentOut):
    context: dict[str, Any] = Field(description="文书内容（签发后为签发时的完整内容）")
    delivered_at: dt.datetime | None
    archived_at: dt.datetime | None


class IssueIn(Schema):
    issue_date: dt.date | None = Field(None, description="成文日期，默认今天")


class VerificationOut(Schema):
    verification_code: str
    issuer: str
    kind_name: str
    number: str
    issue_date: dt.date | None
    recipient: str = Field(description="受送达人（已遮蔽）")
    status: str
    status_label: str
    voided: bool
    voided_by_number: str = Field(description="作废本文书的更正文书文号")
    pdf_sm3: str
    docx_sm3: str


class FileCheckOut(VerificationOut):
    result: str = Field(description="一致 或 不一致")
    matched: str = Field(description="与之一致的文件：pdf、docx，不一致时为空")


class Message(Schema):
    detail: str


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


@router.get("/", response=list[DocumentOut], summary="文书列表")
@paginate(params.Pagination, page_size=settings.ZHIFA_PAGE_SIZE)
# Any signed-in user: the documents he may open, his own organisation's and those sent to him.
@requires("signed_in")
def list_documents(
    request: HttpRequest,
    q: str = Query("", description="按文号、受送达人、标题或核验码查找"),
    status: str = Query("", description="draft、issued、delivered、archived"),
    year: int | None = Query(None, description="拟稿年度"),
) -> QuerySet[Document]:
    if status and status not in DocumentStatus.values:
        raise HttpError(
            400,
            f"参数 status 的取值“{status}”无效，可用的取值为：draft、issued、delivered、archived。",
        )
    return selectors.documents_for(_user(request), q=q, status=status, year=params.year(year))


# Registered before "/{document_id}", which would otherwise take "batches" as an id.


class BatchIn(Schema):
    documents: list[int] = Field(description="要签发的草稿文书编号（同一制发机关）")
    issue_date: dt.date | None = Field(None, description="成文日期，默认签发当日")
    title: str = Field("", description="批次名称，默认“批量签发+文书种类+份数”")


class BatchFailureOut(Schema):
    document_id: int
    error: str = Field(description="失败原因，写明受送达人和文书种类")


class BatchOut(Schema):
    id: int
    title: str
    organisation_id: int
    status: str = Field(
        description="queued 排队中、running 进行中、finished 已完成、"
        "finished_with_errors 已完成（部分失败）"
    )
    status_label: str
    total: int
    done: int
    failed: int
    created_at: dt.datetime
    finished_at: dt.datetime | None
    failures: list[BatchFailureOut]


def _batch(batch: DocumentBatch) -> dict[str, Any]:
    failures = selectors.batch_items(batch, status=BatchItemStatus.FAILED)
    return {
        "id": batch.pk,
        "title": batch.title,
        "organisation_id": batch.organisation_id,
        "status": batch.status,
        "status_label": batch.get_status_display(),
        "total": batch.total,
        "done": batch.done,
        "failed": batch.failed,
        "created_at": batch.created_at,
        "finished_at": batch.finished_at,
        "failures": [{"document_id": i.document_id, "error": i.error} for i in failures],
    }


@router.post(
    "/batches",
    response={202: BatchOut, 400: Message, 403: Message, 404: Message},
    summary="批量签发草稿（后台逐份签发，返回批次，按编号查询进度）",
)
@requires("document.issue")
def create_batch(request: HttpRequest, payload: BatchIn) -> Status[Any]:
    user = _user(request)
    ids = params.ids(payload.documents, name="documents")
    found = selectors.documents_visible(user).in_bulk(ids)
    missing = [pk for pk in ids if pk not in found]
    if missing:
        return Status(
            404, {"detail": f"未找到编号为 {'、'.join(map(str, missing))} 的文书，或您无权查看。"}
        )
    try:
        batch = services.issue_documents_in_batch(
            [found[pk] for pk in ids],
            actor=user,
            issue_date=payload.issue_date,
            title=payload.title,
        )
    except PermissionDenied as error:
        return Status(403, {"detail": str(error)})
    except ValidationError as error:
        return Status(400, {"detail": "；".join(error.messages)})
    return Status(202, _batch(batch))


@router.get("/batches/{batch_id}", response=BatchOut, summary="批量签发批次的进度")
@requires("document.list", DocumentBatch, kwarg="batch_id")
def get_batch(request: HttpRequest, batch_id: int) -> dict[str, Any]:
    return _batch(selectors.batch_for(_user(request), batch_id))


@router.get("/{document_id}", response=DocumentDetailOut, summary="文书详情")
@requires("document.view", Document, kwarg="document_id")
def get_document(request: HttpRequest, document_id: int) -> Document:
    return selectors.document_for(_user(request), document_id)


@router.get(
    "/{document_id}/file/{fmt}",
    response={200: None, 404: Message},
    summary="下载已签发文书的 PDF 或 DOCX 文件（fmt：pdf、docx）",
)
@requires("document.view", Document, kwarg="document_id")
def download_document(request: HttpRequest, document_id: int, fmt: str) -> FileResponse:
    document = selectors.document_for(_user(request), document_id)
    return stored_file(*selectors.document_file(document, fmt))


@router.post(
    "/{document_id}/issue",
    response={200: DocumentDetailOut, 400: Message, 403: Message},
    summary="签发文书草稿（分配文号、生成 DOCX/PDF、记录 SM3）",
)
@requires("document.issue", Document, kwarg="document_id")
def issue_document(request: HttpRequest, document_id: int, payload: IssueIn) -> Status[Any]:
    user = _user(request)
    document = selectors.document_for(user, document_id)
    try:
        services.issue_document(document, actor=user, issue_date=payload.issue_date)
    except PermissionDenied as error:
        return Status(403, {"detail": str(error)})
    except NumberingError as error:
        return Status(400, {"detail": str(error)})
    except ValidationError as error:
        return Status(400, {"detail": "；".join(error.messages)})
    return Status(200, selectors.document_for(user, document_id))


def _verification(document: Document) -> dict[str, Any]:
    return {
        "verification_code": document.verification_code or "",
        "issuer": document.organisation.name,
        "kind_name": document.kind.name,
        "number": document.number_text,
        "issue_date": document.issue_date,
        "recipient": selectors.masked_recipient(document),
        "status": document.status,
        "status_label": str(DocumentStatus(document.status).label),
        "voided": document.is_voided,
        "voided_by_number": document.voided_by.number_text if document.voided_by else "",
        "pdf_sm3": document.pdf_sm3,
        "docx_sm3": document.docx_sm3,
    }


def _public_document(code: str) -> Document:
    document = selectors.document_by_code(code)
    if document is None:
        raise Http404("核验码不存在，请核对文书上的核验码。")
    return document


@router.get(
    "/verify/{code}",
    response={200: VerificationOut, 404: Message},
    auth=None,
    summary="按核验码查看文书签发信息（无需登录）",
)
@requires("public")
def verify(request: HttpRequest, code: str) -> Status[Any]:
    document = selectors.document_by_code(code)
    if document is None:
        return Status(404, {"detail": "核验码不存在，请核对文书上的核验码。"})
    return Status(200, _verification(document))


@router.post(
    "/verify/{code}",
    response={200: FileCheckOut, 400: Message, 404: Message},
    auth=None,
    summary="核验文件与签发时记录的 SM3 是否一致（无需登录）",
)
@requires("public")
def verify_file(request: HttpRequest, code: str, file: File[UploadedFile]) -> Status[Any]:
    document = selectors.document_by_code(code)
    if document is None:
        return Status(404, {"detail": "核验码不存在，请核对文书上的核验码。"})
    try:
        uploads.check_upload(file, types=uploads.VERIFIABLE, label="待核验的文件")
    except uploads.UploadError as error:
        return Status(400, {"detail": str(error)})
    matched = services.verify_file(document, uploads.chunks(file)) or ""
    return Status(
        200,
        {**_verification(document), "result": "一致" if matched else "不一致", "matched": matched},
    )
