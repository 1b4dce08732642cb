"""State changes of the three lists; each is atomic and ends by writing its audit record.

Input problems raise ``ValidationError`` keyed by field name, in Chinese; forbidden actions
``PermissionDenied`` (403). Items are edited only while their version is a draft. Publishing a
draft supersedes the organisation's previously published version; a published version changes
only by drafting a revision (``revise_version``) and publishing that.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from zhifa.audit.services import record_change, snapshot
from zhifa.audit.sm3 import sm3_hex
from zhifa.core import access, timefmt
from zhifa.core.repealed import require_current_law
from zhifa.discretion import importing, rules
from zhifa.discretion.conditions import columns_from_conditions, parse_conditions
from zhifa.discretion.models import (
    DiscretionItem,
    DiscretionVersion,
    VersionStatus,
)
from zhifa.org.models import EnforcementField, Organisation
from zhifa.versioned import services as versioned
from zhifa.versioned.services import ImportOutcome

NOTHING_CHANGED = "未作任何修改，无需保存。"
VERSION_LABELS = {
    "label": "版本名称",
    "issuer": "发布机关",
    "sources": "依据文件",
    "effective_from": "施行日期",
    "notes": "说明",
}


# --- States ------------------------------------------------------------------------------------


# --- Versions ---------------------------------------------------------------------------------


def _clean_version(
    organisation: Organisation, data: Mapping[str, Any], *, instance: DiscretionVersion | None
) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for key, limit in (("label", 100), ("issuer", 200)):
        text = rules.clean_text(data.get(key, ""))
        cleaned[key] = text
        if not text:
            errors[key] = [f"请填写{VERSION_LABELS[key]}。"]
        elif len(text) > limit:
            errors[key] = [f"{VERSION_LABELS[key]}不能超过 {limit} 字，现为 {len(text)} 字。"]
    cleaned["sources"] = "\n".join(
        line.strip() for line in str(data.get("sources") or "").splitlines() if line.strip()
    )
    cleaned["notes"] = str(data.get("notes") or "").strip()
    cleaned["effective_from"] = data.get("effective_from") or None
    label = cleaned["label"]
    if label and "label" not in errors:
        clash = DiscretionVersion.objects.filter(organisation=organisation, label=label)
        if instance is not None:
            clash = clash.exclude(pk=instance.pk)
        if clash.exists():
            errors["label"] = [f"本机关已有名为“{label}”的清单版本，请换一个名称。"]
    if errors:
        raise ValidationError(errors)
    return cleaned


def create_version(
    *, organisation: Organisation, data: Mapping[str, Any], actor: Any
) -> DiscretionVersion:
    access.require(actor, "discretion.manage", organisation)
    if not organisation.is_enforcing:
        raise ValidationError(
            {"organisation": [f"{organisation.name}不是行政执法主体，不能编制裁量清单。"]}
        )
    with transaction.atomic():
        cleaned = _clean_version(organisation, data, instance=None)
        version = DiscretionVersion.objects.create(
            organisation=organisation,
            created_by=actor if getattr(actor, "pk", None) else None,
            **cleaned,
        )
        record_change(
            actor=actor,
            action="discretion.version.create",
            obj=version,
            after=snapshot(version),
            summary=f"起草裁量清单版本“{version.label}”",
        )
    return version


def update_version(
    version: DiscretionVersion, *, data: Mapping[str, Any], actor: Any
) -> DiscretionVersion:
    access.require(actor, "discretion.manage", version)
    with transaction.atomic():
        version = versioned.locked(version, "organisation")
        versioned.require_draft(version, doing="修改")
        before = snapshot(version)
        merged = {key: getattr(version, key) for key in VERSION_LABELS}
        merged.update(data)
        cleaned = _clean_version(version.organisation, merged, instance=version)
        for key, value in cleaned.items():
            setattr(version, key, value)
        after = snapshot(version)
        changed = [k for k in VERSION_LABELS if after.get(k) != before.get(k)]
        if not changed:
            raise ValidationError(NOTHING_CHANGED)
        version.save()
        record_change(
            actor=actor,
            action="discretion.version.update",
            obj=version,
            before=before,
            after=after,
            summary=f"修改裁量清单版本“{version.label}”的"
            + "、".join(VERSION_LABELS[k] for k in changed),
        )
    return version


def publish_version(version: DiscretionVersion, *, actor: Any) -> DiscretionVersion:
    """Publish a draft; the organisation's published version, if any, is superseded by it."""
    access.require(actor, "discretion.manage", version)

    def check(version: DiscretionVersion) -> None:
        if not version.items.exists():
            raise ValidationError(f"清单版本“{version.label}”还没有任何事项，不能公布。")
        bad = _invalid_items(version)
        if bad:
            raise ValidationError(
                f"清单版本“{version.label}”中以下事项的适用条件无效，请先修改：{'、'.join(bad)}。"
            )
        require_current_law(
            f"清单版本“{version.label}”",
            (
                (f"事项 {code}", law)
                for code, *laws in version.items.values_list(
                    "code", "violation_basis_law", "discretion_basis_law"
                )
                for law in laws
            ),
            # A list that takes effect later must cite what will be in force then.
            max(timezone.localdate(), version.effective_from or dt.date.min),
        )

    def previous(version: DiscretionVersion) -> list[DiscretionVersion]:
        # One published version per organisation (a constraint): it is the one replaced.
        found = (
            DiscretionVersion.objects.select_for_update()
            .filter(organisation_id=version.organisation_id, status=VersionStatus.PUBLISHED)
            .first()
        )
        return [found] if found is not None else []

    def audit(version: DiscretionVersion, superseded: list[DiscretionVersion]) -> dict[str, Any]:
        old = superseded[0] if superseded else None
        after = snapshot(version)
        after["item_count"] = version.items.count()
        after["superseded"] = old.pk if old else None
        return {
            "action": "discretion.version.publish",
            "after": after,
            "summary": f"公布裁量清单版本“{version.label}”"
            + (f"，原版本“{old.label}”同时废止" if old else ""),
        }

    return versioned.publish(
        version,
        actor=actor,
        previous=previous,
        check=check,
        audit=audit,
        before=snapshot,
        draft_first=True,
        link_superseded=True,
    )


def _invalid_items(version: DiscretionVersion) -> list[str]:
    from zhifa.discretion.conditions import ConditionError

    bad = []
    for code, conditions in version.items.values_list("code", "conditions"):
        try:
            if not parse_conditions(conditions):
                bad.append(code)
        except ConditionError:
            bad.append(code)
    return bad


def revise_version(version: DiscretionVersion, *, label: str, actor: Any) -> DiscretionVersion:
    """A new draft holding a copy of ``version``'s items, to be edited and published."""
    access.require(actor, "discretion.manage", version)
    with transaction.atomic():
        source = DiscretionVersion.objects.select_related("organisation").get(pk=version.pk)
        cleaned = _clean_version(
            source.organisation,
            {
                "label": label,
                "issuer": source.issuer,
                "sources": source.sources,
                "notes": source.notes,
            },
            instance=None,
        )
        draft = DiscretionVersion.objects.create(
            organisation=source.organisation,
            created_by=actor if getattr(actor, "pk", None) else None,
            **cleaned,
        )
        now = timezone.now()
        copies = []
        for item in source.items.all():
            item.pk = None
            item.version = draft
            item.created_at = now
            item.updated_at = now
            copies.append(item)
        DiscretionItem.objects.bulk_create(copies)
        after = snapshot(draft)
        after["copied_from"] = source.pk
        after["item_count"] = len(copies)
        record_change(
            actor=actor,
            action="discretion.version.revise",
            obj=draft,
            after=after,
            summary=f"以“{source.label}”为基础起草修订版本“{draft.label}”（{len(copies)} 项）",
        )
    return draft


# --- Items ------------------------------------------------------------------------------------


def item_snapshot(item: DiscretionItem) -> dict[str, Any]:
    data = snapshot(item, exclude=("created_at", "updated_at"))
    data["field"] = item.field.code if item.field_id else None
    data.pop("field_id", None)
    return data


def _resolve_field(organisation: Organisation, value: Any) -> EnforcementField | None:
    if isinstance(value, EnforcementField):
        value = value.code
    text = rules.clean_text(value)
    return importing.field_lookup(organisation).get(text) if text else None


def _clean_item(
    version: DiscretionVersion, data: Mapping[str, Any], *, instance: DiscretionItem | None
) -> dict[str, Any]:
    cleaned, errors = rules.check_item(dict(data))
    organisation = version.organisation
    field = _resolve_field(organisation, data.get("field"))
    if field is None:
        names = "、".join(sorted({f.name for f in importing.field_lookup(organisation).values()}))
        errors["field"] = f"执法领域：请选择{names}之一。"
    cleaned["field"] = field
    code = cleaned["code"]
    if code and "code" not in errors:
        clash = DiscretionItem.objects.filter(version=version, code=code)
        if instance is not None:
            clash = clash.exclude(pk=instance.pk)
        if clash.exists():
            errors["code"] = f"事项编号“{code}”在本版本中已经使用，请换一个编号。"
    if errors:
        raise ValidationError({key: [message] for key, message in errors.items()})
    return cleaned


def create_item(
    *, version: DiscretionVersion, data: Mapping[str, Any], actor: Any
) -> DiscretionItem:
    access.require(actor, "discretion.manage", version)
    try:
        with transaction.atomic():
            version = versioned.locked(version, "organisation")
            versioned.require_draft(version, doing="新增事项")
            cleaned = _clean_item(version, data, instance=None)
            now = timezone.now()
            item = DiscretionItem.objects.create(
                version=version, created_at=now, updated_at=now, **cleaned
            )
            record_change(
                actor=actor,
                action="discretion.item.create",
                obj=item,
                after=item_snapshot(item),
                summary=f"在“{version.label}”中新增裁量事项 {item.code}",
            )
    except IntegrityError:
        raise ValidationError(
            {"code": [f"事项编号“{data.get('code')}”在本版本中已经使用。"]}
        ) from None
    return item


def update_item(item: DiscretionItem, *, data: Mapping[str, Any], actor: Any) -> DiscretionItem:
    access.require(actor, "discretion.manage", item)
    with transaction.atomic():
        version = versioned.locked(item.version, "organisation")
        versioned.require_draft(version, doing="修改事项")
        item = DiscretionItem.objects.select_for_update().select_related("field").get(pk=item.pk)
        item.version = version
        before = item_snapshot(item)
        merged: dict[str, Any] = {key: getattr(item, key) for key in rules.ITEM_FIELDS}
        merged["field"] = item.field.code
        has_columns = any(k in data for k in _condition_keys())
        if has_columns:
            # Columns not named in ``data`` keep their current values.
            merged.pop("conditions")
            merged.update(columns_from_conditions(parse_conditions(item.conditions)))
        merged.update(data)
        cleaned = _clean_item(version, merged, instance=item)
        for key, value in cleaned.items():
            setattr(item, key, value)
        after = item_snapshot(item)
        changed = [key for key in after if after[key] != before.get(key)]
        if not changed:
            raise ValidationError(NOTHING_CHANGED)
        item.updated_at = timezone.now()
        item.save()
        labels = "、".join(rules.LABELS.get(key, key) for key in changed)
        record_change(
            actor=actor,
            action="discretion.item.update",
            obj=item,
            before=before,
            after=after,
            summary=f"修改裁量事项 {item.code} 的{labels}",
        )
    return item


def _condition_keys() -> tuple[str, ...]:
    from zhifa.discretion.conditions import CONDITION_KEYS

    return CONDITION_KEYS


def delete_item(item: DiscretionItem, *, actor: Any) -> None:
    access.require(actor, "discretion.manage", item)
    with transaction.atomic():
        version = versioned.locked(item.version, "organisation")
        versioned.require_draft(version, doing="删除事项")
        item = DiscretionItem.objects.select_related("field").get(pk=item.pk)
        before = item_snapshot(item)
        pk = item.pk
        region = version.organisation.region_id
        item.delete()
        record_change(
            actor=actor,
            action="discretion.item.delete",
            object_type="discretion.discretionitem",
            object_id=str(pk),
            region=region,
            before=before,
            summary=f"从“{version.label}”中删除裁量事项 {before['code']}",
        )


# --- Import -----------------------------------------------------------------------------------


def import_items(
    *, version: DiscretionVersion, file_name: str, content: bytes, actor: Any
) -> ImportOutcome:
    """Validate the whole file; when every row is good, create new codes and update existing
    ones of the draft in one transaction with one audit record. A file with any bad row writes
    nothing: the outcome's report lists every problem."""
    access.require(actor, "discretion.manage", version)
    versioned.require_draft(version, doing="导入事项")
    report = importing.validate_file(
        file_name=file_name, content=content, organisation=version.organisation
    )
    outcome = ImportOutcome(report)
    if not report.ok:
        return outcome
    now = timezone.now()
    with transaction.atomic():
        version = versioned.locked(version, "organisation")
        versioned.require_draft(version, doing="导入事项")
        existing = {
            i.code: i
            for i in DiscretionItem.objects.select_for_update()
            .select_related("field")
            .filter(version=version)
        }

        def touched(item: DiscretionItem) -> None:
            item.updated_at = now
            item.save()

        new = versioned.write_rows(
            outcome,
            existing=existing,
            make=lambda values: DiscretionItem(
                version=version, created_at=now, updated_at=now, **values
            ),
            snapshot=item_snapshot,
            save=touched,
        )
        DiscretionItem.objects.bulk_create(new)
        created, updated = outcome.created_codes, outcome.updated_codes
        record_change(
            actor=actor,
            action="discretion.item.import",
            obj=version,
            object_type="discretion.itemimport",
            object_id=f"{version.pk}-{timefmt.fmt_stamp(now)}",
            after={
                "version": version.pk,
                "file_name": file_name[:255],
                "file_sm3": sm3_hex(content),
                "file_size": len(content),
                "row_count": report.row_count,
                "created": created,
                "updated": updated,
                "unchanged": outcome.unchanged,
            },
            summary=(
                f"向“{version.label}”导入裁量清单文件“{file_name[:60]}”："
                f"新增 {outcome.created} 项、修改 {outcome.updated} 项、未变 {outcome.unchanged} 项"
            ),
        )
    return outcome
