"""An item from any channel, checked whole before anything is stored."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from zhifa.complaints.models import (
    Category,
    Channel,
    Complaint,
    DeadlineRule,
    EventKind,
    FileStage,
    RoutingRule,
)
from zhifa.complaints.services import _common
from zhifa.inspections.models import InspectionCase
from zhifa.org.models import Organisation, OrganisationKind, Region
from zhifa.registry.models import Enterprise

# No 0/O, 1/I/L: a code read out over the phone or copied from a note survives.
_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
TITLE_LIMIT = 120


def new_tracking_code() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(12))


def normalise_tracking_code(value: str) -> str:
    return "".join(ch for ch in str(value or "").upper() if ch.isalnum())


def find_by_tracking_code(code: str) -> Complaint | None:
    cleaned = normalise_tracking_code(code)
    if len(cleaned) != 12:
        return None
    return Complaint.objects.filter(tracking_code=cleaned).first()


def region_chain(region: Region | None) -> list[Region]:
    chain: list[Region] = []
    while region is not None and len(chain) < 10:
        chain.append(region)
        region = region.parent
    return chain


def categories_for(region: Region | None, *, top_only: bool = False) -> list[Category]:
    """The active categories an item in ``region`` may take: the national classes and the
    sub-categories of the region and the regions above it."""
    chain = [r.pk for r in region_chain(region)]
    rows = Category.objects.filter(is_active=True).filter(
        Q(region__isnull=True) | Q(region__in=chain)
    )
    if top_only:
        rows = rows.filter(parent__isnull=True)
    return list(rows.select_related("parent", "region"))


def category_from(value: Any, region: Region | None) -> Category:
    """The category named by code (or given), refused by name when unknown or not used here."""
    if isinstance(value, Category):
        found: Category | None = value
        shown = value.code
    else:
        shown = str(value or "").strip()
        if not shown:
            raise ValidationError({"category": ["请选择问题类别。"]})
        found = Category.objects.filter(code=shown).select_related("region").first()
    if found is None or not found.is_active or not found.applies_in(region):
        raise ValidationError(
            {"category": [f"未知的问题类别“{shown[:40]}”，请从问题类别清单中选择。"]}
        )
    return found


def deadline_for(region: Region, category: Category) -> tuple[int, str]:
    """Working days to answer, and where the figure comes from."""
    rule = deadline_rule_for(region, category)
    return rule.answer_working_days, rule.source


def deadline_rule_for(region: Region, category: Category) -> DeadlineRule:
    """The rule of the nearest region (its own, then the regions above, then the national
    default), the category's own rule before its class's, before one for every category."""
    chain = region_chain(region)
    rules = {
        (rule.region_id, rule.category_id): rule
        for rule in DeadlineRule.objects.filter(
            Q(region__isnull=True) | Q(region__in=[r.pk for r in chain])
        )
    }
    cats: list[int | None] = [category.pk]
    if category.parent_id:
        cats.append(category.parent_id)
    cats.append(None)
    for region_id in [*(r.pk for r in chain), None]:
        for category_id in cats:
            rule = rules.get((region_id, category_id))
            if rule is not None:
                return rule
    raise ValidationError("尚未配置问题办理期限，请系统管理员在“办理期限”中设置。")


def bureau_for(region: Region) -> Organisation | None:
    """The supervising bureau (司法局) of the nearest level of government over ``region``."""
    for node in region_chain(region):
        found = Organisation.objects.filter(
            kind=OrganisationKind.SUPERVISOR, region=node, is_active=True
        ).order_by("pk")
        if found.exists():
            return found.first()
    return None


def routing_for(region: Region, category: Category, agency: Organisation | None) -> Any:
    """The agency an item goes to without waiting for the bureau, or None."""
    chain = [r.pk for r in region_chain(region)]
    cats = [category.pk, category.parent_id] if category.parent_id else [category.pk]
    rules = RoutingRule.objects.filter(is_active=True, region__in=chain).filter(
        Q(category__in=cats) | Q(category__isnull=True)
    )
    rank = {code: position for position, code in enumerate(chain)}
    for rule in sorted(rules, key=lambda r: (rank[r.region_id], r.category_id is None)):
        target = rule.agency or agency
        if target is not None:
            return target
    return None


def file_complaint(
    *,
    channel: str,
    category: Any,
    content: str,
    title: str = "",
    region: Region | None = None,
    agency: Organisation | None = None,
    case: InspectionCase | None = None,
    tags: Sequence[str] = (),
    files: Sequence[Any] = (),
    actor: Any = None,
    is_anonymous: bool = False,
    complainant_name: str = "",
    complainant_phone: str = "",
    complainant_email: str = "",
    complainant_enterprise: Enterprise | None = None,
    complainant_enterprise_name: str = "",
    contact_point: Organisation | None = None,
    hotline: str = "",
    hotline_order_no: str = "",
    hotline_caller: str = "",
    hotline_received_at: dt.datetime | None = None,
    hotline_due: dt.date | None = None,
    source_code: str = "",
    source_pk: int | None = None,
    received_at: dt.datetime | None = None,
) -> Complaint:
    """A new item of the problem list. Everything is checked first; nothing is stored when any
    part is refused. When a routing rule covers it, it goes to the agency at once."""
    if channel not in Channel.values:
        raise ValidationError({"channel": ["未知的来源渠道。"]})
    if case is not None:
        if agency is not None and agency.pk != case.organisation_id:
            raise ValidationError({"case": ["所选检查案件不是所选被反映单位实施的。"]})
        agency = agency or case.organisation
    if agency is not None and agency.kind not in OrganisationKind.enforcing():
        raise ValidationError(
            {"agency": [f"“{agency.name}”不是行政执法机关，不能作为被反映单位。"]}
        )
    region = region or (agency.region if agency is not None else None)
    if region is None:
        raise ValidationError({"region": ["请选择问题发生地（所在区划）或被反映单位。"]})
    if agency is not None and not str(agency.region_id).startswith(region.code_prefix):
        raise ValidationError({"agency": [f"“{agency.name}”不在{region.name}。"]})
    found_category = category_from(category, region)
    content = _common.text(
        content,
        "反映内容",
        field="content",
        required=True,
        limit=_common.CONTENT_LIMIT,
        multiline=True,
    )
    title = _common.text(title, "问题摘要", field="title", limit=TITLE_LIMIT)
    if not title:
        first_line = content.splitlines()[0] if content else ""
        title = first_line[:40] + ("…" if len(first_line) > 40 else "")
    cleaned_tags: list[str] = []
    for tag in tags:
        tag = _common.text(tag, "标签", field="tags", limit=20)
        if tag and tag not in cleaned_tags:
            cleaned_tags.append(tag)
    if len(cleaned_tags) > 10:
        raise ValidationError({"tags": ["标签最多 10 个。"]})
    name = _common.text(complainant_name, "反映人姓名", field="complainant_name", limit=64)
    phone = _common.text(complainant_phone, "联系电话", field="complainant_phone", limit=32)
    if phone and not all(ch.isdigit() or ch in "-+ " for ch in phone):
        raise ValidationError({"complainant_phone": ["联系电话只能包含数字、空格、“-”和“+”。"]})
    email = _common.text(complainant_email, "电子邮箱", field="complainant_email", limit=254)
    if email and ("@" not in email or " " in email):
        raise ValidationError({"complainant_email": ["电子邮箱格式不正确。"]})
    enterprise_name = _common.text(
        complainant_enterprise_name, "企业名称", field="complainant_enterprise_name", limit=128
    )
    caller = _common.text(hotline_caller, "来电人", field="hotline_caller", limit=64)
    if is_anonymous:
        name = phone = email = enterprise_name = caller = ""
        complainant_enterprise = None
    _common.check_files(files, label="反映材料", types=_common.INTAKE_TYPES)
    bureau = bureau_for(region)
    if bureau is None:
        raise ValidationError(
            {"region": [f"{region.name}尚无行政执法监督机关（司法局），不能受理。"]}
        )
    route_to = routing_for(region, found_category, agency)

    with transaction.atomic():
        complaint = Complaint(
            number="",
            tracking_code=new_tracking_code(),
            channel=channel,
            region=region,
            category=found_category,
            tags=cleaned_tags,
            title=title,
            content=content,
            agency=agency,
            case=case,
            source_code=source_code[:32],
            source_pk=source_pk,
            is_anonymous=is_anonymous,
            complainant_name=name,
            complainant_phone=phone,
            complainant_email=email,
            complainant_enterprise=complainant_enterprise,
            complainant_enterprise_name=enterprise_name
            or (complainant_enterprise.name if complainant_enterprise else ""),
            filed_by=actor if getattr(actor, "pk", None) else None,
            contact_point=contact_point,
            hotline=hotline[:40],
            hotline_order_no=hotline_order_no[:64],
            hotline_caller=caller,
            hotline_received_at=hotline_received_at,
            hotline_due=hotline_due,
            received_at=received_at or timezone.now(),
            bureau=bureau,
        )
        complaint.save()
        # The number follows the row: unique without a counter to race for.
        complaint.number = f"WT{timezone.localdate():%Y}{complaint.pk:06d}"
        complaint.save(update_fields=["number"])
        _common.store_files(complaint, files, stage=FileStage.INTAKE)
        channel_label = Channel(channel).label
        _common.record_event(
            complaint,
            kind=EventKind.RECEIVED,
            actor=actor,
            action="complaints.complaint.file",
            summary=f"受理问题 {complaint.number}（{channel_label}，{found_category.name}）",
            text_=f"经{channel_label}反映，归入“{found_category.full_name}”。",
            label=(contact_point.name if contact_point else channel_label),
        )
        if route_to is not None:
            from zhifa.complaints.services.handling import assign_locked

            assign_locked(complaint, agency=route_to, actor=None, note="按自动分办规则转交。")
    return complaint
