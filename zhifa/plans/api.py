"""``/api/plans/``: inspection-item lists and annual plans; published plans without login."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from zhifa.core import params
from zhifa.core.access import requires
from zhifa.org.models import User
from zhifa.org.scoping import get_visible_or_404
from zhifa.plans import selectors, services
from zhifa.plans.models import (
    AnnualPlan,
    InspectionItem,
    InspectionMethod,
    PlanAmendment,
    PlanStatus,
    PlanStratum,
    PlanTask,
)
from zhifa.registry import industries

router = Router(tags=["检查事项与年度计划"])


class ItemOut(Schema):
    id: int
    organisation_id: int
    organisation_name: str
    code: str = Field(description="事项编码（本机关内唯一）")
    name: str
    field: str = Field(description="执法领域代码")
    field_name: str
    legal_basis_law: str = Field(description="依据法律法规")
    legal_basis_article: str = Field(description="条款")
    standard: str
    checklist: list[str] = Field(description="检查要点")
    method: str = Field(description="检查方式：onsite 现场、offsite 非现场、written 书面")
    method_label: str
    yearly_cap: int = Field(description="本机关就本事项对同一企业一年内最多检查的次数")
    quiet_period_days: int
    industries: list[str] = Field(
        description="适用行业：GB/T 4754-2017 门类字母或大类两位代码；空表示未设置"
    )
    industry_names: list[str] = Field(description="适用行业的代码和名称，如“61 住宿业”")
    is_active: bool

    @staticmethod
    def resolve_industries(obj: InspectionItem) -> list[str]:
        return list(obj.industries or [])

    @staticmethod
    def resolve_industry_names(obj: InspectionItem) -> list[str]:
        return [industries.label(c) for c in obj.industries or []]

    @staticmethod
    def resolve_organisation_name(obj: InspectionItem) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_field(obj: InspectionItem) -> str:
        return obj.field.code

    @staticmethod
    def resolve_field_name(obj: InspectionItem) -> str:
        return obj.field.name

    @staticmethod
    def resolve_method_label(obj: InspectionItem) -> str:
        return str(InspectionMethod(obj.method).label)


class StratumOut(Schema):
    code: str
    name: str
    credit_grade: str
    sampling_ratio: Decimal = Field(description="抽查比例（%）")


class TaskOut(Schema):
    id: int
    quarter: int
    name: str
    kind: str = Field(description="random 双随机抽查、special 专项检查、joint 联合检查")
    field: str
    items: list[str] = Field(description="检查事项编码")
    region: str = Field(description="抽查范围（行政区划代码）")
    all_industries: bool = Field(description="是否明确选择“不限行业”")
    industries: list[str] = Field(
        description="任务指定的抽取行业（GB/T 4754-2017 代码）；空时为检查事项适用行业的合集"
    )
    industry_filter: str = Field(description="抽取名录的行业范围（文字说明）")
    industry_filter_codes: list[str] = Field(
        description="抽取名录的行业范围（GB/T 4754-2017 代码）；不限行业或未确定时为空"
    )
    officers_per_inspection: int
    is_cancelled: bool

    @staticmethod
    def resolve_field(obj: PlanTask) -> str:
        return obj.field.code

    @staticmethod
    def resolve_items(obj: PlanTask) -> list[str]:
        return [i.code for i in obj.items.all()]

    @staticmethod
    def resolve_region(obj: PlanTask) -> str:
        return obj.region_id

    @staticmethod
    def resolve_industries(obj: PlanTask) -> list[str]:
        return list(obj.industries or [])

    @staticmethod
    def resolve_industry_filter(obj: PlanTask) -> str:
        return obj.industry_scope.describe()

    @staticmethod
    def resolve_industry_filter_codes(obj: PlanTask) -> list[str]:
        return list(obj.industry_scope.codes)


class AmendmentOut(Schema):
    number: int
    reason: str
    changes: list[dict[str, Any]] = Field(description="调整操作，见 docs/plans.md")
    status: str
    published_at: dt.datetime | None
    before: dict[str, Any] | None = Field(description="公布时计划调整前的快照")
    after: dict[str, Any] | None = Field(description="公布时计划调整后的快照")


class PlanSummaryOut(Schema):
    id: int
    organisation_id: int
    organisation_name: str
    year: int
    title: str
    status: str = Field(description="draft 草稿、approved 已批准、published 已公布")
    published_at: dt.datetime | None

    @staticmethod
    def resolve_organisation_name(obj: AnnualPlan | dict[str, Any]) -> str:
        if isinstance(obj, dict):
            return str(obj["organisation_name"])
        return obj.organisation.name


class PlanOut(PlanSummaryOut):
    description: str
    approved_at: dt.datetime | None
    items: list[ItemOut]
    strata: list[StratumOut]
    tasks: list[TaskOut]
    amendments: list[AmendmentOut]


class Message(Schema):
    detail: str


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _plan_payload(plan: AnnualPlan, *, published_only: bool) -> dict[str, Any]:
    amendments: QuerySet[PlanAmendment] = selectors.plan_amendments(
        plan, published_only=published_only
    )
    strata: QuerySet[PlanStratum] = plan.strata.all()
    return {
        "id": plan.pk,
        "organisation_id": plan.organisation_id,
        "organisation_name": plan.organisation.name,
        "year": plan.year,
        "title": plan.title,
        "status": plan.status,
        "published_at": plan.published_at,
        "approved_at": plan.approved_at,
        "description": plan.description,
        "items": list(selectors.plan_items(plan).select_related("organisation")),
        "strata": list(strata),
        "tasks": list(selectors.plan_tasks(plan)),
        "amendments": list(amendments),
    }


# --- Items ------------------------------------------------------------------------------------


@router.get("/items", response=list[ItemOut], summary="检查事项列表")
@requires("item.list")
@paginate(params.Pagination, page_size=settings.ZHIFA_PAGE_SIZE)
def list_items(
    request: HttpRequest,
    q: str = Query("", description="按事项编码、名称或法律法规的一部分查找"),
    field: str = Query("", description="执法领域代码，如 health"),
    method: str = Query("", description="检查方式：onsite、offsite、written"),
) -> QuerySet[InspectionItem]:
    if method and method not in InspectionMethod.values:
        raise HttpError(
            400, f"参数 method 的取值“{method}”无效，可用的取值为：onsite、offsite、written。"
        )
    return selectors.items_for(_user(request), q=q, field=field, method=method)


@router.get("/items/{item_id}", response=ItemOut, summary="检查事项详情")
@requires("item.view", InspectionItem, kwarg="item_id")
def get_item(request: HttpRequest, item_id: int) -> InspectionItem:
    return get_visible_or_404(
        _user(request), InspectionItem.objects.select_related("organisation", "field"), pk=item_id
    )


# --- Plans ------------------------------------------------------------------------------------


@router.get("/plans", response=list[PlanSummaryOut], summary="年度执法计划列表")
@requires("plan.list")
@paginate(params.Pagination, page_size=settings.ZHIFA_PAGE_SIZE)
def list_plans(
    request: HttpRequest,
    year: int | None = Query(None, description="年度"),
    status: str = Query("", description="draft、approved、published"),
) -> QuerySet[AnnualPlan]:
    if status and status not in PlanStatus.values:
        raise HttpError(
            400, f"参数 status 的取值“{status}”无效，可用的取值为：draft、approved、published。"
        )
    return selectors.plans_for(_user(request), year=params.year(year), status=status)


@router.get("/plans/{plan_id}", response=PlanOut, summary="年度执法计划详情")
@requires("plan.view", AnnualPlan, kwarg="plan_id")
def get_plan(request: HttpRequest, plan_id: int) -> dict[str, Any]:
    plan = get_visible_or_404(_user(request), selectors.plans_for(_user(request)), pk=plan_id)
    return _plan_payload(plan, published_only=False)


def _step(request: HttpRequest, plan_id: int, service: Any) -> Status[Any]:
    user = _user(request)
    plan = get_visible_or_404(user, AnnualPlan.objects.all(), pk=plan_id)
    try:
        service(plan, actor=user)
    except PermissionDenied as error:
        return Status(403, {"detail": str(error)})
    except ValidationError as error:
        return Status(400, {"detail": "；".join(error.messages)})
    plan = selectors.plans_for(user).get(pk=plan.pk)
    return Status(200, _plan_payload(plan, published_only=False))


@router.post(
    "/plans/{plan_id}/approve",
    response={200: PlanOut, 400: Message, 403: Message},
    summary="批准计划（执法机关负责人，且不是编制人）",
)
@requires("plan.approve", AnnualPlan, kwarg="plan_id")
def approve_plan(request: HttpRequest, plan_id: int) -> Status[Any]:
    return _step(request, plan_id, services.approve_plan)


@router.post(
    "/plans/{plan_id}/publish",
    response={200: PlanOut, 400: Message, 403: Message},
    summary="公布已批准的计划（执法机关负责人）",
)
@requires("plan.publish", AnnualPlan, kwarg="plan_id")
def publish_plan(request: HttpRequest, plan_id: int) -> Status[Any]:
    return _step(request, plan_id, services.publish_plan)


# --- Public (no login) ------------------------------------------------------------------------


@router.get(
    "/public/plans",
    response=list[PlanSummaryOut],
    auth=None,
    summary="已公布的年度执法计划（无需登录）",
)
@requires("public")
@paginate(params.Pagination, page_size=settings.ZHIFA_PAGE_SIZE)
def list_public_plans(
    request: HttpRequest,
    year: int | None = Query(None, description="年度"),
    organisation: int | None = Query(None, description="执法机关编号"),
    region: str = Query("", description="执法机关所在行政区划代码（含下级）"),
) -> QuerySet[AnnualPlan]:
    if region and not region.isdigit():
        raise HttpError(400, f"参数 region 的取值“{region}”无效，请填写行政区划代码，如 330900。")
    return selectors.published_plans(
        year=params.year(year), organisation=organisation, region=region
    )


@router.get(
    "/public/plans/{plan_id}",
    response={200: PlanOut, 404: Message},
    auth=None,
    summary="已公布的年度执法计划详情，含已公布的调整（无需登录）",
)
@requires("public")
def get_public_plan(request: HttpRequest, plan_id: int) -> Status[Any]:
    plan = selectors.published_plans().filter(pk=plan_id).first()
    if plan is None:
        return Status(404, {"detail": "未找到该计划，或该计划尚未公布。"})
    return Status(200, _plan_payload(plan, published_only=True))
