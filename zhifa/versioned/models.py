"""The version row of a published versioned list (see the package docstring)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

DRAFT = "draft"
PUBLISHED = "published"
SUPERSEDED = "superseded"
PUBLIC_STATUSES = (PUBLISHED, SUPERSEDED)


class Lifecycle(models.Model):
    """What every version row does with its app's ``status`` field and transition table."""

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        DRAFT: {PUBLISHED},
        PUBLISHED: {SUPERSEDED},
        SUPERSEDED: set(),
    }
    # What a refused edit of a non-draft says after “…当前状态为“已公布”，不能修改”.
    DRAFT_ONLY: ClassVar[str] = "（只有草稿可以修改）。"

    status: str

    class Meta:
        abstract = True

    def describe(self) -> str:
        """How a message names this list, e.g. 清单“舟山市合规指导清单（2026版）”."""
        return f"“{self}”"

    @property
    def state_label(self) -> str:
        field = self._meta.get_field("status")
        choices = dict(getattr(field, "flatchoices", ()))
        return str(choices.get(self.status, self.status))

    @property
    def is_draft(self) -> bool:
        return self.status == DRAFT

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES

    def may_become(self, target: str) -> bool:
        return target in self.TRANSITIONS.get(self.status, set())

    def transition_tail(self, target: str, doing: str) -> str:
        """What a refused move says after “…不能{doing}”."""
        return "。"


class PublishedVersion(Lifecycle):
    """A version that is drafted, published and superseded, with who did it and when."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="编制人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("编制时间", default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="公布人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField("公布时间", null=True, blank=True)
    superseded_at = models.DateTimeField("替代时间", null=True, blank=True)

    class Meta:
        abstract = True
