"""``/api/complaints/``: the problem list (问题清单) for signed-in users and machine clients.

- Which items one sees is ``Complaint.objects.restrict``: the supervising bodies their region's,
  the agency the items handed to it, an enterprise what it filed; any other item is 404.
- Who complained (``IDENTITY_FIELDS``) is in a response only for a user who may
  ``complaints.identity`` (the supervising bureau): for anyone else — the agency complained
  about above all — the keys are absent, not empty. The schemas list them as optional; the
  operations leave out what was not set (``exclude_unset``).
- A refused step answers with the Chinese reason and changes nothing: 400 when a field is at
  fault (``errors`` names it), 409 when the item's state does not allow the step (it has moved
  on: answered, closed …), 403/404 from the capability table as everywhere.
- Amounts are Decimal 元 as strings ("12000.50"); times are Beijing time with their offset.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from zhifa.complaints import services
from zhifa.complaints.models import (
    OPEN_STATUSES,
    Category,
    Channel,
    Complaint,
    RecoveredLoss,
    Satisfaction,
)
from zhifa.complaints.models import Status as ItemStatus
from zhifa.complaints.services.escalation import DORMANT_DAYS
from zhifa.core import access, params, timefmt
from zhifa.core.access import requires
from zhifa.core.viewhelpers import request_user
from zhifa.inspections.models import InspectionCase
from zhifa.org.models import Organisation, OrganisationKind, Region, User
from zhifa.workdays.selectors import YearNotLoaded

router = Router(tags=["投诉举报与问题清单"])
REFUSED = 400
CONFLICT = 409
IDENTITY = "仅执法监督机关可见；其他用户的响应中没有此字段。"


class Message(Schema):
    detail: str


class Refusal(Schema):
    detail: str
    errors: dict[str, list[str]] = Field(default_factory=dict)


class CategoryOut(Schema):
    code: str = Field(description="类别代码（亦为 Open311 service_code）")
    name: str
    parent: str | None = Field(None, description="所属问题类别的代码；四类问题本身为空")
    full_name: str
    region: str = Field(description="增设该子类的区划；全国通用为空")
    description: str


class EventOut(Schema):
    kind: str
    kind_label: str
    at: dt.datetime
    actor: str = Field(description="办理单位（机关名称；反映人的步骤为“反映人”）")
    text: str


class FileOut(Schema):
    id: int
    stage: str = Field(description="intake 反映材料、answer 办理佐证、loss 挽回损失佐证")
    stage_label: str
    name: str
    size: int
    sm3: str
    uploaded_at: dt.datetime


class LossOut(Schema):
    id: int
    amount: str = Field(description="金额（元），两位小数的字符串")
    description: str
    recovered_on: dt.date
    recorded_at: dt.datetime
    evidence_id: int | None


class ComplaintRow(Schema):
    id: int
    number: str = Field(description="问题编号")
    channel: str
    channel_label: str
    region: str = Field(description="所在区划代码")
    region_name: str
    category: str = Field(description="问题类别代码")
    category_name: str
    category_class: str = Field(description="所属四类问题的代码")
    tags: list[str]
    title: str
    agency_id: int | None
    agency: str = Field(description="被反映单位；未指明为空")
    case_id: int | None
    case_reference: str
    status: str = Field(
        description="received 待分办、assigned 办理中、answered 待核实、verified 待评价、"
        "closed 已销号、declined 不予受理"
    )
    status_label: str
    received_at: dt.datetime
    answer_due: dt.date | None
    overdue: bool = Field(description="办理中且已过答复截止日期")
    dormant: bool = Field(description=f"未办结且 {DORMANT_DAYS} 日无任何办理")
    reopen_count: int
    recovered_total: str = Field(description="已挽回损失合计（元）")
    # Who complained: set only for a user who may see it.
    is_anonymous: bool | None = Field(None, description=IDENTITY)
    complainant_name: str | None = Field(None, description=IDENTITY)
    complainant_phone: str | None = Field(None, description=IDENTITY)
    complainant_email: str | None = Field(None, description=IDENTITY)
    complainant_enterprise_id: int | None = Field(None, description=IDENTITY)
    complainant_enterprise_name: str | None = Field(None, description=IDENTITY)
    filed_by: str | None = Field(None, description=IDENTITY + "（录入人姓名）")
    tracking_code: str | None = Field(None, description=IDENTITY)
    hotline_caller: str | None = Field(None, description=IDENTITY)


class ComplaintDetail(ComplaintRow):
    content: str
    contact_point: str
    hotline_order_no: str
    bureau: str = Field(description="分办机关")
    assigned_at: dt.datetime | None
    answer_working_days: int | None
    deadline_source: str
    answered_at: dt.datetime | None
    answer: str
    verified_at: dt.datetime | None
    verify_note: str
    satisfaction: str = Field(description="satisfied 满意、basic 基本满意、unsatisfied 不满意")
    satisfaction_label: str
    satisfaction_at: dt.datetime | None
    closed_at: dt.datetime | None
    closing_note: str
    decline_reason: str
    events: list[EventOut]
    files: list[FileOut]
    losses: list[LossOut]


class AssignIn(Schema):
    agency_id: int = Field(description="承办的行政执法机关")
    note: str = Field("", max_length=500)


class ReasonIn(Schema):
    reason: str = Field(..., max_length=1000)


class NoteIn(Schema):
    note: str = Field("", max_length=1000)


class CloseIn(Schema):
    note: str = Field(..., max_length=1000, description="销号说明：如何回访、为何未能评价")


class RateIn(Schema):
    satisfaction: str = Field(..., description="satisfied 满意、basic 基本满意、unsatisfied 不满意")
    comment: str = Field("", max_length=500)


class FileIn(Schema):
    category: str = Field(..., description="问题类别代码（GET /categories）")
    content: str = Field(..., max_length=4000)
    title: str = Field("", max_length=120)
    region: str = Field("", description="问题发生地的区划代码；不填则按被反映单位")
    agency_id: int | None = Field(None, description="被反映单位")
    case_id: int | None = Field(None, description="涉及的检查案件（企业只能选本企业的案件）")
    tags: str = Field("", description="标签，以逗号分隔")
    # A 联系点 or the bureau enters who came to it; an enterprise user is who he is.
    complainant_name: str = Field("", max_length=64)
    complainant_phone: str = Field("", max_length=32)
    complainant_email: str = Field("", max_length=254)
    complainant_enterprise_name: str = Field("", max_length=128)
    is_anonymous: bool = Field(False, description="匿名（监督机关登记时；不保存反映人信息）")


class TotalRow(Schema):
    key: str
    label: str
    items: int = Field(description="涉及问题数")
    amount: str = Field(description="挽回损失（元）")


class TotalsOut(Schema):
    by: str
    date_from: dt.date | None
    date_to: dt.date | None
    rows: list[TotalRow]
    items: int
    total: str


STEP = {200: ComplaintDetail, 400: Refusal, 403: Message, 404: Message, 409: Refusal}


# --- Output ------------------------------------------------------------------------------------


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def _row(item: Complaint, user: Any, today: dt.date) -> dict[str, Any]:
    dormant_since = dt.timedelta(days=DORMANT_DAYS)
    out: dict[str, Any] = {
        "id": item.pk,
        "number": item.number,
        "channel": item.channel,
        "channel_label": item.get_channel_display(),
        "region": item.region_id,
        "region_name": item.region.name,
        "category": item.category.code,
        "category_name": item.category.full_name,
        "category_class": item.category.top.code,
        "tags": list(item.tags),
        "title": item.title,
        "agency_id": item.agency_id,
        "agency": item.agency.name if item.agency is not None else "",
        "case_id": item.case_id,
        "case_reference": item.case.reference if item.case is not None else "",
        "status": item.status,
        "status_label": item.get_status_display(),
        "received_at": item.received_at,
        "answer_due": item.answer_due,
        "overdue": item.is_overdue(today),
        "dormant": item.status in OPEN_STATUSES
        and item.last_activity_at < timezone.now() - dormant_since,
        "reopen_count": item.reopen_count,
        "recovered_total": _money(item.recovered_total),
    }
    if access.can(user, "complaints.identity", item):
        out.update(
            {
                "is_anonymous": item.is_anonymous,
                "complainant_name": item.complainant_name,
                "complainant_phone": item.complainant_phone,
                "complainant_email": item.complainant_email,
                "complainant_enterprise_id": item.complainant_enterprise_id,
                "complainant_enterprise_name": item.complainant_enterprise_name,
                "filed_by": item.filed_by.person_name if item.filed_by_id else "",  # type: ignore[union-attr]
                "tracking_code": item.tracking_code,
                "hotline_caller": item.hotline_caller,
            }
        )
    return out


def _detail(item: Complaint, user: Any) -> dict[str, Any]:
    out = _row(item, user, timefmt.today())
    events = item.events.all()
    if not access.can(user, "complaints.identity", item):
        # The bureau's internal notes are its own.
        events = events.filter(public=True)
    out.update(
        {
            "content": item.content,
            "contact_point": item.contact_point.name if item.contact_point_id else "",  # type: ignore[union-attr]
            "hotline_order_no": item.hotline_order_no,
            "bureau": item.bureau.name if item.bureau_id else "",  # type: ignore[union-attr]
            "assigned_at": item.assigned_at,
            "answer_working_days": item.answer_working_days,
            "deadline_source": item.deadline_source,
            "answered_at": item.answered_at,
            "answer": item.answer,
            "verified_at": item.verified_at,
            "verify_note": item.verify_note,
            "satisfaction": item.satisfaction,
            "satisfaction_label": item.get_satisfaction_display() if item.satisfaction else "",
            "satisfaction_at": item.satisfaction_at,
            "closed_at": item.closed_at,
            "closing_note": item.closing_note,
            "decline_reason": item.decline_reason,
            "events": [
                {
                    "kind": e.kind,
                    "kind_label": e.get_kind_display(),
                    "at": e.at,
                    "actor": e.actor_label,
                    "text": e.text,
                }
                for e in events
            ],
            "files": [
                {
                    "id": f.pk,
                    "stage": f.stage,
                    "stage_label": f.get_stage_display(),
                    "name": f.name,
                    "size": f.size,
                    "sm3": f.sm3,
                    "uploaded_at": f.uploaded_at,
                }
                for f in item.files.all()
            ],
            "losses": [
                {
                    "id": loss.pk,
                    "amount": _money(loss.amount),
                    "description": loss.description,
                    "recovered_on": loss.recovered_on,
                    "recorded_at": loss.recorded_at,
                    "evidence_id": loss.evidence_id,
                }
                for loss in item.losses.all()
            ],
        }
    )
    return out


RELATED = ("region", "category__parent", "agency", "case", "filed_by", "bureau", "contact_point")


def _rows(user: Any) -> QuerySet[Complaint]:
    return (
        Complaint.objects.restrict(user)  # type: ignore[attr-defined]
        .select_related(*RELATED)
        .prefetch_related("losses")
    )


def _item(request: HttpRequest, complaint_id: int) -> Complaint:
    found = _rows(request_user(request)).filter(pk=complaint_id).first()
    if found is None:
        raise Http404(Complaint.access_not_found)
    return found


def _refused(error: ValidationError, *, state: int = CONFLICT) -> Status[Any]:
    """400 naming the fields at fault; with no field at fault the item's state does not allow
    the step (409)."""
    if hasattr(error, "error_dict"):
        errors = {key: list(messages) for key, messages in error.message_dict.items()}
        detail = "；".join(m for messages in errors.values() for m in messages)
        return Status(REFUSED, {"detail": detail, "errors": errors})
    return Status(state, {"detail": "；".join(error.messages), "errors": {}})


def _step(
    request: HttpRequest, complaint_id: int, action: Callable[[Complaint, User], Any]
) -> Status[Any]:
    user = request_user(request)
    item = _item(request, complaint_id)
    try:
        action(item, user)
    except ValidationError as error:
        return _refused(error)
    except YearNotLoaded as error:
        return Status(REFUSED, {"detail": str(error), "errors": {}})
    return Status(200, _detail(_item(request, complaint_id), user))


# --- Reading -----------------------------------------------------------------------------------


@router.get(
    "/categories",
    response=list[CategoryOut],
    auth=None,
    summary="问题类别（四类问题及各地增设的子类，无需登录）",
)
@requires("public")
def list_categories(
    request: HttpRequest,
    region: str = Query("", description="区划代码：只列该区划可用的类别；不填列全部"),
) -> list[dict[str, Any]]:
    if region:
        found = Region.objects.filter(pk=region).first()
        rows = services.categories_for(found) if found is not None else []
    else:
        rows = list(Category.objects.filter(is_active=True).select_related("parent", "region"))
    return [
        {
            "code": c.code,
            "name": c.name,
            "parent": c.parent.code if c.parent_id else None,  # type: ignore[union-attr]
            "full_name": c.full_name,
            "region": c.region.name if c.region_id else "",  # type: ignore[union-attr]
            "description": c.description,
        }
        for c in rows
    ]


@router.get(
    "/",
    response=list[ComplaintRow],
    exclude_unset=True,
    summary="问题清单（按数据范围；可按状态、类别、被反映单位、逾期筛选，分页）",
)
@requires("complaints.list")
@paginate(params.Pagination, page_size=settings.ZHIFA_PAGE_SIZE)
def list_complaints(
    request: HttpRequest,
    status: str = Query("", description="状态，如 assigned"),
    category: str = Query("", description="类别代码（四类问题的代码含其子类）"),
    agency: int | None = Query(None, description="被反映单位 id"),
    overdue: bool | None = Query(None, description="true 只列逾期未答复的"),
    channel: str = Query("", description="来源渠道，如 hotline"),
) -> Any:
    user = request_user(request)
    rows = _rows(user).order_by("-received_at", "-pk")
    if status:
        rows = rows.filter(status=status)
    if category:
        rows = rows.filter(Q(category__code=category) | Q(category__parent__code=category))
    if agency is not None:
        rows = rows.filter(agency_id=params.one_id(agency, name="agency"))
    if channel:
        rows = rows.filter(channel=channel)
    today = timefmt.today()
    if overdue is True:
        rows = rows.filter(status=ItemStatus.ASSIGNED, answer_due__lt=today)
    elif overdue is False:
        rows = rows.exclude(status=ItemStatus.ASSIGNED, answer_due__lt=today)
    return _Rows(rows, user, today)


class _Rows:
    """The page's items turned into output only once the paginator has sliced them."""

    def __init__(self, rows: QuerySet[Complaint], user: Any, today: dt.date) -> None:
        self.rows, self.user, self.today = rows, user, today

    def count(self) -> int:
        return self.rows.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[dict[str, Any]]:
        return [_row(item, self.user, self.today) for item in self.rows[index]]


@router.get(
    "/totals",
    response={200: TotalsOut, 400: Refusal, 403: Message},
    summary="挽回损失合计（按区划、被反映单位、问题类别或月份；金额为字符串，单位元）",
)
@requires("complaints.list")
def totals(
    request: HttpRequest,
    by: str = Query(
        "region", description="region 区划、agency 被反映单位、category 问题类别、period 月份"
    ),
    date_from: Query[dt.date | None] = None,
    date_to: Query[dt.date | None] = None,
) -> Status[Any]:
    keys: dict[str, Callable[[RecoveredLoss], tuple[str, str]]] = {
        "region": lambda loss: (loss.complaint.region_id, loss.complaint.region.name),
        "agency": lambda loss: (
            str(loss.complaint.agency_id or ""),
            loss.complaint.agency.name if loss.complaint.agency_id else "未指明单位",  # type: ignore[union-attr]
        ),
        "category": lambda loss: (
            loss.complaint.category.top.code,
            loss.complaint.category.top.name,
        ),
        "period": lambda loss: (
            f"{loss.recovered_on:%Y-%m}",
            f"{loss.recovered_on.year}年{loss.recovered_on.month}月",
        ),
    }
    if by not in keys:
        return Status(
            REFUSED,
            {
                "detail": "汇总方式应为 region、agency、category 或 period。",
                "errors": {"by": ["汇总方式应为 region、agency、category 或 period。"]},
            },
        )
    losses = RecoveredLoss.objects.restrict(request_user(request)).select_related(  # type: ignore[attr-defined]
        "complaint__region", "complaint__agency", "complaint__category__parent"
    )
    if date_from is not None:
        losses = losses.filter(recovered_on__gte=date_from)
    if date_to is not None:
        losses = losses.filter(recovered_on__lte=date_to)
    sums: dict[str, Decimal] = {}
    labels: dict[str, str] = {}
    items: dict[str, set[int]] = {}
    for loss in losses.order_by("recovered_on", "pk"):
        key, label = keys[by](loss)
        sums[key] = sums.get(key, Decimal("0.00")) + loss.amount
        labels[key] = label
        items.setdefault(key, set()).add(loss.complaint_id)
    rows = [
        {"key": key, "label": labels[key], "items": len(items[key]), "amount": _money(sums[key])}
        for key in sorted(sums)
    ]
    return Status(
        200,
        {
            "by": by,
            "date_from": date_from,
            "date_to": date_to,
            "rows": rows,
            "items": len(set().union(*items.values())) if items else 0,
            "total": _money(sum(sums.values(), Decimal("0.00"))),
        },
    )


@router.get(
    "/{complaint_id}",
    response={200: ComplaintDetail, 403: Message, 404: Message},
    exclude_unset=True,
    summary="问题详情：办理过程、材料、挽回损失",
)
@requires("complaints.view", Complaint, kwarg="complaint_id")
def get_complaint(request: HttpRequest, complaint_id: int) -> dict[str, Any]:
    return _detail(_item(request, complaint_id), request_user(request))


# --- Intake ------------------------------------------------------------------------------------


@router.post(
    "/",
    response={201: ComplaintDetail, 400: Refusal, 403: Message, 404: Message},
    exclude_unset=True,
    summary="提交投诉举报（企业用户）或登记收到的投诉举报（监督机关、监督联系点）；"
    "multipart/form-data，files 可多个（JPG、PNG、PDF）",
)
@requires("complaints.submit")
def file_complaint(
    request: HttpRequest,
    payload: Form[FileIn],
    files: File[list[UploadedFile] | None] = None,
) -> Status[Any]:
    user = request_user(request)
    fields: dict[str, Any] = {}
    if payload.agency_id is not None:
        agency_id = params.ids([payload.agency_id], name="agency_id")[0]
        agency = Organisation.objects.filter(pk=agency_id).first()
        if agency is None:
            return Status(
                REFUSED,
                {"detail": "被反映单位不存在。", "errors": {"agency_id": ["被反映单位不存在。"]}},
            )
        fields["agency"] = agency
    if payload.case_id is not None:
        case_id = params.ids([payload.case_id], name="case_id")[0]
        case = InspectionCase.objects.restrict(user).filter(pk=case_id).first()  # type: ignore[attr-defined]
        if case is None:
            message = "所选检查案件不存在，或不是本企业的检查。"
            return Status(REFUSED, {"detail": message, "errors": {"case_id": [message]}})
        fields["case"] = case
    if payload.region:
        region = Region.objects.filter(pk=payload.region).first()
        if region is None:
            message = f"未知的区划代码“{payload.region[:12]}”。"
            return Status(REFUSED, {"detail": message, "errors": {"region": [message]}})
        fields["region"] = region
    if access.can(user, "complaints.enter"):
        organisation = user.organisation
        # A 联系点 enters what reached it there; a bureau what reached the bureau itself.
        is_point = organisation is not None and organisation.kind == OrganisationKind.CONTACT_POINT
        fields.update(
            channel=Channel.CONTACT_POINT if is_point else Channel.BUREAU,
            contact_point=organisation if is_point else None,
            is_anonymous=payload.is_anonymous,
            complainant_name=payload.complainant_name,
            complainant_phone=payload.complainant_phone,
            complainant_email=payload.complainant_email,
            complainant_enterprise_name=payload.complainant_enterprise_name,
        )
    else:
        fields.update(
            channel=Channel.PORTAL,
            complainant_name=payload.complainant_name or user.display_name,
            complainant_phone=payload.complainant_phone,
            complainant_email=payload.complainant_email,
            complainant_enterprise=user.enterprise,
        )
    try:
        item = services.file_complaint(
            category=payload.category,
            content=payload.content,
            title=payload.title,
            tags=[t for t in payload.tags.replace("，", ",").split(",") if t.strip()],
            files=list(files or []),
            actor=user,
            **fields,
        )
    except ValidationError as error:
        return _refused(error, state=REFUSED)
    return Status(201, _detail(_item(request, item.pk), user))


# --- Handling ----------------------------------------------------------------------------------


@router.post(
    "/{complaint_id}/assign", response=STEP, exclude_unset=True, summary="分办至行政执法机关"
)
@requires("complaints.handle", Complaint, kwarg="complaint_id")
def assign(request: HttpRequest, complaint_id: int, payload: AssignIn) -> Status[Any]:
    agency_id = params.ids([payload.agency_id], name="agency_id")[0]
    agency = Organisation.objects.filter(pk=agency_id).first()
    if agency is None:
        return Status(
            REFUSED,
            {"detail": "承办单位不存在。", "errors": {"agency_id": ["承办单位不存在。"]}},
        )
    return _step(
        request,
        complaint_id,
        lambda item, u: services.assign(item, agency=agency, actor=u, note=payload.note),
    )


@router.post(
    "/{complaint_id}/decline", response=STEP, exclude_unset=True, summary="不予受理（说明理由）"
)
@requires("complaints.handle", Complaint, kwarg="complaint_id")
def decline(request: HttpRequest, complaint_id: int, payload: ReasonIn) -> Status[Any]:
    return _step(
        request,
        complaint_id,
        lambda item, u: services.decline(item, actor=u, reason=payload.reason),
    )


@router.post(
    "/{complaint_id}/answer",
    response=STEP,
    exclude_unset=True,
    summary="办理答复（被分办的行政执法机关）；multipart/form-data：text，files 为佐证材料",
)
@requires("complaints.answer", Complaint, kwarg="complaint_id")
def answer(
    request: HttpRequest,
    complaint_id: int,
    text: Form[str],
    files: File[list[UploadedFile] | None] = None,
) -> Status[Any]:
    return _step(
        request,
        complaint_id,
        lambda item, u: services.answer(item, actor=u, text=text, files=list(files or [])),
    )


@router.post(
    "/{complaint_id}/return", response=STEP, exclude_unset=True, summary="退回重办（重新计算期限）"
)
@requires("complaints.handle", Complaint, kwarg="complaint_id")
def return_for_rework(request: HttpRequest, complaint_id: int, payload: ReasonIn) -> Status[Any]:
    return _step(
        request,
        complaint_id,
        lambda item, u: services.return_for_rework(item, actor=u, reason=payload.reason),
    )


@router.post(
    "/{complaint_id}/verify",
    response=STEP,
    exclude_unset=True,
    summary="核实办理结果，请反映人评价",
)
@requires("complaints.handle", Complaint, kwarg="complaint_id")
def verify(request: HttpRequest, complaint_id: int, payload: NoteIn) -> Status[Any]:
    return _step(
        request,
        complaint_id,
        lambda item, u: services.verify(item, actor=u, note=payload.note),
    )


@router.post(
    "/{complaint_id}/close",
    response=STEP,
    exclude_unset=True,
    summary="销号（反映人无法联系或逾期未评价，须说明回访情况）",
)
@requires("complaints.handle", Complaint, kwarg="complaint_id")
def close(request: HttpRequest, complaint_id: int, payload: CloseIn) -> Status[Any]:
    return _step(
        request,
        complaint_id,
        lambda item, u: services.close_unanswered(item, actor=u, note=payload.note),
    )


@router.post(
    "/{complaint_id}/rate",
    response=STEP,
    exclude_unset=True,
    summary="评价办理结果（反映问题的企业）：满意、基本满意即销号，不满意重新办理",
)
@requires("complaints.rate", Complaint, kwarg="complaint_id")
def rate(request: HttpRequest, complaint_id: int, payload: RateIn) -> Status[Any]:
    if payload.satisfaction not in Satisfaction.values:
        message = "请选择满意、基本满意或不满意。"
        return Status(REFUSED, {"detail": message, "errors": {"satisfaction": [message]}})
    return _step(
        request,
        complaint_id,
        lambda item, u: services.rate(
            item, satisfaction=payload.satisfaction, comment=payload.comment, actor=u
        ),
    )


@router.post(
    "/{complaint_id}/losses",
    response=STEP,
    exclude_unset=True,
    summary="记录为企业挽回的经济损失（元）；multipart/form-data，evidence 为佐证材料",
)
@requires("complaints.handle", Complaint, kwarg="complaint_id")
def record_loss(
    request: HttpRequest,
    complaint_id: int,
    amount: Form[str],
    description: Form[str],
    recovered_on: Form[dt.date],
    evidence: File[UploadedFile | None] = None,
) -> Status[Any]:
    return _step(
        request,
        complaint_id,
        lambda item, u: services.record_loss(
            item,
            actor=u,
            amount=amount,
            description=description,
            recovered_on=recovered_on,
            evidence=evidence,
        ),
    )
