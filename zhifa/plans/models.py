"""检查事项清单 and 年度执法计划.

An item that is not on a published list may not be inspected (国办发〔2024〕54号); a plan says
which items an agency will inspect in a year, how its enterprises are sampled by credit-risk
grade, and in which quarter. A published plan is public and changes only by a published
amendment.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from zhifa.core.access import RestrictedManager
from zhifa.org.models import EnforcementField, Organisation, Region
from zhifa.plans.scope import IndustryScope, task_scope
from zhifa.registry import industries
from zhifa.registry.models import CreditGrade
from zhifa.versioned.models import Lifecycle


class InspectionMethod(models.TextChoices):
    ONSITE = "onsite", "现场检查"
    OFFSITE = "offsite", "非现场检查"
    WRITTEN = "written", "书面核查"


class InspectionItem(models.Model):
    """One entry of an agency's 检查事项清单."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name="实施机关",
        on_delete=models.PROTECT,
        related_name="inspection_items",
    )
    field = models.ForeignKey(
        EnforcementField,
        verbose_name="执法领域",
        on_delete=models.PROTECT,
        related_name="inspection_items",
    )
    code = models.CharField("事项编码", max_length=32)
    name = models.CharField("检查事项名称", max_length=200)
    legal_basis_law = models.CharField("依据法律法规", max_length=200)
    legal_basis_article = models.CharField("条款", max_length=200)
    standard = models.TextField("检查标准", blank=True)
    checklist = models.JSONField("检查要点", default=list, blank=True)
    method = models.CharField(
        "检查方式", max_length=16, choices=InspectionMethod.choices, default=InspectionMethod.ONSITE
    )
    yearly_cap = models.PositiveSmallIntegerField(
        "每家企业年度检查上限",
        default=1,
        validators=[MinValueValidator(1)],
        help_text="本机关就本事项对同一企业一年内最多检查的次数。",
    )
    quiet_period_days = models.PositiveSmallIntegerField(
        "同事项检查间隔（日）",
        default=180,
        help_text="本机关就本事项检查同一企业后，此期间内该企业不进入抽取名录。",
    )
    # GB/T 4754-2017 门类 letters and 大类 codes (zhifa.registry.industries), in the standard's
    # order; a task's draw pool defaults to the industries of its items.
    industries = models.JSONField(
        "适用行业",
        default=list,
        blank=True,
        help_text="本事项适用的行业（GB/T 4754-2017 门类或大类）；抽取名录默认限于这些行业。",
    )
    is_active = models.BooleanField("有效", default=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", default=timezone.now)

    objects = RestrictedManager()
    scope_org_path = "organisation"

    class Meta:
        verbose_name = "检查事项"
        verbose_name_plural = "检查事项清单"
        ordering = ["organisation_id", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code"], name="plans_item_code_unique_in_org"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def legal_basis(self) -> str:
        return f"{self.legal_basis_law}{self.legal_basis_article}"

    @property
    def industries_text(self) -> str:
        """``61 住宿业、62 餐饮业``; "" when the item names no industry."""
        return industries.describe(self.industries or [])


class FrequencyPolicy(models.Model):
    """A region's published cap on inspections of one enterprise per year, across agencies."""

    region = models.OneToOneField(
        Region, verbose_name="行政区划", on_delete=models.CASCADE, related_name="frequency_policy"
    )
    yearly_cap_across_agencies = models.PositiveSmallIntegerField(
        "每家企业年度检查总次数上限",
        validators=[MinValueValidator(1)],
        help_text="各执法机关对同一企业一年内行政检查的合计上限；下级区划未设置时沿用上级。",
    )
    source = models.CharField("依据", max_length=255, blank=True)

    objects = RestrictedManager()
    scope_region_path = "region"

    class Meta:
        verbose_name = "检查频次上限"
        verbose_name_plural = "检查频次上限"
        ordering = ["region_id"]

    def __str__(self) -> str:
        return f"{self.region}：每年 {self.yearly_cap_across_agencies} 次"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    APPROVED = "approved", "已批准"
    PUBLISHED = "published", "已公布"


class AnnualPlan(Lifecycle):
    """年度执法计划 of one agency for one year: a published versioned list (``zhifa.versioned``)
    with an approval between draft and publication, changed after publication only by a
    published ``PlanAmendment``; nothing supersedes it (one plan per agency and year)."""

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        PlanStatus.DRAFT: {PlanStatus.APPROVED},
        PlanStatus.APPROVED: {PlanStatus.PUBLISHED, PlanStatus.DRAFT},
        PlanStatus.PUBLISHED: set(),
    }

    organisation = models.ForeignKey(
        Organisation, verbose_name="执法机关", on_delete=models.PROTECT, related_name="plans"
    )
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("计划名称", max_length=200)
    description = models.TextField("计划说明", blank=True)
    items = models.ManyToManyField(
        InspectionItem, verbose_name="检查事项", blank=True, related_name="plans"
    )
    status = models.CharField(
        "状态", max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="编制人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("编制时间", default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="批准人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField("批准时间", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="公布人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField("公布时间", null=True, blank=True)

    objects = RestrictedManager()
    scope_org_path = "organisation"

    class Meta:
        verbose_name = "年度执法计划"
        verbose_name_plural = "年度执法计划"
        ordering = ["-year", "organisation_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year"], name="plans_one_plan_per_org_year"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == PlanStatus.PUBLISHED

    def describe(self) -> str:
        return f"计划“{self.title}”"

    def transition_tail(self, target: str, doing: str) -> str:
        sources = [
            f"“{PlanStatus(s).label}”"
            for s, targets in self.TRANSITIONS.items()
            if target in targets
        ]
        return f"（只有状态为{'或'.join(sources) or '（无）'}的计划可以{doing}）。"


class PlanStratum(models.Model):
    """A sampling stratum of a plan: enterprises of one credit-risk grade and their ratio."""

    plan = models.ForeignKey(
        AnnualPlan, verbose_name="计划", on_delete=models.CASCADE, related_name="strata"
    )
    # ASCII so that it survives RFC 3797 key-string canonicalisation unchanged.
    code = models.CharField("分层代码", max_length=8, help_text="英文字母或数字，如 A、B、C、D。")
    name = models.CharField("分层名称", max_length=64)
    credit_grade = models.CharField(
        "信用风险分类",
        max_length=1,
        choices=CreditGrade.choices,
        blank=True,
        help_text="留空表示不分类别的全部企业。",
    )
    sampling_ratio = models.DecimalField(
        "抽查比例（%）",
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )

    objects = RestrictedManager()
    scope_org_path = "plan__organisation"

    class Meta:
        verbose_name = "抽查分层"
        verbose_name_plural = "抽查分层"
        ordering = ["plan_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="plans_stratum_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.sampling_ratio}%）"


class TaskKind(models.TextChoices):
    RANDOM = "random", "双随机抽查"
    SPECIAL = "special", "专项检查"
    JOINT = "joint", "联合检查"


class PlanTask(models.Model):
    """One task of a plan, in one quarter: the unit a draw belongs to."""

    plan = models.ForeignKey(
        AnnualPlan, verbose_name="计划", on_delete=models.CASCADE, related_name="tasks"
    )
    quarter = models.PositiveSmallIntegerField(
        "季度", validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    name = models.CharField("任务名称", max_length=200)
    kind = models.CharField("任务类型", max_length=16, choices=TaskKind.choices)
    field = models.ForeignKey(
        EnforcementField, verbose_name="执法领域", on_delete=models.PROTECT, related_name="+"
    )
    items = models.ManyToManyField(InspectionItem, verbose_name="检查事项", related_name="tasks")
    region = models.ForeignKey(
        Region,
        verbose_name="抽查范围",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="抽取名录限于该区划内的企业。",
    )
    # The pool is limited to the industries of the task's items unless the task names its own
    # (within theirs) or 不限行业 is chosen: never unlimited by leaving something blank.
    all_industries = models.BooleanField(
        "不限行业",
        default=False,
        help_text="勾选后抽取名录包括抽查范围内所有行业的企业，不再按检查事项的适用行业筛选。",
    )
    industries = models.JSONField(
        "抽取行业",
        default=list,
        blank=True,
        help_text="留空时为所选检查事项适用行业的合集；填写时须在其范围内。",
    )
    officers_per_inspection = models.PositiveSmallIntegerField(
        "每户检查人员数",
        default=2,
        validators=[MinValueValidator(2)],
        help_text="行政处罚法第四十二条：执法人员不得少于两人。",
    )
    is_cancelled = models.BooleanField("已撤销", default=False)

    objects = RestrictedManager()
    scope_org_path = "plan__organisation"

    class Meta:
        verbose_name = "计划任务"
        verbose_name_plural = "计划任务"
        ordering = ["plan_id", "quarter", "pk"]

    def __str__(self) -> str:
        return f"{self.plan.year}年第{self.quarter}季度 {self.name}"

    @property
    def industry_scope(self) -> IndustryScope:
        """The industries this task draws from."""
        return task_scope(self)


class AmendmentStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已公布"


class PlanAmendment(models.Model):
    """A recorded change to a published plan; it takes effect only when published itself."""

    plan = models.ForeignKey(
        AnnualPlan, verbose_name="计划", on_delete=models.CASCADE, related_name="amendments"
    )
    number = models.PositiveSmallIntegerField("调整序号")
    reason = models.TextField("调整理由")
    # The operations to apply, e.g. {"op": "add_task", ...}; see plans.services for the kinds.
    changes = models.JSONField("调整内容", default=list)
    before = models.JSONField("调整前", null=True, blank=True)
    after = models.JSONField("调整后", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=16, choices=AmendmentStatus.choices, default=AmendmentStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="提出人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("提出时间", default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="公布人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField("公布时间", null=True, blank=True)

    objects = RestrictedManager()
    scope_org_path = "plan__organisation"

    class Meta:
        verbose_name = "计划调整"
        verbose_name_plural = "计划调整"
        ordering = ["plan_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plans_amendment_number"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} 第{self.number}次调整"

    def audit_snapshot(self) -> dict[str, Any]:
        return {
            "plan": self.plan_id,
            "number": self.number,
            "reason": self.reason,
            "changes": self.changes,
            "status": self.status,
        }
