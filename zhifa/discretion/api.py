"""``/api/discretion/``: the published three lists (no login) and evaluating a finding."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, cast

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from zhifa.core import params
from zhifa.core.access import requires
from zhifa.discretion import engine, selectors
from zhifa.discretion.conditions import AmountMeasure, Circumstance, HarmLevel
from zhifa.discretion.models import DiscretionItem, DiscretionVersion, ListKind
from zhifa.org.models import User

router = Router(tags=["行政处罚裁量“三张清单”"])


class VersionOut(Schema):
    id: int
    organisation_id: int
    organisation_name: str
    label: str
    issuer: str = Field(description="发布机关")
    sources: list[str] = Field(description="依据文件")
    effective_from: dt.date | None
    status: str = Field(description="published 已公布、superseded 已废止")
    published_at: dt.datetime | None
    item_count: int

    @staticmethod
    def resolve_organisation_name(obj: DiscretionVersion) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_sources(obj: DiscretionVersion) -> list[str]:
        return obj.source_list

    @staticmethod
    def resolve_item_count(obj: DiscretionVersion) -> int:
        return int(getattr(obj, "item_count", 0))


class ItemOut(Schema):
    id: int
    version_id: int
    version_label: str
    organisation_name: str
    code: str
    kind: str = Field(description="exempt 不予处罚、lighter 从轻处罚、mitigated 减轻处罚")
    kind_label: str
    field: str = Field(description="执法领域代码")
    field_name: str
    violation_code: str = Field(description="违法行为编码：同一违法行为在三张清单中相同")
    violation: str
    violation_basis: str = Field(description="违法依据")
    violated_provision: str = Field(description="违反的规定：违法依据中罚则之前的条款")
    penalty_provision: str = Field(description="处罚（责令改正）依据：违法依据中的罚则条款")
    discretion_basis: str = Field(description="裁量依据")
    conditions: list[dict[str, Any]] = Field(
        description="适用条件（结构化，见 docs/discretion.md）"
    )
    condition_texts: list[str]
    outcome: str
    penalty_min: Decimal | None
    penalty_max: Decimal | None
    penalty_text: str
    penalty_summary: str
    compliance_item_code: str
    source: str
    is_paraphrased: bool

    @staticmethod
    def resolve_version_label(obj: DiscretionItem) -> str:
        return obj.version.label

    @staticmethod
    def resolve_organisation_name(obj: DiscretionItem) -> str:
        return obj.version.organisation.name

    @staticmethod
    def resolve_kind_label(obj: DiscretionItem) -> str:
        return str(ListKind(obj.kind).label)

    @staticmethod
    def resolve_field(obj: DiscretionItem) -> str:
        return obj.field.code

    @staticmethod
    def resolve_field_name(obj: DiscretionItem) -> str:
        return obj.field.name

    @staticmethod
    def resolve_condition_texts(obj: DiscretionItem) -> list[str]:
        return obj.condition_texts()


class ViolationOut(Schema):
    violation_code: str = Field(description="违法行为编码：作出处理决定时填入 violation_code")
    violation: str
    listed_as: list[str] = Field(description="列入的清单及事项编号，如“不予处罚清单 SW-05”")
    violated_provision: str = Field(description="违反的规定")
    penalty_provision: str = Field(description="处罚（责令改正）依据")


class Message(Schema):
    detail: str


class PriorIn(Schema):
    violation_code: str
    decided_on: dt.date


class EvaluateIn(Schema):
    version: int | None = Field(
        None, description="清单版本编号；不填则用本机关现行清单，本机关无清单时仅按法律判断"
    )
    violation_code: str
    found_on: dt.date = Field(description="检查（发现）日期")
    harm: HarmLevel | None = Field(None, description="none、minor、general、serious")
    minor_violation: bool = False
    corrected_before_inspection: bool = False
    ordered_on: dt.date | None = None
    deadline: dt.date | None = None
    corrected_on: dt.date | None = None
    no_subjective_fault: bool = False
    law_excludes_fault_defence: bool = False
    amounts: dict[AmountMeasure, Decimal] = Field(
        default_factory=dict, description="illegal_income、goods_value、turnover（元）"
    )
    duration_days: int | None = Field(None, ge=0)
    circumstances: list[Circumstance] = Field(
        default_factory=list,
        description="eliminated_harm、coerced、confessed、meritorious、other（第三十二条）",
    )
    party: engine.PartyKind = engine.PartyKind.ENTERPRISE
    age: int | None = Field(None, ge=0, le=150)
    mental_state: engine.MentalState = engine.MentalState.NORMAL
    history: list[PriorIn] = Field(default_factory=list, description="既往同类违法处理记录")
    ended_on: dt.date | None = Field(
        None, description="违法行为发生之日（连续或继续状态的为终了之日），用于第三十六条追责期限"
    )
    life_or_financial_safety: bool = Field(
        False, description="涉及公民生命健康安全、金融安全（有危害后果的，追责期限五年）"
    )
    special_limitation_months: int | None = Field(
        None, ge=1, le=600, description="法律另有规定的追责期限（月）"
    )
    special_limitation_basis: str = Field(
        "", max_length=200, description="规定该期限的法律及条款，填写另有规定的期限时必填"
    )


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


@router.get(
    "/versions", response=list[VersionOut], auth=None, summary="已公布的清单版本（无需登录）"
)
@requires("public")
def list_versions(request: HttpRequest) -> QuerySet[DiscretionVersion]:
    return selectors.public_versions()


@router.get("/items", response=list[ItemOut], auth=None, summary="已公布的清单事项（无需登录）")
@requires("public")
@paginate(params.Pagination, page_size=settings.ZHIFA_PAGE_SIZE)
def list_items(
    request: HttpRequest,
    kind: str = Query("", description="exempt、lighter、mitigated"),
    field: str = Query("", description="执法领域代码，如 market"),
    version: int | None = Query(None, description="清单版本编号"),
    violation_code: str = Query("", description="违法行为编码"),
    q: str = Query("", description="按违法行为、编号或法律查找"),
) -> QuerySet[DiscretionItem]:
    if kind and kind not in ListKind.values:
        raise HttpError(
            400, f"参数 kind 的取值“{kind}”无效，可用的取值为：exempt、lighter、mitigated。"
        )
    return selectors.published_items(
        kind=kind,
        field=field,
        version=params.one_id(version, name="version"),
        q=q,
        violation_code=violation_code,
    )


@router.get(
    "/violations",
    response=list[ViolationOut],
    auth=None,
    summary="按名称或编码查找一个机关现行清单中的违法行为（作出处理决定时选择，无需登录）",
)
@requires("public")
def search_violations(
    request: HttpRequest,
    organisation: int = Query(description="执法机关编号：查找该机关现行（已公布）的清单"),
    q: str = Query("", description="违法行为名称、违法行为编码、事项编号或法律名称的一部分"),
) -> list[selectors.ViolationChoice]:
    return selectors.violations_in_force(organisation, q=q, limit=20)


@router.get(
    "/items/{item_id}",
    response={200: ItemOut, 404: Message},
    auth=None,
    summary="清单事项详情（已公布或已废止的版本，无需登录）",
)
@requires("public")
def get_item(request: HttpRequest, item_id: int) -> Status[Any]:
    item = selectors.public_item(item_id)
    if item is None:
        return Status(404, {"detail": "未找到该清单事项，或该清单尚未公布。"})
    return Status(200, item)


@router.post(
    "/evaluate",
    response={200: dict[str, Any], 400: Message, 403: Message, 404: Message},
    summary="裁量评估：对照清单和行政处罚法第三十二条、第三十三条、第三十六条评估一项违法事实",
)
@requires("discretion.evaluate")
def evaluate(request: HttpRequest, payload: EvaluateIn) -> Status[Any]:
    user = _user(request)
    if payload.version is not None:
        version = selectors.public_versions().filter(pk=payload.version).first()
        if version is None:
            return Status(404, {"detail": f"未找到已公布的清单版本 {payload.version}。"})
    else:
        version = selectors.published_version_of(user.organisation_id)
    basis = payload.special_limitation_basis.strip()
    if (payload.special_limitation_months is None) != (not basis):
        return Status(
            400,
            {
                "detail": "法律另有规定的追责期限（special_limitation_months）与其法律依据"
                "（special_limitation_basis）须同时填写。"
            },
        )
    finding = engine.Finding(
        violation_code=payload.violation_code.strip(),
        found_on=payload.found_on,
        harm=payload.harm,
        minor_violation=payload.minor_violation,
        corrected_before_inspection=payload.corrected_before_inspection,
        ordered_on=payload.ordered_on,
        deadline=payload.deadline,
        corrected_on=payload.corrected_on,
        no_subjective_fault=payload.no_subjective_fault,
        law_excludes_fault_defence=payload.law_excludes_fault_defence,
        amounts={str(k): v for k, v in payload.amounts.items()},
        duration_days=payload.duration_days,
        circumstances=frozenset(payload.circumstances),
        party=payload.party,
        age=payload.age,
        mental_state=payload.mental_state,
        history=tuple(
            engine.PriorViolation(p.violation_code, p.decided_on) for p in payload.history
        ),
        ended_on=payload.ended_on,
        life_or_financial_safety=payload.life_or_financial_safety,
        special_limitation_months=payload.special_limitation_months,
        special_limitation_basis=basis,
    )
    result = engine.evaluate(finding, version=version)
    data = result.to_dict()
    data["version"] = (
        {"id": version.pk, "label": version.label, "organisation": version.organisation.name}
        if version is not None
        else None
    )
    return Status(200, data)
