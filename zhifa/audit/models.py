from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from zhifa.core.access import RestrictedQuerySet


class AuditRecordQuerySet(RestrictedQuerySet):
    def for_object(self, obj: models.Model) -> AuditRecordQuerySet:
        return self.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))


class AppendOnlyError(RuntimeError):
    pass


class AuditRecord(models.Model):
    """One link of the append-only, SM3-hash-chained record of every change (全过程记录)."""

    seq = models.BigAutoField("序号", primary_key=True)
    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Kept as text too, so the chain still verifies and reads after a user is renamed.
    actor_label = models.CharField("操作人", max_length=150)
    action = models.CharField("操作", max_length=64, db_index=True)
    summary = models.CharField("摘要", max_length=255, blank=True)
    object_type = models.CharField("对象类型", max_length=100)
    object_id = models.CharField("对象标识", max_length=64)
    # The region the object belongs to (its organisation's region, or its own), so that a
    # supervisor sees the records of its region subtree; empty for system-wide objects.
    region = models.ForeignKey(
        "org.Region",
        verbose_name="所属区划",
        # The code stays in the record (and its hash) whatever later happens to the region.
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    before = models.JSONField("变更前", null=True, blank=True)
    after = models.JSONField("变更后", null=True, blank=True)
    prev_hash = models.CharField("前一记录摘要", max_length=64)
    hash = models.CharField("本记录摘要", max_length=64, unique=True)

    objects = AuditRecordQuerySet.as_manager()

    scope_region_path = "region"

    class Meta:
        verbose_name = "审计记录"
        verbose_name_plural = "审计记录"
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("审计记录只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("审计记录只能追加，不能删除。")

    @property
    def actor_name(self) -> str:
        """Who acted as people read it (``zhifa.audit.display``), never the login name."""
        from zhifa.audit.display import actor_name

        return actor_name(self)

    @property
    def action_name(self) -> str:
        from zhifa.audit.display import action_label

        return action_label(self.action, self.summary)
