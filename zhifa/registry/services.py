"""State changes of the enterprise registry; each is atomic and writes its audit record.

Input problems raise ``ValidationError`` keyed by field name (the names of the enterprise
form and of the API schema), forbidden actions ``PermissionDenied`` (403).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from zhifa.audit.services import record_change, snapshot
from zhifa.audit.sm3 import sm3_hex
from zhifa.core import access
from zhifa.org.models import Region
from zhifa.registry import importing, industries, rules
from zhifa.registry.models import Contact, CreditGrade, Enterprise, EnterpriseImport

ENTERPRISE_FIELDS = (
    "uscc",
    "name",
    "legal_representative",
    "address",
    "region",
    "industry",
    "industry_code",
    "credit_grade",
)
OUT_OF_JURISDICTION = rules.OUT_OF_JURISDICTION
OVERRIDE_HOW = "请勾选“校验位人工复核”并填写复核说明"


def _duplicate_message(code: str) -> str:
    return (
        f"统一社会信用代码“{code}”已在企业名录中登记，不能重复登记；"
        "如需修改该企业信息，请在企业详情页编辑。"
    )


def _require_writer(actor: Any) -> None:
    access.require(actor, "enterprise.register")


def _require_jurisdiction(actor: Any, enterprise: Enterprise) -> None:
    # Asked again on the row locked for the change, whose region may have moved meanwhile.
    access.require(actor, "enterprise.edit", enterprise)


def _region(value: Any) -> tuple[Region | None, str]:
    """A Region from an instance or a code; the second value is the code as given."""
    if isinstance(value, Region):
        return value, value.code
    code = rules.clean_text(value)
    if not code:
        return None, ""
    return Region.objects.filter(code=code).first(), code


@dataclass
class _Cleaned:
    fields: dict[str, Any]
    # "grant": a new reviewed override by the actor; "keep": the existing one stays;
    # "none": the code passes its check character and needs none.
    override: str
    override_reason: str


def _clean_enterprise(
    data: Mapping[str, Any], *, actor: Any, instance: Enterprise | None
) -> tuple[_Cleaned, dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}

    def add(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    verdict = rules.check_uscc(data.get("uscc", ""))
    requested = bool(data.get("uscc_override"))
    reason = rules.clean_text(data.get("uscc_override_reason", ""))
    override = "none"
    if not verdict.well_formed:
        add("uscc", verdict.error or "")
    else:
        if verdict.needs_override:
            unchanged = instance is not None and instance.uscc == verdict.code
            if unchanged and instance is not None and instance.uscc_override and not requested:
                override = "keep"
            elif requested:
                access.require(actor, "enterprise.review_code")
                if not reason:
                    add(
                        "uscc_override_reason",
                        "请填写人工复核说明：核对了哪些材料（如营业执照原件、登记机关查询结果），"
                        "确认该代码确属登记机关赋码。",
                    )
                override = "grant"
            else:
                add(
                    "uscc",
                    verdict.check_message(may_override=rules.can_override(actor), how=OVERRIDE_HOW),
                )
        clash = Enterprise.objects.filter(uscc=verdict.code)
        if instance is not None:
            clash = clash.exclude(pk=instance.pk)
        if clash.exists():
            add("uscc", _duplicate_message(verdict.code))

    texts = {
        key: rules.clean_text(data.get(key, ""))
        for key in ("name", "legal_representative", "address", "industry")
    }
    if not texts["name"]:
        add("name", "请填写企业名称。")
    labels = {"name": "企业名称", "legal_representative": "法定代表人", "address": "住所"}
    labels["industry"] = "行业"
    for key, label in labels.items():
        message = rules.too_long_message(label, texts[key], rules.MAX_LENGTHS[key])
        if message:
            add(key, message)
    limit = rules.MAX_LENGTHS["uscc_override_reason"]
    message = rules.too_long_message("人工复核说明", reason, limit)
    if message:
        add("uscc_override_reason", message)

    region, region_code = _region(data.get("region"))
    if not region_code:
        add("region", "请填写所在区划代码（6 位行政区划代码，如 330902）。")
    elif region is None:
        add(
            "region",
            f"行政区划代码“{region_code}”不存在，请按 GB/T 2260 行政区划代码填写，如 330902。",
        )
    elif not rules.in_jurisdiction(actor, region.code):
        add("region", rules.region_outside_message(actor, region))

    grade = rules.normalise_grade(data.get("credit_grade", ""))
    message = rules.grade_error(grade)
    if message:
        add("credit_grade", message)

    industry_code, message = rules.industry_code(data.get("industry_code", ""), texts["industry"])
    if message:
        add("industry_code", message)
    elif industry_code and not texts["industry"]:
        texts["industry"] = industries.name(industry_code)

    fields = {
        "uscc": verdict.code,
        **texts,
        "industry_code": industry_code,
        "region": region,
        "credit_grade": grade,
    }
    return _Cleaned(fields, override, reason), errors


def _apply(enterprise: Enterprise, cleaned: _Cleaned, *, actor: Any, now: Any) -> None:
    for key, value in cleaned.fields.items():
        setattr(enterprise, key, value)
    if cleaned.override == "grant":
        enterprise.uscc_override = True
        enterprise.uscc_override_reason = cleaned.override_reason
        enterprise.uscc_override_by = actor
        enterprise.uscc_override_at = now
    elif cleaned.override == "none":
        enterprise.uscc_override = False
        enterprise.uscc_override_reason = ""
        enterprise.uscc_override_by = None
        enterprise.uscc_override_at = None


def _contact_input(data: Mapping[str, Any], prefix: str = "") -> tuple[str, str, str]:
    return (
        rules.clean_text(data.get(f"{prefix}name", "")),
        rules.clean_text(data.get(f"{prefix}mobile", "")),
        rules.clean_text(data.get(f"{prefix}email", "")).lower(),
    )


def register_enterprise(*, data: Mapping[str, Any], actor: Any) -> Enterprise:
    """Enter a new enterprise in the 名录库, with its first delivery contact when given.

    ``data``: uscc, name, legal_representative, address, region (Region or code), industry,
    credit_grade, uscc_override + uscc_override_reason (a reviewed override for a real code
    that fails its check character; 执法机关负责人 and 系统管理员 only), contact_name,
    contact_mobile, contact_email.
    """
    _require_writer(actor)
    cleaned, errors = _clean_enterprise(data, actor=actor, instance=None)
    contact = _contact_input(data, "contact_")
    for part, message in rules.contact_errors(*contact).items():
        errors.setdefault(f"contact_{part}", []).append(message)
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    enterprise = Enterprise(created_at=now, updated_at=now)
    _apply(enterprise, cleaned, actor=actor, now=now)
    try:
        with transaction.atomic():
            enterprise.save()
            if contact[0]:
                Contact.objects.create(
                    enterprise=enterprise,
                    name=contact[0],
                    mobile=contact[1],
                    email=contact[2],
                    is_primary=True,
                )
            summary = f"登记企业 {enterprise.name}（{enterprise.uscc}）"
            if enterprise.uscc_override:
                summary += "，校验位经人工复核"
            record_change(
                actor=actor,
                action="registry.enterprise.register",
                obj=enterprise,
                after=snapshot(enterprise),
                summary=summary,
            )
    except IntegrityError:
        # Another request registered the same code between our check and our insert.
        raise ValidationError({"uscc": [_duplicate_message(enterprise.uscc)]}) from None
    return enterprise


def update_enterprise(enterprise: Enterprise, *, data: Mapping[str, Any], actor: Any) -> Enterprise:
    """Change an enterprise's registration data; keys left out of ``data`` keep their value.

    A changed code that fails its check character needs a new reviewed override; an unchanged
    code keeps the override it has.
    """
    _require_writer(actor)
    unknown = set(data) - {*ENTERPRISE_FIELDS, "uscc_override", "uscc_override_reason"}
    if unknown:
        raise TypeError(f"update_enterprise 不能修改这些字段：{', '.join(sorted(unknown))}")
    try:
        with transaction.atomic():
            enterprise = (
                Enterprise.objects.select_for_update()
                .select_related("region")
                .get(pk=enterprise.pk)
            )
            _require_jurisdiction(actor, enterprise)
            before = snapshot(enterprise)
            merged: dict[str, Any] = {key: getattr(enterprise, key) for key in ENTERPRISE_FIELDS}
            merged.update(data)
            cleaned, errors = _clean_enterprise(merged, actor=actor, instance=enterprise)
            if errors:
                raise ValidationError(errors)
            now = timezone.now()
            _apply(enterprise, cleaned, actor=actor, now=now)
            after = snapshot(enterprise)
            changed = [key for key in after if after[key] != before.get(key)]
            if not changed:
                raise ValidationError("未作任何修改，无需保存。")
            enterprise.updated_at = now
            enterprise.save()
            labels = "、".join(_field_label(key) for key in changed)
            record_change(
                actor=actor,
                action="registry.enterprise.update",
                obj=enterprise,
                before=before,
                after=after,
                summary=f"修改企业 {enterprise.name} 的{labels}",
            )
    except IntegrityError:
        raise ValidationError({"uscc": [_duplicate_message(str(data.get("uscc", "")))]}) from None
    return enterprise


def _field_label(key: str) -> str:
    if key == "contacts":
        return "送达联系人"
    field = Enterprise._meta.get_field(key)
    return str(getattr(field, "verbose_name", key))


def approve_uscc_override(enterprise: Enterprise, *, reason: str, actor: Any) -> Enterprise:
    """Review an enterprise already in the registry whose code fails its check character (e.g.
    entered before the check was enforced), and keep the code as a real one."""
    access.require(actor, "enterprise.review_code")
    reason = rules.clean_text(reason)
    with transaction.atomic():
        enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        access.require(actor, "enterprise.review_code", enterprise)
        verdict = rules.check_uscc(enterprise.uscc)
        if not verdict.needs_override:
            raise ValidationError("该企业的统一社会信用代码校验位正确，无需人工复核。")
        if enterprise.uscc_override:
            raise ValidationError("该企业的统一社会信用代码已经人工复核，无需重复办理。")
        if not reason:
            raise ValidationError(
                {"uscc_override_reason": ["请填写人工复核说明：核对了哪些材料，确认代码真实。"]}
            )
        message = rules.too_long_message(
            "人工复核说明", reason, rules.MAX_LENGTHS["uscc_override_reason"]
        )
        if message:
            raise ValidationError({"uscc_override_reason": [message]})
        before = snapshot(enterprise)
        now = timezone.now()
        enterprise.uscc_override = True
        enterprise.uscc_override_reason = reason
        enterprise.uscc_override_by = actor
        enterprise.uscc_override_at = now
        enterprise.updated_at = now
        enterprise.save()
        record_change(
            actor=actor,
            action="registry.enterprise.uscc_override",
            obj=enterprise,
            before=before,
            after=snapshot(enterprise),
            summary=f"人工复核 {enterprise.name} 的统一社会信用代码校验位（{enterprise.uscc}）",
        )
    return enterprise


# --- Contacts ---------------------------------------------------------------------------------


def _clean_contact(data: Mapping[str, Any]) -> tuple[str, str, str]:
    name, mobile, email = _contact_input(data)
    errors = rules.contact_errors(name, mobile, email)
    if not (name or mobile or email):
        errors = {
            "name": "请填写联系人姓名。",
            "mobile": "请填写联系人手机或电子邮箱，以便送达检查通知。",
        }
    if errors:
        raise ValidationError({key: [message] for key, message in errors.items()})
    return name, mobile, email


def _locked_for_contacts(enterprise: Enterprise, actor: Any) -> Enterprise:
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    _require_jurisdiction(actor, enterprise)
    return enterprise


def add_contact(enterprise: Enterprise, *, data: Mapping[str, Any], actor: Any) -> Contact:
    """Add a delivery contact; the first contact, or one marked primary, becomes the primary."""
    _require_writer(actor)
    name, mobile, email = _clean_contact(data)
    with transaction.atomic():
        enterprise = _locked_for_contacts(enterprise, actor)
        before = snapshot(enterprise)
        primary = bool(data.get("is_primary")) or not enterprise.contacts.exists()
        if primary:
            enterprise.contacts.update(is_primary=False)
        contact = Contact.objects.create(
            enterprise=enterprise, name=name, mobile=mobile, email=email, is_primary=primary
        )
        record_change(
            actor=actor,
            action="registry.contact.add",
            obj=enterprise,
            before=before,
            after=snapshot(enterprise),
            summary=f"为 {enterprise.name} 添加送达联系人 {name}",
        )
    return contact


def update_contact(contact: Contact, *, data: Mapping[str, Any], actor: Any) -> Contact:
    _require_writer(actor)
    name, mobile, email = _clean_contact(data)
    with transaction.atomic():
        enterprise = _locked_for_contacts(contact.enterprise, actor)
        contact = enterprise.contacts.get(pk=contact.pk)
        before = snapshot(enterprise)
        primary = bool(data.get("is_primary", contact.is_primary))
        if primary and not contact.is_primary:
            enterprise.contacts.exclude(pk=contact.pk).update(is_primary=False)
        if not primary and contact.is_primary:
            raise ValidationError(
                {"is_primary": ["须有一名首要联系人：请将另一名联系人设为首要联系人。"]}
            )
        contact.name, contact.mobile, contact.email = name, mobile, email
        contact.is_primary = primary
        contact.save()
        after = snapshot(enterprise)
        if after == before:
            raise ValidationError("未作任何修改，无需保存。")
        record_change(
            actor=actor,
            action="registry.contact.update",
            obj=enterprise,
            before=before,
            after=after,
            summary=f"修改 {enterprise.name} 的送达联系人 {name}",
        )
    return contact


def remove_contact(contact: Contact, *, actor: Any) -> None:
    """Remove a delivery contact; when it was the primary one, the next becomes primary."""
    _require_writer(actor)
    with transaction.atomic():
        enterprise = _locked_for_contacts(contact.enterprise, actor)
        contact = enterprise.contacts.get(pk=contact.pk)
        before = snapshot(enterprise)
        was_primary = contact.is_primary
        contact.delete()
        if was_primary:
            successor = enterprise.contacts.order_by("name", "pk").first()
            if successor is not None:
                successor.is_primary = True
                successor.save(update_fields=["is_primary"])
        record_change(
            actor=actor,
            action="registry.contact.remove",
            obj=enterprise,
            before=before,
            after=snapshot(enterprise),
            summary=f"删除 {enterprise.name} 的送达联系人 {contact.name}",
        )


# --- Import -----------------------------------------------------------------------------------


@dataclass
class ImportOutcome:
    report: importing.ImportReport
    batch: EnterpriseImport | None = None

    @property
    def created(self) -> int:
        return self.batch.row_count if self.batch is not None else 0


def import_enterprises(*, file_name: str, content: bytes, actor: Any) -> ImportOutcome:
    """Validate the whole file; when every row is good, register them all in one transaction
    with one audit record for the batch (file name, SM3 of the bytes, counts). A file with any
    bad row writes nothing: the outcome's report lists every problem."""
    _require_writer(actor)
    report = importing.validate_file(file_name=file_name, content=content, actor=actor)
    if not report.ok:
        return ImportOutcome(report)
    digest = sm3_hex(content)
    now = timezone.now()
    rows = report.rows
    overrides = [r for r in rows if r.override]
    try:
        with transaction.atomic():
            batch = EnterpriseImport.objects.create(
                file_name=file_name[:255],
                file_sm3=digest,
                file_size=len(content),
                row_count=len(rows),
                contact_count=sum(1 for r in rows if r.contact_name),
                override_count=len(overrides),
                organisation_id=None if actor.is_admin else actor.organisation_id,
                created_by=actor,
                created_at=now,
            )
            enterprises = [
                Enterprise(
                    uscc=r.uscc,
                    name=r.name,
                    legal_representative=r.legal_representative,
                    address=r.address,
                    region_id=r.region,
                    industry=r.industry,
                    industry_code=r.industry_code,
                    credit_grade=r.credit_grade or CreditGrade.B,
                    uscc_override=r.override,
                    uscc_override_reason=r.uscc_override_reason,
                    uscc_override_by=actor if r.override else None,
                    uscc_override_at=now if r.override else None,
                    import_batch=batch,
                    created_at=now,
                    updated_at=now,
                )
                for r in rows
            ]
            Enterprise.objects.bulk_create(enterprises, batch_size=1000)
            ids = _ids_of(enterprises)
            Contact.objects.bulk_create(
                [
                    Contact(
                        enterprise_id=ids[r.uscc],
                        name=r.contact_name,
                        mobile=r.contact_mobile,
                        email=r.contact_email.lower(),
                        is_primary=True,
                    )
                    for r in rows
                    if r.contact_name
                ],
                batch_size=1000,
            )
            record_change(
                actor=actor,
                action="registry.enterprise.import",
                obj=batch,
                after={
                    "file_name": batch.file_name,
                    "file_sm3": digest,
                    "file_size": batch.file_size,
                    "row_count": batch.row_count,
                    "contact_count": batch.contact_count,
                    "override_count": batch.override_count,
                    "overrides": [
                        {"uscc": r.uscc, "row": r.row, "reason": r.uscc_override_reason}
                        for r in overrides
                    ],
                },
                summary=f"导入企业名录文件“{batch.file_name}”，登记企业 {batch.row_count} 家",
            )
    except IntegrityError:
        raise ValidationError(
            "导入期间另有用户登记了文件中的统一社会信用代码，本次未导入任何数据。请重新导入，"
            "系统会列出已登记的代码。"
        ) from None
    return ImportOutcome(report, batch)


def _ids_of(enterprises: list[Enterprise]) -> dict[str, int]:
    """Primary keys of bulk-created enterprises (returned by the insert on PostgreSQL and
    SQLite ≥ 3.35; looked up by code otherwise)."""
    if all(e.pk is not None for e in enterprises):
        return {e.uscc: e.pk for e in enterprises}
    codes = [e.uscc for e in enterprises]
    ids: dict[str, int] = {}
    for start in range(0, len(codes), 900):
        ids.update(
            Enterprise.objects.filter(uscc__in=codes[start : start + 900]).values_list("uscc", "id")
        )
    return ids
