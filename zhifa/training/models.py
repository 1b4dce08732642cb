"""Training of enforcement officers (事前筑基): sessions, who attended with what hours and exam
score, and the yearly minimum hours per region.

A session is organised by a supervising body (司法局/司法所) for the agencies of its region, or by
an agency for its own officers; who may attend is that scope (``rules.attendee_refusal``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from zhifa.core.access import RestrictedManager
from zhifa.org.models import Officer, Organisation, Region

MAX_HOURS = Decimal("24.0")
DEFAULT_PASS_SCORE = Decimal("60")


class TrainingForm(models.TextChoices):
    CASE_ANALYSIS = "case_analysis", "案例分析"
    PRACTICE = "practice", "实务指导"
    QUESTIONS = "questions", "现场答疑"
    EXAM = "exam", "考试"


class TrainingSession(models.Model):
    """One training session (一次培训), with its attendees (``Attendance``)."""

    organiser = models.ForeignKey(
        Organisation,
        verbose_name="组织单位",
        on_delete=models.PROTECT,
        related_name="training_sessions",
    )
    region = models.ForeignKey(
        Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField("培训日期")
    form = models.CharField("培训形式", max_length=16, choices=TrainingForm.choices)
    topic = models.CharField("培训主题", max_length=200)
    trainer = models.CharField("授课人", max_length=100)
    place = models.CharField("培训地点", max_length=200)
    hours = models.DecimalField(
        "学时",
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(MAX_HOURS)],
    )
    # Only an exam has a pass mark; the pass/fail of each attendee is derived from it.
    pass_score = models.DecimalField(
        "合格分数线", max_digits=5, decimal_places=1, null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("登记时间", default=timezone.now)

    objects = RestrictedManager()
    scope_org_path = "organiser"
    scope_region_path = "region"

    class Meta:
        verbose_name = "培训"
        verbose_name_plural = "培训"
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["organiser", "date"], name="training_org_date")]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.topic}"

    @property
    def is_exam(self) -> bool:
        return self.form == TrainingForm.EXAM

    def audit_snapshot(self) -> dict[str, Any]:
        return {
            "organiser": self.organiser_id,
            "region": self.region_id,
            "date": self.date.isoformat(),
            "form": self.form,
            "topic": self.topic,
            "trainer": self.trainer,
            "place": self.place,
            "hours": str(self.hours),
            "pass_score": None if self.pass_score is None else str(self.pass_score),
        }


class Attendance(models.Model):
    """An officer at a session: the hours credited to him and, for an exam, his score."""

    session = models.ForeignKey(
        TrainingSession, verbose_name="培训", on_delete=models.CASCADE, related_name="attendances"
    )
    officer = models.ForeignKey(
        Officer, verbose_name="执法人员", on_delete=models.PROTECT, related_name="trainings"
    )
    hours = models.DecimalField("认定学时", max_digits=4, decimal_places=1)
    score = models.DecimalField(
        "考试成绩",
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    passed = models.BooleanField("考试合格", null=True, blank=True)
    created_at = models.DateTimeField("登记时间", default=timezone.now)

    objects = RestrictedManager()
    # An agency sees its own officers' records, whoever organised the session.
    scope_org_path = "officer__organisation"

    class Meta:
        verbose_name = "参训记录"
        verbose_name_plural = "参训记录"
        ordering = ["session_id", "officer__name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "officer"], name="training_attend_once"),
        ]

    def __str__(self) -> str:
        return f"{self.officer.name}（{self.session}）"

    @property
    def result_label(self) -> str:
        if self.passed is None:
            return ""
        return "合格" if self.passed else "不合格"

    def audit_snapshot(self) -> dict[str, Any]:
        return {
            "session": self.session_id,
            "officer": self.officer_id,
            "hours": str(self.hours),
            "score": None if self.score is None else str(self.score),
            "passed": self.passed,
        }


class TrainingRequirement(models.Model):
    """The yearly minimum training hours of an officer in a region; no region is the national
    default. The nearest region up the tree applies (``selectors.requirement_for``). No national
    figure has been verified, so none is seeded: the source of each figure is stated."""

    region = models.OneToOneField(
        Region,
        verbose_name="行政区划",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="training_requirement",
        help_text="空表示全国默认值；下级区划未设置时沿用上级。",
    )
    yearly_hours = models.DecimalField(
        "年度最低培训学时",
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5"))],
    )
    source = models.CharField("依据", max_length=255)
    updated_at = models.DateTimeField("更新时间", default=timezone.now)

    access_unrestricted: ClassVar[str] = "年度最低培训学时是公开的制度要求，各地依据一并公开。"

    class Meta:
        verbose_name = "年度培训学时要求"
        verbose_name_plural = "年度培训学时要求"
        # One row per region; the one national default (no region) is kept single by
        # ``services.set_requirement``, since NULLs are distinct to a unique constraint.
        ordering = ["region_id"]

    def __str__(self) -> str:
        where = self.region.name if self.region is not None else "全国"
        return f"{where}：每年不少于 {self.yearly_hours} 学时"

    def audit_snapshot(self) -> dict[str, Any]:
        return {
            "region": self.region_id,
            "yearly_hours": str(self.yearly_hours),
            "source": self.source,
        }
