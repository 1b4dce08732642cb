"""State changes of 执法体检: each a verb-named function in one transaction, asking the
capability table first and writing its audit record last."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from zhifa.audit.services import record_change, snapshot
from zhifa.audit.sm3 import sm3_hex
from zhifa.core import access, textinput
from zhifa.draws import rfc3797
from zhifa.inspections.models import CaseStatus, InspectionCase
from zhifa.org.models import EnforcementField, Organisation, OrganisationKind, Role
from zhifa.review import scoring
from zhifa.review.models import (
    CAMPAIGN_TRANSITIONS,
    SPOT_CHECK_TRANSITIONS,
    TWO_OFFICERS_VETO,
    Campaign,
    CampaignFinding,
    CampaignStatus,
    CaseReview,
    ChecklistItem,
    Deduction,
    ReviewStandard,
    ReviewStatus,
    ScoredItem,
    Section,
    Severity,
    SpotCheck,
    SpotCheckStatus,
    StandardStatus,
    VetoCategory,
    VetoItem,
    VetoMark,
)
from zhifa.versioned import services as versioned

MAX_SPOT_CHECK = 200


def _text(value: Any, label: str, *, multiline: bool = False, required: bool = False) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationError(f"请填写{label}。")
    try:
        return textinput.check(text, label=label, multiline=multiline)
    except textinput.TextError as error:
        raise ValidationError(str(error)) from None


def _points(value: Any, label: str) -> Decimal:
    try:
        points = Decimal(str(value).strip() or "0")
    except (InvalidOperation, ValueError):
        raise ValidationError(f"{label}应为数字（可保留一位小数），而不是“{value}”。") from None
    if points < 0 or points != points.quantize(Decimal("0.1")) or points >= 1000:
        raise ValidationError(f"{label}应为 0 至 999.9 之间、最多一位小数的数字。")
    return points


def acting_organisation(actor: Any, case: InspectionCase | None = None) -> Organisation:
    """The supervising organisation the actor works for (a 司法局 before a 司法所 when he holds
    both); an administrator acts for the bureau whose region covers the case."""
    ids = actor.organisations_as(*Role.supervising_roles())
    found = Organisation.objects.filter(pk__in=ids).select_related("region")
    for kind in (OrganisationKind.SUPERVISOR, *OrganisationKind.supervising()):
        for organisation in found:
            if organisation.kind == kind:
                return organisation
    if actor.is_admin and case is not None:
        bureaus = Organisation.objects.filter(kind=OrganisationKind.SUPERVISOR)
        covering = [
            o
            for o in bureaus.select_related("region")
            if case.region_id.startswith(o.region.code_prefix)
        ]
        if covering:
            return max(covering, key=lambda o: len(o.region.code_prefix))
    raise PermissionDenied("您的账号不隶属任何执法监督机关，不能办理案卷评查。")


# --- The standard --------------------------------------------------------------------------------


_CATEGORIES = {label: value for value, label in VetoCategory.choices}
_SECTIONS = {label: value for value, label in Section.choices}


def import_standard(
    *, actor: Any, organisation: Organisation, data: Mapping[str, Any]
) -> ReviewStandard:
    """A new draft standard with all its items from ``data`` (the shape of the shipped file
    ``data/sample_standard.json``), all or nothing: every bad entry is reported, by its place."""
    access.require(actor, "review.standard.curate", organisation)
    # Problems the reader of a spreadsheet found (a row of unknown type) come first.
    errors: list[str] = list(data.get("errors") or [])

    def check(fn: Any, *args: Any, where: str) -> Any:
        try:
            return fn(*args)
        except ValidationError as error:
            errors.append(f"{where}：{'；'.join(error.messages)}")
            return None

    label = check(lambda: _text(data.get("label"), "版本名称", required=True), where="版本")
    note = check(lambda: _text(data.get("source_note"), "依据与出处", multiline=True), where="版本")
    numbers = {}
    for key, word in (
        ("appearance_points", "卷面分值"),
        ("content_points", "内容分值"),
        ("excellent_min", "优秀最低分"),
        ("good_min", "良好最低分"),
        ("pass_min", "合格最低分"),
    ):
        if key in data:
            numbers[key] = check(_points, data[key], word, where="版本")
    vetoes: list[VetoItem] = []
    for n, raw in enumerate(data.get("veto_items") or [], start=1):
        where = f"第 {raw['row']} 行" if "row" in raw else f"否决项第 {n} 条"
        category = _CATEGORIES.get(str(raw.get("category", "")))
        if category is None:
            errors.append(
                f"{where}：类别“{raw.get('category', '')}”不是 "
                "主体、资格、证据、事实、定性、法律适用、程序 之一。"
            )
            continue
        text = check(lambda r=raw: _text(r.get("text"), "否决情形", required=True), where=where)
        basis = check(lambda r=raw: _text(r.get("basis"), "依据"), where=where)
        vetoes.append(
            VetoItem(code=f"F{n:02d}", category=category, text=text or "", basis=basis or "")
        )
    scored: list[ScoredItem] = []
    for n, raw in enumerate(data.get("scored_items") or [], start=1):
        where = f"第 {raw['row']} 行" if "row" in raw else f"评分项第 {n} 条"
        section = _SECTIONS.get(str(raw.get("section", "")))
        if section is None:
            errors.append(f"{where}：部分“{raw.get('section', '')}”应为“卷面”或“内容”。")
            continue
        text = check(lambda r=raw: _text(r.get("text"), "评查内容", required=True), where=where)
        points = check(_points, raw.get("points", ""), "分值", where=where)
        guidance = check(
            lambda r=raw: _text(r.get("guidance"), "扣分标准", multiline=True), where=where
        )
        scored.append(
            ScoredItem(
                code=f"P{n:02d}",
                section=section,
                text=text or "",
                max_points=points or Decimal(0),
                guidance=guidance or "",
            )
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if ReviewStandard.objects.filter(organisation=organisation, label=label).exists():
            raise ValidationError(f"本机关已有名为“{label}”的评查标准版本，请换一个版本名称。")
        standard = ReviewStandard.objects.create(
            organisation=organisation,
            label=label,
            source_note=note or "",
            created_by=actor if getattr(actor, "pk", None) else None,
            **{k: v for k, v in numbers.items() if v is not None},
        )
        for item in vetoes:
            item.standard = standard
        for scored_item in scored:
            scored_item.standard = standard
        VetoItem.objects.bulk_create(vetoes)
        ScoredItem.objects.bulk_create(scored)
        record_change(
            actor=actor,
            action="review.standard.import",
            obj=standard,
            after=snapshot(standard),
            summary=(
                f"导入案卷评查标准“{standard.label}”：否决项 {len(vetoes)} 条，"
                f"评分项 {len(scored)} 条"
            ),
        )
    return standard


def _check_publishable(standard: ReviewStandard) -> None:
    problems = []
    if not standard.veto_items.exists():
        problems.append("没有否决项")
    for section, label in Section.choices:
        if not standard.scored_items.filter(section=section).exists():
            problems.append(f"“{label}”部分没有评分项")
    excellent, good, passing = standard.thresholds()
    if not (standard.total_points >= excellent > good > passing > 0):
        problems.append(
            f"等次最低分应满足 满分（{standard.total_points}）≥ 优秀 > 良好 > 合格 > 0，"
            f"现为 优秀 {excellent}、良好 {good}、合格 {passing}"
        )
    if problems:
        raise ValidationError(f"{standard.describe()}不能公布：{'；'.join(problems)}。")


def publish_standard(standard: ReviewStandard, *, actor: Any) -> ReviewStandard:
    """Publish a draft; the organisation's published standard is superseded in the same step."""
    access.require(actor, "review.standard.curate", standard)
    return versioned.publish(
        standard,
        actor=actor,
        previous=lambda v: ReviewStandard.objects.select_for_update().filter(
            organisation_id=v.organisation_id, status=StandardStatus.PUBLISHED
        ),
        check=_check_publishable,
        audit=lambda v, old: {
            "action": "review.standard.publish",
            "after": snapshot(v),
            "summary": f"公布案卷评查标准“{v.label}”"
            + (f"，替代“{'、'.join(o.label for o in old)}”" if old else ""),
        },
        before=snapshot,
        draft_first=True,
    )


def applicable_standard(case: InspectionCase) -> ReviewStandard | None:
    """The published standard of the nearest supervising organisation whose region covers the
    case's region (the city bureau's for a township case unless the county has its own)."""
    candidates = ReviewStandard.objects.filter(status=StandardStatus.PUBLISHED).select_related(
        "organisation__region"
    )
    covering = [
        s for s in candidates if case.region_id.startswith(s.organisation.region.code_prefix)
    ]
    if not covering:
        return None
    return max(covering, key=lambda s: len(s.organisation.region.code_prefix))


# --- Reviews -------------------------------------------------------------------------------------


def start_review(
    case: InspectionCase,
    *,
    actor: Any,
    spot_check: SpotCheck | None = None,
    organisation: Organisation | None = None,
) -> CaseReview:
    """A review of a closed case, with every veto item and scored item ready to mark. A case
    with fewer than two officers is pre-marked as hitting “执法人员少于2人” (the reviewer
    confirms): 行政处罚法第四十二条 requires at least two."""
    access.require(actor, "review.start", case)
    with transaction.atomic():
        case = InspectionCase.objects.select_for_update().get(pk=case.pk)
        if not InspectionCase.objects.restrict(actor).filter(pk=case.pk).exists():
            raise PermissionDenied("该案件不在您的监督范围内。")
        if case.status != CaseStatus.CLOSED:
            raise ValidationError(
                f"案件 {case.reference} 当前状态为“{case.get_status_display()}”，"
                "只有已办结的案件才能评查。"
            )
        standard = applicable_standard(case)
        if standard is None:
            raise ValidationError(
                f"案件 {case.reference} 所在地区没有已公布的案卷评查标准，请先公布评查标准。"
            )
        existing = CaseReview.objects.filter(case=case, standard=standard).first()
        if existing is not None:
            raise ValidationError(
                f"案件 {case.reference} 已按“{standard.label}”评查过（或正在评查），不能重复发起。"
            )
        organisation = organisation or acting_organisation(actor, case)
        review = CaseReview.objects.create(
            case=case,
            standard=standard,
            organisation=organisation,
            spot_check=spot_check,
            reviewer=None if spot_check is not None else actor,
        )
        officers = case.assignments.count()
        VetoMark.objects.bulk_create(
            VetoMark(
                review=review,
                item=item,
                hit=item.text == TWO_OFFICERS_VETO and officers < 2,
                suggested=item.text == TWO_OFFICERS_VETO and officers < 2,
                comment=(
                    f"系统预判：本案记录的执法人员为 {officers} 人"
                    "（行政处罚法第四十二条要求不得少于两人），请核实。"
                    if item.text == TWO_OFFICERS_VETO and officers < 2
                    else ""
                ),
            )
            for item in standard.veto_items.all()
        )
        Deduction.objects.bulk_create(
            Deduction(review=review, item=item) for item in standard.scored_items.all()
        )
        record_change(
            actor=actor,
            action="review.review.start",
            obj=review,
            after=snapshot(review),
            summary=f"发起案卷评查：{case.reference}（{standard.label}）",
        )
    return review


def _require_open(review: CaseReview, doing: str) -> None:
    if review.status != ReviewStatus.IN_PROGRESS:
        raise ValidationError(
            f"案卷评查（{review.case.reference}）当前状态为“{review.get_status_display()}”，不能{doing}。"
        )


def score_review(
    review: CaseReview,
    *,
    actor: Any,
    vetoes: Mapping[int, tuple[bool, str]],
    deductions: Mapping[int, tuple[Any, str]],
    conclusion: str = "",
) -> CaseReview:
    """Save the marks: for each veto item (by id) hit and comment, for each scored item (by id)
    its deduction and reason. A deduction is at most the item's points; a hit veto item and a
    deduction need a reason. The running total is kept (the grade is given on completion)."""
    access.require(actor, "review.score", review)
    with transaction.atomic():
        review = (
            CaseReview.objects.select_for_update()
            .select_related("case", "standard")
            .get(pk=review.pk)
        )
        _require_open(review, "评分")
        before = snapshot(review)
        errors: list[str] = []
        marks = {m.item_id: m for m in review.veto_marks.select_related("item")}
        for item_id, (hit, comment) in vetoes.items():
            mark = marks.get(int(item_id))
            if mark is None:
                raise ValidationError("否决项不属于本次评查所用的评查标准。")
            try:
                mark.comment = _text(comment, f"否决项“{mark.item.text}”的说明")
            except ValidationError as error:
                errors.extend(error.messages)
                continue
            mark.hit = bool(hit)
            if mark.hit and not mark.comment:
                errors.append(f"否决项“{mark.item.text}”标为触及，请写明说明。")
        rows = {d.item_id: d for d in review.deductions.select_related("item")}
        for item_id, (points, comment) in deductions.items():
            row = rows.get(int(item_id))
            if row is None:
                raise ValidationError("评分项不属于本次评查所用的评查标准。")
            name = f"评分项“{row.item.code} {row.item.text}”"
            try:
                row.points = _points(points, f"{name}的扣分")
                row.comment = _text(comment, f"{name}的扣分理由")
            except ValidationError as error:
                errors.extend(error.messages)
                continue
            if row.points > row.item.max_points:
                errors.append(f"{name}的扣分 {row.points} 超过该项分值 {row.item.max_points}。")
            elif row.points > 0 and not row.comment:
                errors.append(f"{name}扣了 {row.points} 分，请写明扣分理由。")
        try:
            review.conclusion = _text(conclusion, "评查意见", multiline=True)
        except ValidationError as error:
            errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        VetoMark.objects.bulk_update(list(marks.values()), ["hit", "comment"])
        Deduction.objects.bulk_update(list(rows.values()), ["points", "comment"])
        outcome = outcome_of(review)
        review.total = outcome.total
        review.vetoed = outcome.vetoed
        if review.reviewer_id is None:
            review.reviewer = actor
        review.save(update_fields=["total", "vetoed", "conclusion", "reviewer"])
        record_change(
            actor=actor,
            action="review.review.score",
            obj=review,
            before=before,
            after=snapshot(review),
            summary=f"案卷评查评分：{review.case.reference}，暂得 {outcome.total} 分",
        )
    return review


def outcome_of(review: CaseReview) -> scoring.Outcome:
    """The review's points, grade and veto result as its marks stand."""
    standard = review.standard
    return scoring.score(
        sections=standard.section_points(),
        deductions=[(d.item.section, d.points) for d in review.deductions.select_related("item")],
        veto_hits=review.veto_marks.filter(hit=True).count(),
        thresholds=standard.thresholds(),
    )


def complete_review(review: CaseReview, *, actor: Any) -> CaseReview:
    """Give the grade and close the review; the agency may read it from now on."""
    access.require(actor, "review.score", review)
    with transaction.atomic():
        review = (
            CaseReview.objects.select_for_update()
            .select_related("case", "standard")
            .get(pk=review.pk)
        )
        _require_open(review, "完成")
        before = snapshot(review)
        outcome = outcome_of(review)
        review.total = outcome.total
        review.vetoed = outcome.vetoed
        review.grade = outcome.grade
        review.status = ReviewStatus.COMPLETED
        review.completed_at = timezone.now()
        if review.reviewer_id is None:
            review.reviewer = actor
        review.save()
        record_change(
            actor=actor,
            action="review.review.complete",
            obj=review,
            before=before,
            after=snapshot(review),
            summary=(
                f"完成案卷评查：{review.case.reference}，{outcome.total} 分，"
                f"{outcome.grade_label}" + ("（触及否决项）" if outcome.vetoed else "")
            ),
        )
    return review


# --- Spot checks ---------------------------------------------------------------------------------


def _closed_on(case: InspectionCase) -> dt.date | None:
    return timezone.localdate(case.closed_at) if case.closed_at else None


def population_of(agency: Organisation, start: dt.date, end: dt.date) -> list[str]:
    """The references of the agency's cases closed in the period (Beijing dates), sorted: the
    published order the draw's positions refer to."""
    cases = InspectionCase.objects.filter(
        organisation=agency, status=CaseStatus.CLOSED, closed_at__isnull=False
    ).only("reference", "closed_at")
    return sorted(
        c.reference for c in cases if (day := _closed_on(c)) is not None and start <= day <= end
    )


def announce_spot_check(
    *,
    actor: Any,
    agency: Organisation,
    title: str,
    period_start: dt.date,
    period_end: dt.date,
    count: int,
    source_name: str,
    source_where: str,
    reveal_date: dt.date,
) -> SpotCheck:
    """Freeze and publish the population (the agency's cases closed in the period) and name the
    public value, to be published after today, that will seed the draw."""
    access.require(actor, "review.spotcheck.create", agency)
    today = timezone.localdate()
    with transaction.atomic():
        if not Organisation.objects.restrict(actor).filter(pk=agency.pk).exists():
            raise PermissionDenied("该机关不在您的监督范围内。")
        if agency.kind not in OrganisationKind.enforcing():
            raise ValidationError(f"“{agency.name}”不是行政执法机关，不能抽查其案卷。")
        title = _text(title, "抽查名称", required=True)
        source_name = _text(source_name, "随机源", required=True)
        source_where = _text(source_where, "随机源公布渠道", required=True)
        if period_end < period_start:
            raise ValidationError("办结日期止不能早于办结日期起。")
        if reveal_date <= today:
            raise ValidationError(
                f"随机源公布日期 {reveal_date:%Y-%m-%d} 应晚于今天（{today:%Y-%m-%d}）："
                "公告时随机源必须尚未公布，任何人才能相信抽取没有被事先选定。"
            )
        if not 1 <= count <= MAX_SPOT_CHECK:
            raise ValidationError(f"抽取件数应为 1 至 {MAX_SPOT_CHECK} 件。")
        lines = population_of(agency, period_start, period_end)
        if not lines:
            raise ValidationError(
                f"{agency.name}在 {period_start:%Y-%m-%d} 至 {period_end:%Y-%m-%d} "
                "没有已办结的案件，无可抽查。"
            )
        if count > len(lines):
            raise ValidationError(f"名录只有 {len(lines)} 件，抽取件数 {count} 超过名录件数。")
        text = "\n".join(lines) + "\n"
        spot_check = SpotCheck.objects.create(
            organisation=acting_organisation(actor),
            agency=agency,
            title=title,
            period_start=period_start,
            period_end=period_end,
            count=count,
            source_name=source_name,
            source_where=source_where,
            reveal_date=reveal_date,
            population=text,
            population_sm3=sm3_hex(text.encode("utf-8")),
            population_size=len(lines),
            announced_by=actor,
        )
        record_change(
            actor=actor,
            action="review.spotcheck.announce",
            obj=spot_check,
            after=snapshot(spot_check, exclude=("population",)),
            summary=f"公告日常抽查“{title}”：名录 {len(lines)} 件，拟抽 {count} 件",
        )
    return spot_check


def draw_spot_check(spot_check: SpotCheck, *, actor: Any, value: str) -> SpotCheck:
    """Draw with the published value (RFC 3797, ``zhifa.draws.rfc3797``); each sampled case
    becomes a review to do for the bureau."""
    access.require(actor, "review.spotcheck.draw", spot_check)
    today = timezone.localdate()
    with transaction.atomic():
        spot_check = SpotCheck.objects.select_for_update().get(pk=spot_check.pk)
        if SpotCheckStatus.DRAWN not in SPOT_CHECK_TRANSITIONS[spot_check.status]:
            raise ValidationError(
                f"日常抽查“{spot_check.title}”当前状态为“{spot_check.get_status_display()}”，不能再次抽取。"
            )
        if today < spot_check.reveal_date:
            raise ValidationError(
                f"随机源要到 {spot_check.reveal_date:%Y-%m-%d} 才公布，今天不能抽取。"
            )
        value = _text(value, "随机源数值", required=True)
        try:
            rfc3797.canonical_source(value)
        except rfc3797.SourceError as error:
            raise ValidationError(str(error)) from None
        lines = spot_check.population_lines
        if sm3_hex(spot_check.population.encode("utf-8")) != spot_check.population_sm3:
            raise ValidationError("抽查名录与公告时的 SM3 不一致，不能抽取；请联系系统管理员。")
        before = snapshot(spot_check, exclude=("population",))
        key = rfc3797.key_string([value])
        selection = rfc3797.select(key, len(lines), spot_check.count)
        spot_check.source_value = value
        spot_check.key = key
        spot_check.selected = [s.position for s in selection.accepted]
        spot_check.status = SpotCheckStatus.DRAWN
        spot_check.drawn_by = actor
        spot_check.drawn_at = timezone.now()
        spot_check.save()
        cases = {
            c.reference: c for c in InspectionCase.objects.filter(reference__in=spot_check.sample)
        }
        for reference in spot_check.sample:
            case = cases[reference]
            standard = applicable_standard(case)
            # A file already reviewed under the standard in force keeps its review.
            if (
                standard is not None
                and CaseReview.objects.filter(case=case, standard=standard).exists()
            ):
                continue
            start_review(
                case, actor=actor, spot_check=spot_check, organisation=spot_check.organisation
            )
        record_change(
            actor=actor,
            action="review.spotcheck.draw",
            obj=spot_check,
            before=before,
            after=snapshot(spot_check, exclude=("population",)),
            summary=f"日常抽查“{spot_check.title}”抽中：{'、'.join(spot_check.sample)}",
        )
    return spot_check


# --- 专项监督 ------------------------------------------------------------------------------------


def create_campaign(
    *,
    actor: Any,
    title: str,
    agencies: Sequence[Organisation],
    period_start: dt.date,
    period_end: dt.date,
    checklist: Sequence[str],
    field: EnforcementField | None = None,
) -> Campaign:
    access.require(actor, "review.campaign.manage")
    with transaction.atomic():
        title = _text(title, "专项监督名称", required=True)
        if period_end < period_start:
            raise ValidationError("时间范围止不能早于时间范围起。")
        items = [_text(t, f"检查要点第 {n} 条") for n, t in enumerate(checklist, start=1)]
        items = [t for t in items if t]
        if not items:
            raise ValidationError("请至少写一条检查要点。")
        if not agencies:
            raise ValidationError("请选择至少一个监督对象。")
        visible = set(
            Organisation.objects.restrict(actor)
            .filter(pk__in=[a.pk for a in agencies])
            .values_list("pk", flat=True)
        )
        for agency in agencies:
            if agency.pk not in visible:
                raise PermissionDenied(f"“{agency.name}”不在您的监督范围内。")
        campaign = Campaign.objects.create(
            organisation=acting_organisation(actor),
            title=title,
            field=field,
            period_start=period_start,
            period_end=period_end,
            created_by=actor,
        )
        campaign.agencies.set(agencies)
        ChecklistItem.objects.bulk_create(
            ChecklistItem(campaign=campaign, position=n, text=t)
            for n, t in enumerate(items, start=1)
        )
        record_change(
            actor=actor,
            action="review.campaign.create",
            obj=campaign,
            after=snapshot(campaign),
            summary=f"创建专项监督“{title}”（{len(agencies)} 个监督对象，{len(items)} 条检查要点）",
        )
    return campaign


def _move_campaign(campaign: Campaign, target: str, *, actor: Any, doing: str) -> Campaign:
    access.require(actor, "review.campaign.manage", campaign)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if target not in CAMPAIGN_TRANSITIONS[campaign.status]:
        raise ValidationError(
            f"专项监督“{campaign.title}”当前状态为“{campaign.get_status_display()}”，不能{doing}。"
        )
    return campaign


def start_campaign(campaign: Campaign, *, actor: Any) -> Campaign:
    with transaction.atomic():
        campaign = _move_campaign(campaign, CampaignStatus.IN_PROGRESS, actor=actor, doing="开始")
        before = snapshot(campaign)
        campaign.status = CampaignStatus.IN_PROGRESS
        campaign.save(update_fields=["status"])
        record_change(
            actor=actor,
            action="review.campaign.start",
            obj=campaign,
            before=before,
            after=snapshot(campaign),
            summary=f"开始专项监督“{campaign.title}”",
        )
    return campaign


def conclude_campaign(campaign: Campaign, *, actor: Any, conclusion: str) -> Campaign:
    with transaction.atomic():
        campaign = _move_campaign(campaign, CampaignStatus.CONCLUDED, actor=actor, doing="结束")
        before = snapshot(campaign)
        campaign.conclusion = _text(conclusion, "监督结论", multiline=True, required=True)
        campaign.status = CampaignStatus.CONCLUDED
        campaign.save(update_fields=["status", "conclusion"])
        record_change(
            actor=actor,
            action="review.campaign.conclude",
            obj=campaign,
            before=before,
            after=snapshot(campaign),
            summary=f"结束专项监督“{campaign.title}”",
        )
    return campaign


def record_finding(
    campaign: Campaign,
    *,
    actor: Any,
    agency: Organisation,
    text: str,
    severity: str,
    item: ChecklistItem | None = None,
) -> CampaignFinding:
    access.require(actor, "review.campaign.manage", campaign)
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.status != CampaignStatus.IN_PROGRESS:
            raise ValidationError(
                f"专项监督“{campaign.title}”当前状态为“{campaign.get_status_display()}”，"
                "只有进行中的专项监督才能记录问题。"
            )
        if not campaign.agencies.filter(pk=agency.pk).exists():
            raise ValidationError(f"“{agency.name}”不是本专项监督的监督对象。")
        if item is not None and item.campaign_id != campaign.pk:
            raise ValidationError("检查要点不属于本专项监督。")
        if severity not in Severity.values:
            raise ValidationError("请选择严重程度（一般、较重、严重）。")
        finding = CampaignFinding.objects.create(
            campaign=campaign,
            agency=agency,
            item=item,
            text=_text(text, "发现的问题", multiline=True, required=True),
            severity=severity,
            recorded_by=actor,
        )
        record_change(
            actor=actor,
            action="review.finding.record",
            obj=finding,
            after=snapshot(finding),
            summary=f"专项监督“{campaign.title}”记录问题：{agency.name}",
        )
    return finding
