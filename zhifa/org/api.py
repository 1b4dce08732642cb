"""``/api/org/``: organisations, officers and the current user. ID numbers leave masked only."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from zhifa.core import params
from zhifa.core.access import requires
from zhifa.org import selectors
from zhifa.org.models import CertificateStatus, Officer, Organisation, OrganisationKind, User
from zhifa.org.scoping import get_visible_or_404

router = Router(tags=["机构与人员"])


class Ref(Schema):
    id: int
    name: str


class FieldOut(Schema):
    code: str
    name: str


class OrganisationOut(Schema):
    id: int
    name: str
    short_name: str
    kind: str = Field(description="类型代码：" + "、".join(OrganisationKind.values))
    kind_label: str
    region_code: str
    region_name: str = Field(description="所在区划全称")
    parent: Ref | None
    fields: list[FieldOut]
    doc_prefix: str = Field(description="机关代字")
    legal_basis: str = Field(description="主体资格依据")
    uscc: str
    address: str
    phone: str
    is_active: bool

    @staticmethod
    def resolve_kind_label(obj: Organisation) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_region_code(obj: Organisation) -> str:
        return obj.region_id

    @staticmethod
    def resolve_region_name(obj: Organisation) -> str:
        return obj.region.full_name

    @staticmethod
    def resolve_parent(obj: Organisation) -> dict[str, Any] | None:
        if obj.parent is None:
            return None
        return {"id": obj.parent.pk, "name": obj.parent.name}

    @staticmethod
    def resolve_fields(obj: Organisation) -> list[dict[str, str]]:
        return [{"code": f.code, "name": f.name} for f in obj.fields.all()]


class OfficerOut(Schema):
    id: int
    name: str
    cert_no: str = Field(description="执法证号")
    masked_id_number: str = Field(description="身份证号（已脱敏，接口从不返回完整号码）")
    organisation: Ref
    fields: list[FieldOut]
    cert_valid_from: dt.date
    cert_valid_until: dt.date
    cert_status: str = Field(description="证件状态代码：" + "、".join(CertificateStatus.values))
    cert_status_label: str
    cert_status_reason: str
    eligible_today: bool = Field(description="今日能否参与执法检查")
    ineligibility_reason: str | None = Field(description="今日不能参与执法的原因")

    @staticmethod
    def resolve_organisation(obj: Officer) -> dict[str, Any]:
        return {"id": obj.organisation.pk, "name": obj.organisation.name}

    @staticmethod
    def resolve_fields(obj: Officer) -> list[dict[str, str]]:
        return [{"code": f.code, "name": f.name} for f in obj.fields.all()]

    @staticmethod
    def resolve_cert_status_label(obj: Officer) -> str:
        return str(obj.get_cert_status_display())

    @staticmethod
    def resolve_eligible_today(obj: Officer) -> bool:
        return obj.is_eligible(timezone.localdate())

    @staticmethod
    def resolve_ineligibility_reason(obj: Officer) -> str | None:
        return obj.ineligibility_reason(timezone.localdate())


class MeOut(Schema):
    username: str
    display_name: str
    role: str
    role_label: str
    is_admin: bool
    organisation: Ref | None
    enterprise: Ref | None

    @staticmethod
    def resolve_display_name(obj: User) -> str:
        return obj.display_name or obj.username

    @staticmethod
    def resolve_role_label(obj: User) -> str:
        return str(obj.get_role_display())

    @staticmethod
    def resolve_organisation(obj: User) -> dict[str, Any] | None:
        if obj.organisation is None:
            return None
        return {"id": obj.organisation.pk, "name": obj.organisation.name}

    @staticmethod
    def resolve_enterprise(obj: User) -> dict[str, Any] | None:
        if obj.enterprise is None:
            return None
        return {"id": obj.enterprise.pk, "name": obj.enterprise.name}


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _check_choice(name: str, value: str, allowed: list[str]) -> None:
    if value and value not in allowed:
        raise HttpError(
            400, f"参数 {name} 的取值“{value}”无效，可用的取值为：{'、'.join(allowed)}。"
        )


@router.get("/organisations", response=list[OrganisationOut], summary="机构列表")
@paginate(params.Pagination, page_size=settings.ZHIFA_PAGE_SIZE)
@requires("organisation.list")
def list_organisations(
    request: HttpRequest,
    q: str = Query("", description="按名称或简称查找"),
    kind: str = Query("", description="类型代码：" + "、".join(OrganisationKind.values)),
    region: str = Query("", description="行政区划代码前缀，如 3309"),
) -> QuerySet[Organisation]:
    # Parameters are plain types: the pagination wrapper resolves annotations in ninja's own
    # namespace, where this module's schemas are unknown.
    _check_choice("kind", kind, list(OrganisationKind.values))
    if region and not region.isdigit():
        raise HttpError(
            400, f"参数 region 的取值“{region}”无效，请填写行政区划代码的数字前缀，如 3309。"
        )
    return selectors.organisations_for(_user(request), q=q, kind=kind, region_prefix=region)


@router.get("/organisations/{organisation_id}", response=OrganisationOut, summary="机构详情")
@requires("organisation.view", Organisation, kwarg="organisation_id")
def get_organisation(request: HttpRequest, organisation_id: int) -> Organisation:
    return get_visible_or_404(
        _user(request),
        Organisation.objects.select_related("region__parent__parent", "parent"),
        pk=organisation_id,
    )


@router.get("/officers", response=list[OfficerOut], summary="执法人员列表")
@paginate(params.Pagination, page_size=settings.ZHIFA_PAGE_SIZE)
@requires("officer.list")
def list_officers(
    request: HttpRequest,
    q: str = Query("", description="按姓名或执法证号查找"),
    organisation: int | None = Query(None, description="所属机构 id"),
    field: str = Query("", description="执法领域代码"),
    status: str = Query("", description="证件状态代码：" + "、".join(CertificateStatus.values)),
    eligibility: str = Query(
        "",
        description="今日执法资格："
        + "；".join(f"{value}={label}" for value, label in selectors.Eligibility.choices),
    ),
) -> QuerySet[Officer]:
    user = _user(request)
    _check_choice("status", status, list(CertificateStatus.values))
    _check_choice("eligibility", eligibility, [value for value, _ in selectors.Eligibility.choices])
    field_id = None
    if field:
        found = selectors.fields_in_use(user).filter(code=field).first()
        field_id = found.pk if found is not None else -1
    return selectors.officers_for(
        user,
        q=q,
        organisation_id=organisation,
        field_id=field_id,
        status=status,
        eligibility=eligibility,
    )


@router.get("/officers/{officer_id}", response=OfficerOut, summary="执法人员详情")
@requires("officer.view", Officer, kwarg="officer_id")
def get_officer(request: HttpRequest, officer_id: int) -> Officer:
    return get_visible_or_404(
        _user(request),
        Officer.objects.select_related("organisation").prefetch_related("fields"),
        pk=officer_id,
    )


@router.get("/me", response=MeOut, summary="当前用户")
@requires("signed_in")
def me(request: HttpRequest) -> User:
    user = _user(request)
    return User.objects.select_related("organisation", "enterprise").get(pk=user.pk)
