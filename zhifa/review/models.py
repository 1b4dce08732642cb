"""执法体检 (事后提质): the case-file review standard (案卷评查标准) a bureau keeps as a published
versioned list (``zhifa.versioned``), the reviews of closed inspection cases scored against it,
the verifiable spot checks (日常抽查) that pick the cases to review, and 专项监督 campaigns.

Scoring rules (one function, ``zhifa.review.scoring.score``): a veto item (否决项) hit makes the
file 不合格 whatever its points; a scored item's deduction is at most the item's points, and the
deductions of a section stop at zero; the grade thresholds are the standard version's own
(no published national standard fixes them) and inclusive (a file at exactly the 良好 minimum is
良好).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from zhifa.core.access import RestrictedManager
from zhifa.inspections.models import InspectionCase
from zhifa.org.models import EnforcementField, Organisation
from zhifa.versioned.models import PublishedVersion

POINTS: dict[str, Any] = {"max_digits": 5, "decimal_places": 1}


class StandardStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已公布"
    SUPERSEDED = "superseded", "已替代"


class VetoCategory(models.TextChoices):
    SUBJECT = "subject", "主体"
    QUALIFICATION = "qualification", "资格"
    EVIDENCE = "evidence", "证据"
    FACTS = "facts", "事实"
    CHARACTERISATION = "characterisation", "定性"
    LAW = "law", "法律适用"
    PROCEDURE = "procedure", "程序"


class Section(models.TextChoices):
    APPEARANCE = "appearance", "卷面"
    CONTENT = "content", "内容"


class Grade(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    GOOD = "good", "良好"
    PASS = "pass", "合格"
    FAIL = "fail", "不合格"


# The veto item a case with fewer than two officers hits (行政处罚法第四十二条): pre-marked.
TWO_OFFICERS_VETO = "执法人员少于2人"


class ReviewStandard(PublishedVersion):
    """One version of a bureau's 案卷评查标准; publishing it supersedes the bureau's previous one.

    It applies to the cases of the bureau's region (a 司法所 reviewing a township case uses the
    standard of the bureau above it: the nearest published one whose region covers the case)."""

    DRAFT_ONLY = "。已公布或已替代的评查标准不能修改，请在其基础上起草新版本。"

    organisation = models.ForeignKey(
        Organisation,
        verbose_name="制定机关",
        on_delete=models.PROTECT,
        related_name="review_standards",
    )
    label = models.CharField("版本名称", max_length=100, help_text="如“舟山市 2026版”。")
    source_note = models.TextField(
        "依据与出处", blank=True, help_text="据以制定的文件名称、文号或网址，每行一份。"
    )
    appearance_points = models.DecimalField("卷面分值", default=Decimal(20), **POINTS)
    content_points = models.DecimalField("内容分值", default=Decimal(80), **POINTS)
    excellent_min = models.DecimalField("优秀最低分", default=Decimal(90), **POINTS)
    good_min = models.DecimalField("良好最低分", default=Decimal(80), **POINTS)
    pass_min = models.DecimalField("合格最低分", default=Decimal(60), **POINTS)
    status = models.CharField(
        "状态", max_length=16, choices=StandardStatus.choices, default=StandardStatus.DRAFT
    )

    objects = RestrictedManager()
    scope_org_path = "organisation"
    access_not_found = "没有找到该评查标准，或您无权查看。"

    class Meta:
        verbose_name = "案卷评查标准"
        verbose_name_plural = "案卷评查标准"
        ordering = ["organisation_id", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "label"], name="review_standard_label_unique_in_org"
            ),
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(status="published"),
                name="review_one_published_standard_per_org",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def describe(self) -> str:
        return f"评查标准“{self.label}”"

    @property
    def sources(self) -> list[str]:
        return [line.strip() for line in self.source_note.splitlines() if line.strip()]

    @property
    def total_points(self) -> Decimal:
        return Decimal(self.appearance_points) + Decimal(self.content_points)

    def section_points(self) -> dict[str, Decimal]:
        return {
            Section.APPEARANCE: Decimal(self.appearance_points),
            Section.CONTENT: Decimal(self.content_points),
        }

    def thresholds(self) -> tuple[Decimal, Decimal, Decimal]:
        return (Decimal(self.excellent_min), Decimal(self.good_min), Decimal(self.pass_min))

    def audit_snapshot(self) -> dict[str, Any]:
        return {
            "organisation": self.organisation_id,
            "label": self.label,
            "source_note": self.source_note,
            "points": [str(self.appearance_points), str(self.content_points)],
            "thresholds": [str(v) for v in self.thresholds()],
            "status": self.status,
            "published_at": self.published_at.isoformat() if self.published_at else None,
        }


class VetoItem(models.Model):
    """A 否决项: hitting it makes the file 不合格 whatever its points."""

    standard = models.ForeignKey(
        ReviewStandard, verbose_name="评查标准", on_delete=models.CASCADE, related_name="veto_items"
    )
    code = models.CharField("编号", max_length=16)
    category = models.CharField("类别", max_length=20, choices=VetoCategory.choices)
    text = models.CharField("否决情形", max_length=300)
    basis = models.CharField("依据", max_length=300, blank=True)

    objects = RestrictedManager()
    scope_org_path = "standard__organisation"

    class Meta:
        verbose_name = "否决项"
        verbose_name_plural = "否决项"
        ordering = ["standard_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["standard", "code"], name="review_veto_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text}"


class ScoredItem(models.Model):
    """A scored item of a section, with its points and how to deduct."""

    standard = models.ForeignKey(
        ReviewStandard,
        verbose_name="评查标准",
        on_delete=models.CASCADE,
        related_name="scored_items",
    )
    code = models.CharField("编号", max_length=16)
    section = models.CharField("部分", max_length=16, choices=Section.choices)
    text = models.CharField("评查内容", max_length=300)
    max_points = models.DecimalField("分值", **POINTS)
    guidance = models.TextField("扣分标准", blank=True)

    objects = RestrictedManager()
    scope_org_path = "standard__organisation"

    class Meta:
        verbose_name = "评分项"
        verbose_name_plural = "评分项"
        ordering = ["standard_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["standard", "code"], name="review_scored_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text}"


# --- Spot checks ---------------------------------------------------------------------------------


class SpotCheckStatus(models.TextChoices):
    ANNOUNCED = "announced", "已公告（待抽取）"
    DRAWN = "drawn", "已抽取"


SPOT_CHECK_TRANSITIONS: dict[str, set[str]] = {
    SpotCheckStatus.ANNOUNCED: {SpotCheckStatus.DRAWN},
    SpotCheckStatus.DRAWN: set(),
}


class SpotCheck(models.Model):
    """日常抽查: a sample of an agency's cases closed in a period, drawn by RFC 3797 from a
    public value published after the announcement (``zhifa.draws.rfc3797``). The population
    is frozen (its SM3 published) when announced, so nobody can change it after the fact."""

    organisation = models.ForeignKey(
        Organisation, verbose_name="监督机关", on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey(
        Organisation, verbose_name="被抽查机关", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("抽查名称", max_length=200)
    period_start = models.DateField("办结日期起")
    period_end = models.DateField("办结日期止")
    count = models.PositiveSmallIntegerField("抽取件数")
    source_name = models.CharField(
        "随机源", max_length=200, help_text="公告后才公布的公开数值，如某期福利彩票开奖号码。"
    )
    source_where = models.CharField("随机源公布渠道", max_length=300)
    reveal_date = models.DateField("随机源公布日期")
    population = models.TextField("抽查名录（案件编号，每行一件）", blank=True)
    population_sm3 = models.CharField("名录 SM3", max_length=64, blank=True)
    population_size = models.PositiveIntegerField("名录件数", default=0)
    source_value = models.CharField("随机源数值", max_length=200, blank=True)
    key = models.CharField("种子（RFC 3797 键串）", max_length=300, blank=True)
    selected = models.JSONField("抽中序号", default=list, blank=True)
    status = models.CharField(
        "状态",
        max_length=16,
        choices=SpotCheckStatus.choices,
        default=SpotCheckStatus.ANNOUNCED,
    )
    announced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="公告人", on_delete=models.PROTECT, related_name="+"
    )
    announced_at = models.DateTimeField("公告时间", default=timezone.now)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="抽取人",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    drawn_at = models.DateTimeField("抽取时间", null=True, blank=True)

    objects = RestrictedManager()
    scope_org_path = "agency"
    access_not_found = "没有找到该抽查，或您无权查看。"

    class Meta:
        verbose_name = "日常抽查"
        verbose_name_plural = "日常抽查"
        ordering = ["-announced_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def population_lines(self) -> list[str]:
        return [line for line in self.population.splitlines() if line]

    @property
    def sample(self) -> list[str]:
        lines = self.population_lines
        return [lines[p - 1] for p in self.selected if 0 < p <= len(lines)]


# --- Reviews -------------------------------------------------------------------------------------


class ReviewStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "评查中"
    COMPLETED = "completed", "已完成"


REVIEW_TRANSITIONS: dict[str, set[str]] = {
    ReviewStatus.IN_PROGRESS: {ReviewStatus.COMPLETED},
    ReviewStatus.COMPLETED: set(),
}


class CaseReview(models.Model):
    """The review (评查) of one closed inspection case against one standard version."""

    case = models.ForeignKey(
        InspectionCase, verbose_name="被评查案件", on_delete=models.PROTECT, related_name="+"
    )
    standard = models.ForeignKey(
        ReviewStandard, verbose_name="评查标准", on_delete=models.PROTECT, related_name="reviews"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name="评查机关", on_delete=models.PROTECT, related_name="+"
    )
    spot_check = models.ForeignKey(
        SpotCheck,
        verbose_name="来自抽查",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviews",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="评查人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        "状态", max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.IN_PROGRESS
    )
    total = models.DecimalField("得分", null=True, blank=True, **POINTS)
    grade = models.CharField("等次", max_length=16, choices=Grade.choices, blank=True)
    vetoed = models.BooleanField("触及否决项", default=False)
    conclusion = models.TextField("评查意见", blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    completed_at = models.DateTimeField("完成时间", null=True, blank=True)

    objects = RestrictedManager()
    scope_org_path = "case__organisation"
    scope_region_path = "case__region"
    access_not_found = "没有找到该案卷评查，或您无权查看。"

    class Meta:
        verbose_name = "案卷评查"
        verbose_name_plural = "案卷评查"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "standard"], name="review_case_once_per_std")
        ]

    def __str__(self) -> str:
        return f"案卷评查：{self.case.reference}"

    @property
    def is_completed(self) -> bool:
        return self.status == ReviewStatus.COMPLETED

    def audit_snapshot(self) -> dict[str, Any]:
        return {
            "case": self.case_id,
            "standard": self.standard_id,
            "organisation": self.organisation_id,
            "spot_check": self.spot_check_id,
            "reviewer": self.reviewer_id,
            "status": self.status,
            "total": str(self.total) if self.total is not None else None,
            "grade": self.grade,
            "vetoed": self.vetoed,
            "conclusion": self.conclusion,
            "vetoes": [
                [m.item_id, m.hit, m.comment] for m in self.veto_marks.order_by("item__code")
            ],
            "deductions": [
                [d.item_id, str(d.points), d.comment]
                for d in self.deductions.order_by("item__code")
            ],
        }


class VetoMark(models.Model):
    review = models.ForeignKey(
        CaseReview, verbose_name="案卷评查", on_delete=models.CASCADE, related_name="veto_marks"
    )
    item = models.ForeignKey(
        VetoItem, verbose_name="否决项", on_delete=models.PROTECT, related_name="+"
    )
    hit = models.BooleanField("触及", default=False)
    # Set by the system from the case file (e.g. fewer than two officers); the reviewer confirms.
    suggested = models.BooleanField("系统预判", default=False)
    comment = models.CharField("说明", max_length=500, blank=True)

    objects = RestrictedManager()
    scope_org_path = "review__case__organisation"
    scope_region_path = "review__case__region"

    class Meta:
        verbose_name = "否决项评查"
        verbose_name_plural = "否决项评查"
        ordering = ["review_id", "item__code"]
        constraints = [
            models.UniqueConstraint(fields=["review", "item"], name="review_veto_mark_once")
        ]

    def __str__(self) -> str:
        return f"{self.item.text}：{'触及' if self.hit else '未触及'}"


class Deduction(models.Model):
    review = models.ForeignKey(
        CaseReview, verbose_name="案卷评查", on_delete=models.CASCADE, related_name="deductions"
    )
    item = models.ForeignKey(
        ScoredItem, verbose_name="评分项", on_delete=models.PROTECT, related_name="+"
    )
    points = models.DecimalField("扣分", default=Decimal(0), **POINTS)
    comment = models.CharField("扣分理由", max_length=500, blank=True)

    objects = RestrictedManager()
    scope_org_path = "review__case__organisation"
    scope_region_path = "review__case__region"

    class Meta:
        verbose_name = "评分项扣分"
        verbose_name_plural = "评分项扣分"
        ordering = ["review_id", "item__code"]
        constraints = [
            models.UniqueConstraint(fields=["review", "item"], name="review_deduction_once")
        ]

    def __str__(self) -> str:
        return f"{self.item.code} 扣 {self.points} 分"


# --- 专项监督 ------------------------------------------------------------------------------------


class CampaignStatus(models.TextChoices):
    PLANNED = "planned", "计划中"
    IN_PROGRESS = "in_progress", "进行中"
    CONCLUDED = "concluded", "已结束"


CAMPAIGN_TRANSITIONS: dict[str, set[str]] = {
    CampaignStatus.PLANNED: {CampaignStatus.IN_PROGRESS},
    CampaignStatus.IN_PROGRESS: {CampaignStatus.CONCLUDED},
    CampaignStatus.CONCLUDED: set(),
}


class Severity(models.TextChoices):
    MINOR = "minor", "一般"
    SERIOUS = "serious", "较重"
    GRAVE = "grave", "严重"


class Campaign(models.Model):
    """专项监督 (《行政执法监督条例》: 日常监督、重点监督、专项监督)."""

    organisation = models.ForeignKey(
        Organisation, verbose_name="组织机关", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("专项监督名称", max_length=200)
    agencies = models.ManyToManyField(
        Organisation, verbose_name="监督对象", related_name="+", blank=True
    )
    field = models.ForeignKey(
        EnforcementField,
        verbose_name="执法领域",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    period_start = models.DateField("时间范围起")
    period_end = models.DateField("时间范围止")
    status = models.CharField(
        "状态", max_length=16, choices=CampaignStatus.choices, default=CampaignStatus.PLANNED
    )
    conclusion = models.TextField("监督结论", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    objects = RestrictedManager()
    scope_org_path = "organisation"
    access_not_found = "没有找到该专项监督，或您无权查看。"

    class Meta:
        verbose_name = "专项监督"
        verbose_name_plural = "专项监督"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def audit_snapshot(self) -> dict[str, Any]:
        return {
            "organisation": self.organisation_id,
            "title": self.title,
            "agencies": sorted(self.agencies.values_list("pk", flat=True)) if self.pk else [],
            "field": self.field_id,
            "period": [self.period_start.isoformat(), self.period_end.isoformat()],
            "status": self.status,
            "conclusion": self.conclusion,
            "checklist": [i.text for i in self.checklist.all()] if self.pk else [],
        }


class ChecklistItem(models.Model):
    campaign = models.ForeignKey(
        Campaign, verbose_name="专项监督", on_delete=models.CASCADE, related_name="checklist"
    )
    position = models.PositiveSmallIntegerField("序号")
    text = models.CharField("检查要点", max_length=300)

    objects = RestrictedManager()
    scope_org_path = "campaign__organisation"

    class Meta:
        verbose_name = "专项监督检查要点"
        verbose_name_plural = "专项监督检查要点"
        ordering = ["campaign_id", "position"]

    def __str__(self) -> str:
        return f"{self.position}. {self.text}"


class CampaignFinding(models.Model):
    campaign = models.ForeignKey(
        Campaign, verbose_name="专项监督", on_delete=models.CASCADE, related_name="findings"
    )
    agency = models.ForeignKey(
        Organisation, verbose_name="被监督机关", on_delete=models.PROTECT, related_name="+"
    )
    item = models.ForeignKey(
        ChecklistItem,
        verbose_name="检查要点",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    text = models.TextField("发现的问题")
    severity = models.CharField("严重程度", max_length=16, choices=Severity.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("记录时间", default=timezone.now)

    objects = RestrictedManager()
    scope_org_path = "campaign__organisation"
    access_not_found = "没有找到该问题，或您无权查看。"

    class Meta:
        verbose_name = "专项监督发现的问题"
        verbose_name_plural = "专项监督发现的问题"
        ordering = ["campaign_id", "recorded_at", "pk"]

    def __str__(self) -> str:
        return self.text[:40]
