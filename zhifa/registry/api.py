"""``/api/registry/``: the enterprise registry — list, detail and registration."""

from __future__ import annotations

import datetime as dt
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
from zhifa.registry import selectors, services
from zhifa.registry.models import CreditGrade, Enterprise

router = Router(tags=["企业名录"])


class ContactOut(Schema):
    name: str
    mobile: str
    email: str
    is_primary: bool


class OverrideOut(Schema):
    reason: str = Field(description="人工复核说明")
    reviewed_by: str = Field(description="复核人")
    reviewed_at: dt.datetime | None = Field(description="复核时间")


class EnterpriseOut(Schema):
    id: int
    uscc: str = Field(description="统一社会信用代码")
    name: str
    legal_representative: str
    address: str
    region_code: str
    region_name: str
    industry: str
    industry_code: str = Field(
        description="行业代码：GB/T 4754-2017 大类两位代码，或只知门类时的门类字母；未知时为空"
    )
    credit_grade: str = Field(description="信用风险分类：A、B、C、D")
    credit_grade_label: str
    uscc_override: OverrideOut | None = Field(
        description="校验位不符的真实代码经人工复核时的复核信息；校验位正确时为 null"
    )
    contacts: list[ContactOut]
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_region_code(obj: Enterprise) -> str:
        return obj.region_id

    @staticmethod
    def resolve_region_name(obj: Enterprise) -> str:
        return obj.region.name

    @staticmethod
    def resolve_credit_grade_label(obj: Enterprise) -> str:
        return str(obj.get_credit_grade_display())

    @staticmethod
    def resolve_uscc_override(obj: Enterprise) -> dict[str, Any] | None:
        if not obj.uscc_override:
            return None
        reviewer = obj.uscc_override_by
        return {
            "reason": obj.uscc_override_reason,
            "reviewed_by": reviewer.person_name if reviewer else "",
            "reviewed_at": obj.uscc_override_at,
        }

    @staticmethod
    def resolve_contacts(obj: Enterprise) -> list[dict[str, Any]]:
        return [
            {"name": c.name, "mobile": c.mobile, "email": c.email, "is_primary": c.is_primary}
            for c in obj.contacts.all()
        ]


class EnterpriseIn(Schema):
    """Fields are text so that every problem comes back as a Chinese message per field."""

    uscc: str = Field("", description="统一社会信用代码（18 位）")
    name: str = Field("", description="企业名称")
    legal_representative: str = ""
    address: str = ""
    region_code: str = Field("", description="所在区划代码（GB/T 2260），须在您的辖区内")
    industry: str = ""
    industry_code: str = Field(
        "",
        description="行业代码：GB/T 4754-2017 大类两位代码（如 62），只知门类时填门类字母；"
        "留空时，industry 恰为大类或门类名称的按名称对照",
    )
    credit_grade: str = Field("", description="信用风险分类：A、B、C、D")
    uscc_override: bool = Field(
        False,
        description="校验位不符但确属真实代码时置为 true 并填写复核说明"
        "（仅执法机关负责人、系统管理员）",
    )
    uscc_override_reason: str = ""
    contact_name: str = ""
    contact_mobile: str = Field("", description="以 1 开头的 11 位手机号")
    contact_email: str = ""


class FieldErrors(Schema):
    detail: str
    errors: dict[str, list[str]] = Field(description="按字段列出的错误")


class Message(Schema):
    detail: str


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _enterprises() -> QuerySet[Enterprise]:
    return Enterprise.objects.select_related("region", "uscc_override_by").prefetch_related(
        "contacts"
    )


@router.get("/enterprises", response=list[EnterpriseOut], summary="企业列表")
@paginate(params.Pagination, page_size=settings.ZHIFA_PAGE_SIZE)
@requires("enterprise.list")
def list_enterprises(
    request: HttpRequest,
    q: str = Query("", description="按企业名称或统一社会信用代码的一部分查找"),
    region: str = Query("", description="行政区划代码（含下级区划），如 330900；或代码前缀"),
    industry: str = Query("", description="行业（完全一致）"),
    credit_grade: str = Query("", description="信用风险分类：A、B、C、D"),
) -> QuerySet[Enterprise]:
    if credit_grade and credit_grade not in CreditGrade.values:
        raise HttpError(
            400, f"参数 credit_grade 的取值“{credit_grade}”无效，可用的取值为：A、B、C、D。"
        )
    if region and not region.isdigit():
        raise HttpError(
            400, f"参数 region 的取值“{region}”无效，请填写行政区划代码或其数字前缀，如 330900。"
        )
    return selectors.enterprises_for(
        _user(request), q=q, region=region, industry=industry, credit_grade=credit_grade
    )


@router.get("/enterprises/{enterprise_id}", response=EnterpriseOut, summary="企业详情")
@requires("enterprise.view", Enterprise, kwarg="enterprise_id")
def get_enterprise(request: HttpRequest, enterprise_id: int) -> Enterprise:
    return get_visible_or_404(_user(request), _enterprises(), pk=enterprise_id)


@router.post(
    "/enterprises",
    response={201: EnterpriseOut, 400: FieldErrors, 403: Message},
    summary="登记企业",
)
@requires("enterprise.register")
def create_enterprise(request: HttpRequest, payload: EnterpriseIn) -> Status[Any]:
    data = payload.dict()
    data["region"] = data.pop("region_code")
    try:
        enterprise = services.register_enterprise(data=data, actor=_user(request))
    except PermissionDenied as error:
        return Status(403, {"detail": str(error)})
    except ValidationError as error:
        errors = {
            ("region_code" if key == "region" else key): messages
            for key, messages in error.message_dict.items()
        }
        return Status(
            400, {"detail": "登记信息有误，请按各字段的提示改正后重新提交。", "errors": errors}
        )
    return Status(201, _enterprises().get(pk=enterprise.pk))
