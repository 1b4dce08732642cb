"""``/api/compliance/``: the published guidance lists and their search, without login; an
enterprise's own self-checks with login."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from zhifa.compliance import search, selectors
from zhifa.compliance.models import GuidanceItem, GuidanceVersion, SelfCheck, SelfCheckAnswer
from zhifa.core import params
from zhifa.core.access import requires
from zhifa.org.scoping import visible_to

router = Router(tags=["合规指导清单与企业自查"])

MAX_LIMIT = 50


class Message(Schema):
    detail: str


class VersionOut(Schema):
    id: int
    region: str = Field(description="适用区划代码")
    region_name: str
    publisher: str = Field(description="发布机关")
    label: str = Field(description="版本，如 2025版")
    title: str
    status: str = Field(description="published 已公布、superseded 已被新版本替代")
    source_note: str
    published_at: dt.datetime | None

    @staticmethod
    def resolve_region(obj: GuidanceVersion) -> str:
        return obj.region_id

    @staticmethod
    def resolve_region_name(obj: GuidanceVersion) -> str:
        return obj.region.name


class ItemOut(Schema):
    id: int
    version_id: int
    code: str = Field(description="条目编码（清单内唯一）")
    field: str = Field(description="执法领域代码")
    field_name: str
    title: str = Field(description="合规事项")
    violations: str = Field(description="常见违法行为")
    legal_basis_law: str
    legal_basis_article: str
    legal_basis_text: str = Field(description="条文内容（摘要）")
    liability: str = Field(description="责任后果")
    advice: str = Field(description="合规建议")
    industries: list[str] = Field(description="适用行业；空表示所有行业")
    inspection_item_codes: list[str] = Field(description="对应检查事项编码")

    @staticmethod
    def resolve_field(obj: GuidanceItem) -> str:
        return obj.field.code

    @staticmethod
    def resolve_field_name(obj: GuidanceItem) -> str:
        return obj.field.name


class HitOut(Schema):
    item_id: int
    code: str
    title: str
    field: str
    field_name: str
    version_id: int
    version_label: str
    publisher: str
    legal_basis: str
    industries: list[str]
    score: float = Field(description="相关度（BM25），越大越相关")
    title_html: str = Field(description="标题，匹配词以 <mark> 标出，其余已做 HTML 转义")
    snippet_html: str = Field(description="匹配片段，同上")


class SearchOut(Schema):
    query: str
    terms: list[str] = Field(description="分词后参与检索的词")
    total: int
    hits: list[HitOut]


def _hit(hit: search.SearchHit) -> dict[str, Any]:
    return {
        **{key: getattr(hit, key) for key in HitOut.model_fields if key != "industries"},
        "industries": list(hit.industries),
        "title_html": str(hit.title_html),
        "snippet_html": str(hit.snippet_html),
    }


@router.get(
    "/search",
    response={200: SearchOut},
    auth=None,
    summary="检索已公布的合规指导条目（无需登录）",
)
@requires("guidance.list")
def search_items(
    request: HttpRequest,
    q: str = Query(..., description="检索内容，如 食品经营许可证过期", max_length=200),
    field: str = Query("", description="执法领域代码，如 market"),
    industry: str = Query("", description="行业，与企业名录的行业名称一致"),
    limit: int = Query(10, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0),
) -> Status[Any]:
    results = search.search(
        q, field=field or None, industry=industry or None, limit=limit, offset=offset
    )
    return Status(
        200,
        {
            "query": results.query,
            "terms": list(results.terms),
            "total": results.total,
            "hits": [_hit(h) for h in results.hits],
        },
    )


@router.get("/versions", response=list[VersionOut], auth=None, summary="已公布的清单版本")
@requires("guidance.list")
@paginate(params.Pagination, page_size=settings.ZHIFA_PAGE_SIZE)
def list_versions(request: HttpRequest) -> QuerySet[GuidanceVersion]:
    return selectors.public_versions()


@router.get(
    "/versions/{version_id}",
    response={200: VersionOut, 404: Message},
    auth=None,
    summary="已公布的清单版本详情",
)
@requires("public")
def get_version(request: HttpRequest, version_id: int) -> Status[Any]:
    version = selectors.public_versions().filter(pk=version_id).first()
    if version is None:
        return Status(404, {"detail": "未找到该清单，或它尚未公布。"})
    return Status(200, version)


@router.get(
    "/versions/{version_id}/items",
    response=list[ItemOut],
    auth=None,
    summary="已公布清单的条目",
)
@requires("guidance.list")
@paginate(params.Pagination, page_size=settings.ZHIFA_PAGE_SIZE)
def list_items(
    request: HttpRequest,
    version_id: int,
    field: str = Query("", description="执法领域代码"),
    industry: str = Query("", description="行业"),
) -> QuerySet[GuidanceItem]:
    version = selectors.public_versions().filter(pk=version_id).first()
    if version is None:
        return GuidanceItem.objects.none()
    return selectors.public_items(version, field=field, industry=industry)


@router.get(
    "/items/{item_id}",
    response={200: ItemOut, 404: Message},
    auth=None,
    summary="已公布的合规指导条目详情",
)
@requires("public")
def get_item(request: HttpRequest, item_id: int) -> Status[Any]:
    item = (
        GuidanceItem.objects.filter(pk=item_id, version__status__in=selectors.PUBLIC_STATUSES)
        .select_related("field")
        .first()
    )
    if item is None:
        return Status(404, {"detail": "未找到该条目，或它所在的清单尚未公布。"})
    return Status(200, item)


class AnswerOut(Schema):
    item_code: str
    title: str
    answer: str = Field(description="complies 符合、violates 不符合、na 不适用、空为未填写")
    note: str
    corrected_on: dt.date | None
    correction_note: str
    has_evidence: bool

    @staticmethod
    def resolve_item_code(obj: SelfCheckAnswer) -> str:
        return obj.item.code

    @staticmethod
    def resolve_title(obj: SelfCheckAnswer) -> str:
        return obj.item.title

    @staticmethod
    def resolve_has_evidence(obj: SelfCheckAnswer) -> bool:
        return bool(obj.evidence)


class SelfCheckOut(Schema):
    id: int
    enterprise_id: int
    version_id: int
    basis: str
    industry: str
    inspection_item_codes: list[str]
    notice_id: int | None
    status: str
    created_at: dt.datetime
    completed_at: dt.datetime | None
    answers: list[AnswerOut]

    @staticmethod
    def resolve_answers(obj: SelfCheck) -> list[SelfCheckAnswer]:
        return list(obj.answers.select_related("item").order_by("item__position", "item__code"))


@router.get("/self-checks", response=list[SelfCheckOut], summary="本企业的自查（企业用户）")
@requires("selfcheck.list")
@paginate(params.Pagination, page_size=settings.ZHIFA_PAGE_SIZE)
def list_self_checks(request: HttpRequest) -> QuerySet[SelfCheck]:
    return visible_to(request.user, SelfCheck.objects.all()).order_by("-created_at")


@router.get(
    "/self-checks/{check_id}",
    response={200: SelfCheckOut, 404: Message},
    summary="自查详情（企业用户）",
)
@requires("selfcheck.view", SelfCheck, kwarg="check_id")
def get_self_check(request: HttpRequest, check_id: int) -> Status[Any]:
    check = visible_to(request.user, SelfCheck.objects.all()).filter(pk=check_id).first()
    if check is None:
        return Status(404, {"detail": "未找到该自查，或您无权查看。"})
    return Status(200, check)
