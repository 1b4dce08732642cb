from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from zhifa.core.access import RestrictedManager
from zhifa.org.models import Organisation, Region
from zhifa.registry import industries


class CreditGrade(models.TextChoices):
    """信用风险分类: A is "无事不扰", D is sampled far more often."""

    A = "A", "A 类（信用风险低）"
    B = "B", "B 类（信用风险一般）"
    C = "C", "C 类（信用风险较高）"
    D = "D", "D 类（信用风险高）"


# What a grade means for the enterprise, as the plans apply it: each published annual plan
# samples the enterprises of each grade at its own ratio in the 双随机、一公开 draws
# (plans.PlanStratum), A "无事不扰" and D sampled far more often.
GRADE_MEANINGS = {
    CreditGrade.A: "信用风险低：“双随机、一公开”抽查按最低的比例抽取，做到“无事不扰”。",
    CreditGrade.B: "信用风险一般：“双随机、一公开”抽查按一般的比例抽取。",
    CreditGrade.C: (
        "信用风险较高：“双随机、一公开”抽查比例高于 A 类、B 类企业，被抽中检查的机会更多。"
    ),
    CreditGrade.D: "信用风险高：“双随机、一公开”抽查比例最高，被抽中检查最频繁。",
}
GRADE_BASIS = (
    "信用风险分类分 A、B、C、D 四类，记在检查对象名录库中；执法部门在公布的年度检查计划中为每一类"
    "企业定下抽查比例，“双随机、一公开”抽查时按这个比例随机抽取。"
)


class EnterpriseImport(models.Model):
    """One file imported into the 名录库: who, when, which file (SM3 of its bytes), how many."""

    file_name = models.CharField("文件名", max_length=255)
    file_sm3 = models.CharField("文件 SM3 摘要", max_length=64)
    file_size = models.PositiveIntegerField("文件大小（字节）")
    row_count = models.PositiveIntegerField("登记企业数")
    contact_count = models.PositiveIntegerField("联系人数")
    override_count = models.PositiveIntegerField("校验位人工复核数", default=0)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name="导入机构",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="导入人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("导入时间", default=timezone.now)

    objects = RestrictedManager()
    scope_org_path = "organisation"

    class Meta:
        verbose_name = "企业名录导入批次"
        verbose_name_plural = "企业名录导入批次"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.file_name}（{self.row_count} 家）"


class Enterprise(models.Model):
    """An entry of the 检查对象名录库."""

    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True)
    name = models.CharField("企业名称", max_length=200, db_index=True)
    legal_representative = models.CharField("法定代表人", max_length=64, blank=True)
    address = models.CharField("住所", max_length=255, blank=True)
    region = models.ForeignKey(
        Region, verbose_name="所在区划", on_delete=models.PROTECT, related_name="enterprises"
    )
    industry = models.CharField("行业", max_length=64, blank=True, db_index=True)
    # A GB/T 4754-2017 大类 code, or only the 门类 letter when that is all that is known; what
    # a draw's industry filter matches (zhifa.registry.industries).
    industry_code = models.CharField("行业代码", max_length=2, blank=True)
    credit_grade = models.CharField(
        "信用风险分类", max_length=1, choices=CreditGrade.choices, default=CreditGrade.B
    )
    # A real code that fails the GB 32100 check character is kept only after a person reviewed it.
    uscc_override = models.BooleanField("校验位人工复核通过", default=False)
    uscc_override_reason = models.CharField("人工复核说明", max_length=255, blank=True)
    uscc_override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="复核人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    uscc_override_at = models.DateTimeField("复核时间", null=True, blank=True)
    import_batch = models.ForeignKey(
        EnterpriseImport,
        verbose_name="导入批次",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enterprises",
    )
    created_at = models.DateTimeField("登记时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", default=timezone.now)

    objects = RestrictedManager()
    scope_region_path = "region"
    scope_enterprise_path = "pk"

    class Meta:
        verbose_name = "企业"
        verbose_name_plural = "企业"
        ordering = ["uscc"]
        indexes = [
            # Scoping filters by region code prefix (LIKE '3309%'); on PostgreSQL a plain
            # btree serves prefix matches only with the pattern operator class.
            models.Index(
                fields=["region"],
                name="registry_ent_region_prefix",
                opclasses=["varchar_pattern_ops"],
            ),
            # A draw streams each credit-grade stratum in code order; with every column it
            # reads in the index, that is one range scan of the index and no table lookups.
            models.Index(
                fields=["credit_grade", "uscc", "region", "industry_code"],
                name="registry_ent_draw_pool",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def credit_grade_meaning(self) -> str:
        return GRADE_MEANINGS.get(CreditGrade(self.credit_grade), "")

    @property
    def industry_code_label(self) -> str:
        """``62 餐饮业``, or "" when the enterprise has no 行业代码."""
        return industries.label(self.industry_code) if self.industry_code else ""

    @property
    def primary_contact(self) -> Contact | None:
        """The first contact in display order (uses prefetched contacts when present)."""
        contacts = list(self.contacts.all())
        return contacts[0] if contacts else None

    def audit_snapshot(self) -> dict[str, Any]:
        return {
            "uscc": self.uscc,
            "name": self.name,
            "legal_representative": self.legal_representative,
            "address": self.address,
            "region": self.region_id,
            "industry": self.industry,
            "industry_code": self.industry_code,
            "credit_grade": self.credit_grade,
            "uscc_override": self.uscc_override,
            "uscc_override_reason": self.uscc_override_reason,
            "uscc_override_by": self.uscc_override_by_id,
            "uscc_override_at": self.uscc_override_at,
            "contacts": [
                {
                    "name": c.name,
                    "mobile": c.mobile,
                    "email": c.email,
                    "is_primary": c.is_primary,
                }
                for c in (self.contacts.all() if self.pk else [])
            ],
        }


class Contact(models.Model):
    """Who receives inspection notices for an enterprise (送达联系人)."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField("联系人", max_length=64)
    mobile = models.CharField("手机号", max_length=20, blank=True)
    email = models.EmailField("电子邮箱", blank=True)
    is_primary = models.BooleanField("首要联系人", default=True)

    objects = RestrictedManager()
    scope_region_path = "enterprise__region"
    scope_enterprise_path = "enterprise"

    class Meta:
        verbose_name = "送达联系人"
        verbose_name_plural = "送达联系人"
        ordering = ["enterprise_id", "-is_primary", "name", "pk"]

    def __str__(self) -> str:
        return f"{self.name} {self.mobile}".strip()
