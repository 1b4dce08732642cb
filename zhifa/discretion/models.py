"""The penalty discretion "three lists": 不予处罚 (免罚), 从轻处罚 and 减轻处罚 清单.

An agency keeps versions of its lists (``DiscretionVersion``, e.g. "晋中市 2024版"): a draft is
edited, then published, which supersedes the agency's previously published version. Each
``DiscretionItem`` belongs to one of the three lists and says for which violation
(``violation_code``, shared by the items of all three lists about the same violation), on which
legal basis and under which structured conditions (``zhifa.discretion.conditions``) it applies,
and with what outcome. The engine (``zhifa.discretion.engine``) evaluates findings against them.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone

from zhifa.core.access import RestrictedManager
from zhifa.discretion.provisions import provisions
from zhifa.org.models import EnforcementField, Organisation
from zhifa.versioned.models import PublishedVersion


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已公布"
    SUPERSEDED = "superseded", "已废止"


class ListKind(models.TextChoices):
    EXEMPT = "exempt", "不予处罚"
    LIGHTER = "lighter", "从轻处罚"
    MITIGATED = "mitigated", "减轻处罚"


class DiscretionVersion(PublishedVersion):
    """One version of an agency's three lists: drafted, published and superseded as every
    published versioned list (``zhifa.versioned``)."""

    DRAFT_ONLY = "。已公布或已废止的版本不能修改，请在其基础上起草修订版本。"

    organisation = models.ForeignKey(
        Organisation,
        verbose_name="编制机关",
        on_delete=models.PROTECT,
        related_name="discretion_versions",
    )
    label = models.CharField("版本名称", max_length=100, help_text="如“晋中市 2024版”。")
    issuer = models.CharField(
        "发布机关",
        max_length=200,
        help_text="文件上署名的发布机关，联合印发的写全各机关。",
    )
    sources = models.TextField(
        "依据文件", help_text="据以编制的文件名称和文号，每行一份。", blank=True
    )
    effective_from = models.DateField("施行日期", null=True, blank=True)
    notes = models.TextField("说明", blank=True)
    status = models.CharField(
        "状态", max_length=16, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    # created_by/at and published_by/at: zhifa.versioned.models.PublishedVersion. A version of
    # the three lists is 废止 (repealed) by its successor, hence its own word for superseded_at.
    superseded_at = models.DateTimeField("废止时间", null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self",
        verbose_name="被以下版本替代",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = RestrictedManager()
    scope_org_path = "organisation"

    class Meta:
        verbose_name = "裁量清单版本"
        verbose_name_plural = "裁量清单版本"
        ordering = ["organisation_id", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "label"], name="discretion_version_label_unique_in_org"
            ),
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(status="published"),
                name="discretion_one_published_version_per_org",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def source_list(self) -> list[str]:
        return [line.strip() for line in self.sources.splitlines() if line.strip()]

    def describe(self) -> str:
        return f"清单版本“{self.label}”"

    def audit_snapshot(self) -> dict[str, Any]:
        return {
            "organisation": self.organisation_id,
            "label": self.label,
            "issuer": self.issuer,
            "sources": self.sources,
            "effective_from": self.effective_from.isoformat() if self.effective_from else None,
            "notes": self.notes,
            "status": self.status,
            "published_at": self.published_at.isoformat() if self.published_at else None,
            "superseded_by": self.superseded_by_id,
        }


class DiscretionItem(models.Model):
    """One entry of one of the three lists."""

    version = models.ForeignKey(
        DiscretionVersion, verbose_name="清单版本", on_delete=models.CASCADE, related_name="items"
    )
    code = models.CharField("事项编号", max_length=32)
    kind = models.CharField("清单", max_length=16, choices=ListKind.choices)
    field = models.ForeignKey(
        EnforcementField,
        verbose_name="执法领域",
        on_delete=models.PROTECT,
        related_name="discretion_items",
    )
    violation_code = models.CharField(
        "违法行为编码",
        max_length=64,
        db_index=True,
        help_text="同一违法行为在三张清单中的事项使用同一编码。",
    )
    violation = models.TextField("违法行为")
    violation_basis_law = models.CharField("违法依据（法律法规）", max_length=200)
    violation_basis_article = models.CharField("违法依据（条款）", max_length=100)
    discretion_basis_law = models.CharField("裁量依据（法律法规）", max_length=200)
    discretion_basis_article = models.CharField("裁量依据（条款）", max_length=100)
    conditions = models.JSONField("适用条件", default=list, blank=True)
    outcome = models.TextField("处理结果")
    penalty_min = models.DecimalField(
        "罚款下限（元）", max_digits=14, decimal_places=2, null=True, blank=True
    )
    penalty_max = models.DecimalField(
        "罚款上限（元）", max_digits=14, decimal_places=2, null=True, blank=True
    )
    penalty_text = models.CharField(
        "处罚幅度", max_length=200, blank=True, help_text="如“警告”“罚款 5000 元以上 1 万元以下”。"
    )
    compliance_item_code = models.CharField("对应合规指导事项编码", max_length=64, blank=True)
    source = models.CharField("出处", max_length=255, blank=True)
    is_paraphrased = models.BooleanField(
        "转述", default=False, help_text="未能逐字核对原文、按原意转述的事项。"
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", default=timezone.now)

    objects = RestrictedManager()
    scope_org_path = "version__organisation"

    class Meta:
        verbose_name = "裁量清单事项"
        verbose_name_plural = "裁量清单事项"
        ordering = ["version_id", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "code"], name="discretion_item_code_unique_in_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.violation[:30]}"

    @property
    def violation_basis(self) -> str:
        return f"{self.violation_basis_law}{self.violation_basis_article}"

    @property
    def discretion_basis(self) -> str:
        return f"{self.discretion_basis_law}{self.discretion_basis_article}"

    @property
    def violated_provision(self) -> str:
        """The provision violated: the 违法依据 without its last article, the 罚则."""
        return provisions(self.violation_basis_law, self.violation_basis_article)[0]

    @property
    def penalty_provision(self) -> str:
        """The 罚则 the penalty or the order to correct rests on: the last article of the
        违法依据."""
        return provisions(self.violation_basis_law, self.violation_basis_article)[1]

    @property
    def penalty_summary(self) -> str:
        """The penalty range in words: the text if given, else the amounts."""
        from zhifa.discretion.conditions import format_yuan

        if self.penalty_text:
            return self.penalty_text
        low, high = self.penalty_min, self.penalty_max
        if low is not None and high is not None:
            return f"罚款 {format_yuan(low)}以上 {format_yuan(high)}以下"
        if low is not None:
            return f"罚款 {format_yuan(low)}以上"
        if high is not None:
            return f"罚款 {format_yuan(high)}以下"
        return ""

    def condition_objects(self) -> list[Any]:
        from zhifa.discretion.conditions import parse_conditions

        return parse_conditions(self.conditions)

    def condition_texts(self) -> list[str]:
        from zhifa.discretion.conditions import describe

        return [describe(c) for c in self.condition_objects()]
