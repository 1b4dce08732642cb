"""One database where every kind of object exists, and the personas who look at it.

The access-matrix test (``zhifa/tests/test_access_matrix.py``) asks every page and API operation
as every persona; for the statuses to mean something, each route must find a real object of its
kind, owned by agency A (舟山市卫生健康委员会, region 1 = 舟山市) or enterprise E (the demo's
persona enterprise), so that some personas may see it and others may not.

The bulk is the demo (``zhifa.web.demo_history``): regions, organisations, officers,
enterprises, plans, draws, cases, documents, the guidance list and the three lists, all made
through the real services at a fixed moment. What the demo does not make (role grants, API
tokens, rechecks, objections, bookings, self-checks, joint visits, batches, …) is added here, also
through the services where a service makes it. The caller imports ``zhifa.web`` through this
module; ``zhifa_testing`` is outside the layered package, and the test that uses it sits at the
package root beside ``zhifa/urls.py``, which imports ``web`` too.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.apps import apps
from django.core.files.base import ContentFile
from django.db import models
from django.utils import timezone

import zhifa_testing as testing

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
# Monday 2026-10-12, 10:00 in Beijing: the demo's history (the last working day before it is
# Saturday 10-10, a 调休 working day) is then fixed, and so are the statuses the matrix records.
MOMENT = dt.datetime(2026, 10, 12, 10, 0, tzinfo=SHANGHAI)

# The personas in the order of the golden file's columns; each maps to a username (None:
# anonymous).
PERSONAS: tuple[tuple[str, str], ...] = (
    ("anonymous", "未登录"),
    ("enterprise", "企业用户（本企业 E）"),
    ("enterprise_other", "另一企业用户（F）"),
    ("officer_a", "执法人员（A 部门）"),
    ("officer_b", "外地执法人员（B 部门，另一地区）"),
    ("approver", "执法机关负责人（A）"),
    ("legal", "法制审核人员（A）"),
    ("supervisor", "执法监督人员（本地区司法局）"),
    ("supervisor_other", "执法监督人员（另一地区司法局）"),
    ("township", "司法所（本地区乡镇）"),
    ("social", "社会监督员（本案随行）"),
    ("admin", "系统管理员"),
    ("multi_role", "法制审核兼执法人员（A）"),
)


@dataclass
class World:
    personas: dict[str, Any]
    # The object a route names when its declaration names the model: one per model.
    objects: dict[type[models.Model], models.Model]
    # Further named objects the URL table reads (a contact of E, an answer of the self-check, …).
    named: dict[str, Any] = field(default_factory=dict)

    def object_of(self, model: type[models.Model]) -> models.Model | None:
        return self.objects.get(model)


M = TypeVar("M", bound=models.Model)


def first(rows: models.QuerySet[M]) -> M:
    """The first row; the world is built from the demo, so a missing one is a broken world."""
    found = rows.first()
    if found is None:
        raise LookupError(f"访问矩阵的世界缺少 {rows.model._meta.label}：演示数据变了？")
    return found


def build_world() -> World:
    """Build the world; the caller holds the clock at ``MOMENT`` and the database open."""
    from zhifa.web.demo_history import load_demo_history

    load_demo_history(enterprises=200, officers=200)
    return _complete_world()


def _complete_world() -> World:
    from zhifa.core.demo_names import HEALTH_AGENCY, JINZHONG_MARKET_AGENCY, PERSONA_ENTERPRISE
    from zhifa.inspections.models import CaseStatus, InspectionCase
    from zhifa.org.models import Organisation, OrganisationKind, Region, RegionLevel, Role, User
    from zhifa.org.services import create_api_token, grant_role
    from zhifa.registry.models import Enterprise

    users = {u.username: u for u in User.objects.all()}
    admin = users["admin"]
    agency_a = Organisation.objects.get(name=HEALTH_AGENCY)
    agency_b = Organisation.objects.get(name=JINZHONG_MARKET_AGENCY)
    bureau_b = Organisation.objects.get(name="晋中市司法局")
    enterprise_e = Enterprise.objects.get(name=PERSONA_ENTERPRISE)
    persona_case = InspectionCase.objects.get(enterprise=enterprise_e)
    closed_case = InspectionCase.objects.get(organisation=agency_a, status=CaseStatus.CLOSED)
    enterprise_f = closed_case.enterprise

    # A township of region 1 with its 司法所 (the demo's townships are in 包头 and 武乡).
    county = agency_a.region
    if county.level != RegionLevel.COUNTY:
        county = first(Region.objects.filter(parent=agency_a.region).order_by("code"))
    township_region = testing.region(
        county.code + "100", "测试镇", RegionLevel.TOWNSHIP, parent=county
    )
    justice_office = testing.organisation(
        "测试镇司法所", region=township_region, kind=OrganisationKind.JUSTICE_OFFICE
    )
    made = {
        "enterprise_other": testing.user(
            "matrix_f", role=Role.ENTERPRISE, enterprise=enterprise_f, display_name="吴会计"
        ),
        "supervisor_other": testing.user(
            "matrix_jz_sup", role=Role.SUPERVISOR, organisation=bureau_b, display_name="郑监督"
        ),
        "township": testing.user(
            "matrix_town", role=Role.SUPERVISOR, organisation=justice_office, display_name="冯所长"
        ),
        "multi_role": testing.user(
            "matrix_multi",
            role=Role.LEGAL_REVIEWER,
            organisation=agency_a,
            display_name="韩兼任",
        ),
    }
    grant_role(made["multi_role"], role=Role.INSPECTOR, organisation=agency_a, actor=admin)
    create_api_token(user=users["inspector"], name="移动执法终端", actor=admin)
    from zhifa.org.password_reset import request_code

    request_code("inspector", channel="sms", ip_address="192.0.2.1")
    personas: dict[str, Any] = {
        "anonymous": None,
        "enterprise": users["enterprise"],
        "enterprise_other": made["enterprise_other"],
        "officer_a": users["inspector"],
        "officer_b": users["outsider_jz"],
        "approver": users["approver"],
        "legal": users["legal"],
        "supervisor": users["supervisor"],
        "supervisor_other": made["supervisor_other"],
        "township": made["township"],
        "social": users["social"],
        "admin": admin,
        "multi_role": made["multi_role"],
    }
    assert [name for name, _ in PERSONAS] == list(personas)
    named: dict[str, Any] = {
        "agency_a": agency_a,
        "agency_b": agency_b,
        "enterprise_e": enterprise_e,
        "enterprise_f": enterprise_f,
        "persona_case": persona_case,
        "closed_case": closed_case,
    }
    _add_case_history(personas, named)
    _add_the_rest(personas, named)
    _add_complaint(personas, named)
    _add_messages(personas, named)
    objects = _pick_objects(named)
    return World(personas=personas, objects=objects, named=named)


def _add_case_history(personas: dict[str, Any], named: dict[str, Any]) -> None:
    """What follows an inspection, on the demo's cases: the social supervisor, a booking, a
    finding with evidence, a recheck and an objection."""
    from zhifa.inspections import services
    from zhifa.inspections.models import (
        CaseFinding,
        FindingEvidence,
        GuidanceSlot,
        Objection,
        ObjectionAttachment,
        Recheck,
        RectificationPhoto,
        RectificationReport,
    )

    persona_case = named["persona_case"]
    closed_case = named["closed_case"]
    inspector = personas["officer_a"]
    # The supervising bureau assigns the social supervisor, not the agency (issue 15).
    services.assign_social_supervisor(
        persona_case, actor=personas["supervisor"], supervisor=personas["social"]
    )
    slot = first(GuidanceSlot.objects.filter(organisation=persona_case.organisation))
    named["booking"] = services.book_guidance(
        persona_case, actor=personas["enterprise"], slot=slot, topic="后厨卫生"
    )
    finding = first(CaseFinding.objects.filter(case=closed_case))
    named["finding"] = finding
    named["evidence"] = FindingEvidence.objects.create(
        finding=finding,
        file=ContentFile(b"%PDF-1.4 matrix evidence\n", name="evidence.pdf"),
        sm3="0" * 64,
        note="现场照片",
        uploaded_by=inspector,
    )
    # A problem found on the persona case, so the decision's violation picker has a row to open.
    named["problem"] = CaseFinding.objects.create(
        case=persona_case,
        item=persona_case.items.order_by("pk").first(),
        position=1,
        result="problem",
        description="后厨未按规定消毒。",
        recorded_by=inspector,
    )
    named["recheck"] = Recheck.objects.create(
        case=closed_case,
        rechecked_on=dt.date(2026, 10, 10),
        passed=True,
        note="已整改到位。",
        recorded_by=inspector,
    )
    named["objection"] = objection = Objection.objects.create(
        case=closed_case,
        category="facts",
        text="检查结果与事实不符。",
        answer_due=dt.date(2026, 10, 19),
        submitted_by=personas["enterprise_other"],
    )
    named["objection_file"] = ObjectionAttachment.objects.create(
        objection=objection,
        file=ContentFile(b"%PDF-1.4 matrix objection\n", name="异议材料.pdf"),
        sm3="0" * 64,
    )
    # E's 整改报告 with a photo on its own case, so that E and agency A find it and others do not.
    report = RectificationReport.objects.create(
        case=persona_case, text="已更换消毒设备。", submitted_by=personas["enterprise"]
    )
    named["rectification_photo"] = RectificationPhoto.objects.create(
        report=report,
        file=ContentFile(b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, name="整改.png"),
        sm3="0" * 64,
    )


def _add_the_rest(personas: dict[str, Any], named: dict[str, Any]) -> None:
    """The remaining kinds: numbering, batches, caps, amendments, conflicts, self-checks, joint
    visits and an enterprise import."""
    from zhifa.compliance.models import Answer
    from zhifa.compliance.services import start_self_check
    from zhifa.documents.models import (
        Delivery,
        Document,
        DocumentBatch,
        DocumentBatchItem,
        NumberingRule,
    )
    from zhifa.draws.services import declare_conflict
    from zhifa.inspections.models import JointVisit
    from zhifa.org.models import Officer
    from zhifa.plans.models import AmendmentStatus, AnnualPlan, FrequencyPolicy, PlanAmendment
    from zhifa.registry.models import EnterpriseImport

    agency_a = named["agency_a"]
    inspector = personas["officer_a"]
    enterprise_e = named["enterprise_e"]
    persona_case = named["persona_case"]
    notice = persona_case.notice
    named["notice"] = notice
    # A signed 送达回证 to download.
    delivery = first(Delivery.objects.filter(document=notice).order_by("pk"))
    delivery.receipt_file.save("matrix-receipt.pdf", ContentFile(b"%PDF-1.4 receipt\n"), save=True)
    NumberingRule.objects.create(organisation=agency_a, kind=notice.kind, designator="舟卫测")
    batch = DocumentBatch.objects.create(
        organisation=agency_a, kind=notice.kind, title="批量签发预告通知书", created_by=inspector
    )
    document = first(Document.objects.filter(organisation=agency_a).order_by("pk"))
    DocumentBatchItem.objects.create(batch=batch, document=document, position=1)
    FrequencyPolicy.objects.create(
        region=agency_a.region, yearly_cap_across_agencies=2, source="舟山市人民政府规定"
    )
    plan = first(AnnualPlan.objects.filter(organisation=agency_a).order_by("pk"))
    named["plan"] = plan
    # Published, so that its public page has something to show.
    PlanAmendment.objects.create(
        plan=plan,
        number=1,
        reason="新增专项检查任务。",
        status=AmendmentStatus.PUBLISHED,
        created_by=personas["approver"],
        published_by=personas["approver"],
        published_at=timezone.now(),
    )
    officer = first(Officer.objects.filter(organisation=agency_a).exclude(user=inspector))
    declare_conflict(officer, enterprise_e, "近亲属在该企业任职。", inspector)
    named["self_check"] = self_check = start_self_check(enterprise_e, actor=personas["enterprise"])
    # A gap corrected with its evidence, so the evidence download has a file to give.
    answer = first(self_check.answers.order_by("pk"))
    answer.answer = Answer.VIOLATES
    answer.corrected_on = dt.date(2026, 10, 9)
    answer.correction_note = "已更换过期的消毒记录本。"
    answer.evidence.save("整改照片.pdf", ContentFile(b"%PDF-1.4 matrix correction\n"))
    visit = JointVisit.objects.create(
        enterprise=enterprise_e,
        region=enterprise_e.region,
        day=persona_case.inspection_date,
        lead=agency_a,
        planned_by=inspector,
    )
    type(persona_case).objects.filter(pk=persona_case.pk).update(joint_visit=visit)
    EnterpriseImport.objects.create(
        file_name="企业名录.xlsx",
        file_sm3="0" * 64,
        file_size=1024,
        row_count=1,
        contact_count=1,
        organisation=agency_a,
        created_by=inspector,
    )


def _add_complaint(personas: dict[str, Any], named: dict[str, Any]) -> None:
    """An item of the problem list filed by enterprise E against agency A with a photo, handed
    to agency A: the agency answers it, the bureau handles it, E rates it (issue 16)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from zhifa.complaints import services
    from zhifa.complaints.models import (
        CallbackStatus,
        Channel,
        Hotline,
        HotlineNonce,
        RoutingRule,
        StatusCallback,
    )

    enterprise = personas["enterprise"]
    item = services.file_complaint(
        channel=Channel.PORTAL,
        category="si-luan",
        content="同一个月内检查了三次。",
        agency=named["agency_a"],
        actor=enterprise,
        complainant_name="陈经理",
        complainant_enterprise=named["enterprise_e"],
        files=[SimpleUploadedFile("现场.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32)],
    )
    named["complaint"] = services.assign(
        item, agency=named["agency_a"], actor=personas["supervisor"]
    )
    # A status report a hotline did not take (the dead-letter list's retry), a signed push
    # seen once, and an automatic-routing rule left inactive so the world's items wait for 分办.
    hotline = Hotline.objects.order_by("pk").first() or Hotline.objects.create(
        code="matrix-12345", name="测试12345热线", region=named["agency_a"].region
    )
    StatusCallback.objects.create(
        hotline=hotline,
        complaint=named["complaint"],
        payload={"order_no": "MATRIX-1"},
        status=CallbackStatus.DEAD,
        attempts=6,
        last_error="对方服务器无响应。",
    )
    HotlineNonce.objects.create(hotline=hotline, nonce="matrix-nonce")
    RoutingRule.objects.create(region=named["agency_a"].region, is_active=False)


def _add_messages(personas: dict[str, Any], named: dict[str, Any]) -> None:
    """A message of officer A's (everyone else's 404) and his choice to be told by e-mail too."""
    from zhifa.notifications.models import Kind
    from zhifa.notifications.services import notify, set_preference

    officer = personas["officer_a"]
    officer.email = officer.email or "inspector@example.cn"
    officer.save(update_fields=["email"])
    set_preference(officer, by_sms=False, by_email=True, actor=officer)
    named["message"] = notify(
        [officer],
        Kind.DEADLINE_APPROACHING,
        "发出预告通知书期限将至",
        url=f"/inspections/{named['persona_case'].pk}/",
    )[0]


def _pick_objects(named: dict[str, Any]) -> dict[type[models.Model], models.Model]:
    """The object of each kind a route names: agency A's or enterprise E's where the kind has an
    owner, so that the personas differ; else the first row."""
    from zhifa.audit.models import AuditRecord
    from zhifa.compliance.models import SelfCheckAnswer
    from zhifa.documents.models import Delivery
    from zhifa.draws.models import DrawResult
    from zhifa.inspections.models import CaseDocument, CaseOfficer
    from zhifa.plans.models import PlanStratum, PlanTask
    from zhifa.registry.models import Contact

    case = named["persona_case"]
    plan = named["plan"]
    self_check = named["self_check"]
    picked: dict[type[models.Model], Any] = {
        type(named["agency_a"]): named["agency_a"],
        type(named["enterprise_e"]): named["enterprise_e"],
        type(case): case,
        type(named["notice"]): named["notice"],
        type(plan): plan,
        type(self_check): self_check,
        type(named["finding"]): named["finding"],
        type(named["evidence"]): named["evidence"],
        type(named["recheck"]): named["recheck"],
        type(named["objection"]): named["objection"],
        type(named["objection_file"]): named["objection_file"],
        type(named["rectification_photo"]): named["rectification_photo"],
        type(named["booking"]): named["booking"],
        type(named["complaint"]): named["complaint"],
        type(named["message"]): named["message"],
        Contact: Contact.objects.filter(enterprise=case.enterprise).first(),
        Delivery: Delivery.objects.filter(document=named["notice"]).first(),
        CaseOfficer: CaseOfficer.objects.filter(case=case).first(),
        CaseDocument: CaseDocument.objects.filter(case=case).first(),
        DrawResult: DrawResult.objects.filter(enterprise=case.enterprise).first(),
        PlanStratum: PlanStratum.objects.filter(plan=plan).first(),
        PlanTask: PlanTask.objects.filter(plan=plan).first(),
        SelfCheckAnswer: self_check.answers.order_by("pk").first(),
        AuditRecord: AuditRecord.objects.filter(
            object_type=case._meta.label_lower, object_id=str(case.pk)
        ).last(),
    }
    for model in apps.get_models():
        if model.__module__.startswith("zhifa.") and picked.get(model) is None:
            rows = model._default_manager.order_by("pk")
            if "organisation" in {f.name for f in model._meta.concrete_fields}:
                rows = rows.filter(organisation=named["agency_a"]) or rows
            picked[model] = rows.first()
    return {model: obj for model, obj in picked.items() if obj is not None}


def model_counts() -> dict[str, int]:
    return {
        m._meta.label: m._default_manager.count()
        for m in apps.get_models()
        if m.__module__.startswith("zhifa.")
    }
