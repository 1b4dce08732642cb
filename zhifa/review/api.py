"""``/api/review/``: standards (read), reviews (list, score, complete), spot checks (create,
draw, public read), campaigns. Every operation asks the capability table first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from zhifa.core import params
from zhifa.core.access import requires
from zhifa.inspections.models import InspectionCase
from zhifa.org.models import Organisation, User
from zhifa.review import selectors, services
from zhifa.review.models import (
    Campaign,
    CaseReview,
    ChecklistItem,
    ReviewStandard,
    SpotCheck,
)

router = Router(tags=["执法体检（案卷评查与抽查）"])


class Message(Schema):
    detail: str


class Refusal(Schema):
    detail: str
    errors: list[str] = Field(description="逐条列出的原因")


class VetoItemOut(Schema):
    id: int
    code: str
    category: str = Field(description="主体、资格、证据、事实、定性、法律适用、程序")
    text: str
    basis: str

    @staticmethod
    def resolve_category(obj: Any) -> str:
        return str(obj.get_category_display())


class ScoredItemOut(Schema):
    id: int
    code: str
    section: str = Field(description="卷面或内容")
    text: str
    max_points: Decimal
    guidance: str

    @staticmethod
    def resolve_section(obj: Any) -> str:
        return str(obj.get_section_display())


class StandardOut(Schema):
    id: int
    label: str
    organisation: str
    status: str = Field(description="草稿、已公布、已替代")
    source_note: str
    appearance_points: Decimal
    content_points: Decimal
    excellent_min: Decimal
    good_min: Decimal
    pass_min: Decimal
    published_at: dt.datetime | None
    veto_items: list[VetoItemOut]
    scored_items: list[ScoredItemOut]

    @staticmethod
    def resolve_organisation(obj: ReviewStandard) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_status(obj: ReviewStandard) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_veto_items(obj: ReviewStandard) -> list[Any]:
        return list(obj.veto_items.order_by("code"))

    @staticmethod
    def resolve_scored_items(obj: ReviewStandard) -> list[Any]:
        return list(obj.scored_items.order_by("code"))


class MarkOut(Schema):
    item_id: int
    text: str
    hit: bool
    suggested: bool = Field(description="系统根据案卷预判（评查人确认）")
    comment: str

    @staticmethod
    def resolve_text(obj: Any) -> str:
        return str(obj.item.text)


class DeductionOut(Schema):
    item_id: int
    text: str
    points: Decimal
    comment: str

    @staticmethod
    def resolve_text(obj: Any) -> str:
        return f"{obj.item.code} {obj.item.text}"


class ReviewOut(Schema):
    id: int
    case_id: int
    case_reference: str
    agency: str
    standard_id: int
    status: str = Field(description="评查中、已完成")
    total: Decimal | None
    grade: str = Field(description="优秀、良好、合格、不合格；未完成时为空")
    vetoed: bool
    conclusion: str
    reviewer: str
    completed_at: dt.datetime | None
    vetoes: list[MarkOut]
    deductions: list[DeductionOut]

    @staticmethod
    def resolve_case_reference(obj: CaseReview) -> str:
        return obj.case.reference

    @staticmethod
    def resolve_agency(obj: CaseReview) -> str:
        return obj.case.organisation.name

    @staticmethod
    def resolve_status(obj: CaseReview) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_grade(obj: CaseReview) -> str:
        return str(obj.get_grade_display()) if obj.grade else ""

    @staticmethod
    def resolve_reviewer(obj: CaseReview) -> str:
        return obj.reviewer.person_name if obj.reviewer else ""

    @staticmethod
    def resolve_vetoes(obj: CaseReview) -> list[Any]:
        return list(obj.veto_marks.select_related("item").order_by("item__code"))

    @staticmethod
    def resolve_deductions(obj: CaseReview) -> list[Any]:
        return list(obj.deductions.select_related("item").order_by("item__code"))


class VetoIn(Schema):
    item_id: int
    hit: bool
    comment: str = ""


class DeductionIn(Schema):
    item_id: int
    points: Decimal = Decimal(0)
    comment: str = ""


class ScoreIn(Schema):
    vetoes: list[VetoIn] = []
    deductions: list[DeductionIn] = []
    conclusion: str = ""


class SpotCheckOut(Schema):
    id: int
    title: str
    agency: str
    organisation: str
    period_start: dt.date
    period_end: dt.date
    count: int
    source_name: str
    source_where: str
    reveal_date: dt.date
    population_size: int
    population_sm3: str
    population: list[str] = Field(description="名录：案件编号，按公布顺序")
    status: str
    source_value: str
    key: str = Field(description="RFC 3797 键串")
    sample: list[str] = Field(description="抽中的案件编号，按抽取顺序")

    @staticmethod
    def resolve_agency(obj: SpotCheck) -> str:
        return obj.agency.name

    @staticmethod
    def resolve_organisation(obj: SpotCheck) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_population(obj: SpotCheck) -> list[str]:
        return obj.population_lines

    @staticmethod
    def resolve_status(obj: SpotCheck) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_sample(obj: SpotCheck) -> list[str]:
        return obj.sample


class SpotCheckIn(Schema):
    agency_id: int
    title: str
    period_start: dt.date
    period_end: dt.date
    count: int
    source_name: str
    source_where: str
    reveal_date: dt.date


class DrawIn(Schema):
    value: str = Field(description="已公布的随机源数值")


class FindingOut(Schema):
    id: int
    agency: str
    item: str
    text: str
    severity: str

    @staticmethod
    def resolve_agency(obj: Any) -> str:
        return str(obj.agency.name)

    @staticmethod
    def resolve_item(obj: Any) -> str:
        return obj.item.text if obj.item else ""

    @staticmethod
    def resolve_severity(obj: Any) -> str:
        return str(obj.get_severity_display())


class CampaignOut(Schema):
    id: int
    title: str
    organisation: str
    agencies: list[str]
    period_start: dt.date
    period_end: dt.date
    status: str
    checklist: list[str]
    conclusion: str
    findings: list[FindingOut]

    @staticmethod
    def resolve_organisation(obj: Campaign) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_agencies(obj: Campaign) -> list[str]:
        return [a.name for a in obj.agencies.order_by("name")]

    @staticmethod
    def resolve_status(obj: Campaign) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_checklist(obj: Campaign) -> list[str]:
        return [i.text for i in obj.checklist.all()]

    @staticmethod
    def resolve_findings(obj: Campaign) -> list[Any]:
        return list(obj.findings.select_related("agency", "item"))


class CampaignIn(Schema):
    title: str
    agency_ids: list[int]
    period_start: dt.date
    period_end: dt.date
    checklist: list[str]


class FindingIn(Schema):
    agency_id: int
    text: str
    severity: str = Field(description="minor 一般、serious 较重、grave 严重")
    item_id: int | None = None


class ConcludeIn(Schema):
    conclusion: str


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _run(action: Callable[[], Any], out: Callable[[Any], Any], ok: int = 200) -> Status[Any]:
    try:
        done = action()
    except PermissionDenied as error:
        return Status(403, {"detail": str(error)})
    except ValidationError as error:
        return Status(400, {"detail": "；".join(error.messages), "errors": error.messages})
    return Status(ok, out(done))


REFUSED = {400: Refusal, 403: Message, 404: Message}


# --- Standards -----------------------------------------------------------------------------------


@router.get("/standards", response=list[StandardOut], summary="案卷评查标准")
@paginate(params.Pagination, page_size=settings.ZHIFA_PAGE_SIZE)
@requires("review.standard.view")
def list_standards(request: HttpRequest) -> QuerySet[ReviewStandard]:
    return ReviewStandard.objects.restrict(request.user).select_related("organisation")


@router.get("/standards/{standard_id}", response={200: StandardOut, 404: Message})
@requires("review.standard.view", ReviewStandard, kwarg="standard_id")
def get_standard(request: HttpRequest, standard_id: int) -> Any:
    return ReviewStandard.objects.restrict(request.user).get(pk=standard_id)


# --- Reviews -------------------------------------------------------------------------------------


def _review(user: Any, pk: int) -> CaseReview:
    return selectors.reviews_for(user).get(pk=pk)


@router.get("/reviews", response=list[ReviewOut], summary="案卷评查（本人可见范围内）")
@paginate(params.Pagination, page_size=settings.ZHIFA_PAGE_SIZE)
@requires("review.list")
def list_reviews(request: HttpRequest) -> QuerySet[CaseReview]:
    return selectors.reviews_for(_user(request))


@router.get("/reviews/{review_id}", response={200: ReviewOut, 403: Message, 404: Message})
@requires("review.view", CaseReview, kwarg="review_id")
def get_review(request: HttpRequest, review_id: int) -> Any:
    return _review(_user(request), review_id)


@router.post(
    "/cases/{case_id}/reviews",
    response={201: ReviewOut, **REFUSED},
    summary="对已办结案件发起案卷评查",
)
@requires("review.start", InspectionCase, kwarg="case_id")
def start_review(request: HttpRequest, case_id: int) -> Status[Any]:
    user = _user(request)
    case = InspectionCase.objects.restrict(user).get(pk=case_id)
    return _run(lambda: services.start_review(case, actor=user), lambda r: r, ok=201)


@router.post("/reviews/{review_id}/score", response={200: ReviewOut, **REFUSED}, summary="逐项评分")
@requires("review.score", CaseReview, kwarg="review_id")
def score_review(request: HttpRequest, review_id: int, payload: ScoreIn) -> Status[Any]:
    user = _user(request)
    review = _review(user, review_id)
    return _run(
        lambda: services.score_review(
            review,
            actor=user,
            vetoes={v.item_id: (v.hit, v.comment) for v in payload.vetoes},
            deductions={d.item_id: (d.points, d.comment) for d in payload.deductions},
            conclusion=payload.conclusion,
        ),
        lambda r: r,
    )


@router.post(
    "/reviews/{review_id}/complete",
    response={200: ReviewOut, **REFUSED},
    summary="完成评查（给出等次，不可撤回）",
)
@requires("review.score", CaseReview, kwarg="review_id")
def complete_review(request: HttpRequest, review_id: int) -> Status[Any]:
    user = _user(request)
    review = _review(user, review_id)
    return _run(lambda: services.complete_review(review, actor=user), lambda r: r)


# --- Spot checks ---------------------------------------------------------------------------------


@router.get("/spot-checks", response=list[SpotCheckOut], summary="日常抽查")
@paginate(params.Pagination, page_size=settings.ZHIFA_PAGE_SIZE)
@requires("review.spotcheck.list")
def list_spot_checks(request: HttpRequest) -> QuerySet[SpotCheck]:
    return SpotCheck.objects.restrict(request.user).select_related("agency", "organisation")


@router.get(
    "/public/spot-checks/{spot_check_id}",
    response={200: SpotCheckOut, 404: Message},
    auth=None,
    summary="日常抽查公示（无需登录）",
)
@requires("public")
def public_spot_check(request: HttpRequest, spot_check_id: int) -> Any:
    found = SpotCheck.objects.select_related("agency", "organisation").filter(pk=spot_check_id)
    spot = found.first()
    if spot is None:
        return Status(404, {"detail": "没有找到该抽查。"})
    return spot


@router.post("/spot-checks", response={201: SpotCheckOut, **REFUSED}, summary="公告日常抽查")
@requires("review.spotcheck.create")
def create_spot_check(request: HttpRequest, payload: SpotCheckIn) -> Status[Any]:
    user = _user(request)
    agency = Organisation.objects.restrict(user).filter(pk=payload.agency_id).first()
    if agency is None:
        return Status(404, {"detail": "没有找到该机关，或它不在您的监督范围内。"})
    data = payload.dict()
    data.pop("agency_id")
    return _run(
        lambda: services.announce_spot_check(actor=user, agency=agency, **data), lambda s: s, 201
    )


@router.post(
    "/spot-checks/{spot_check_id}/draw",
    response={200: SpotCheckOut, **REFUSED},
    summary="录入随机源数值并抽取",
)
@requires("review.spotcheck.draw", SpotCheck, kwarg="spot_check_id")
def draw_spot_check(request: HttpRequest, spot_check_id: int, payload: DrawIn) -> Status[Any]:
    user = _user(request)
    spot = SpotCheck.objects.restrict(user).get(pk=spot_check_id)
    return _run(
        lambda: services.draw_spot_check(spot, actor=user, value=payload.value), lambda s: s
    )


# --- Campaigns -----------------------------------------------------------------------------------


@router.get("/campaigns", response=list[CampaignOut], summary="专项监督")
@paginate(params.Pagination, page_size=settings.ZHIFA_PAGE_SIZE)
@requires("review.campaign.view")
def list_campaigns(request: HttpRequest) -> QuerySet[Campaign]:
    return Campaign.objects.restrict(request.user).select_related("organisation")


@router.get("/campaigns/{campaign_id}", response={200: CampaignOut, 404: Message})
@requires("review.campaign.view", Campaign, kwarg="campaign_id")
def get_campaign(request: HttpRequest, campaign_id: int) -> Any:
    return Campaign.objects.restrict(request.user).get(pk=campaign_id)


@router.post("/campaigns", response={201: CampaignOut, **REFUSED}, summary="创建专项监督")
@requires("review.campaign.manage")
def create_campaign(request: HttpRequest, payload: CampaignIn) -> Status[Any]:
    user = _user(request)
    agencies = list(Organisation.objects.restrict(user).filter(pk__in=payload.agency_ids))
    if len(agencies) != len(set(payload.agency_ids)):
        return Status(404, {"detail": "有机关没有找到，或不在您的监督范围内。"})
    return _run(
        lambda: services.create_campaign(
            actor=user,
            title=payload.title,
            agencies=agencies,
            period_start=payload.period_start,
            period_end=payload.period_end,
            checklist=payload.checklist,
        ),
        lambda c: c,
        201,
    )


@router.post(
    "/campaigns/{campaign_id}/start", response={200: CampaignOut, **REFUSED}, summary="开始"
)
@requires("review.campaign.manage", Campaign, kwarg="campaign_id")
def start_campaign(request: HttpRequest, campaign_id: int) -> Status[Any]:
    user = _user(request)
    campaign = Campaign.objects.restrict(user).get(pk=campaign_id)
    return _run(lambda: services.start_campaign(campaign, actor=user), lambda c: c)


@router.post(
    "/campaigns/{campaign_id}/findings",
    response={201: FindingOut, **REFUSED},
    summary="记录发现的问题",
)
@requires("review.campaign.manage", Campaign, kwarg="campaign_id")
def record_finding(request: HttpRequest, campaign_id: int, payload: FindingIn) -> Status[Any]:
    user = _user(request)
    campaign = Campaign.objects.restrict(user).get(pk=campaign_id)
    agency = campaign.agencies.filter(pk=payload.agency_id).first()
    if agency is None:
        return Status(404, {"detail": "该机关不是本专项监督的监督对象。"})
    item = (
        ChecklistItem.objects.filter(campaign=campaign, pk=payload.item_id).first()
        if payload.item_id
        else None
    )
    return _run(
        lambda: services.record_finding(
            campaign,
            actor=user,
            agency=agency,
            text=payload.text,
            severity=payload.severity,
            item=item,
        ),
        lambda f: f,
        201,
    )


@router.post(
    "/campaigns/{campaign_id}/conclude",
    response={200: CampaignOut, **REFUSED},
    summary="结束专项监督",
)
@requires("review.campaign.manage", Campaign, kwarg="campaign_id")
def conclude_campaign(request: HttpRequest, campaign_id: int, payload: ConcludeIn) -> Status[Any]:
    user = _user(request)
    campaign = Campaign.objects.restrict(user).get(pk=campaign_id)
    return _run(
        lambda: services.conclude_campaign(campaign, actor=user, conclusion=payload.conclusion),
        lambda c: c,
    )
