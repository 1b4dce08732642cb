"""State changes of inspection-item lists and annual plans; each is atomic and ends by writing
its audit record.

Input problems raise ``ValidationError`` keyed by field name, in Chinese; forbidden actions
``PermissionDenied`` (403). A plan is edited only while it is a draft; once approved it changes
only by being returned to draft, and once published only by a published ``PlanAmendment``.

Amendment operations (``changes``, a list of dicts, applied in order):

- ``{"op": "add_task", "quarter": 3, "name": "…", "kind": "random", "field": "health",
  "items": ["WJ-01"], "region": "330900", "all_industries": false, "industries": [],
  "officers_per_inspection": 2}`` (industries empty: those of the items; see ``plans.scope``)
- ``{"op": "cancel_task", "task": 12}``
- ``{"op": "set_stratum_ratio", "grade": "C", "ratio": "15"}`` (adds the stratum if missing)
- ``{"op": "add_item", "item": "WJ-07"}``
- ``{"op": "remove_item", "item": "WJ-02"}`` (refused while an active task uses it)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from zhifa.audit.services import record_change, snapshot
from zhifa.audit.sm3 import sm3_hex
from zhifa.core import access, params, timefmt
from zhifa.org.models import EnforcementField, Organisation, Region
from zhifa.plans import importing, rules, scope
from zhifa.plans.models import (
    AmendmentStatus,
    AnnualPlan,
    InspectionItem,
    PlanAmendment,
    PlanStatus,
    PlanStratum,
    PlanTask,
    TaskKind,
)
from zhifa.registry import industries
from zhifa.registry.models import CreditGrade
from zhifa.versioned import services as versioned
from zhifa.versioned.services import ImportOutcome

ITEM_FIELDS = (
    "code",
    "name",
    "field",
    "legal_basis_law",
    "legal_basis_article",
    "standard",
    "checklist",
    "method",
    "yearly_cap",
    "quiet_period_days",
    "industries",
)
AMENDMENT_OPS = {
    "add_task": "新增任务",
    "cancel_task": "撤销任务",
    "set_stratum_ratio": "调整抽查比例",
    "add_item": "增加检查事项",
    "remove_item": "移除检查事项",
}
NOTHING_CHANGED = "未作任何修改，无需保存。"


# --- Checks ------------------------------------------------------------------------------------


def _check_organisation(organisation: Organisation) -> None:
    if not organisation.is_enforcing:
        raise ValidationError(
            {"organisation": [f"{organisation.name}不是行政执法主体，不能编制检查事项和计划。"]}
        )


# --- Inspection items -------------------------------------------------------------------------


def item_snapshot(item: InspectionItem) -> dict[str, Any]:
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
    organisation: Organisation, data: Mapping[str, Any], *, instance: InspectionItem | None
) -> dict[str, Any]:
    cleaned, errors = rules.check_item(dict(data))
    field = _resolve_field(organisation, data.get("field"))
    if field is None:
        names = "、".join(f.name for f in organisation.fields.all()) or "（本机关未设执法领域）"
        errors["field"] = f"执法领域：请选择{organisation.name}的执法领域（{names}）之一。"
    cleaned["field"] = field
    code = cleaned["code"]
    if code and "code" not in errors:
        clash = InspectionItem.objects.filter(organisation=organisation, code=code)
        if instance is not None:
            clash = clash.exclude(pk=instance.pk)
        if clash.exists():
            errors["code"] = f"事项编码“{code}”在本机关的检查事项清单中已经使用，请换一个编码。"
    if errors:
        raise ValidationError({key: [message] for key, message in errors.items()})
    return cleaned


def create_item(
    *, organisation: Organisation, data: Mapping[str, Any], actor: Any
) -> InspectionItem:
    access.require(actor, "item.edit", organisation)
    _check_organisation(organisation)
    try:
        with transaction.atomic():
            cleaned = _clean_item(organisation, data, instance=None)
            now = timezone.now()
            item = InspectionItem.objects.create(
                organisation=organisation, created_at=now, updated_at=now, **cleaned
            )
            record_change(
                actor=actor,
                action="plans.item.create",
                obj=item,
                after=item_snapshot(item),
                summary=f"新增检查事项 {item.code} {item.name}",
            )
    except IntegrityError:
        raise ValidationError(
            {"code": [f"事项编码“{data.get('code')}”在本机关的检查事项清单中已经使用。"]}
        ) from None
    return item


def update_item(item: InspectionItem, *, data: Mapping[str, Any], actor: Any) -> InspectionItem:
    access.require(actor, "item.edit", item)
    with transaction.atomic():
        item = (
            InspectionItem.objects.select_for_update()
            .select_related("organisation", "field")
            .get(pk=item.pk)
        )
        before = item_snapshot(item)
        merged = {key: getattr(item, key) for key in ITEM_FIELDS}
        merged["is_active"] = item.is_active
        merged.update(data)
        cleaned = _clean_item(item.organisation, merged, instance=item)
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
            action="plans.item.update",
            obj=item,
            before=before,
            after=after,
            summary=f"修改检查事项 {item.code} 的{labels}",
        )
    return item


def deactivate_item(item: InspectionItem, *, actor: Any) -> InspectionItem:
    """Take an item off the list in force; published plans keep showing it as it was."""
    access.require(actor, "item.edit", item)
    with transaction.atomic():
        item = InspectionItem.objects.select_for_update().get(pk=item.pk)
        if not item.is_active:
            raise ValidationError(f"检查事项 {item.code} 已停用，无需重复停用。")
        before = item_snapshot(item)
        item.is_active = False
        item.updated_at = timezone.now()
        item.save(update_fields=["is_active", "updated_at"])
        record_change(
            actor=actor,
            action="plans.item.deactivate",
            obj=item,
            before=before,
            after=item_snapshot(item),
            summary=f"停用检查事项 {item.code} {item.name}",
        )
    return item


def import_items(
    *, organisation: Organisation, file_name: str, content: bytes, actor: Any
) -> ImportOutcome:
    """Validate the whole file; when every row is good, create new codes and update existing
    ones in one transaction with one audit record (file name, SM3, counts, codes). A file with
    any bad row writes nothing: the outcome's report lists every problem."""
    access.require(actor, "item.edit", organisation)
    _check_organisation(organisation)
    report = importing.validate_file(
        file_name=file_name, content=content, organisation=organisation
    )
    if not report.ok:
        return ImportOutcome(report)
    outcome = ImportOutcome(report)
    now = timezone.now()
    with transaction.atomic():
        existing = {
            item.code: item
            for item in InspectionItem.objects.select_for_update()
            .select_related("field")
            .filter(organisation=organisation)
        }

        def touched(item: InspectionItem) -> None:
            item.updated_at = now
            item.save()

        new = versioned.write_rows(
            outcome,
            existing=existing,
            make=lambda values: InspectionItem(
                organisation=organisation, created_at=now, updated_at=now, **values
            ),
            snapshot=item_snapshot,
            save=touched,
        )
        InspectionItem.objects.bulk_create(new)
        created_codes, updated_codes = outcome.created_codes, outcome.updated_codes
        record_change(
            actor=actor,
            action="plans.item.import",
            obj=organisation,
            object_type="plans.itemimport",
            object_id=f"{organisation.pk}-{timefmt.fmt_stamp(now)}",
            after={
                "organisation": organisation.pk,
                "file_name": file_name[:255],
                "file_sm3": sm3_hex(content),
                "file_size": len(content),
                "row_count": report.row_count,
                "created": created_codes,
                "updated": updated_codes,
                "unchanged": outcome.unchanged,
            },
            summary=(
                f"导入检查事项清单文件“{file_name[:80]}”：新增 {outcome.created} 项、"
                f"修改 {outcome.updated} 项、未变 {outcome.unchanged} 项"
            ),
        )
    return outcome


# --- Plans: snapshot and checks ----------------------------------------------------------------


def plan_snapshot(plan: AnnualPlan) -> dict[str, Any]:
    """The whole plan as published: items, strata and tasks, for audit and amendments."""
    return {
        "organisation": plan.organisation_id,
        "year": plan.year,
        "title": plan.title,
        "description": plan.description,
        "status": plan.status,
        "items": sorted(plan.items.values_list("code", flat=True)),
        "strata": [
            {
                "code": s.code,
                "name": s.name,
                "credit_grade": s.credit_grade,
                "sampling_ratio": str(s.sampling_ratio),
            }
            for s in plan.strata.order_by("code")
        ],
        "tasks": [
            {
                "id": t.pk,
                "quarter": t.quarter,
                "name": t.name,
                "kind": t.kind,
                "field": t.field.code,
                "items": sorted(i.code for i in t.items.all()),
                "region": t.region_id,
                "all_industries": t.all_industries,
                "industries": list(t.industries or []),
                "officers_per_inspection": t.officers_per_inspection,
                "is_cancelled": t.is_cancelled,
            }
            for t in plan.tasks.select_related("field").prefetch_related("items").order_by("pk")
        ],
    }


def _require_status(plan: AnnualPlan, *allowed: str, doing: str) -> None:
    if plan.status not in allowed:
        if plan.status == PlanStatus.PUBLISHED:
            hint = "已公布的计划只能通过公布“计划调整”变更。"
        elif plan.status == PlanStatus.APPROVED:
            hint = "已批准的计划须先退回草稿才能修改。"
        else:
            hint = "请先完成前一步。"
        raise versioned.refused(plan, doing, f"。{hint}")


def _clean_plan(data: Mapping[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    title = rules.clean_text(data.get("title", ""))
    if not title:
        errors["title"] = ["计划名称：请填写计划名称，如“2026年度行政检查计划”。"]
    elif len(title) > 200:
        errors["title"] = [f"计划名称不能超过 200 字，现为 {len(title)} 字。"]
    year, message = rules.parse_int(
        data.get("year", ""), label="年度", low=2000, high=2100, default=0
    )
    if message:
        errors["year"] = [message]
    elif not year:
        errors["year"] = ["年度：请填写计划年度，如 2026。"]
    if errors:
        raise ValidationError(errors)
    return {
        "title": title,
        "year": year,
        "description": rules.clean_text(data.get("description", "")),
    }


# --- Plans: drafting --------------------------------------------------------------------------


def create_plan(*, organisation: Organisation, data: Mapping[str, Any], actor: Any) -> AnnualPlan:
    access.require(actor, "plan.edit", organisation)
    _check_organisation(organisation)
    cleaned = _clean_plan(data)
    if AnnualPlan.objects.filter(organisation=organisation, year=cleaned["year"]).exists():
        raise ValidationError(
            {
                "year": [
                    f"年度：{organisation.name}已有 {cleaned['year']} 年度的执法计划，"
                    "每年只能编制一份。"
                ]
            }
        )
    try:
        with transaction.atomic():
            plan = AnnualPlan.objects.create(organisation=organisation, created_by=actor, **cleaned)
            record_change(
                actor=actor,
                action="plans.plan.create",
                obj=plan,
                after=plan_snapshot(plan),
                summary=f"编制年度执法计划“{plan.title}”",
            )
    except IntegrityError:
        raise ValidationError(
            {"year": [f"年度：{organisation.name}已有 {cleaned['year']} 年度的执法计划。"]}
        ) from None
    return plan


def update_plan(plan: AnnualPlan, *, data: Mapping[str, Any], actor: Any) -> AnnualPlan:
    access.require(actor, "plan.edit", plan)
    with transaction.atomic():
        plan = versioned.locked(plan, "organisation")
        _require_status(plan, PlanStatus.DRAFT, doing="修改")
        merged = {"title": plan.title, "year": plan.year, "description": plan.description}
        merged.update(data)
        cleaned = _clean_plan(merged)
        if (
            cleaned["year"] != plan.year
            and AnnualPlan.objects.filter(
                organisation_id=plan.organisation_id, year=cleaned["year"]
            )
            .exclude(pk=plan.pk)
            .exists()
        ):
            raise ValidationError(
                {"year": [f"年度：本机关已有 {cleaned['year']} 年度的执法计划。"]}
            )
        before = plan_snapshot(plan)
        for key, value in cleaned.items():
            setattr(plan, key, value)
        plan.save()
        after = plan_snapshot(plan)
        if after == before:
            raise ValidationError(NOTHING_CHANGED)
        record_change(
            actor=actor,
            action="plans.plan.update",
            obj=plan,
            before=before,
            after=after,
            summary=f"修改年度执法计划“{plan.title}”",
        )
    return plan


def _plan_items(
    plan: AnnualPlan, items: Iterable[Any], *, active_only: bool
) -> list[InspectionItem]:
    ids = [item.pk if isinstance(item, InspectionItem) else int(item) for item in items]
    found = {
        i.pk: i
        for i in InspectionItem.objects.filter(organisation_id=plan.organisation_id, pk__in=ids)
    }
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise ValidationError({"items": ["检查事项：所选事项不存在或不属于本机关的检查事项清单。"]})
    if active_only:
        inactive = [i.code for i in found.values() if not i.is_active]
        if inactive:
            raise ValidationError(
                {"items": [f"检查事项：{'、'.join(sorted(inactive))} 已停用，不能列入计划。"]}
            )
    return [found[pk] for pk in ids]


def add_plan_items(plan: AnnualPlan, *, items: Iterable[Any], actor: Any) -> AnnualPlan:
    access.require(actor, "plan.edit", plan)
    with transaction.atomic():
        plan = versioned.locked(plan, "organisation")
        _require_status(plan, PlanStatus.DRAFT, doing="增加检查事项")
        chosen = _plan_items(plan, items, active_only=True)
        if not chosen:
            raise ValidationError({"items": ["检查事项：请至少选择一个检查事项。"]})
        before = plan_snapshot(plan)
        plan.items.add(*chosen)
        after = plan_snapshot(plan)
        if after == before:
            raise ValidationError({"items": ["检查事项：所选事项均已在计划中。"]})
        added = sorted(set(after["items"]) - set(before["items"]))
        record_change(
            actor=actor,
            action="plans.plan.add_items",
            obj=plan,
            before=before,
            after=after,
            summary=f"计划“{plan.title}”增加检查事项 {'、'.join(added)}",
        )
    return plan


def remove_plan_item(plan: AnnualPlan, *, item: InspectionItem, actor: Any) -> AnnualPlan:
    access.require(actor, "plan.edit", plan)
    with transaction.atomic():
        plan = versioned.locked(plan, "organisation")
        _require_status(plan, PlanStatus.DRAFT, doing="移除检查事项")
        before = plan_snapshot(plan)
        _remove_item(plan, item)
        record_change(
            actor=actor,
            action="plans.plan.remove_item",
            obj=plan,
            before=before,
            after=plan_snapshot(plan),
            summary=f"计划“{plan.title}”移除检查事项 {item.code}",
        )
    return plan


def _remove_item(plan: AnnualPlan, item: InspectionItem) -> None:
    if not plan.items.filter(pk=item.pk).exists():
        raise ValidationError({"items": [f"检查事项：{item.code} 不在计划中。"]})
    users = plan.tasks.filter(is_cancelled=False, items=item).values_list("name", flat=True)
    if users:
        raise ValidationError(
            {
                "items": [
                    f"检查事项：{item.code} 仍被任务“{'”“'.join(users)}”使用，"
                    "请先撤销这些任务再移除该事项。"
                ]
            }
        )
    plan.items.remove(item)


def _clean_ratio(value: Any, grade: str) -> Decimal:
    text = rules.clean_text(value).rstrip("%％")
    try:
        ratio = Decimal(text)
    except InvalidOperation:
        raise ValidationError(
            {f"ratio_{grade}": [f"{grade} 类抽查比例：“{text}”不是数字，请填写 0–100 的百分比。"]}
        ) from None
    if not ratio.is_finite() or not Decimal(0) <= ratio <= Decimal(100):
        raise ValidationError(
            {f"ratio_{grade}": [f"{grade} 类抽查比例应在 0 至 100 之间，填写的是 {text}。"]}
        )
    if ratio != ratio.quantize(Decimal("0.01")):
        raise ValidationError(
            {f"ratio_{grade}": [f"{grade} 类抽查比例最多保留两位小数，填写的是 {text}。"]}
        )
    return ratio.quantize(Decimal("0.01"))


def _stratum_name(grade: str) -> str:
    return str(CreditGrade(grade).label)


def _set_ratio(plan: AnnualPlan, grade: str, ratio: Decimal) -> None:
    PlanStratum.objects.update_or_create(
        plan=plan,
        code=grade,
        defaults={"name": _stratum_name(grade), "credit_grade": grade, "sampling_ratio": ratio},
    )


def set_strata(plan: AnnualPlan, *, ratios: Mapping[str, Any], actor: Any) -> AnnualPlan:
    """Replace the plan's strata by one per credit-risk grade given (grade → ratio in %)."""
    access.require(actor, "plan.edit", plan)
    cleaned: dict[str, Decimal] = {}
    for grade, value in ratios.items():
        if grade not in CreditGrade.values:
            raise ValidationError(
                {"strata": [f"抽查分层：“{grade}”不是信用风险分类，应为 A、B、C、D。"]}
            )
        if rules.clean_text(value) == "":
            continue
        cleaned[grade] = _clean_ratio(value, grade)
    if not cleaned:
        raise ValidationError({"strata": ["抽查分层：请至少为一类信用风险分类填写抽查比例。"]})
    with transaction.atomic():
        plan = versioned.locked(plan, "organisation")
        _require_status(plan, PlanStatus.DRAFT, doing="设置抽查分层")
        before = plan_snapshot(plan)
        plan.strata.exclude(code__in=list(cleaned)).delete()
        for grade, ratio in sorted(cleaned.items()):
            _set_ratio(plan, grade, ratio)
        after = plan_snapshot(plan)
        if after == before:
            raise ValidationError(NOTHING_CHANGED)
        text = "、".join(f"{g} {r}%" for g, r in sorted(cleaned.items()))
        record_change(
            actor=actor,
            action="plans.plan.set_strata",
            obj=plan,
            before=before,
            after=after,
            summary=f"计划“{plan.title}”设置抽查分层：{text}",
        )
    return plan


def _clean_task(plan: AnnualPlan, data: Mapping[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    quarter, message = rules.parse_int(
        data.get("quarter", ""), label="季度", low=1, high=4, default=0
    )
    if message or not quarter:
        errors["quarter"] = [message or "季度：请选择第 1–4 季度。"]
    name = rules.clean_text(data.get("name", ""))
    if not name:
        errors["name"] = ["任务名称：请填写任务名称。"]
    elif len(name) > 200:
        errors["name"] = [f"任务名称不能超过 200 字，现为 {len(name)} 字。"]
    kind = rules.clean_text(data.get("kind", ""))
    if kind not in TaskKind.values:
        errors["kind"] = ["任务类型：应为" + "、".join(str(k.label) for k in TaskKind) + "之一。"]
    field = _resolve_field(plan.organisation, data.get("field"))
    if field is None:
        errors["field"] = ["执法领域：请选择本机关的执法领域。"]
    region_value = data.get("region")
    region_code = (
        region_value.code if isinstance(region_value, Region) else rules.clean_text(region_value)
    )
    region = Region.objects.filter(code=region_code).first() if region_code else None
    home = plan.organisation.region
    if region is None:
        errors["region"] = [f"抽查范围：请填写行政区划代码，如 {home.code}。"]
    elif not region.code.startswith(home.code_prefix):
        errors["region"] = [
            f"抽查范围：{region.name}（{region.code}）不在{plan.organisation.name}的辖区{home.name}内。"
        ]
    officers, message = rules.parse_int(
        data.get("officers_per_inspection", ""), label="每户检查人员数", low=2, high=20, default=2
    )
    if message:
        errors["officers_per_inspection"] = [
            message + "行政处罚法第四十二条：执法人员不得少于两人。"
        ]
    raw_items = list(data.get("items") or [])
    items: list[InspectionItem] = []
    if not raw_items:
        errors["items"] = ["检查事项：请至少选择一个本计划中的检查事项。"]
    else:
        in_plan = {i.pk: i for i in plan.items.all()}
        by_code = {i.code: i for i in in_plan.values()}
        for raw in raw_items:
            if isinstance(raw, InspectionItem):
                found = in_plan.get(raw.pk)
            elif isinstance(raw, int) or (
                isinstance(raw, str) and params.is_digits(raw) and raw not in by_code
            ):
                found = in_plan.get(int(raw))
            else:
                found = by_code.get(rules.clean_text(raw))
            if found is None:
                errors["items"] = [f"检查事项：“{raw}”不在本计划的检查事项中，请先把它列入计划。"]
                break
            items.append(found)
        if field is not None and "items" not in errors:
            other = [i.code for i in items if i.field_id != field.pk]
            if other:
                errors["items"] = [
                    f"检查事项：{'、'.join(other)} 不属于执法领域“{field.name}”，"
                    "一个任务只检查同一领域的事项。"
                ]
    all_industries = False
    industry_codes: list[str] = []
    if "items" not in errors:
        all_industries, industry_codes, message = scope.clean(data, items)
        if message:
            errors["industries"] = [message]
    if errors:
        raise ValidationError(errors)
    return {
        "quarter": quarter,
        "name": name,
        "kind": kind,
        "field": field,
        "region": region,
        "all_industries": all_industries,
        "industries": industry_codes,
        "officers_per_inspection": officers,
        "items": items,
    }


def _create_task(plan: AnnualPlan, cleaned: dict[str, Any]) -> PlanTask:
    items = cleaned.pop("items")
    task = PlanTask.objects.create(plan=plan, **cleaned)
    task.items.set(items)
    return task


def add_task(plan: AnnualPlan, *, data: Mapping[str, Any], actor: Any) -> PlanTask:
    access.require(actor, "plan.edit", plan)
    with transaction.atomic():
        plan = versioned.locked(plan, "organisation")
        _require_status(plan, PlanStatus.DRAFT, doing="增加任务")
        cleaned = _clean_task(plan, data)
        before = plan_snapshot(plan)
        task = _create_task(plan, cleaned)
        record_change(
            actor=actor,
            action="plans.plan.add_task",
            obj=plan,
            before=before,
            after=plan_snapshot(plan),
            summary=f"计划“{plan.title}”增加第{task.quarter}季度任务“{task.name}”",
        )
    return task


def _cancel(plan: AnnualPlan, task_id: Any) -> PlanTask:
    try:
        task = plan.tasks.get(pk=int(task_id))
    except (PlanTask.DoesNotExist, TypeError, ValueError):
        raise ValidationError({"task": [f"任务：本计划中没有编号为 {task_id} 的任务。"]}) from None
    if task.is_cancelled:
        raise ValidationError({"task": [f"任务“{task.name}”已撤销，无需重复撤销。"]})
    task.is_cancelled = True
    task.save(update_fields=["is_cancelled"])
    return task


def cancel_task(task: PlanTask, *, actor: Any) -> PlanTask:
    plan = task.plan
    access.require(actor, "plan.edit", plan)
    with transaction.atomic():
        plan = versioned.locked(plan, "organisation")
        _require_status(plan, PlanStatus.DRAFT, doing="撤销任务")
        before = plan_snapshot(plan)
        task = _cancel(plan, task.pk)
        record_change(
            actor=actor,
            action="plans.plan.cancel_task",
            obj=plan,
            before=before,
            after=plan_snapshot(plan),
            summary=f"计划“{plan.title}”撤销任务“{task.name}”",
        )
    return task


# --- Plans: approval and publication ---------------------------------------------------------


def _ready_problems(plan: AnnualPlan) -> list[str]:
    problems = []
    if not plan.items.exists():
        problems.append("计划中没有检查事项")
    if not plan.strata.exists():
        problems.append("没有设置按信用风险分类的抽查比例")
    if not plan.tasks.filter(is_cancelled=False).exists():
        problems.append("没有任何有效任务")
    return problems


def approve_plan(plan: AnnualPlan, *, actor: Any) -> AnnualPlan:
    access.require(actor, "plan.approve", plan)
    with transaction.atomic():
        plan = versioned.locked(plan, "organisation")
        before = plan_snapshot(plan)
        versioned.move(plan, PlanStatus.APPROVED, doing="批准")
        problems = _ready_problems(plan)
        if problems:
            raise ValidationError(f"计划“{plan.title}”尚不能批准：{'；'.join(problems)}。")
        plan.approved_by = actor
        plan.approved_at = timezone.now()
        plan.save()
        record_change(
            actor=actor,
            action="plans.plan.approve",
            obj=plan,
            before=before,
            after=plan_snapshot(plan),
            summary=f"批准年度执法计划“{plan.title}”",
        )
    return plan


def return_to_draft(plan: AnnualPlan, *, actor: Any, reason: str = "") -> AnnualPlan:
    access.require(actor, "plan.publish", plan)
    reason = rules.clean_text(reason)
    with transaction.atomic():
        plan = versioned.locked(plan, "organisation")
        before = plan_snapshot(plan)
        versioned.move(plan, PlanStatus.DRAFT, doing="退回草稿")
        plan.approved_by = None
        plan.approved_at = None
        plan.save()
        after = plan_snapshot(plan)
        after["reason"] = reason
        record_change(
            actor=actor,
            action="plans.plan.return_to_draft",
            obj=plan,
            before=before,
            after=after,
            summary=f"退回年度执法计划“{plan.title}”为草稿" + (f"：{reason}" if reason else ""),
        )
    return plan


def publish_plan(plan: AnnualPlan, *, actor: Any) -> AnnualPlan:
    access.require(actor, "plan.publish", plan)
    return versioned.publish(
        plan,
        actor=actor,
        previous=lambda plan: [],
        check=lambda plan: None,
        before=plan_snapshot,
        audit=lambda plan, superseded: {
            "action": "plans.plan.publish",
            "after": plan_snapshot(plan),
            "summary": f"公布年度执法计划“{plan.title}”",
        },
    )


# --- Amendments -------------------------------------------------------------------------------


def _op_error(index: int, op: str, message: str) -> ValidationError:
    label = AMENDMENT_OPS.get(op, op or "（未写明）")
    return ValidationError({"changes": [f"第 {index} 项调整（{label}）：{message}"]})


def _apply(plan: AnnualPlan, changes: Sequence[Mapping[str, Any]]) -> list[str]:
    """Apply the operations to ``plan`` (inside the caller's transaction); a description of
    each. Any bad operation raises, and the caller's rollback undoes the earlier ones."""
    done: list[str] = []
    items = {i.code: i for i in InspectionItem.objects.filter(organisation_id=plan.organisation_id)}
    for index, change in enumerate(changes, start=1):
        if not isinstance(change, Mapping):
            raise _op_error(index, "", "格式不正确，每项调整应为一个对象。")
        op = rules.clean_text(change.get("op", ""))
        try:
            if op == "add_task":
                cleaned = _clean_task(plan, change)
                task = _create_task(plan, cleaned)
                done.append(f"新增第{task.quarter}季度任务“{task.name}”")
            elif op == "cancel_task":
                task = _cancel(plan, change.get("task"))
                done.append(f"撤销任务“{task.name}”")
            elif op == "set_stratum_ratio":
                grade = rules.clean_text(change.get("grade", change.get("code", "")))
                if grade not in CreditGrade.values:
                    raise ValidationError(f"“{grade}”不是信用风险分类，应为 A、B、C、D。")
                ratio = _clean_ratio(change.get("ratio", ""), grade)
                _set_ratio(plan, grade, ratio)
                done.append(f"{grade} 类抽查比例调整为 {ratio}%")
            elif op in ("add_item", "remove_item"):
                code = rules.clean_text(change.get("item", ""))
                item = items.get(code)
                if item is None:
                    raise ValidationError(f"本机关的检查事项清单中没有编码为“{code}”的事项。")
                if op == "add_item":
                    if not item.is_active:
                        raise ValidationError(f"检查事项 {code} 已停用，不能列入计划。")
                    if plan.items.filter(pk=item.pk).exists():
                        raise ValidationError(f"检查事项 {code} 已在计划中。")
                    plan.items.add(item)
                    done.append(f"增加检查事项 {code}")
                else:
                    _remove_item(plan, item)
                    done.append(f"移除检查事项 {code}")
            else:
                kinds = "、".join(AMENDMENT_OPS)
                raise ValidationError(f"不支持的调整类型“{op}”，应为 {kinds} 之一。")
        except ValidationError as error:
            messages = (
                [m for ms in error.message_dict.values() for m in ms]
                if hasattr(error, "error_dict")
                else error.messages
            )
            raise _op_error(index, op, "；".join(messages)) from None
    return done


class _DryRun(Exception):
    pass


def propose_amendment(
    plan: AnnualPlan, *, reason: str, changes: Sequence[Mapping[str, Any]], actor: Any
) -> PlanAmendment:
    """Record a proposed change to a published plan. The operations are tried on the plan and
    rolled back, so an amendment that could not apply is refused now, not at publication."""
    access.require(actor, "plan.edit", plan)
    reason = rules.clean_text(reason)
    if not reason:
        raise ValidationError({"reason": ["调整理由：请写明调整计划的理由。"]})
    if not changes:
        raise ValidationError({"changes": ["调整内容：请至少填写一项调整。"]})
    changes = [dict(c) if isinstance(c, Mapping) else c for c in changes]
    with transaction.atomic():
        plan = versioned.locked(plan, "organisation")
        _require_status(plan, PlanStatus.PUBLISHED, doing="提出计划调整")
        if plan.amendments.filter(status=AmendmentStatus.DRAFT).exists():
            raise ValidationError("该计划已有一项尚未公布的调整，请先公布该调整后再提出新的调整。")
        try:
            with transaction.atomic():
                _apply(plan, changes)
                raise _DryRun
        except _DryRun:
            pass
        number = (plan.amendments.aggregate(n=Max("number"))["n"] or 0) + 1
        amendment = PlanAmendment.objects.create(
            plan=plan, number=number, reason=reason, changes=changes, created_by=actor
        )
        record_change(
            actor=actor,
            action="plans.amendment.propose",
            obj=plan,
            after=amendment.audit_snapshot(),
            summary=f"提出计划“{plan.title}”第{number}次调整",
        )
    return amendment


def publish_amendment(amendment: PlanAmendment, *, actor: Any) -> PlanAmendment:
    """Apply the amendment's operations to the published plan, all or none, keep the plan as it
    was before and after, and publish the amendment with the plan."""
    plan = amendment.plan
    access.require(actor, "plan.publish", plan)
    with transaction.atomic():
        plan = versioned.locked(plan, "organisation")
        amendment = PlanAmendment.objects.select_for_update().get(pk=amendment.pk)
        if amendment.status != AmendmentStatus.DRAFT:
            state = AmendmentStatus(amendment.status).label
            raise ValidationError(f"第{amendment.number}次调整当前状态为“{state}”，不能再次公布。")
        _require_status(plan, PlanStatus.PUBLISHED, doing="公布计划调整")
        before = plan_snapshot(plan)
        done = _apply(plan, amendment.changes)
        after = plan_snapshot(plan)
        amendment.before = before
        amendment.after = after
        amendment.status = AmendmentStatus.PUBLISHED
        amendment.published_by = actor
        amendment.published_at = timezone.now()
        amendment.save()
        record_change(
            actor=actor,
            action="plans.amendment.publish",
            obj=plan,
            before=before,
            after={**after, "amendment": amendment.number, "applied": done},
            summary=f"公布计划“{plan.title}”第{amendment.number}次调整：{'；'.join(done)}",
        )
    return amendment


def describe_changes(plan: AnnualPlan, changes: Sequence[Any]) -> list[str]:
    """Each operation of an amendment in Chinese, for the amendment pages."""
    task_names = dict(plan.tasks.values_list("pk", "name"))
    lines: list[str] = []
    for change in changes:
        if not isinstance(change, Mapping):
            lines.append(str(change))
            continue
        op = change.get("op", "")
        if op == "add_task":
            items = "、".join(str(i) for i in change.get("items") or [])
            codes, _ = industries.parse(change.get("industries") or "")
            if change.get("all_industries") is True:
                trade = "；不限行业"
            elif codes:
                trade = f"；抽取行业 {industries.describe(codes)}"
            else:
                trade = ""
            lines.append(
                f"新增第{change.get('quarter')}季度任务“{change.get('name')}”"
                f"（检查事项 {items}；抽查范围 {change.get('region')}{trade}）"
            )
        elif op == "cancel_task":
            task = change.get("task")
            name = task_names.get(int(str(task))) if params.is_digits(str(task)) else None
            lines.append(f"撤销任务“{name}”" if name else f"撤销任务 {task}")
        elif op == "set_stratum_ratio":
            grade = change.get("grade", change.get("code"))
            lines.append(f"{grade} 类抽查比例调整为 {change.get('ratio')}%")
        elif op == "add_item":
            lines.append(f"增加检查事项 {change.get('item')}")
        elif op == "remove_item":
            lines.append(f"移除检查事项 {change.get('item')}")
        else:
            lines.append(f"{op}：{change}")
    return lines
