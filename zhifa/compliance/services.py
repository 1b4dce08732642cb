"""State changes of guidance lists and self-checks; each is atomic and ends by writing its audit
record.

Input problems raise ``ValidationError`` (keyed by field name where there is one), in Chinese;
forbidden actions ``PermissionDenied`` (403). A guidance version is edited only while it is a
draft; publishing it supersedes the publisher's previous published version of the same region.
A self-check is answered while in progress; a gap (不符合) may be marked corrected, with evidence,
before or after the self-check is completed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from zhifa.audit.services import record_change, snapshot
from zhifa.audit.sm3 import sm3_hex
from zhifa.compliance import importing, rules
from zhifa.compliance.models import (
    Answer,
    GuidanceItem,
    GuidanceVersion,
    SelfCheck,
    SelfCheckAnswer,
    SelfCheckBasis,
    SelfCheckStatus,
    VersionStatus,
)
from zhifa.core import access, timefmt, uploads
from zhifa.core.repealed import require_current_law
from zhifa.documents.models import Document
from zhifa.org.models import EnforcementField, Region
from zhifa.registry.models import Enterprise
from zhifa.versioned import services as versioned
from zhifa.versioned.services import ImportOutcome

NOTHING_CHANGED = "未作任何修改，无需保存。"


# --- Permissions and states --------------------------------------------------------------------


def version_snapshot(version: GuidanceVersion) -> dict[str, Any]:
    return snapshot(version, exclude=("created_at",))


def item_snapshot(item: GuidanceItem) -> dict[str, Any]:
    data = snapshot(item)
    data["field"] = item.field.code if item.field_id else None
    data.pop("field_id", None)
    return data


# --- Versions ----------------------------------------------------------------------------------

VERSION_KEYS = ("publisher", "label", "title", "source_note")


def _clean_version(data: Mapping[str, Any]) -> dict[str, str]:
    cleaned = {key: rules.clean_text(data.get(key, "")) for key in VERSION_KEYS}
    errors: dict[str, list[str]] = {}
    labels = {"publisher": "发布机关", "label": "版本", "title": "清单名称"}
    limits = {"publisher": 100, "label": 32, "title": 200}
    for key, label in labels.items():
        if not cleaned[key]:
            errors[key] = [f"请填写{label}。"]
        elif len(cleaned[key]) > limits[key]:
            errors[key] = [f"{label}不能超过 {limits[key]} 个字。"]
    if errors:
        raise ValidationError(errors)
    return cleaned


def create_version(*, region: Region, data: Mapping[str, Any], actor: Any) -> GuidanceVersion:
    """A new draft version of ``region``'s guidance list."""
    access.require(actor, "guidance.curate", region)
    cleaned = _clean_version(data)
    try:
        with transaction.atomic():
            version = GuidanceVersion.objects.create(
                region=region,
                created_by=actor if getattr(actor, "pk", None) else None,
                **cleaned,
            )
            record_change(
                actor=actor,
                action="compliance.version.create",
                obj=version,
                after=version_snapshot(version),
                summary=f"新建合规指导清单“{version.title}（{version.label}）”草稿",
            )
    except IntegrityError:
        raise ValidationError(
            {
                "label": [
                    f"{region.name}{cleaned['publisher']}已有版本“{cleaned['label']}”，请换一个版本名。"
                ]
            }
        ) from None
    return version


def update_version(
    version: GuidanceVersion, *, data: Mapping[str, Any], actor: Any
) -> GuidanceVersion:
    access.require(actor, "guidance.curate", version.region)
    try:
        with transaction.atomic():
            version = versioned.locked(version)
            versioned.require_draft(version, doing="修改")
            before = version_snapshot(version)
            merged = {key: getattr(version, key) for key in VERSION_KEYS}
            merged.update(data)
            for key, value in _clean_version(merged).items():
                setattr(version, key, value)
            after = version_snapshot(version)
            if after == before:
                raise ValidationError(NOTHING_CHANGED)
            version.save()
            record_change(
                actor=actor,
                action="compliance.version.update",
                obj=version,
                before=before,
                after=after,
                summary=f"修改合规指导清单“{version.title}（{version.label}）”",
            )
    except IntegrityError:
        raise ValidationError(
            {"label": ["该发布机关在本区划已有同名版本，请换一个版本名。"]}
        ) from None
    return version


def publish_version(version: GuidanceVersion, *, actor: Any) -> GuidanceVersion:
    """Publish a draft; the same publisher's published version of the region is superseded."""
    access.require(actor, "guidance.curate", version.region)

    def check(version: GuidanceVersion) -> None:
        if not GuidanceItem.objects.filter(version=version).exists():
            raise ValidationError(
                f"清单“{version.title}（{version.label}）”还没有任何条目，请先添加或导入条目再公布。"
            )
        require_current_law(
            f"清单“{version.title}（{version.label}）”",
            (
                (f"条目 {code}", law)
                for code, law in GuidanceItem.objects.filter(version=version)
                .order_by("position")
                .values_list("code", "legal_basis_law")
            ),
            timezone.localdate(),
        )

    def previous(version: GuidanceVersion) -> Iterable[GuidanceVersion]:
        return (
            GuidanceVersion.objects.select_for_update()
            .filter(
                region_id=version.region_id,
                publisher=version.publisher,
                status=VersionStatus.PUBLISHED,
            )
            .exclude(pk=version.pk)
        )

    def audit(version: GuidanceVersion, superseded: list[GuidanceVersion]) -> dict[str, Any]:
        replaced = "、".join(f"{old.label}" for old in superseded)
        return {
            "action": "compliance.version.publish",
            "after": {
                **version_snapshot(version),
                "items": GuidanceItem.objects.filter(version=version).count(),
                "superseded": [old.pk for old in superseded],
            },
            "summary": f"公布合规指导清单“{version.title}（{version.label}）”"
            + (f"，替代{replaced}" if replaced else ""),
        }

    return versioned.publish(
        version,
        actor=actor,
        previous=previous,
        check=check,
        audit=audit,
        before=lambda version: {"status": VersionStatus.DRAFT.value},
    )


# --- Items -------------------------------------------------------------------------------------


def _resolve_field(value: Any) -> EnforcementField | None:
    if isinstance(value, EnforcementField):
        return value
    text = rules.clean_text(value)
    return importing.field_lookup().get(text) if text else None


def _clean_item(
    version: GuidanceVersion, data: Mapping[str, Any], *, instance: GuidanceItem | None
) -> dict[str, Any]:
    cleaned, errors = rules.check_item(dict(data))
    field = _resolve_field(data.get("field"))
    if field is None:
        errors["field"] = f"执法领域：请选择{importing.field_names()}之一。"
    cleaned["field"] = field
    code = cleaned["code"]
    if code and "code" not in errors:
        clash = GuidanceItem.objects.filter(version=version, code=code)
        if instance is not None:
            clash = clash.exclude(pk=instance.pk)
        if clash.exists():
            errors["code"] = f"条目编码“{code}”在本清单中已经使用，请换一个编码。"
    if errors:
        raise ValidationError({key: [message] for key, message in errors.items()})
    return cleaned


def add_item(version: GuidanceVersion, *, data: Mapping[str, Any], actor: Any) -> GuidanceItem:
    access.require(actor, "guidance.curate", version.region)
    with transaction.atomic():
        version = versioned.locked(version)
        versioned.require_draft(version, doing="添加条目")
        cleaned = _clean_item(version, data, instance=None)
        if not cleaned["position"]:
            last = GuidanceItem.objects.filter(version=version).aggregate(m=Max("position"))["m"]
            cleaned["position"] = (last or 0) + 1
        item = GuidanceItem.objects.create(version=version, **cleaned)
        record_change(
            actor=actor,
            action="compliance.item.create",
            obj=item,
            after=item_snapshot(item),
            summary=f"在“{version.title}（{version.label}）”中新增条目 {item.code} {item.title}",
        )
    return item


def update_item(item: GuidanceItem, *, data: Mapping[str, Any], actor: Any) -> GuidanceItem:
    version = item.version
    access.require(actor, "guidance.curate", version.region)
    with transaction.atomic():
        version = versioned.locked(version)
        versioned.require_draft(version, doing="修改条目")
        item = GuidanceItem.objects.select_related("field").get(pk=item.pk)
        before = item_snapshot(item)
        merged: dict[str, Any] = {key: getattr(item, key) for key in rules.TEXT_KEYS}
        merged.update(
            field=item.field,
            industries=item.industries,
            inspection_item_codes=item.inspection_item_codes,
            position=item.position,
        )
        merged.update(data)
        for key, value in _clean_item(version, merged, instance=item).items():
            setattr(item, key, value)
        after = item_snapshot(item)
        changed = [key for key in after if after[key] != before.get(key)]
        if not changed:
            raise ValidationError(NOTHING_CHANGED)
        item.save()
        labels = "、".join(rules.LABELS.get(key, key) for key in changed)
        record_change(
            actor=actor,
            action="compliance.item.update",
            obj=item,
            before=before,
            after=after,
            summary=f"修改合规指导条目 {item.code} 的{labels}",
        )
    return item


def remove_item(item: GuidanceItem, *, actor: Any) -> None:
    version = item.version
    access.require(actor, "guidance.curate", version.region)
    with transaction.atomic():
        version = versioned.locked(version)
        versioned.require_draft(version, doing="删除条目")
        before = item_snapshot(item)
        pk, code = item.pk, item.code
        GuidanceItem.objects.filter(pk=pk).delete()
        record_change(
            actor=actor,
            action="compliance.item.delete",
            object_type="compliance.guidanceitem",
            object_id=str(pk),
            region=version.region_id,
            before=before,
            summary=f"从“{version.title}（{version.label}）”中删除条目 {code}",
        )


def import_items(
    version: GuidanceVersion, *, file_name: str, content: bytes, actor: Any
) -> ImportOutcome:
    """Validate the whole file; when every row is good, write it into the draft in one
    transaction with one audit record (file name, SM3, counts). A file with any bad row writes
    nothing: the outcome's report lists every problem."""
    access.require(actor, "guidance.curate", version.region)
    versioned.require_draft(version, doing="导入条目")
    report = importing.validate_file(file_name=file_name, content=content)
    outcome = ImportOutcome(report)
    if not report.ok:
        return outcome
    with transaction.atomic():
        version = versioned.locked(version)
        versioned.require_draft(version, doing="导入条目")
        existing = {i.code: i for i in GuidanceItem.objects.filter(version=version)}
        new = versioned.write_rows(
            outcome,
            existing=existing,
            make=lambda values: GuidanceItem(version=version, **values),
            snapshot=snapshot,
            save=lambda item: item.save(),
        )
        GuidanceItem.objects.bulk_create(new, batch_size=1000)
        record_change(
            actor=actor,
            action="compliance.item.import",
            obj=version,
            after={
                "file_name": file_name,
                "sm3": sm3_hex(content),
                "rows": report.row_count,
                "created": outcome.created,
                "updated": outcome.updated,
                "unchanged": outcome.unchanged,
            },
            summary=f"向“{version.title}（{version.label}）”导入 {report.row_count} 个条目"
            f"（新增 {outcome.created}，更新 {outcome.updated}，未变 {outcome.unchanged}）",
        )
    return outcome


# --- Self-checks -------------------------------------------------------------------------------


def version_for(enterprise: Enterprise) -> GuidanceVersion | None:
    """The published guidance list that applies to ``enterprise``: of the nearest region that
    has one (its county, city, province), the latest published."""
    published = list(
        GuidanceVersion.objects.filter(status=VersionStatus.PUBLISHED).select_related("region")
    )
    region_code = str(enterprise.region_id or "")
    covering = [v for v in published if region_code.startswith(v.region.code_prefix)]
    if not covering:
        return None
    covering.sort(
        key=lambda v: (len(v.region.code_prefix), v.published_at or v.created_at), reverse=True
    )
    return covering[0]


def answer_snapshot(answer: SelfCheckAnswer) -> dict[str, Any]:
    data = snapshot(answer, exclude=("evidence",))
    data["evidence"] = answer.evidence.name if answer.evidence else ""
    return data


def start_self_check(
    enterprise: Enterprise,
    *,
    actor: Any,
    inspection_item_codes: Sequence[str] | None = None,
    industry: str | None = None,
    notice: Document | None = None,
    version: GuidanceVersion | None = None,
) -> SelfCheck:
    """A self-check with one line per guidance item that applies.

    With ``inspection_item_codes`` (the items of an advance notice) the lines are the guidance
    items mapped to those inspection items; otherwise the items for the enterprise's industry
    (``industry`` or the one in the register), items that name no industry included."""
    access.require(actor, "selfcheck.edit", enterprise)
    version = version or version_for(enterprise)
    if version is None:
        raise ValidationError("本企业所在地区尚未公布合规指导清单，暂不能自查。")
    if version.status != VersionStatus.PUBLISHED:
        raise ValidationError(
            f"清单“{version.title}（{version.label}）”不是现行公布的版本，不能用于自查。"
        )
    items = GuidanceItem.objects.filter(version=version).order_by("position", "code")
    codes = rules.split_list(list(inspection_item_codes or []))
    if codes:
        basis = SelfCheckBasis.ITEMS
        wanted = set(codes)
        chosen = [i for i in items if wanted.intersection(i.inspection_item_codes or [])]
        industry_text = ""
        if not chosen:
            raise ValidationError(
                {
                    "inspection_item_codes": [
                        "检查事项“" + "、".join(codes) + "”在合规指导清单中没有对应的条目。"
                    ]
                }
            )
    else:
        basis = SelfCheckBasis.INDUSTRY
        industry_text = rules.clean_text(industry) or enterprise.industry
        if not industry_text:
            raise ValidationError({"industry": ["请选择本企业的行业，以便生成自查清单。"]})
        chosen = [i for i in items if not i.industries or industry_text in i.industries]
        if not chosen:
            raise ValidationError(
                {"industry": [f"合规指导清单中没有适用于“{industry_text}”的条目。"]}
            )
    if notice is not None and notice.recipient_enterprise_id != enterprise.pk:
        raise ValidationError({"notice": ["该检查预告通知书不是发给本企业的，不能据以自查。"]})
    with transaction.atomic():
        check = SelfCheck.objects.create(
            enterprise=enterprise,
            version=version,
            basis=basis,
            industry=industry_text,
            inspection_item_codes=codes,
            notice=notice,
            created_by=actor,
        )
        SelfCheckAnswer.objects.bulk_create(
            [SelfCheckAnswer(self_check=check, item=item) for item in chosen]
        )
        record_change(
            actor=actor,
            action="compliance.selfcheck.start",
            obj=check,
            after={**snapshot(check), "items": [i.code for i in chosen]},
            summary=f"{enterprise.name}开始自查（{len(chosen)} 项）",
            region=enterprise.region_id,
        )
    return check


def _locked_answer(answer: SelfCheckAnswer) -> SelfCheckAnswer:
    return (
        SelfCheckAnswer.objects.select_for_update()
        .select_related("self_check__enterprise", "item")
        .get(pk=answer.pk)
    )


def answer_item(
    answer: SelfCheckAnswer, *, value: str, note: str = "", actor: Any
) -> SelfCheckAnswer:
    """Record 符合 / 不符合 / 不适用 for one line of an in-progress self-check."""
    access.require(actor, "selfcheck.edit", answer.self_check.enterprise)
    if value not in (Answer.COMPLIES, Answer.VIOLATES, Answer.NOT_APPLICABLE):
        raise ValidationError({"answer": ["自查结论：请选择“符合”“不符合”或“不适用”。"]})
    note = rules.clean_text(note)
    if value == Answer.VIOLATES and not note:
        raise ValidationError({"note": ["选择“不符合”时，请说明存在的问题。"]})
    with transaction.atomic():
        answer = _locked_answer(answer)
        check = answer.self_check
        if check.status != SelfCheckStatus.IN_PROGRESS:
            raise ValidationError("该自查已完成，不能再修改自查结论；如需重新自查请新建一次自查。")
        if answer.is_corrected and value != Answer.VIOLATES:
            raise ValidationError(f"条目 {answer.item.code} 已登记整改，不能再改为其他结论。")
        before = answer_snapshot(answer)
        answer.answer = value
        answer.note = note
        answer.answered_at = timezone.now()
        answer.save(update_fields=["answer", "note", "answered_at"])
        record_change(
            actor=actor,
            action="compliance.selfcheck.answer",
            obj=answer,
            before=before,
            after=answer_snapshot(answer),
            summary=f"自查条目 {answer.item.code}：{Answer(value).label}",
            region=check.enterprise.region_id,
        )
    return answer


def complete_self_check(check: SelfCheck, *, actor: Any) -> SelfCheck:
    access.require(actor, "selfcheck.edit", check.enterprise)
    with transaction.atomic():
        check = SelfCheck.objects.select_for_update().select_related("enterprise").get(pk=check.pk)
        if SelfCheckStatus.COMPLETED not in SelfCheck.TRANSITIONS[SelfCheckStatus(check.status)]:
            raise ValidationError("该自查已完成，无需重复提交。")
        pending = list(
            check.answers.filter(answer=Answer.PENDING)
            .order_by("item__position", "item__code")
            .values_list("item__code", flat=True)
        )
        if pending:
            raise ValidationError(
                f"还有 {len(pending)} 项未填写自查结论（{'、'.join(pending[:10])}"
                + ("等" if len(pending) > 10 else "")
                + "），请全部填写后再完成自查。"
            )
        check.status = SelfCheckStatus.COMPLETED
        check.completed_at = timezone.now()
        check.save(update_fields=["status", "completed_at"])
        counts = {
            value: check.answers.filter(answer=value).count()
            for value in (Answer.COMPLIES, Answer.VIOLATES, Answer.NOT_APPLICABLE)
        }
        record_change(
            actor=actor,
            action="compliance.selfcheck.complete",
            obj=check,
            before={"status": SelfCheckStatus.IN_PROGRESS.value},
            after={"status": check.status, "completed_at": check.completed_at, **counts},
            summary=f"{check.enterprise.name}完成自查：符合 {counts[Answer.COMPLIES]} 项，"
            f"不符合 {counts[Answer.VIOLATES]} 项，不适用 {counts[Answer.NOT_APPLICABLE]} 项",
            region=check.enterprise.region_id,
        )
    return check


def record_correction(
    answer: SelfCheckAnswer,
    *,
    corrected_on: dt.date,
    evidence: File,
    note: str = "",
    actor: Any,
) -> SelfCheckAnswer:
    """Mark a gap corrected on ``corrected_on`` with an evidence file (stored in the default
    storage); the inspection case reads it through ``selectors.self_corrections``."""
    access.require(actor, "selfcheck.edit", answer.self_check.enterprise)
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    if corrected_on is None:
        errors["corrected_on"] = ["请填写整改完成日期。"]
    elif corrected_on > today:
        errors["corrected_on"] = [f"整改完成日期不能晚于今天（{today:%Y-%m-%d}）。"]
    name = getattr(evidence, "name", "") or ""
    if evidence is None or not name:
        errors["evidence"] = ["请上传整改证明材料（照片、票据或报告）。"]
    else:
        try:
            uploads.check_upload(evidence, types=uploads.EVIDENCE, label="整改证明材料")
        except uploads.UploadError as error:
            errors["evidence"] = [str(error)]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        answer = _locked_answer(answer)
        if answer.answer != Answer.VIOLATES:
            raise ValidationError(f"条目 {answer.item.code} 的自查结论不是“不符合”，无需登记整改。")
        if answer.is_corrected:
            raise ValidationError(
                f"条目 {answer.item.code} 已于 {answer.corrected_on:%Y-%m-%d} 登记整改。"
            )
        created = timefmt.beijing_date(answer.self_check.created_at)
        if corrected_on < created:
            raise ValidationError(
                {
                    "corrected_on": [
                        f"整改完成日期不能早于本次自查开始的日期（{created:%Y-%m-%d}）。"
                    ]
                }
            )
        before = answer_snapshot(answer)
        answer.corrected_on = corrected_on
        answer.correction_note = rules.clean_text(note)
        answer.corrected_by = actor
        answer.corrected_at = timezone.now()
        answer.evidence.save(name.rsplit("/", 1)[-1], evidence, save=False)
        answer.save()
        record_change(
            actor=actor,
            action="compliance.selfcheck.correct",
            obj=answer,
            before=before,
            after=answer_snapshot(answer),
            summary=f"{answer.self_check.enterprise.name}登记条目 {answer.item.code} 已于"
            f" {corrected_on:%Y-%m-%d} 整改",
            region=answer.self_check.enterprise.region_id,
        )
    return answer
