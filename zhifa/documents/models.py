"""Document kinds and their numbers (文号): ``舟卫执预〔2026〕12号``.

A number is reserved in its own committed transaction, then used by the document that carries
it or voided with a reason. Numbers are never handed out twice: a number whose document was
rolled back stays on record as voided, so every gap in a sequence is explained.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import timezone


class DocumentKind(models.Model):
    """A kind of 文书, e.g. 行政执法检查预告通知书 (执预). Configuration, editable in admin."""

    code = models.SlugField(
        "代码", max_length=64, unique=True, help_text="程序引用的英文代码，上线后请勿修改。"
    )
    name = models.CharField("文书名称", max_length=64, unique=True)
    abbreviation = models.CharField(
        "文书代字", max_length=16, help_text="文号中机关代字之后的文书代字，如“执预”。"
    )
    is_active = models.BooleanField("启用", default=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=100)

    class Meta:
        verbose_name = "文书种类"
        verbose_name_plural = "文书种类"
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.abbreviation}）"


class NumberingRule(models.Model):
    """Overrides the designator (机关代字+文书代字) one organisation uses for one kind."""

    organisation = models.ForeignKey(
        "org.Organisation",
        verbose_name="机构",
        on_delete=models.CASCADE,
        related_name="numbering_rules",
    )
    kind = models.ForeignKey(
        DocumentKind, verbose_name="文书种类", on_delete=models.CASCADE, related_name="rules"
    )
    designator = models.CharField(
        "文号代字",
        max_length=32,
        help_text="完整的代字，替代“机关代字+文书代字”，如“舟卫健执预”。",
    )

    scope_org_path = "organisation"

    class Meta:
        verbose_name = "文号规则"
        verbose_name_plural = "文号规则"
        ordering = ["organisation_id", "kind__sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind"], name="documents_rule_unique_org_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.kind.name}：{self.designator}"


class NumberSequence(models.Model):
    """The last number issued per organisation, kind and year; locked while a number is taken."""

    organisation = models.ForeignKey(
        "org.Organisation",
        verbose_name="机构",
        on_delete=models.PROTECT,
        related_name="number_sequences",
    )
    kind = models.ForeignKey(
        DocumentKind, verbose_name="文书种类", on_delete=models.PROTECT, related_name="sequences"
    )
    year = models.PositiveSmallIntegerField("年度")
    last_number = models.PositiveIntegerField("已用至", default=0)
    updated_at = models.DateTimeField("更新时间", default=timezone.now)

    scope_org_path = "organisation"

    class Meta:
        verbose_name = "文号序列"
        verbose_name_plural = "文号序列"
        ordering = ["organisation_id", "kind__sort_order", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "year"], name="documents_sequence_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.kind.name} · {self.year}：{self.last_number}"


class NumberStatus(models.TextChoices):
    RESERVED = "reserved", "已预留"
    USED = "used", "已使用"
    VOIDED = "voided", "已作废"


class DocumentNumber(models.Model):
    """One issued number and what became of it."""

    # Allowed transitions; anything else is refused with a clear error.
    TRANSITIONS: ClassVar[dict[str, tuple[str, ...]]] = {
        NumberStatus.RESERVED: (NumberStatus.USED, NumberStatus.VOIDED),
        NumberStatus.USED: (NumberStatus.VOIDED,),
        NumberStatus.VOIDED: (),
    }

    organisation = models.ForeignKey(
        "org.Organisation",
        verbose_name="机构",
        on_delete=models.PROTECT,
        related_name="document_numbers",
    )
    kind = models.ForeignKey(
        DocumentKind, verbose_name="文书种类", on_delete=models.PROTECT, related_name="numbers"
    )
    year = models.PositiveSmallIntegerField("年度")
    number = models.PositiveIntegerField("序号")
    text = models.CharField("文号", max_length=64, db_index=True)
    status = models.CharField(
        "状态", max_length=16, choices=NumberStatus.choices, default=NumberStatus.RESERVED
    )
    reserved_at = models.DateTimeField("预留时间", default=timezone.now)
    reserved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="预留人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    used_at = models.DateTimeField("使用时间", null=True, blank=True)
    voided_at = models.DateTimeField("作废时间", null=True, blank=True)
    void_reason = models.TextField("作废原因", blank=True)
    object_type = models.CharField("使用文书类型", max_length=100, blank=True)
    object_id = models.CharField("使用文书标识", max_length=64, blank=True)

    scope_org_path = "organisation"

    class Meta:
        verbose_name = "文号"
        verbose_name_plural = "文号"
        ordering = ["organisation_id", "kind__sort_order", "-year", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "year", "number"],
                name="documents_number_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "status"], name="documents_number_org_status"),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def used_by_label(self) -> str:
        """The document that carries this number, e.g. “行政检查通知书 #12”."""
        if not self.object_type:
            return ""
        try:
            model = apps.get_model(self.object_type)
        except (LookupError, ValueError):
            return f"{self.object_type} #{self.object_id}"
        return f"{model._meta.verbose_name} #{self.object_id}"

    def can_become(self, status: str) -> bool:
        return status in self.TRANSITIONS[NumberStatus(self.status)]

    def audit_snapshot(self) -> dict[str, Any]:
        return {
            "organisation": self.organisation_id,
            "kind": self.kind_id,
            "year": self.year,
            "number": self.number,
            "text": self.text,
            "status": self.status,
            "reserved_by": self.reserved_by_id,
            "used_at": self.used_at,
            "voided_at": self.voided_at,
            "void_reason": self.void_reason,
            "object_type": self.object_type,
            "object_id": self.object_id,
        }
