"""``/api/supervision/``: every step of a supervision letter, with the capabilities of the pages.

A refused step answers 400 with the Chinese reason (the state it is in, the field at fault); a
letter the user may not see is 404; the addressee agency sees only the letters issued to it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from zhifa.core import access
from zhifa.core.access import requires
from zhifa.core.viewhelpers import request_user
from zhifa.org.models import Organisation
from zhifa.supervision import selectors, services
from zhifa.supervision.models import LetterType, SupervisionLetter
from zhifa.workdays.selectors import YearNotLoaded

router = Router(tags=["行政执法监督文书"])
REFUSED = 400


class Message(Schema):
    detail: str


class Refusal(Schema):
    detail: str
    errors: dict[str, list[str]] = Field(default_factory=dict)


class LetterOut(Schema):
    id: int
    kind: str = Field(description="文书种类名称")
    number: str = Field(description="文号；签发前为空")
    bureau: str = Field(description="监督机关")
    addressee_id: int
    addressee: str = Field(description="受文单位")
    method: str = Field(description="监督方式")
    status: str = Field(
        description="draft 拟稿、submitted 待审核、reviewed 待签发、issued 已签发、"
        "received 已签收、replied 已回复、returned 退回重报、closed 已办结"
    )
    status_label: str
    reply_working_days: int | None
    reply_due: dt.date | None
    overdue: bool
    review_status: str = Field(description="复查：空、applied、upheld、changed、revoked")
    case_id: int | None
    content: dict[str, Any] = Field(description="文书内容（按文书种类的字段）")
    replies: list[dict[str, Any]]

    @staticmethod
    def resolve_kind(obj: SupervisionLetter) -> str:
        return obj.letter_type.name

    @staticmethod
    def resolve_number(obj: SupervisionLetter) -> str:
        return obj.document.number_text

    @staticmethod
    def resolve_bureau(obj: SupervisionLetter) -> str:
        return obj.bureau.name

    @staticmethod
    def resolve_addressee(obj: SupervisionLetter) -> str:
        return obj.addressee.name

    @staticmethod
    def resolve_method(obj: SupervisionLetter) -> str:
        return obj.get_method_display()

    @staticmethod
    def resolve_status_label(obj: SupervisionLetter) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_overdue(obj: SupervisionLetter) -> bool:
        from django.utils import timezone

        return obj.is_overdue(timezone.localdate())

    @staticmethod
    def resolve_content(obj: SupervisionLetter) -> dict[str, Any]:
        from zhifa.documents.services import STANDARD_KEYS

        return {k: v for k, v in obj.document.context.items() if k not in STANDARD_KEYS}

    @staticmethod
    def resolve_replies(obj: SupervisionLetter) -> list[dict[str, Any]]:
        return [
            {
                "text": r.text,
                "submitted_at": r.submitted_at.isoformat(),
                "files": r.evidence.count(),
            }
            for r in obj.replies.all()
        ]


class DraftIn(Schema):
    letter_type_id: int = Field(description="监督文书种类（GET /types）")
    addressee_id: int = Field(description="受文单位（行政执法机关或乡镇人民政府）")
    content: dict[str, str | list[str]] = Field(
        description="文书内容，键为文书种类的字段"
        "（如 matter、facts、requests_heading、requests、contact）"
    )
    method: str = Field(
        "routine", description="routine 日常监督、focused 重点监督、special 专项监督"
    )
    reply_working_days: int | None = Field(None, description="回复期限（工作日）")
    source: str = Field("", description="来源：case、overdue_remedy、overdue_publication 等")
    source_pk: int | None = None
    orders_correction: bool = False


class DraftChangeIn(Schema):
    content: dict[str, str | list[str]] = Field(
        description="新的文书内容（整体替换），键为文书种类的字段"
    )
    method: str | None = Field(None, description="routine、focused 或 special；不填则不变")
    reply_working_days: int | None = Field(None, description="回复期限（工作日）；不填则不变")
    orders_correction: bool | None = None


class ReviewIn(Schema):
    approve: bool
    opinion: str = ""


class TextIn(Schema):
    text: str = Field(..., max_length=5000)


class NoteIn(Schema):
    note: str = Field("", max_length=2000)


class ReasonIn(Schema):
    reason: str = Field(..., max_length=2000)


class DecideIn(Schema):
    outcome: str = Field(..., description="upheld 维持、changed 变更、revoked 撤销")
    decision: str = Field(..., max_length=2000)


class SummonsIn(Schema):
    held_on: dt.date
    place: str = Field(..., max_length=200)
    attendees: str = Field(..., max_length=1000)
    outcome: str = Field(..., max_length=2000)


class TypeOut(Schema):
    id: int
    kind: str
    name: str
    purpose: str
    legal_basis: str
    needs_reply: bool
    reply_working_days: int | None
    deadline_source: str
    review_window_working_days: int | None
    review_decision_working_days: int | None
    review_source: str

    @staticmethod
    def resolve_kind(obj: LetterType) -> str:
        return obj.kind.code


STEP = {200: LetterOut, 400: Refusal, 403: Message, 404: Message}


def _letter(request: HttpRequest, letter_id: int) -> SupervisionLetter:
    found = (
        SupervisionLetter.objects.restrict(request_user(request))
        .select_related(*selectors.RELATED)
        .filter(pk=letter_id)
        .first()
    )
    if found is None:
        raise Http404(SupervisionLetter.access_not_found)
    return found


def _refused(error: ValidationError) -> Status[Any]:
    if hasattr(error, "error_dict"):
        errors = {key: list(messages) for key, messages in error.message_dict.items()}
        detail = "；".join(m for messages in errors.values() for m in messages)
        return Status(REFUSED, {"detail": detail, "errors": errors})
    return Status(REFUSED, {"detail": "；".join(error.messages), "errors": {}})


def _step(
    request: HttpRequest, letter_id: int, action: Callable[[SupervisionLetter, Any], Any]
) -> Status[Any]:
    user = request_user(request)
    letter = _letter(request, letter_id)
    try:
        action(letter, user)
    except ValidationError as error:
        return _refused(error)
    except YearNotLoaded as error:
        return Status(REFUSED, {"detail": str(error), "errors": {}})
    return Status(200, _letter(request, letter_id))


@router.get("/types", response=list[TypeOut], summary="本机关可用的监督文书种类（含期限及来源）")
@requires("supervision.draft")
def list_types(request: HttpRequest) -> list[LetterType]:
    user = request_user(request)
    if user.organisation is None:
        return []
    return services.letter_types_for(user.organisation)


@router.get(
    "/letters",
    response=list[LetterOut],
    summary="监督文书：监督机关看本机关的，受文单位看发给本单位的",
)
@requires("signed_in")
@paginate
def list_letters(request: HttpRequest) -> Any:
    user = request_user(request)
    if access.can(user, "supervision.workspace"):
        return selectors.bureau_letters(user).order_by("-drafted_at", "-pk")
    if access.can(user, "supervision.inbox"):
        return selectors.inbox_letters(user)
    return SupervisionLetter.objects.none()


@router.get(
    "/letters/{letter_id}",
    response={200: LetterOut, 403: Message, 404: Message},
    summary="监督文书详情",
)
@requires("supervision.view", SupervisionLetter, kwarg="letter_id")
def get_letter(request: HttpRequest, letter_id: int) -> SupervisionLetter:
    return _letter(request, letter_id)


@router.post(
    "/letters",
    response={201: LetterOut, 400: Refusal, 403: Message, 404: Message},
    summary="拟制监督文书",
)
@requires("supervision.draft")
def draft_letter(request: HttpRequest, payload: DraftIn) -> Status[Any]:
    user = request_user(request)
    bureau = user.organisation
    if bureau is None:
        return Status(REFUSED, {"detail": "您未隶属于行政执法监督机关。", "errors": {}})
    letter_type = next(
        (t for t in services.letter_types_for(bureau) if t.pk == payload.letter_type_id), None
    )
    if letter_type is None:
        return Status(
            REFUSED,
            {
                "detail": "监督文书种类不存在或未启用。",
                "errors": {"letter_type_id": ["请选择本机关可用的文书种类。"]},
            },
        )
    addressee = Organisation.objects.filter(pk=payload.addressee_id).first()
    if addressee is None:
        return Status(
            REFUSED,
            {"detail": "受文单位不存在。", "errors": {"addressee_id": ["受文单位不存在。"]}},
        )
    prefill = None
    if payload.source:
        from zhifa.supervision import sources

        try:
            source = sources.source(payload.source)
        except LookupError as error:
            return Status(REFUSED, {"detail": str(error), "errors": {"source": [str(error)]}})
        prefill = source.loader(int(payload.source_pk or 0), user)
    try:
        letter = services.draft_letter(
            actor=user,
            letter_type=letter_type,
            addressee=addressee,
            content=payload.content,
            method=payload.method,
            reply_working_days=payload.reply_working_days,
            case=prefill.case if prefill else None,
            source_code=payload.source if prefill else "",
            source_pk=payload.source_pk if prefill else None,
            source_label=prefill.label if prefill else "",
            orders_correction=payload.orders_correction,
        )
    except ValidationError as error:
        return _refused(error)
    return Status(201, _letter(request, letter.pk))


@router.post(
    "/letters/{letter_id}/content", response=STEP, summary="修改拟稿（只有拟稿状态可以修改）"
)
@requires("supervision.draft", SupervisionLetter, kwarg="letter_id")
def update_letter(request: HttpRequest, letter_id: int, payload: DraftChangeIn) -> Status[Any]:
    return _step(
        request,
        letter_id,
        lambda letter, u: services.update_letter(
            letter,
            actor=u,
            content=payload.content,
            method=payload.method,
            reply_working_days=payload.reply_working_days,
            orders_correction=payload.orders_correction,
        ),
    )


@router.post("/letters/{letter_id}/submit", response=STEP, summary="送审核")
@requires("supervision.draft", SupervisionLetter, kwarg="letter_id")
def submit_letter(request: HttpRequest, letter_id: int) -> Status[Any]:
    return _step(request, letter_id, lambda letter, u: services.submit_letter(letter, actor=u))


@router.post(
    "/letters/{letter_id}/review", response=STEP, summary="审核（拟稿人以外的执法监督人员）"
)
@requires("supervision.review", SupervisionLetter, kwarg="letter_id")
def review_letter(request: HttpRequest, letter_id: int, payload: ReviewIn) -> Status[Any]:
    return _step(
        request,
        letter_id,
        lambda letter, u: services.review_letter(
            letter, actor=u, approve=payload.approve, opinion=payload.opinion
        ),
    )


@router.post(
    "/letters/{letter_id}/sign",
    response=STEP,
    summary="签发（监督机关负责人）：生成文号并送达受文单位平台收件箱",
)
@requires("supervision.sign", SupervisionLetter, kwarg="letter_id")
def sign_letter(request: HttpRequest, letter_id: int) -> Status[Any]:
    return _step(request, letter_id, lambda letter, u: services.sign_letter(letter, actor=u))


@router.post("/letters/{letter_id}/issue", response=STEP, summary="同 sign：签发即编号并送达")
@requires("supervision.sign", SupervisionLetter, kwarg="letter_id")
def issue_letter(request: HttpRequest, letter_id: int) -> Status[Any]:
    return _step(request, letter_id, lambda letter, u: services.sign_letter(letter, actor=u))


@router.post("/letters/{letter_id}/receive", response=STEP, summary="签收（受文单位）")
@requires("supervision.answer", SupervisionLetter, kwarg="letter_id")
def receive_letter(request: HttpRequest, letter_id: int) -> Status[Any]:
    return _step(request, letter_id, lambda letter, u: services.receive_letter(letter, actor=u))


@router.post(
    "/letters/{letter_id}/reply",
    response=STEP,
    summary="报送整改（执行）情况（受文单位；附佐证材料用 reply-with-evidence）",
)
@requires("supervision.answer", SupervisionLetter, kwarg="letter_id")
def reply_letter(request: HttpRequest, letter_id: int, payload: TextIn) -> Status[Any]:
    return _step(
        request,
        letter_id,
        lambda letter, u: services.reply_letter(letter, actor=u, text=payload.text),
    )


@router.post(
    "/letters/{letter_id}/reply-with-evidence",
    response=STEP,
    summary="报送整改（执行）情况并附佐证材料（multipart/form-data：text，files 可多个）",
)
@requires("supervision.answer", SupervisionLetter, kwarg="letter_id")
def reply_letter_with_evidence(
    request: HttpRequest,
    letter_id: int,
    text: Form[str],
    files: File[list[UploadedFile]],
) -> Status[Any]:
    return _step(
        request,
        letter_id,
        lambda letter, u: services.reply_letter(letter, actor=u, text=text, files=list(files)),
    )


@router.post("/letters/{letter_id}/verify", response=STEP, summary="核查通过，办结")
@requires("supervision.verify", SupervisionLetter, kwarg="letter_id")
def verify_letter(request: HttpRequest, letter_id: int, payload: NoteIn) -> Status[Any]:
    return _step(
        request,
        letter_id,
        lambda letter, u: services.close_letter(letter, actor=u, note=payload.note),
    )


@router.post("/letters/{letter_id}/return", response=STEP, summary="退回重报")
@requires("supervision.verify", SupervisionLetter, kwarg="letter_id")
def return_letter(request: HttpRequest, letter_id: int, payload: ReasonIn) -> Status[Any]:
    return _step(
        request,
        letter_id,
        lambda letter, u: services.return_letter(letter, actor=u, reason=payload.reason),
    )


@router.post("/letters/{letter_id}/apply-review", response=STEP, summary="申请复查（受文单位）")
@requires("supervision.answer", SupervisionLetter, kwarg="letter_id")
def apply_review(request: HttpRequest, letter_id: int, payload: ReasonIn) -> Status[Any]:
    return _step(
        request,
        letter_id,
        lambda letter, u: services.apply_review(letter, actor=u, reasons=payload.reason),
    )


@router.post("/letters/{letter_id}/decide-review", response=STEP, summary="作出复查决定")
@requires("supervision.verify", SupervisionLetter, kwarg="letter_id")
def decide_review(request: HttpRequest, letter_id: int, payload: DecideIn) -> Status[Any]:
    return _step(
        request,
        letter_id,
        lambda letter, u: services.decide_review(
            letter, actor=u, outcome=payload.outcome, decision=payload.decision
        ),
    )


@router.post("/letters/{letter_id}/summons", response=STEP, summary="记录约谈")
@requires("supervision.verify", SupervisionLetter, kwarg="letter_id")
def record_summons(request: HttpRequest, letter_id: int, payload: SummonsIn) -> Status[Any]:
    return _step(
        request,
        letter_id,
        lambda letter, u: services.record_summons(
            letter,
            actor=u,
            held_on=payload.held_on,
            place=payload.place,
            attendees=payload.attendees,
            outcome=payload.outcome,
        ),
    )


@router.get("/workspace", response=dict[str, int], summary="监督人员待办计数")
@requires("supervision.workspace")
def workspace_counts(request: HttpRequest) -> dict[str, int]:
    return selectors.workspace_counts(request_user(request))
