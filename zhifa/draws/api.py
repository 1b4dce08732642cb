"""``/api/draws/``: draw tasks (scoped, role-checked) and the public record (no login)."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from zhifa.core import params
from zhifa.core.access import requires
from zhifa.draws import selectors, services
from zhifa.draws.models import DrawStatus, DrawTask
from zhifa.org.models import User
from zhifa.org.scoping import get_visible_or_404
from zhifa.plans.models import PlanTask

router = Router(tags=["双随机抽取"])


class StratumOut(Schema):
    code: str
    name: str
    credit_grade: str
    pool_size: int
    pool_sm3: str
    count: int


class SourceOut(Schema):
    position: int
    name: str
    where: str
    expected_on: dt.date
    value: str = Field(description="公布取值；抽取前为空")
    canonical: str = Field(description="规范化取值（RFC 3797）；抽取前为空")


class DrawOut(Schema):
    id: int
    title: str
    organisation: str
    task_id: int
    task: str
    region_code: str
    mode: str = Field(description="public：公开随机源；commit：承诺—揭示")
    status: str = Field(description="draft 草稿、announced 已公告、drawn 已抽取、cancelled 已撤销")
    status_label: str
    reveal_date: dt.date
    inspection_start: dt.date | None
    inspection_end: dt.date | None
    pool_sm3: str
    pool_size: int
    officer_pool_sm3: str
    officer_pool_size: int
    commitment_sm3: str
    key_string: str
    record_sm3: str
    announced_at: dt.datetime | None
    drawn_at: dt.datetime | None
    cancel_reason: str
    strata: list[StratumOut]
    sources: list[SourceOut]
    result_count: int

    @staticmethod
    def resolve_organisation(obj: DrawTask) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_task(obj: DrawTask) -> str:
        return obj.task.name

    @staticmethod
    def resolve_region_code(obj: DrawTask) -> str:
        return obj.region_id

    @staticmethod
    def resolve_status_label(obj: DrawTask) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_strata(obj: DrawTask) -> list[Any]:
        return list(obj.strata.order_by("code"))

    @staticmethod
    def resolve_sources(obj: DrawTask) -> list[Any]:
        return list(obj.sources.order_by("position"))

    @staticmethod
    def resolve_result_count(obj: DrawTask) -> int:
        return obj.results.count()


class SourceIn(Schema):
    name: str = Field(description="随机源名称，如：双色球第2026138期开奖号码")
    where: str = Field("", description="公布渠道")
    expected_on: dt.date = Field(description="预计公布日期，不晚于随机源公布日期")


class DrawIn(Schema):
    task_id: int = Field(description="已公布年度执法计划中的计划任务 id")
    title: str
    mode: str = Field("public", description="public 或 commit")
    reveal_date: dt.date = Field(description="随机源公布日期（须晚于今天），此前不得抽取")
    sources: list[SourceIn] = Field(default_factory=list)
    inspection_start: dt.date | None = None
    inspection_end: dt.date | None = None
    counts: dict[str, int] | None = Field(
        None, description="按分层代码指定抽取户数；未指定的分层按计划比例向上取整"
    )


class ValuesIn(Schema):
    values: list[str] = Field(description="各随机源的公布取值，按公告的顺序")


class CancelIn(Schema):
    reason: str


class Message(Schema):
    detail: str


class FieldErrors(Schema):
    detail: str
    errors: dict[str, list[str]] = Field(description="按字段列出的错误")


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _refused(error: ValidationError) -> Status[Any]:
    if hasattr(error, "error_dict"):
        errors = {
            ("non_field" if key == "__all__" else key): list(messages)
            for key, messages in error.message_dict.items()
        }
        detail = "；".join(m for messages in errors.values() for m in messages)
        return Status(400, {"detail": detail, "errors": errors})
    return Status(400, {"detail": "；".join(error.messages), "errors": {}})


def _run(action: Any) -> Status[Any]:
    try:
        draw = action()
    except PermissionDenied as error:
        return Status(403, {"detail": str(error) or services.DRAW_DENIED})
    except ValidationError as error:
        return _refused(error)
    return Status(200, selectors.draws().get(pk=draw.pk))


@router.get("/draws", response=list[DrawOut], summary="抽取任务列表")
@paginate(params.Pagination, page_size=settings.ZHIFA_PAGE_SIZE)
@requires("draw.list")
def list_draws(
    request: HttpRequest,
    status: str = Query("", description="draft、announced、drawn、cancelled"),
    year: int | None = Query(None, description="计划年度"),
) -> QuerySet[DrawTask]:
    return selectors.visible_draws(_user(request), status=status, year=params.year(year))


@router.get("/draws/{draw_id}", response=DrawOut, summary="抽取任务详情")
@requires("draw.list", DrawTask, kwarg="draw_id")
def get_draw(request: HttpRequest, draw_id: int) -> DrawTask:
    return selectors.visible_draw(_user(request), draw_id)


@router.post(
    "/draws",
    response={201: DrawOut, 400: FieldErrors, 403: Message},
    summary="创建抽取任务（草稿）",
)
@requires("draw.create")
def create_draw(request: HttpRequest, payload: DrawIn) -> Status[Any]:
    user = _user(request)
    task = get_visible_or_404(user, PlanTask.objects.select_related("plan"), pk=payload.task_id)
    try:
        draw = services.create_draw(
            task=task,
            title=payload.title,
            mode=payload.mode,
            reveal_date=payload.reveal_date,
            sources=[s.dict() for s in payload.sources],
            actor=user,
            inspection_start=payload.inspection_start,
            inspection_end=payload.inspection_end,
            counts=payload.counts,
        )
    except PermissionDenied as error:
        return Status(403, {"detail": str(error)})
    except ValidationError as error:
        return _refused(error)
    return Status(201, selectors.draws().get(pk=draw.pk))


@router.post(
    "/draws/{draw_id}/announce",
    response={200: DrawOut, 400: FieldErrors, 403: Message},
    summary="公告抽取任务：冻结并公开名录、抽取户数和随机源",
)
@requires("draw.announce", DrawTask, kwarg="draw_id")
def announce_draw(request: HttpRequest, draw_id: int) -> Status[Any]:
    user = _user(request)
    draw = selectors.visible_draw(user, draw_id)
    return _run(lambda: services.announce_draw(draw, actor=user))


@router.post(
    "/draws/{draw_id}/draw",
    response={200: DrawOut, 400: FieldErrors, 403: Message},
    summary="录入随机源取值并抽取",
)
@requires("draw.perform", DrawTask, kwarg="draw_id")
def perform_draw(request: HttpRequest, draw_id: int, payload: ValuesIn) -> Status[Any]:
    user = _user(request)
    draw = selectors.visible_draw(user, draw_id)
    return _run(lambda: services.perform_draw(draw, values=payload.values, actor=user))


@router.post(
    "/draws/{draw_id}/cancel",
    response={200: DrawOut, 400: FieldErrors, 403: Message},
    summary="撤销抽取任务",
)
@requires("draw.cancel", DrawTask, kwarg="draw_id")
def cancel_draw(request: HttpRequest, draw_id: int, payload: CancelIn) -> Status[Any]:
    user = _user(request)
    draw = selectors.visible_draw(user, draw_id)
    return _run(lambda: services.cancel_draw(draw, reason=payload.reason, actor=user))


@router.get(
    "/public/{draw_id}",
    auth=None,
    response={200: dict[str, Any], 404: Message},
    summary="公开抽取记录（无需登录）",
    description="已抽取的返回完整抽取记录（zhifa-draw-record/1，可用 zhifa verify-draw 复核）；"
    "已公告尚未抽取的返回公告内容（zhifa-draw-announcement/1）。草稿和公告前撤销的不公开。",
)
@requires("public")
def public_record(request: HttpRequest, draw_id: int) -> Status[Any] | HttpResponse:
    draw = selectors.public_draw(draw_id)
    if draw.status == DrawStatus.DRAWN and draw.record_json:
        # The stored bytes themselves, so that their SM3 is the published record_sm3.
        return HttpResponse(draw.record_json, content_type="application/json; charset=utf-8")
    data = services.announcement(draw)
    data["status"] = draw.status
    data["cancel_reason"] = draw.cancel_reason
    return Status(200, data)
