"""Demo inspection-item lists and published annual plans for the demo agencies.

Items come from ``data/demo_items.csv``: real articles of the laws and regulations each field
enforces (卫生健康, 市场监管/食品, 生态环境, 安全生产 under the 应急管理 field), each with the
GB/T 4754-2017 industries it applies to (so the 卫健委's public-place task draws hotels,
restaurants, bathhouses and barbers, not builders). Every enforcing agency holding one of these
fields gets that field's items and a published plan for the demo's year with strata A 3% / B 5% /
C 10% / D 20% and two tasks per field (the file's ``task`` column says which items each takes),
both in the quarter of the demo's history (``zhifa.workdays.demo_clock``), so that the demo's draws
fall in their quarter.

The plans are written as of the moment the caller's clock says (the demo loads them on the first
working day of the year): drafted, approved and published then. Loading is idempotent (items
keyed by agency and code, plans by agency and year) and writes in bulk, with one summarising
audit record, ``plans.demo.load``, when anything was created. The plans are stated as approved by
the agency's 执法机关负责人 account where the demo has one (舟山市卫生健康委员会: drafted by the
inspector, approved and published by the approver); elsewhere they carry no approver, since the
demo has no account for it.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from zhifa.audit.services import record_change
from zhifa.org.models import EnforcementField, Organisation, OrganisationKind, Role, User
from zhifa.plans.models import (
    AnnualPlan,
    InspectionItem,
    PlanStatus,
    PlanStratum,
    PlanTask,
    TaskKind,
)
from zhifa.registry import industries
from zhifa.registry.models import CreditGrade

DATA_FILE = Path(__file__).resolve().parent / "data" / "demo_items.csv"
STRATA = {"A": Decimal("3"), "B": Decimal("5"), "C": Decimal("10"), "D": Decimal("20")}
FIELD_TASKS = {
    "health": ("公共场所卫生", "职业卫生和生活饮用水"),
    "market": ("食品经营环节", "食品进货查验和贮存"),
    "ecology": ("排污单位污染防治", "危险废物规范化管理"),
    "emergency": ("工贸企业安全生产", "事故隐患排查治理"),
}


@dataclass(frozen=True)
class DemoItem:
    field: str
    code: str
    name: str
    legal_basis_law: str
    legal_basis_article: str
    standard: str
    checklist: tuple[str, ...]
    method: str
    yearly_cap: int
    industries: tuple[str, ...] = ()
    task: int = 1


def demo_items() -> list[DemoItem]:
    with DATA_FILE.open(encoding="utf-8", newline="") as handle:
        return [
            DemoItem(
                field=row["field"],
                code=row["code"],
                name=row["name"],
                legal_basis_law=row["legal_basis_law"],
                legal_basis_article=row["legal_basis_article"],
                standard=row["standard"],
                checklist=tuple(p for p in row["checklist"].split("；") if p),
                method=row["method"],
                yearly_cap=int(row["yearly_cap"]),
                industries=tuple(p for p in row["industries"].split("；") if p),
                task=int(row["task"]),
            )
            for row in csv.DictReader(handle)
        ]


def _account(organisation: Organisation, role: str) -> User | None:
    return (
        User.objects.filter(organisation=organisation, role=role, is_active=True)
        .order_by("pk")
        .first()
    )


def load_demo_plans(
    actor: Any = None, *, year: int | None = None, quarter: int | None = None
) -> dict[str, int]:
    """Create the demo items and the plans of ``year`` that are missing, their tasks in
    ``quarter`` (default: this year and quarter); counts of what was created."""
    today = timezone.localdate()
    year = year or today.year
    quarter = quarter or (today.month - 1) // 3 + 1
    items = demo_items()
    by_field: dict[str, list[DemoItem]] = {}
    for item in items:
        by_field.setdefault(item.field, []).append(item)
    created = {"items": 0, "plans": 0, "tasks": 0}
    fallback = actor if getattr(actor, "pk", None) else None
    fallback = fallback or User.objects.filter(role=Role.ADMIN).order_by("pk").first()
    with transaction.atomic():
        fields = {f.code: f for f in EnforcementField.objects.filter(code__in=list(by_field))}
        agencies = (
            Organisation.objects.filter(
                kind__in=OrganisationKind.enforcing(), fields__code__in=list(by_field)
            )
            .distinct()
            .prefetch_related("fields")
            .order_by("region_id", "name")
        )
        now = timezone.now()
        for agency in agencies:
            codes = [f.code for f in agency.fields.all() if f.code in by_field]
            wanted = [i for code in codes for i in by_field[code]]
            have = set(
                InspectionItem.objects.filter(organisation=agency).values_list("code", flat=True)
            )
            new = [
                InspectionItem(
                    organisation=agency,
                    field=fields[i.field],
                    code=i.code,
                    name=i.name,
                    legal_basis_law=i.legal_basis_law,
                    legal_basis_article=i.legal_basis_article,
                    standard=i.standard,
                    checklist=list(i.checklist),
                    method=i.method,
                    yearly_cap=i.yearly_cap,
                    industries=industries.normalise(i.industries),
                    created_at=now,
                    updated_at=now,
                )
                for i in wanted
                if i.code not in have
            ]
            InspectionItem.objects.bulk_create(new)
            created["items"] += len(new)
            if AnnualPlan.objects.filter(organisation=agency, year=year).exists():
                continue
            creator = _account(agency, Role.INSPECTOR) or fallback
            if creator is None:
                continue
            approver = _account(agency, Role.APPROVER)
            if approver == creator:
                approver = None
            agency_items = {
                i.code: i
                for i in InspectionItem.objects.filter(
                    organisation=agency, code__in=[w.code for w in wanted]
                )
            }
            plan = AnnualPlan.objects.create(
                organisation=agency,
                year=year,
                title=f"{agency.name}{year}年度涉企行政检查计划",
                description=(
                    "依据国办发〔2024〕54号《关于严格规范涉企行政检查的意见》编制。"
                    "按企业信用风险分类确定抽查比例，A 类企业“无事不扰”；"
                    "检查前 5 个工作日发出检查预告通知书。"
                ),
                status=PlanStatus.PUBLISHED,
                created_by=creator,
                created_at=now,
                approved_by=approver,
                approved_at=now if approver is not None else None,
                published_by=approver or creator,
                published_at=now,
            )
            plan.items.set(list(agency_items.values()))
            PlanStratum.objects.bulk_create(
                [
                    PlanStratum(
                        plan=plan,
                        code=grade,
                        name=str(CreditGrade(grade).label),
                        credit_grade=grade,
                        sampling_ratio=ratio,
                    )
                    for grade, ratio in STRATA.items()
                ]
            )
            created["plans"] += 1
            for code in codes:
                first, second = FIELD_TASKS[code]
                for number, subject in ((1, first), (2, second)):
                    task_items = [agency_items[i.code] for i in by_field[code] if i.task == number]
                    task = PlanTask.objects.create(
                        plan=plan,
                        quarter=quarter,
                        name=f"{subject}双随机抽查",
                        kind=TaskKind.RANDOM,
                        field=fields[code],
                        region=agency.region,
                        officers_per_inspection=2,
                    )
                    task.items.set(task_items)
                    created["tasks"] += 1
        if any(created.values()):
            record_change(
                actor=actor,
                action="plans.demo.load",
                object_type="plans.demo",
                object_id=str(year),
                after={"created": created, "year": year},
                summary=(
                    f"载入演示检查事项 {created['items']} 项、"
                    f"{year} 年度已公布计划 {created['plans']} 份"
                ),
            )
    return created
