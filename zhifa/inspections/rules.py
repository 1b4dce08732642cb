"""Who may do what with an inspection case: the inspections app's part of the capability table.

- 执法人员 and 执法机关负责人 of an enforcing organisation (their own account's role or a further
  role granted there, ``org.RoleGrant``) create and carry the cases of that organisation
  (``case.create``, ``case.edit``); a 法制审核人员 granted 执法人员 at the agency may too.
- Only a 执法机关负责人 of the case's agency approves it, and never a case he requested, takes
  part in, or whose content he wrote since its last approval (separation of duties,
  ``case.approve``, ``case.makeup``).
- What the agency does in law — the on-site record (现场检查笔录), the decision (处理决定) and the
  复查 — only an officer holding a valid 执法证 that day may do
  (``zhifa.org.rules.credential_refusal``). 系统管理员 is not an 执法人员: he may set a case up and
  correct its paperwork like the agency's own staff, but he records on site, decides or rechecks
  only when his account is linked to a valid 执法证 (《行政处罚法》第四十二条).
- Checking in at the enterprise's door is for an officer assigned to the case (``case.checkin``).
- The enterprise's users act on their own cases (签收, 预约指导, 整改报告, 评价, 异议:
  ``case.respond``); social supervisors read the cases they accompany (``case.accompany``);
  执法监督人员 answer objections (``objection.answer``) and confirm 综合查一次 plans
  (``joint.confirm``).
- Readers outside the agencies (enterprise users, social supervisors) never get the agency's
  internal record (``case.view_internal``).

Rows are narrowed by ``InspectionCase.objects.restrict(user)`` first; a rule here may assume the
object it is given was found through it.
"""

from __future__ import annotations

from typing import Any

from zhifa.audit.models import AuditRecord
from zhifa.core.access import capability
from zhifa.inspections.models import InspectionCase
from zhifa.org.models import Officer, Organisation, OrganisationKind, Role
from zhifa.org.rules import credential_refusal

WRITE_DENIED = "检查案件只能由执法机关的执法人员或执法机关负责人办理。"
APPROVE_DENIED = "检查只能由执法机关负责人审批。"
OTHER_ORG = "该检查案件属于其他机关，您只能办理本机关的案件。"
AGENCY_PAGE_ONLY = (
    "检查案件的机关内部记录只供执法机关和执法监督机关查看；"
    "社会监督员请在“伴随监督”中查看所伴随的检查。"
)
ENTERPRISE_ONLY = "“我的检查”仅供被检查企业的用户使用。"
ENTERPRISE_ACTS = "只有被检查企业的用户可以办理此事项。"
ACCOMPANY_ONLY = "“伴随监督”仅供社会监督员使用。"
ANSWER_DENIED = "企业异议由执法监督机关答复。"
JOINT_DENIED = "综合查一次的统筹结果由本级执法监督机关或系统管理员确认。"
JOINT_OUTSIDE = "统筹结果中有不属于您所在地区的检查案件，不能确认。"
SLOTS_DENIED = "此操作仅限执法人员、执法机关负责人、法制审核人员、执法监督人员办理。"
CHECKIN_UNLINKED = "只有绑定了执法证的执法人员账号可以签到。"
SMS_UNLINKED = "只有绑定了执法证的执法人员账号可以发送入企核验码。"
MAKEUP_OWN = "申请人不能为自己提请的紧急检查补办审批，请由另一名执法机关负责人办理。"
ANOTHER_APPROVER = "请由本机关另一名执法机关负责人审批。"

WRITER_ROLES = (Role.INSPECTOR, Role.APPROVER)
APPROVER_ROLES = (Role.APPROVER,)
EXTERNAL_ROLES = (Role.ENTERPRISE, Role.SOCIAL_SUPERVISOR)

# Steps that write what an approval approves (the enterprise, items, officers, date, reasons).
CONTENT_ACTIONS = (
    "inspections.case.create",
    "inspections.case.update",
    "inspections.case.submit",
    "inspections.case.join",
)
APPROVAL_ACTIONS = ("inspections.case.approve", "inspections.case.makeup")


# --- Plain helpers (the rules below are the decisions) ----------------------------------------


def enforcing_organisations(user: Any, *roles: str) -> set[int]:
    """The enforcing organisations ``user`` acts for in one of ``roles``."""
    ids = user.organisations_as(*roles)
    if not ids:
        return set()
    return set(
        Organisation.objects.filter(pk__in=ids, kind__in=OrganisationKind.enforcing()).values_list(
            "pk", flat=True
        )
    )


def _agency_refusal(
    user: Any, organisation_id: int | None, roles: tuple[str, ...], denied: str
) -> str | None:
    # An organisation of None asks "for some organisation of his"; administrators act for all.
    if user.is_admin:
        return None
    mine = enforcing_organisations(user, *roles)
    if not mine:
        return denied
    if organisation_id is not None and organisation_id not in mine:
        return OTHER_ORG
    return None


def write_refusal(user: Any, organisation_id: int | None = None) -> str | None:
    return _agency_refusal(user, organisation_id, WRITER_ROLES, WRITE_DENIED)


def approver_refusal(user: Any, organisation_id: int | None = None) -> str | None:
    return _agency_refusal(user, organisation_id, APPROVER_ROLES, APPROVE_DENIED)


def is_external(user: Any) -> bool:
    """True for a reader outside the agencies: an enterprise user or a social supervisor who
    holds no agency or supervising role (never an administrator)."""
    return bool(
        user is not None
        and user.is_authenticated
        and not user.is_admin
        and user.has_role(*EXTERNAL_ROLES)
        and not (user.is_agency_user or user.is_supervisor)
    )


def separation_refusal(case: Any, actor: Any) -> str | None:
    """Why ``actor``, an approver of the case's agency, may still not approve it, or None.

    Separation of duties: no one approves an inspection he takes part in (one of its officers),
    nor content he wrote himself — he requested the case, or since its last approval he changed
    its content or submitted it."""
    if case.requested_by_id == actor.pk:
        return f"案件 {case.reference} 由您提请，申请人不能审批自己提请的检查，{ANOTHER_APPROVER}"
    mine = case.assignments.filter(officer__user_id=actor.pk).select_related("officer").first()
    if mine is not None:
        return (
            f"您（{mine.officer.name}，执法证 {mine.officer.cert_no}）是案件 {case.reference} 的"
            f"执法人员，参加检查的人员不能审批本次检查，{ANOTHER_APPROVER}"
        )
    records = AuditRecord.objects.for_object(case)
    approved_at = (
        records.filter(action__in=APPROVAL_ACTIONS)
        .order_by("-seq")
        .values_list("seq", flat=True)
        .first()
    )
    edits = records.filter(actor_id=actor.pk, action__in=CONTENT_ACTIONS)
    if approved_at is not None:
        edits = edits.filter(seq__gt=approved_at)
    edit = edits.order_by("-seq").first()
    if edit is not None:
        doing = "提请审批" if edit.action == "inspections.case.submit" else "修改了检查内容"
        return (
            f"案件 {case.reference} 由您{doing}，修改或提请检查内容的人不能审批该检查，"
            f"{ANOTHER_APPROVER}"
        )
    return None


def _case_of(obj: Any) -> Any:
    """The case an object of a case (a booking, an objection) belongs to, or the case itself."""
    return obj if obj is None or isinstance(obj, InspectionCase) else getattr(obj, "case", obj)


def _organisation_id(obj: Any) -> int | None:
    """The organisation an object belongs to: a case or an object of one, or the organisation."""
    if obj is None:
        return None
    if isinstance(obj, Organisation):
        return int(obj.pk)
    return int(_case_of(obj).organisation_id)


def _assigned_refusal(user: Any, case: Any, unlinked: str, doing: str) -> str | None:
    officer = Officer.objects.filter(user=user).first()
    if officer is None:
        return unlinked
    if case is not None and not case.assignments.filter(officer=officer).exists():
        return f"{officer.name} 不是案件 {case.reference} 批准的执法人员，不能{doing}。"
    return None


# --- Reading ----------------------------------------------------------------------------------


@capability("case.list", "查看检查案件列表（按可见范围）")
def _list(user: Any, obj: Any) -> str | None:
    # Every signed-in user has a list; its rows are what ``restrict`` lets him see.
    return None


@capability("case.view", "查看检查案件（本人可见范围内）")
def _view(user: Any, case: Any) -> str | None:
    return None


@capability("case.view_internal", "查看检查案件的机关内部记录")
def _view_internal(user: Any, case: Any) -> str | None:
    return AGENCY_PAGE_ONLY if is_external(user) else None


@capability("evidence.view", "查看现场检查证据文件")
def _evidence_view(user: Any, evidence: Any) -> str | None:
    # Evidence is the agency's file: ``FindingEvidence.objects.restrict`` shows its rows to the
    # agency and its supervisors only, so the enterprise and social supervisors find none (404).
    return AGENCY_PAGE_ONLY if is_external(user) else None


@capability("case.view_as_enterprise", "查看“我的检查”（被检查企业）")
def _view_as_enterprise(user: Any, case: Any) -> str | None:
    if user.is_admin or user.has_role(Role.ENTERPRISE):
        return None
    return ENTERPRISE_ONLY


@capability("case.accompany", "伴随监督（社会监督员查看所伴随的检查）")
def _accompany(user: Any, case: Any) -> str | None:
    if user.is_admin or user.has_role(Role.SOCIAL_SUPERVISOR):
        return None
    return ACCOMPANY_ONLY


@capability("slot.list", "查看合规指导时段")
def _slot_list(user: Any, obj: Any) -> str | None:
    if user.is_admin or user.has_role(*Role.agency_roles(), Role.SUPERVISOR):
        return None
    return SLOTS_DENIED


# --- The agency's steps -----------------------------------------------------------------------


@capability("case.create", "新建检查案件（含由抽取结果生成）")
def _create(user: Any, organisation: Any) -> str | None:
    return write_refusal(user, _organisation_id(organisation))


@capability("case.edit", "办理检查案件（修改、提请、预告、安排、公示、撤销）")
def _edit(user: Any, case: Any) -> str | None:
    return write_refusal(user, _organisation_id(case))


@capability("slot.publish", "发布合规指导时段")
def _slot_publish(user: Any, organisation: Any) -> str | None:
    return write_refusal(user, _organisation_id(organisation))


@capability("booking.record", "记录合规指导情况")
def _booking_record(user: Any, booking: Any) -> str | None:
    return write_refusal(user, _organisation_id(booking))


@capability("case.approve", "审批检查（不得审批本人提请、参加或修改的检查）")
def _approve(user: Any, case: Any) -> str | None:
    refusal = approver_refusal(user, _organisation_id(case))
    if refusal is None and case is not None:
        refusal = separation_refusal(case, user)
    return refusal


@capability("case.reject", "不予批准检查")
def _reject(user: Any, case: Any) -> str | None:
    return approver_refusal(user, _organisation_id(case))


@capability("case.approve_batch", "批量审批检查")
def _approve_batch(user: Any, organisation: Any) -> str | None:
    # Each case of the batch is asked ``case.approve`` again (separation of duties).
    return approver_refusal(user, _organisation_id(organisation))


@capability("case.makeup", "紧急检查补办审批手续")
def _makeup(user: Any, case: Any) -> str | None:
    refusal = approver_refusal(user, _organisation_id(case))
    if refusal is None and case is not None:
        if case.requested_by_id == user.pk:
            return MAKEUP_OWN
        refusal = separation_refusal(case, user)
    return refusal


@capability("case.checkin", "入企签到（本案批准的执法人员）")
def _checkin(user: Any, case: Any) -> str | None:
    return _assigned_refusal(user, case, CHECKIN_UNLINKED, "签到")


@capability("case.checkin_sms", "向企业发送入企核验码（本案批准的执法人员）")
def _checkin_sms(user: Any, case: Any) -> str | None:
    return _assigned_refusal(user, case, SMS_UNLINKED, "发送入企核验码")


def _in_law_refusal(user: Any, case: Any) -> str | None:
    return write_refusal(user, _organisation_id(case)) or credential_refusal(user)


@capability("case.record_onsite", "制作现场检查笔录（须持有效执法证）")
def _record_onsite(user: Any, case: Any) -> str | None:
    return _in_law_refusal(user, case)


@capability("case.decide", "作出处理决定（须持有效执法证）")
def _decide(user: Any, case: Any) -> str | None:
    return _in_law_refusal(user, case)


@capability("case.recheck", "复查整改情况（须持有效执法证）")
def _recheck(user: Any, case: Any) -> str | None:
    return _in_law_refusal(user, case)


# --- The enterprise, the supervisors ----------------------------------------------------------


@capability("case.respond", "被检查企业办理（签收预告、预约指导、报告整改、评价、提出异议）")
def _respond(user: Any, obj: Any) -> str | None:
    case = _case_of(obj)
    if user.is_enterprise_user and (case is None or user.enterprise_id == case.enterprise_id):
        return None
    return ENTERPRISE_ACTS


@capability("objection.answer", "答复企业异议")
def _answer(user: Any, objection: Any) -> str | None:
    return None if user.is_admin or user.has_role(Role.SUPERVISOR) else ANSWER_DENIED


@capability("joint.confirm", "确认综合查一次统筹结果")
def _joint_confirm(user: Any, plan: Any) -> str | None:
    if not (user.is_admin or user.has_role(Role.SUPERVISOR)):
        return JOINT_DENIED
    if plan is not None:
        ids = {case_id for visit in plan.visits for case_id in visit.case_ids}
        if InspectionCase.objects.restrict(user).filter(pk__in=ids).count() != len(ids):
            return JOINT_OUTSIDE
    return None


# --- Social supervisors (issue 15, zhifa/social) -----------------------------------------------
# Who accompanies an inspection is the supervising bureau's choice, never the inspected agency's:
# it draws one (zhifa.social.services.draw_social_supervisor) and his acceptance sets it here.

SOCIAL_ASSIGN_DENIED = (
    "伴随监督的社会监督员由本地区执法监督机关（司法局、司法所）安排，被检查的执法机关不能自行安排。"
)
SOCIAL_ASSIGN_OUTSIDE = "该检查不在您所在监督机关的地区内，不能安排伴随监督员。"


@capability("case.assign_social_supervisor", "安排伴随监督的社会监督员（本地区执法监督机关）")
def _assign_social_supervisor(user: Any, case: Any) -> str | None:
    if user.is_admin:
        return None
    if not user.has_role(*Role.supervising_roles()):
        return SOCIAL_ASSIGN_DENIED
    if case is not None and not (
        InspectionCase.objects.restrict(user)
        .filter(pk=case.pk, organisation__kind__in=OrganisationKind.enforcing())
        .exists()
        and user.is_supervisor
    ):
        return SOCIAL_ASSIGN_OUTSIDE
    return None
