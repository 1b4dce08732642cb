"""``/api/inspections/``: the inspection case step by step, for signed-in users (scoped through
``selectors.cases_for``; an enterprise sees a case once notified of it or once the inspection
began), and the public results and 扫码入企 verification (no login).

Every step calls one service function. A refused step answers 400, as the other apps' APIs do,
with the service's Chinese messages per field (``errors``), 403 when the user may not take it,
404 when the case is not his to see; a refused step changes nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from typing import Annotated, Any, Literal, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest
from django.utils import timezone
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import paginate

from zhifa.core import params
from zhifa.core.viewhelpers import stored_file
from zhifa.documents.models import Document, DocumentStatus
from zhifa.documents.selectors import current_prohibitions
from zhifa.draws.models import DrawResult
from zhifa.inspections import selectors, services
from zhifa.inspections.models import (
    CaseDocument,
    CaseOutcome,
    CaseStatus,
    FindingResult,
    GuidanceBooking,
    GuidanceSlot,
    InspectionCase,
    InspectionKind,
    Objection,
    ObjectionStatus,
    OralNotice,
)
from zhifa.org.models import Officer, Organisation, Role, User
from zhifa.org.scoping import visible_to
from zhifa.plans import rules
from zhifa.plans.models import InspectionItem
from zhifa.registry.models import Enterprise
from zhifa.workdays.selectors import YearNotLoaded

# A step the service refuses; 422 stays what django-ninja answers for a malformed request.
REFUSED = 400

router = Router(tags=["涉企行政检查"])

CASE_NOT_FOUND = "没有找到该检查案件，或您无权查看。"


# --- Schemas ----------------------------------------------------------------------------------


class Message(Schema):
    detail: str


class FieldErrors(Schema):
    detail: str
    errors: dict[str, list[str]] = Field(description="按字段列出的错误")


class ItemRef(Schema):
    code: str = Field(description="检查事项编码")
    name: str


class _CaseFields(Schema):
    id: int
    reference: str = Field(description="案件编号")
    title: str
    kind: str = Field(description="检查类型：" + "、".join(InspectionKind.values))
    kind_label: str
    status: str = Field(description="状态：" + "、".join(CaseStatus.values))
    status_label: str
    organisation_id: int
    organisation_name: str
    enterprise_id: int
    enterprise_name: str
    enterprise_uscc: str
    region_code: str
    inspection_date: dt.date
    inspection_time: dt.time
    is_emergency: bool = Field(description="紧急现场检查（口头通知后补办手续）")
    outcome: str = Field(description="处理结果：" + "、".join(CaseOutcome.values) + "；未决定为空")
    outcome_label: str


class CaseOut(_CaseFields):
    @staticmethod
    def resolve_kind_label(obj: InspectionCase) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_status_label(obj: InspectionCase) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_organisation_name(obj: InspectionCase) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_enterprise_name(obj: InspectionCase) -> str:
        return obj.enterprise.name

    @staticmethod
    def resolve_enterprise_uscc(obj: InspectionCase) -> str:
        return obj.enterprise.uscc

    @staticmethod
    def resolve_region_code(obj: InspectionCase) -> str:
        return obj.region_id

    @staticmethod
    def resolve_outcome_label(obj: InspectionCase) -> str:
        return str(obj.get_outcome_display()) if obj.outcome else ""


class CaseOfficerOut(Schema):
    position: int
    name: str
    cert_no: str = Field(description="执法证号")
    checked_in_at: dt.datetime | None = Field(description="扫码签到时间；未签到为空")


class CheckInLocationOut(Schema):
    latitude: float = Field(description="纬度（WGS-84，手机浏览器定位）")
    longitude: float = Field(description="经度")
    accuracy: int | None = Field(description="定位精度（米）")


class AgencyCaseOfficerOut(CaseOfficerOut):
    checkin_location: CheckInLocationOut | None = Field(
        description="签到时手机给出的位置；未签到或手机未提供位置为空"
    )


class EvidenceOut(Schema):
    id: int = Field(description="下载：GET /api/inspections/evidence/{id}")
    name: str
    sm3: str
    uploaded_at: dt.datetime


class FindingOut(Schema):
    position: int = Field(description="序号；作出处理决定时按此序号逐项决定")
    item_code: str = Field(description="检查事项编码；“其他情况”为空")
    item_name: str
    result: str = Field(description="compliant 符合、problem 发现问题、na 不适用")
    result_label: str
    description: str
    proposed: str
    chosen: str = Field(description="处理决定：none、lighter、mitigated、ordinary；未决定为空")
    violation_code: str = Field(description="裁量清单中的违法行为编码")
    violated_provision: str = Field(description="违反的规定")
    penalty_provision: str = Field(description="处罚（责令改正）依据")
    legal_basis: str = Field(description="已停用：同 penalty_provision")
    deviation_reason: str
    evidence: list[EvidenceOut]


class DocumentRef(Schema):
    id: int
    step: str = Field(description="产生文书的环节：approval、notice、oral_notice、site_record 等")
    kind: str
    kind_name: str
    title: str
    number: str = Field(description="文号")
    verification_code: str | None = Field(description="文书核验码")
    status: str
    status_label: str
    issue_date: dt.date | None
    voided: bool = Field(description="已被更正文书作废")


class OralNoticeOut(Schema):
    told_at: dt.datetime
    place: str
    told_by: str
    told_to: str
    content: str
    head: str
    makeup_due: dt.date = Field(description="补办期限")
    makeup_done_at: dt.datetime | None


class RecheckOut(Schema):
    rechecked_on: dt.date
    passed: bool
    note: str


class ObjectionOut(Schema):
    id: int
    case_id: int
    case_reference: str
    text: str
    status: str = Field(description="open 待处理、answered 已答复")
    status_label: str
    submitted_at: dt.datetime
    answer: str
    answered_at: dt.datetime | None


class SlotOut(Schema):
    id: int
    organisation_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str
    officer_name: str
    officer_cert_no: str

    @staticmethod
    def resolve_officer_name(obj: GuidanceSlot) -> str:
        return obj.officer.name

    @staticmethod
    def resolve_officer_cert_no(obj: GuidanceSlot) -> str:
        return obj.officer.cert_no


class BookingOut(Schema):
    id: int
    case_id: int
    case_reference: str
    slot: SlotOut
    topic: str
    status: str = Field(description="booked 已预约、done 已指导、cancelled 已取消")
    status_label: str
    booked_at: dt.datetime
    guidance_note: str
    done_at: dt.datetime | None

    @staticmethod
    def resolve_case_reference(obj: GuidanceBooking) -> str:
        return obj.case.reference

    @staticmethod
    def resolve_status_label(obj: GuidanceBooking) -> str:
        return str(obj.get_status_display())


class CaseDetailOut(_CaseFields):
    audience: Literal["agency"] = Field(
        description="agency：执法机关与执法监督机关看到的完整案件记录"
    )
    reason: str
    exemption_reason: str = Field(description="免于预告理由")
    verify_code: str = Field(
        description="扫码核验码（执法人员出示，企业在公开核验页 /inspections/v/{核验码}/ "
        "核验检查真伪）；签到码只向被检查企业显示，不在本输出中"
    )
    items: list[ItemRef]
    officers: list[AgencyCaseOfficerOut]
    findings: list[FindingOut]
    documents: list[DocumentRef] = Field(description="各环节产生的文书（仅列您有权查看的）")
    requested_by: str
    submitted_at: dt.datetime | None
    approved_by: str
    approved_at: dt.datetime | None
    approval_opinion: str
    approval_batch_id: int | None
    notified_at: dt.datetime | None
    started_at: dt.datetime | None
    inspected_at: dt.datetime | None
    social_supervisor: str
    oral_notice: OralNoticeOut | None
    decided_at: dt.datetime | None
    decision_note: str
    rectify_deadline: dt.date | None
    rechecks: list[RecheckOut]
    closed_at: dt.datetime | None
    publish_due: dt.date | None = Field(description="公示期限（处理决定后20个工作日）")
    published_at: dt.datetime | None
    result_summary: str
    rating: int | None
    rating_comment: str
    rated_at: dt.datetime | None
    objections: list[ObjectionOut]
    bookings: list[BookingOut]
    cancel_reason: str


class ExternalFindingOut(Schema):
    position: int
    item_code: str = Field(description="检查事项编码；“其他情况”为空")
    item_name: str
    result: str = Field(description="compliant 符合、problem 发现问题、na 不适用")
    result_label: str
    description: str


class ExternalRecheckOut(Schema):
    rechecked_on: dt.date
    passed: bool


class ExternalCaseOut(_CaseFields):
    """What the enterprise and a social supervisor read: the cut the enterprise's own page makes.
    The agency's internal record (its 检查事由, the exemption reason, who requested and approved
    with what opinion, findings before the decision, the discretion proposal and any reason for
    departing from it, the oral notice record, the decision note) is not part of it."""

    audience: Literal["external"] = Field(
        description="external：被检查企业和社会监督员看到的对外内容，不含机关内部记录"
    )
    reason: str = Field(description="检查事由（对外说明，按检查类型；不含举报人等机关内部记录）")
    verify_code: str = Field(description="扫码核验码（公开核验页 /inspections/v/{核验码}/）")
    checkin_code: str | None = Field(
        description="签到码：执法人员到场时由企业出示、供其扫码签到（仅被检查企业本身可见）"
    )
    items: list[ItemRef]
    officers: list[CaseOfficerOut]
    findings: list[ExternalFindingOut] = Field(description="检查记录；作出处理决定后才列出")
    documents: list[DocumentRef] = Field(description="送达本企业的文书")
    notified_at: dt.datetime | None
    started_at: dt.datetime | None
    inspected_at: dt.datetime | None
    decided_at: dt.datetime | None
    rectify_deadline: dt.date | None
    rechecks: list[ExternalRecheckOut]
    closed_at: dt.datetime | None
    published_at: dt.datetime | None
    result_summary: str
    rating: int | None
    rating_comment: str
    rated_at: dt.datetime | None
    objections: list[ObjectionOut] = Field(description="本企业提出的异议（仅企业本身可见）")
    bookings: list[BookingOut] = Field(description="本企业的指导预约（仅企业本身可见）")
    cancel_reason: str


# One endpoint, two readers: ``audience`` says which output a response is.
CaseView = Annotated[CaseDetailOut | ExternalCaseOut, Field(discriminator="audience")]


class TimelineEntryOut(Schema):
    at: dt.datetime
    actor: str
    action: str = Field(description="审计记录的动作代码，如 inspections.case.approve")
    summary: str
    document_id: int | None


class InboxSectionOut(Schema):
    key: str
    title: str
    hint: str
    cases: list[CaseOut]


class BatchOut(Schema):
    id: int
    title: str
    organisation_id: int
    approved_by: str
    approved_at: dt.datetime
    opinion: str
    cases: list[CaseOut]
    list_document: DocumentRef | None = Field(description="批量审批清单")


class PublicResultOut(Schema):
    reference: str
    organisation_name: str
    enterprise_name: str
    enterprise_uscc: str
    kind: str
    kind_label: str
    inspection_date: dt.date
    outcome: str
    outcome_label: str
    result_summary: str
    published_at: dt.datetime

    @staticmethod
    def resolve_organisation_name(obj: InspectionCase) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_enterprise_name(obj: InspectionCase) -> str:
        return obj.enterprise.name

    @staticmethod
    def resolve_enterprise_uscc(obj: InspectionCase) -> str:
        return obj.enterprise.uscc

    @staticmethod
    def resolve_kind_label(obj: InspectionCase) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_outcome_label(obj: InspectionCase) -> str:
        return str(obj.get_outcome_display()) if obj.outcome else ""


class VerifiedOfficerOut(Schema):
    name: str
    cert_no: str = Field(description="执法证号")
    cert_valid_until: dt.date
    valid_today: bool = Field(description="今天是否持有有效执法证")


class ProhibitionOut(Schema):
    title: str
    items: list[str]


class VerificationOut(Schema):
    verify_code: str
    reference: str
    organisation_name: str = Field(description="执法机关")
    enterprise_name: str = Field(description="检查对象")
    kind: str
    kind_label: str
    inspection_date: dt.date
    inspection_time: dt.time
    status: str
    status_label: str
    is_approved: bool = Field(description="已经执法机关负责人批准（紧急检查为补办审批）")
    is_emergency: bool
    officers: list[VerifiedOfficerOut]
    items: list[ItemRef]
    prohibitions: list[ProhibitionOut] = Field(description="涉企行政检查“五个严禁”“八个不得”")


# --- Input schemas ----------------------------------------------------------------------------


class CaseIn(Schema):
    organisation: int | None = Field(
        None, description="执法机关编号；只有系统管理员需要填写，其他用户为本人所在机关"
    )
    enterprise: str = Field(description="检查对象的统一社会信用代码")
    kind: str = Field(description="检查类型：" + "、".join(InspectionKind.values))
    items: list[str] = Field(description="检查事项编码")
    officers: list[str] = Field(description="执法人员的执法证号，按顺序，至少 2 人")
    inspection_date: dt.date
    inspection_time: dt.time | None = Field(None, description="默认 09:00")
    title: str = Field("", description="默认“检查类型：企业名称”")
    reason: str = Field("", description="检查事由")
    exemption_reason: str = Field(
        "", description="免于预告理由；举报投诉、暗访暗查、“四不两直”、涉及生命财产安全的检查必填"
    )
    is_emergency: bool = Field(False, description="紧急现场检查：先口头通知，事后补办手续")
    draw_result: int | None = Field(None, description="来源的双随机抽取结果编号")


class CaseChangeIn(Schema):
    items: list[str] | None = Field(None, description="检查事项编码（整体替换）")
    officers: list[str] | None = Field(None, description="执法证号（整体替换）")
    inspection_date: dt.date | None = None
    inspection_time: dt.time | None = None
    title: str | None = None
    reason: str | None = None


class OpinionIn(Schema):
    opinion: str = Field("", description="审批意见，默认“同意。”")


class ReasonIn(Schema):
    reason: str


class BatchIn(Schema):
    cases: list[int] = Field(description="待审批的案件编号（同一执法机关）")
    title: str = Field(description="批次名称")
    opinion: str = Field("", description="审批意见，默认“同意批量实施。”")


class NoticeBatchIn(Schema):
    cases: list[int] = Field(description="已批准、需预告的案件编号（同一执法机关）")
    title: str = Field("", description="批次名称，默认“批量发出检查预告通知书（N 份）”")


class NoticeBatchOut(Schema):
    id: int = Field(description="文书批量签发批次编号；进度见 GET /api/documents/batches/{id}")
    title: str
    total: int
    status: str


class OralNoticeIn(Schema):
    told_at: dt.datetime = Field(description="告知时间")
    place: str = Field(description="告知地点")
    told_by: str = Field(description="告知人的执法证号（本案件的执法人员）")
    told_to: str = Field(description="被告知人（姓名、职务）")
    content: str = Field(description="告知内容")
    head: str = Field(description="报告的执法机关负责人的用户名")


class CheckInIn(Schema):
    code: str = Field(description="扫描企业出示的签到码得到的码（只在企业的页面上显示）")
    latitude: float | None = Field(None, description="手机定位的纬度（WGS-84），可不填")
    longitude: float | None = Field(None, description="手机定位的经度，可不填")
    accuracy: float | None = Field(None, description="定位精度（米），可不填")


class SocialSupervisorIn(Schema):
    social_supervisor: str | None = Field(description="社会监督员的用户名；为空表示取消")


class FindingIn(Schema):
    item: str = Field("", description="检查事项编码；为空表示检查事项以外的其他情况")
    result: str = Field(description="compliant 符合、problem 发现问题、na 不适用")
    description: str = Field("", description="检查情况；发现问题时必填")


class FinishIn(Schema):
    present_person: str = Field(description="在场人")
    party_opinion: str = Field(description="当事人意见")


class DecisionIn(Schema):
    chosen: str = Field(description="处理决定：none、lighter、mitigated、ordinary")
    violated_provision: str = Field(
        "",
        description="违反的规定，如《公共场所卫生管理条例》第七条；"
        "不填则取 violation_code 所指清单事项的违法依据",
    )
    penalty_provision: str = Field(
        "",
        description="处罚（责令改正）依据，如《公共场所卫生管理条例》第十四条；"
        "不填则取 violation_code 所指清单事项违法依据中的罚则条款",
    )
    legal_basis: str = Field(
        "", description="已停用：旧版的“法律依据”，作为 penalty_provision（未填时）处理"
    )
    deviation_reason: str = Field(
        "", description="处理决定不在裁量清单引擎允许的结果之内时，须写明理由"
    )
    harm_level: str = Field("", description="none、minor、general、serious")
    violation_code: str = Field(
        "",
        description="本机关现行裁量清单中的违法行为编码（或事项编号），"
        "可用 GET /api/discretion/violations 查找；清单中没有的编码被拒绝",
    )
    corrected_before: bool = Field(False, description="检查前已自行改正")
    corrected_on_site: bool = Field(False, description="当场改正")
    no_subjective_fault: bool = Field(False, description="当事人有证据足以证明没有主观过错")
    violation_ended_on: dt.date | None = Field(
        None, description="违法行为发生之日（连续或继续状态的为终了之日），用于第三十六条追责期限"
    )
    life_or_financial_safety: bool = Field(False, description="涉及公民生命健康安全、金融安全")
    special_limitation_months: int | None = Field(
        None, description="法律另有规定的追责期限（月），第三十六条“法律另有规定的除外”"
    )
    special_limitation_basis: str = Field("", description="规定该期限的法律及条款")
    circumstances: list[str] = Field(
        default_factory=list,
        description="行政处罚法第三十二条情形：eliminated_harm、coerced、confessed、meritorious、other",
    )


class DecideIn(Schema):
    outcome: str = Field(description="no_problem、no_penalty、rectify、filed")
    decisions: dict[int, DecisionIn] = Field(
        default_factory=dict, description="按检查记录序号逐项作出的处理决定（发现问题的各项）"
    )
    rectify_working_days: int | None = Field(None, description="责令改正的整改期限（工作日）")
    requirements: list[str] = Field(default_factory=list, description="整改要求")
    note: str = Field("", description="处理说明")


class RecheckIn(Schema):
    passed: bool = Field(description="是否整改到位")
    note: str = Field(description="复查情况")
    rechecked_on: dt.date | None = Field(None, description="复查日期，默认今天")
    file_case: bool = Field(False, description="未整改到位时立案查处（移交）")


class PublishIn(Schema):
    summary: str = Field("", description="公示内容；默认按处理结果生成")


class RateIn(Schema):
    rating: int = Field(description="1 至 5 星")
    comment: str = ""


class ObjectionIn(Schema):
    text: str = Field(description="异议内容（转执法监督机关）")


class AnswerIn(Schema):
    answer: str


class SlotIn(Schema):
    organisation: int | None = Field(None, description="执法机关编号；只有系统管理员需要填写")
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str = Field(description="方式/地点")
    officer: str = Field(description="指导人员的执法证号")


class BookingIn(Schema):
    slot: int = Field(description="指导时段编号（见 GET /slots?case=）")
    topic: str = Field("", description="希望指导的问题")


class GuidanceNoteIn(Schema):
    note: str = Field(description="指导情况")


# --- Helpers ----------------------------------------------------------------------------------


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


# An enterprise learns of an inspection from its notice, or when the officers arrive (exempt
# kinds, emergencies): before that a planned 暗访暗查 or “四不两直” check must stay unknown to it.
def _cases(user: User) -> QuerySet[InspectionCase]:
    return selectors.cases_for(user)


def _case(user: User, case_id: int) -> InspectionCase:
    try:
        case = selectors.get_case_or_404(user, case_id)
    except Http404:
        raise HttpError(404, CASE_NOT_FOUND) from None
    return case


def _name(user: Any) -> str:
    if user is None:
        return ""
    return str(user.person_name)


# The services key some errors by the Chinese label of the field they check; the API names
# the request field instead, so that a client can put the message next to its input.
_FIELD_BY_LABEL = {
    "检查名称": "title",
    "检查事由": "reason",
    "免于预告理由": "exemption_reason",
    "审批意见": "opinion",
    "不予批准的理由": "reason",
    "撤销理由": "reason",
    "批次名称": "title",
    "告知地点": "place",
    "被告知人": "told_to",
    "告知内容": "content",
    "检查情况": "description",
    "在场人": "present_person",
    "当事人意见": "party_opinion",
    "处理说明": "note",
    "复查情况": "note",
    "公示内容": "summary",
    "评价意见": "comment",
    "异议内容": "text",
    "答复": "answer",
    "方式/地点": "place",
    "希望指导的问题": "topic",
    "指导情况": "note",
}
_FINDING_LABEL = re.compile(r"^第(\d+)项")


def _field(key: str) -> str:
    if key == "__all__":
        return "non_field"
    if key in _FIELD_BY_LABEL:
        return _FIELD_BY_LABEL[key]
    position = _FINDING_LABEL.match(key)
    if position:
        return f"decisions.{position.group(1)}"
    if key.startswith("findings."):
        return "decisions." + key.removeprefix("findings.")
    return key


def _refused(error: ValidationError) -> Status[Any]:
    if hasattr(error, "error_dict"):
        errors: dict[str, list[str]] = {}
        for key, messages in error.message_dict.items():
            errors.setdefault(_field(key), []).extend(messages)
        detail = "；".join(m for messages in errors.values() for m in messages)
        return Status(REFUSED, {"detail": detail, "errors": errors})
    return Status(REFUSED, {"detail": "；".join(error.messages), "errors": {}})


def _listed_cases(user: User, ids: list[int]) -> list[InspectionCase] | Status[Any]:
    """The cases named in a request body, in the order given; a 404 naming those not found."""
    wanted = list(dict.fromkeys(ids))
    found = _cases(user).in_bulk(wanted)
    missing = [pk for pk in wanted if pk not in found]
    if missing:
        return Status(
            404,
            {"detail": f"没有找到编号为 {'、'.join(map(str, missing))} 的检查案件，或您无权查看。"},
        )
    return [found[pk] for pk in wanted]


def _run(action: Callable[[], Any], done: Callable[[Any], Status[Any]]) -> Status[Any]:
    try:
        result = action()
    except PermissionDenied as error:
        return Status(403, {"detail": str(error) or services.WRITE_DENIED})
    except ValidationError as error:
        return _refused(error)
    except YearNotLoaded as error:
        return Status(REFUSED, {"detail": str(error), "errors": {}})
    return done(result)


def _step(
    request: HttpRequest, case_id: int, action: Callable[[InspectionCase, User], Any]
) -> Status[Any]:
    user = _user(request)
    case = _case(user, case_id)
    return _run(
        lambda: action(case, user),
        lambda _: Status(200, _case_payload(_case(user, case_id), user)),
    )


def _aware(value: dt.datetime) -> dt.datetime:
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def _document_ref(document: Document, step: str) -> dict[str, Any]:
    return {
        "id": document.pk,
        "step": step,
        "kind": document.kind.code,
        "kind_name": document.kind.name,
        "title": document.title,
        "number": document.number_text,
        "verification_code": document.verification_code,
        "status": document.status,
        "status_label": str(DocumentStatus(document.status).label),
        "issue_date": document.issue_date,
        "voided": document.is_voided,
    }


def _objection(objection: Objection) -> dict[str, Any]:
    return {
        "id": objection.pk,
        "case_id": objection.case_id,
        "case_reference": objection.case.reference,
        "text": objection.text,
        "status": objection.status,
        "status_label": str(ObjectionStatus(objection.status).label),
        "submitted_at": objection.submitted_at,
        "answer": objection.answer,
        "answered_at": objection.answered_at,
    }


def _external_payload(case: InspectionCase, user: User) -> dict[str, Any]:
    """The external cut of a case (``ExternalCaseOut``), built from the reader's own scope:
    documents through ``visible_to``, objections and bookings only for the enterprise."""
    links = (
        CaseDocument.objects.filter(case=case)
        .filter(document__in=visible_to(user, Document.objects.all()))
        .select_related("document__kind", "document__number")
    )
    own = user.role == Role.ENTERPRISE
    decided = case.decided_at is not None
    return {
        **_case_fields(case),
        "audience": "external",
        "reason": selectors.external_reason(case),
        "verify_code": case.verify_code,
        "checkin_code": case.checkin_code if own else None,
        "items": [{"code": i.code, "name": i.name} for i in case.items.order_by("code")],
        "officers": _case_officers(case),
        "findings": [
            {
                "position": f.position,
                "item_code": f.item.code if f.item else "",
                "item_name": f.item.name if f.item else "其他情况",
                "result": f.result,
                "result_label": str(FindingResult(f.result).label),
                "description": f.description,
            }
            for f in (selectors.findings_of(case) if decided else [])
        ],
        "documents": [_document_ref(link.document, link.step) for link in links],
        "notified_at": case.notified_at,
        "started_at": case.started_at,
        "inspected_at": case.inspected_at,
        "decided_at": case.decided_at,
        "rectify_deadline": case.rectify_deadline,
        "rechecks": [
            {"rechecked_on": r.rechecked_on, "passed": r.passed} for r in case.rechecks.all()
        ],
        "closed_at": case.closed_at,
        "published_at": case.published_at,
        "result_summary": case.result_summary,
        "rating": case.rating,
        "rating_comment": case.rating_comment,
        "rated_at": case.rated_at,
        "objections": [_objection(o) for o in case.objections.order_by("submitted_at", "pk")]
        if own
        else [],
        "bookings": list(case.bookings.select_related("slot__officer", "case")) if own else [],
        "cancel_reason": case.cancel_reason,
    }


def _case_fields(case: InspectionCase) -> dict[str, Any]:
    return {
        "id": case.pk,
        "reference": case.reference,
        "title": case.title,
        "kind": case.kind,
        "kind_label": case.get_kind_display(),
        "status": case.status,
        "status_label": case.get_status_display(),
        "organisation_id": case.organisation_id,
        "organisation_name": case.organisation.name,
        "enterprise_id": case.enterprise_id,
        "enterprise_name": case.enterprise.name,
        "enterprise_uscc": case.enterprise.uscc,
        "region_code": case.region_id,
        "inspection_date": case.inspection_date,
        "inspection_time": case.inspection_time,
        "is_emergency": case.is_emergency,
        "outcome": case.outcome,
        "outcome_label": case.get_outcome_display() if case.outcome else "",
    }


def _case_officers(case: InspectionCase, *, located: bool = False) -> list[dict[str, Any]]:
    rows = []
    for a in case.assignments.select_related("officer").order_by("position"):
        row: dict[str, Any] = {
            "position": a.position,
            "name": a.officer.name,
            "cert_no": a.officer.cert_no,
            "checked_in_at": a.checked_in_at,
        }
        if located:
            row["checkin_location"] = (
                None
                if a.checkin_latitude is None or a.checkin_longitude is None
                else {
                    "latitude": float(a.checkin_latitude),
                    "longitude": float(a.checkin_longitude),
                    "accuracy": a.checkin_accuracy,
                }
            )
        rows.append(row)
    return rows


def _case_payload(case: InspectionCase, user: User) -> dict[str, Any]:
    """The case as ``user`` may read it: the full record for the agencies and supervising
    bureaus, the external cut for the enterprise and a social supervisor."""
    if selectors.is_external(user):
        return _external_payload(case, user)
    links = (
        CaseDocument.objects.filter(case=case)
        .filter(document__in=visible_to(user, Document.objects.all()))
        .select_related("document__kind", "document__number")
    )
    oral = OralNotice.objects.filter(case=case).select_related("told_by", "head").first()
    return {
        **_case_fields(case),
        "audience": "agency",
        "reason": case.reason,
        "exemption_reason": case.exemption_reason,
        "verify_code": case.verify_code,
        "items": [{"code": i.code, "name": i.name} for i in case.items.order_by("code")],
        "officers": _case_officers(case, located=True),
        "findings": [
            {
                "position": f.position,
                "item_code": f.item.code if f.item else "",
                "item_name": f.item.name if f.item else "其他情况",
                "result": f.result,
                "result_label": str(FindingResult(f.result).label),
                "description": f.description,
                "proposed": f.proposed,
                "chosen": f.chosen,
                "violation_code": f.violation_code,
                "violated_provision": f.violated_provision,
                "penalty_provision": f.penalty_provision,
                "legal_basis": f.penalty_provision,
                "deviation_reason": f.deviation_reason,
                "evidence": [
                    {
                        "id": e.pk,
                        "name": selectors.evidence_filename(e),
                        "sm3": e.sm3,
                        "uploaded_at": e.uploaded_at,
                    }
                    for e in f.evidence.all()
                ],
            }
            for f in selectors.findings_of(case)
        ],
        "documents": [_document_ref(link.document, link.step) for link in links],
        "requested_by": _name(case.requested_by),
        "submitted_at": case.submitted_at,
        "approved_by": _name(case.approved_by),
        "approved_at": case.approved_at,
        "approval_opinion": case.approval_opinion,
        "approval_batch_id": case.approval_batch_id,
        "notified_at": case.notified_at,
        "started_at": case.started_at,
        "inspected_at": case.inspected_at,
        "social_supervisor": _name(case.social_supervisor),
        "oral_notice": None
        if oral is None
        else {
            "told_at": oral.told_at,
            "place": oral.place,
            "told_by": f"{oral.told_by.name}（{oral.told_by.cert_no}）",
            "told_to": oral.told_to,
            "content": oral.content,
            "head": _name(oral.head),
            "makeup_due": oral.makeup_due,
            "makeup_done_at": oral.makeup_done_at,
        },
        "decided_at": case.decided_at,
        "decision_note": case.decision_note,
        "rectify_deadline": case.rectify_deadline,
        "rechecks": [
            {"rechecked_on": r.rechecked_on, "passed": r.passed, "note": r.note}
            for r in case.rechecks.all()
        ],
        "closed_at": case.closed_at,
        "publish_due": case.publish_due,
        "published_at": case.published_at,
        "result_summary": case.result_summary,
        "rating": case.rating,
        "rating_comment": case.rating_comment,
        "rated_at": case.rated_at,
        "objections": [_objection(o) for o in case.objections.order_by("submitted_at", "pk")],
        "bookings": list(case.bookings.select_related("slot__officer", "case")),
        "cancel_reason": case.cancel_reason,
    }


def _acting_organisation(
    user: User, requested: int | None, errors: dict[str, list[str]]
) -> Organisation | None:
    """The organisation a new case or slot belongs to: the user's own, or for an administrator
    the one he names. Raises PermissionDenied for a user who may not write at all."""
    if not rules.can_write(user):
        raise PermissionDenied(services.WRITE_DENIED)
    if user.is_admin:
        if requested is None:
            errors["organisation"] = ["系统管理员办理时请填写执法机关编号（organisation）。"]
            return None
        organisation = Organisation.objects.filter(pk=requested).first()
        if organisation is None:
            errors["organisation"] = [f"没有编号为 {requested} 的执法机关。"]
        return organisation
    if user.organisation is None:
        raise PermissionDenied(services.WRITE_DENIED)
    if requested is not None and requested != user.organisation_id:
        raise PermissionDenied(services.OTHER_ORG)
    return user.organisation


def _items(
    organisation: Organisation, codes: list[str], errors: dict[str, list[str]]
) -> list[InspectionItem]:
    codes = [c.strip() for c in codes]
    found = {
        i.code: i for i in InspectionItem.objects.filter(organisation=organisation, code__in=codes)
    }
    missing = [c for c in codes if c not in found]
    if missing:
        errors["items"] = [
            f"{organisation.name}的检查事项清单中没有编码为“{c}”的事项，请核对后重新填写。"
            for c in missing
        ]
    return [found[c] for c in codes if c in found]


def _officers(
    organisation: Organisation, cert_nos: list[str], errors: dict[str, list[str]]
) -> list[Officer]:
    cert_nos = [c.strip() for c in cert_nos]
    found = {
        o.cert_no: o
        for o in Officer.objects.filter(organisation=organisation, cert_no__in=cert_nos)
    }
    missing = [c for c in cert_nos if c not in found]
    if missing:
        errors["officers"] = [
            f"{organisation.name}没有执法证号为 {c} 的执法人员，请核对后重新填写。" for c in missing
        ]
    return [found[c] for c in cert_nos if c in found]


def _lookup_refused(errors: Mapping[str, list[str]]) -> Status[Any]:
    return _refused(ValidationError({k: list(v) for k, v in errors.items()}))


def _not_a_writer(user: User, case: InspectionCase) -> Status[Any] | None:
    """403 before looking anything up for a step only the agency may take, so that a user who
    may not take it learns nothing from the lookup; the service applies the same rules."""
    if not rules.can_write(user):
        return Status(403, {"detail": services.WRITE_DENIED})
    if not rules.owns(user, case.organisation_id):
        return Status(403, {"detail": services.OTHER_ORG})
    return None


# --- Reading ----------------------------------------------------------------------------------


@router.get("/cases", response=list[CaseOut], summary="检查案件列表")
@paginate(params.Pagination, page_size=settings.ZHIFA_PAGE_SIZE)
def list_cases(
    request: HttpRequest,
    q: str = Query("", description="按案件编号、企业名称、统一社会信用代码或检查名称查找"),
    status: str = Query("", description="、".join(CaseStatus.values)),
    kind: str = Query("", description="、".join(InspectionKind.values)),
    year: int | None = Query(None, description="检查日期所在年度"),
) -> QuerySet[InspectionCase]:
    if status and status not in CaseStatus.values:
        raise HttpError(
            400,
            f"参数 status 的取值“{status}”无效，可用的取值为：{'、'.join(CaseStatus.values)}。",
        )
    if kind and kind not in InspectionKind.values:
        raise HttpError(
            400,
            f"参数 kind 的取值“{kind}”无效，可用的取值为：{'、'.join(InspectionKind.values)}。",
        )
    cases = _cases(_user(request))
    return selectors.search_cases(
        cases, q=q.strip(), status=status, kind=kind, year=params.year(year)
    )


@router.get(
    "/cases/{case_id}",
    response={200: CaseView, 404: Message},
    summary="检查案件详情",
    description="执法机关和执法监督机关得到完整记录（audience=agency）；被检查企业和社会监督员"
    "得到对外内容（audience=external），不含检查事由原文、免于预告理由、审批、决定前的检查记录、"
    "裁量建议与未采纳理由、口头通知记录和处理说明。",
)
def get_case(request: HttpRequest, case_id: int) -> Status[Any]:
    user = _user(request)
    return Status(200, _case_payload(_case(user, case_id), user))


@router.get(
    "/cases/{case_id}/timeline",
    response={200: list[TimelineEntryOut], 404: Message},
    summary="案件全过程记录（时间线）",
)
def get_timeline(request: HttpRequest, case_id: int) -> Status[Any]:
    user = _user(request)
    return Status(200, selectors.timeline(_case(user, case_id), user))


@router.get(
    "/evidence/{evidence_id}",
    response={404: Message},
    summary="下载证据文件（其 SM3 见案件详情 findings[].evidence[].sm3）",
)
def download_evidence(request: HttpRequest, evidence_id: int) -> FileResponse:
    evidence = selectors.evidence_for(_user(request), evidence_id)
    return stored_file(str(evidence.file.name), selectors.evidence_filename(evidence))


@router.get("/inbox", response=list[InboxSectionOut], summary="待办：按角色列出等待我办理的案件")
def get_inbox(request: HttpRequest) -> list[selectors.InboxSection]:
    return selectors.inbox(_user(request))


# --- Creation, change, approval ---------------------------------------------------------------


@router.post(
    "/cases",
    response={201: CaseDetailOut, 403: Message, 400: FieldErrors},
    summary="新建检查案件（草稿）",
)
def create_case(request: HttpRequest, payload: CaseIn) -> Status[Any]:
    user = _user(request)
    errors: dict[str, list[str]] = {}
    try:
        organisation = _acting_organisation(user, payload.organisation, errors)
    except PermissionDenied as error:
        return Status(403, {"detail": str(error)})
    uscc = payload.enterprise.strip().upper()
    enterprise = visible_to(user, Enterprise.objects.all()).filter(uscc=uscc).first()
    if enterprise is None:
        errors["enterprise"] = [
            f"未找到统一社会信用代码为 {uscc} 的企业，请核对，或先在检查对象名录库中登记。"
        ]
    draw_result = None
    if payload.draw_result is not None:
        draw_result = (
            visible_to(user, DrawResult.objects.select_related("draw__task", "enterprise"))
            .filter(pk=payload.draw_result)
            .first()
        )
        if draw_result is None:
            errors["draw_result"] = [
                f"未找到编号为 {payload.draw_result} 的抽取结果，或您无权查看。"
            ]
        elif enterprise is not None and draw_result.enterprise_id != enterprise.pk:
            errors["draw_result"] = [
                f"该抽取结果抽中的是{draw_result.enterprise.name}，与检查对象不一致。"
            ]
    if organisation is None:
        return _lookup_refused(errors)
    items = _items(organisation, payload.items, errors)
    officers = _officers(organisation, payload.officers, errors)
    if errors or enterprise is None:
        return _lookup_refused(errors)
    return _run(
        lambda: services.create_case(
            organisation=organisation,
            enterprise=enterprise,
            kind=payload.kind,
            items=items,
            officers=officers,
            inspection_date=payload.inspection_date,
            actor=user,
            title=payload.title,
            reason=payload.reason,
            inspection_time=payload.inspection_time,
            exemption_reason=payload.exemption_reason,
            is_emergency=payload.is_emergency,
            draw_result=draw_result,
        ),
        lambda case: Status(201, _case_payload(_case(user, case.pk), user)),
    )


@router.patch(
    "/cases/{case_id}",
    response={200: CaseDetailOut, 403: Message, 404: Message, 400: FieldErrors},
    summary="修改检查内容（已批准的案件修改对象、事项、人员或时间后退回重新审批）",
)
def update_case(request: HttpRequest, case_id: int, payload: CaseChangeIn) -> Status[Any]:
    user = _user(request)
    case = _case(user, case_id)
    denied = _not_a_writer(user, case)
    if denied is not None:
        return denied
    errors: dict[str, list[str]] = {}
    changes = payload.model_dump(exclude_unset=True)
    items = _items(case.organisation, payload.items, errors) if payload.items is not None else None
    officers = (
        _officers(case.organisation, payload.officers, errors)
        if payload.officers is not None
        else None
    )
    if errors:
        return _lookup_refused(errors)
    return _step(
        request,
        case_id,
        lambda c, u: services.update_case(
            c,
            actor=u,
            items=items,
            officers=officers,
            inspection_date=changes.get("inspection_date"),
            inspection_time=changes.get("inspection_time"),
            title=changes.get("title"),
            reason=changes.get("reason"),
        ),
    )


_STEP_RESPONSES: dict[int, Any] = {
    200: CaseView,
    403: Message,
    404: Message,
    400: FieldErrors,
}


@router.post("/cases/{case_id}/submit", response=_STEP_RESPONSES, summary="提请审批")
def submit_case(request: HttpRequest, case_id: int) -> Status[Any]:
    return _step(request, case_id, lambda c, u: services.submit_case(c, actor=u))


@router.post(
    "/cases/{case_id}/approve",
    response=_STEP_RESPONSES,
    summary="批准检查（执法机关负责人，且不是申请人）；免于预告的类型同时批准免于预告理由",
)
def approve_case(request: HttpRequest, case_id: int, payload: OpinionIn) -> Status[Any]:
    return _step(
        request, case_id, lambda c, u: services.approve_case(c, actor=u, opinion=payload.opinion)
    )


@router.post("/cases/{case_id}/reject", response=_STEP_RESPONSES, summary="不予批准（须写明理由）")
def reject_case(request: HttpRequest, case_id: int, payload: ReasonIn) -> Status[Any]:
    return _step(
        request, case_id, lambda c, u: services.reject_case(c, actor=u, reason=payload.reason)
    )


@router.post(
    "/cases/{case_id}/revise", response=_STEP_RESPONSES, summary="未获批准的案件退回草稿修改"
)
def revise_case(request: HttpRequest, case_id: int) -> Status[Any]:
    return _step(request, case_id, lambda c, u: services.revise_case(c, actor=u))


@router.post("/cases/{case_id}/cancel", response=_STEP_RESPONSES, summary="撤销案件")
def cancel_case(request: HttpRequest, case_id: int, payload: ReasonIn) -> Status[Any]:
    return _step(
        request, case_id, lambda c, u: services.cancel_case(c, actor=u, reason=payload.reason)
    )


@router.post(
    "/batches",
    response={201: BatchOut, 403: Message, 404: Message, 400: FieldErrors},
    summary="批量审批（全部批准或全部不批准），附批量审批清单",
)
def approve_batch(request: HttpRequest, payload: BatchIn) -> Status[Any]:
    user = _user(request)
    listed = _listed_cases(user, params.ids(payload.cases, name="cases"))
    if isinstance(listed, Status):
        return listed
    return _run(
        lambda: services.approve_batch(
            listed, actor=user, title=payload.title, opinion=payload.opinion
        ),
        lambda batch: Status(
            201,
            {
                "id": batch.pk,
                "title": batch.title,
                "organisation_id": batch.organisation_id,
                "approved_by": _name(batch.approved_by),
                "approved_at": batch.approved_at,
                "opinion": batch.opinion,
                "cases": list(_cases(user).filter(approval_batch=batch).order_by("pk")),
                "list_document": _document_ref(batch.list_document, "approval")
                if batch.list_document
                else None,
            },
        ),
    )


@router.post(
    "/notices/batch",
    response={201: NoticeBatchOut, 403: Message, 404: Message, 400: FieldErrors},
    summary="批量发出预告通知书（后台签发，逐件核对是否逾期）",
)
def issue_notices_in_batch(request: HttpRequest, payload: NoticeBatchIn) -> Status[Any]:
    user = _user(request)
    listed = _listed_cases(user, params.ids(payload.cases, name="cases"))
    if isinstance(listed, Status):
        return listed
    return _run(
        lambda: services.issue_notices_in_batch(listed, actor=user, title=payload.title),
        lambda batch: Status(
            201,
            {"id": batch.pk, "title": batch.title, "total": batch.total, "status": batch.status},
        ),
    )


@router.post(
    "/cases/{case_id}/approval-form",
    response=_STEP_RESPONSES,
    summary="生成行政检查审批表（单独审批的案件）",
)
def issue_approval_form(request: HttpRequest, case_id: int) -> Status[Any]:
    return _step(request, case_id, lambda c, u: services.issue_approval_form(c, actor=u))


# --- Notice -----------------------------------------------------------------------------------


@router.post(
    "/cases/{case_id}/notice",
    response=_STEP_RESPONSES,
    summary="发出预告通知书并送达企业端（逾期的拒绝，并给出今天预告时最早的合法检查日期）",
)
def issue_notice(request: HttpRequest, case_id: int) -> Status[Any]:
    return _step(request, case_id, lambda c, u: services.issue_notice(c, actor=u))


@router.post(
    "/cases/{case_id}/notice/confirm",
    response=_STEP_RESPONSES,
    summary="企业签收预告通知书（被检查企业的用户）",
)
def confirm_notice(request: HttpRequest, case_id: int) -> Status[Any]:
    return _step(request, case_id, lambda c, u: services.confirm_notice(c, actor=u))


@router.post(
    "/cases/{case_id}/oral-notice",
    response=_STEP_RESPONSES,
    summary="紧急现场检查：记录口头通知并报告执法机关负责人，进入现场",
)
def record_oral_notice(request: HttpRequest, case_id: int, payload: OralNoticeIn) -> Status[Any]:
    user = _user(request)
    case = _case(user, case_id)
    denied = _not_a_writer(user, case)
    if denied is not None:
        return denied
    errors: dict[str, list[str]] = {}
    told_by = Officer.objects.filter(
        organisation_id=case.organisation_id, cert_no=payload.told_by.strip()
    ).first()
    if told_by is None:
        errors["told_by"] = [
            f"{case.organisation.name}没有执法证号为 {payload.told_by} 的执法人员。"
        ]
    head = User.objects.filter(
        organisation_id=case.organisation_id, username=payload.head.strip()
    ).first()
    if head is None:
        errors["head"] = [f"{case.organisation.name}没有用户名为 {payload.head} 的用户。"]
    if errors or told_by is None:
        return _lookup_refused(errors)
    return _step(
        request,
        case_id,
        lambda c, u: services.record_oral_notice(
            c,
            actor=u,
            told_at=_aware(payload.told_at),
            place=payload.place,
            told_by=told_by,
            told_to=payload.told_to,
            content=payload.content,
            head=head,
        ),
    )


@router.post(
    "/cases/{case_id}/makeup",
    response=_STEP_RESPONSES,
    summary="紧急检查补办审批手续（执法机关负责人），出具口头通知记录",
)
def complete_makeup(request: HttpRequest, case_id: int, payload: OpinionIn) -> Status[Any]:
    return _step(
        request,
        case_id,
        lambda c, u: services.complete_makeup(c, actor=u, opinion=payload.opinion),
    )


# --- On site ----------------------------------------------------------------------------------


@router.post(
    "/cases/{case_id}/check-in",
    response=_STEP_RESPONSES,
    summary="执法人员扫码签到；两名持有效执法证的执法人员签到后进入现场检查",
    description="只能用被检查企业出示的签到码，只能在批准（预告）的检查日期签到（或其后 "
    "ZHIFA_CHECKIN_WINDOW_DAYS 天内），提前或逾期一律拒绝；记录签到时间和手机提供的位置。",
)
def check_in(request: HttpRequest, case_id: int, payload: CheckInIn) -> Status[Any]:
    return _step(
        request,
        case_id,
        lambda c, u: services.check_in(
            c,
            actor=u,
            code=payload.code,
            location=services.clean_location(payload.latitude, payload.longitude, payload.accuracy),
        ),
    )


@router.post(
    "/cases/{case_id}/social-supervisor",
    response=_STEP_RESPONSES,
    summary="安排（或取消）伴随检查的社会监督员",
)
def assign_social_supervisor(
    request: HttpRequest, case_id: int, payload: SocialSupervisorIn
) -> Status[Any]:
    user = _user(request)
    denied = _not_a_writer(user, _case(user, case_id))
    if denied is not None:
        return denied
    supervisor = None
    if payload.social_supervisor:
        supervisor = User.objects.filter(
            username=payload.social_supervisor.strip(), role=Role.SOCIAL_SUPERVISOR
        ).first()
        if supervisor is None:
            return _lookup_refused(
                {"social_supervisor": [f"没有用户名为 {payload.social_supervisor} 的社会监督员。"]}
            )
    return _step(
        request,
        case_id,
        lambda c, u: services.assign_social_supervisor(c, actor=u, supervisor=supervisor),
    )


@router.post(
    "/cases/{case_id}/findings",
    response=_STEP_RESPONSES,
    summary="逐项记录现场检查情况，可附证据照片或文件（multipart/form-data）",
    description="同一检查事项再次提交时替换原记录；证据文件以 files 字段上传，可多个，"
    "每个文件记录 SM3。",
)
def record_finding(
    request: HttpRequest,
    case_id: int,
    payload: Form[FindingIn],
    files: File[list[UploadedFile] | None] = None,
) -> Status[Any]:
    user = _user(request)
    case = _case(user, case_id)
    denied = _not_a_writer(user, case)
    if denied is not None:
        return denied
    item = None
    if payload.item.strip():
        item = case.items.filter(code=payload.item.strip()).first()
        if item is None:
            return _lookup_refused(
                {"item": [f"本案件批准的检查事项中没有编码为“{payload.item}”的事项。"]}
            )
    return _step(
        request,
        case_id,
        lambda c, u: services.record_finding(
            c,
            actor=u,
            item=item,
            result=payload.result,
            description=payload.description,
            files=list(files or []),
        ),
    )


@router.post(
    "/cases/{case_id}/finish",
    response=_STEP_RESPONSES,
    summary="结束现场检查，出具现场检查笔录（每项检查事项都须已记录）",
)
def finish_site_record(request: HttpRequest, case_id: int, payload: FinishIn) -> Status[Any]:
    return _step(
        request,
        case_id,
        lambda c, u: services.finish_site_record(
            c, actor=u, present_person=payload.present_person, party_opinion=payload.party_opinion
        ),
    )


# --- Decision, rectification, publication, feedback -------------------------------------------


@router.post(
    "/cases/{case_id}/decide",
    response=_STEP_RESPONSES,
    summary="作出处理决定：未发现问题、不予行政处罚、责令改正或立案查处",
    description="decisions 以检查记录的序号为键，对每个发现问题的项作出决定；"
    "错误按 decisions.<序号> 列出。",
)
def decide_case(request: HttpRequest, case_id: int, payload: DecideIn) -> Status[Any]:
    decisions = {
        position: {
            **d.model_dump(exclude={"legal_basis"}),
            "penalty_provision": d.penalty_provision or d.legal_basis,
        }
        for position, d in payload.decisions.items()
    }
    return _step(
        request,
        case_id,
        lambda c, u: services.decide_case(
            c,
            actor=u,
            outcome=payload.outcome,
            decisions=decisions,
            rectify_working_days=payload.rectify_working_days,
            requirements=payload.requirements,
            note=payload.note,
        ),
    )


@router.post(
    "/cases/{case_id}/recheck",
    response=_STEP_RESPONSES,
    summary="复查整改情况，出具复查意见书",
)
def record_recheck(request: HttpRequest, case_id: int, payload: RecheckIn) -> Status[Any]:
    return _step(
        request,
        case_id,
        lambda c, u: services.record_recheck(
            c,
            actor=u,
            passed=payload.passed,
            note=payload.note,
            rechecked_on=payload.rechecked_on,
            file_case=payload.file_case,
        ),
    )


@router.post("/cases/{case_id}/publish", response=_STEP_RESPONSES, summary="公示检查结果")
def publish_result(request: HttpRequest, case_id: int, payload: PublishIn) -> Status[Any]:
    return _step(
        request,
        case_id,
        lambda c, u: services.publish_result(c, actor=u, summary=payload.summary),
    )


@router.post(
    "/cases/{case_id}/rate",
    response=_STEP_RESPONSES,
    summary="企业评价本次检查（1–5 星，一次）",
)
def rate_case(request: HttpRequest, case_id: int, payload: RateIn) -> Status[Any]:
    return _step(
        request,
        case_id,
        lambda c, u: services.rate_case(c, actor=u, rating=payload.rating, comment=payload.comment),
    )


@router.post(
    "/cases/{case_id}/objections",
    response={201: ObjectionOut, 403: Message, 404: Message, 400: FieldErrors},
    summary="企业对检查提出异议（转执法监督机关）",
)
def object_to_case(request: HttpRequest, case_id: int, payload: ObjectionIn) -> Status[Any]:
    user = _user(request)
    case = _case(user, case_id)
    return _run(
        lambda: services.object_to_case(case, actor=user, text=payload.text),
        lambda objection: Status(201, _objection(objection)),
    )


@router.post(
    "/objections/{objection_id}/answer",
    response={200: ObjectionOut, 403: Message, 404: Message, 400: FieldErrors},
    summary="执法监督机关答复企业异议",
)
def answer_objection(request: HttpRequest, objection_id: int, payload: AnswerIn) -> Status[Any]:
    user = _user(request)
    objection = (
        visible_to(user, Objection.objects.select_related("case")).filter(pk=objection_id).first()
    )
    if objection is None:
        raise HttpError(404, "没有找到该异议，或您无权查看。")
    return _run(
        lambda: services.answer_objection(objection, actor=user, answer=payload.answer),
        lambda answered: Status(200, _objection(answered)),
    )


# --- Pre-guidance (前置预约指导服务) ----------------------------------------------------------


@router.get(
    "/slots",
    response={200: list[SlotOut], 404: Message},
    summary="某一案件的企业在检查前仍可预约的指导时段",
)
def list_open_slots(request: HttpRequest, case: int = Query(description="案件编号")) -> Status[Any]:
    return Status(200, list(selectors.open_slots(_case(_user(request), case))))


@router.post(
    "/slots",
    response={201: SlotOut, 403: Message, 400: FieldErrors},
    summary="发布指导时段（执法机关）",
)
def publish_slot(request: HttpRequest, payload: SlotIn) -> Status[Any]:
    user = _user(request)
    errors: dict[str, list[str]] = {}
    try:
        organisation = _acting_organisation(user, payload.organisation, errors)
    except PermissionDenied as error:
        return Status(403, {"detail": str(error)})
    if organisation is None:
        return _lookup_refused(errors)
    officer = Officer.objects.filter(
        organisation=organisation, cert_no=payload.officer.strip()
    ).first()
    if officer is None:
        return _lookup_refused(
            {"officer": [f"{organisation.name}没有执法证号为 {payload.officer} 的执法人员。"]}
        )
    return _run(
        lambda: services.publish_slot(
            organisation=organisation,
            actor=user,
            starts_at=_aware(payload.starts_at),
            ends_at=_aware(payload.ends_at),
            place=payload.place,
            officer=officer,
        ),
        lambda slot: Status(201, slot),
    )


def _bookings() -> QuerySet[GuidanceBooking]:
    return GuidanceBooking.objects.select_related("slot__officer", "case__enterprise")


@router.post(
    "/cases/{case_id}/bookings",
    response={201: BookingOut, 403: Message, 404: Message, 400: FieldErrors},
    summary="企业预约指导时段（收到预告通知书后、检查日前）",
)
def book_guidance(request: HttpRequest, case_id: int, payload: BookingIn) -> Status[Any]:
    user = _user(request)
    case = _case(user, case_id)
    slot = GuidanceSlot.objects.filter(pk=payload.slot, organisation_id=case.organisation_id)
    found = slot.select_related("officer").first()
    if found is None:
        return _lookup_refused({"slot": ["该时段不可预约，请选择检查机关发布的其他时段。"]})
    return _run(
        lambda: services.book_guidance(case, actor=user, slot=found, topic=payload.topic),
        lambda booking: Status(201, _bookings().get(pk=booking.pk)),
    )


def _booking(user: User, booking_id: int) -> GuidanceBooking:
    booking = visible_to(user, _bookings()).filter(pk=booking_id).first()
    if booking is None:
        raise HttpError(404, "没有找到该指导预约，或您无权查看。")
    return booking


@router.post(
    "/bookings/{booking_id}/cancel",
    response={200: BookingOut, 403: Message, 404: Message, 400: FieldErrors},
    summary="企业取消指导预约",
)
def cancel_booking(request: HttpRequest, booking_id: int) -> Status[Any]:
    user = _user(request)
    booking = _booking(user, booking_id)
    return _run(
        lambda: services.cancel_booking(booking, actor=user),
        lambda done: Status(200, _bookings().get(pk=done.pk)),
    )


@router.post(
    "/bookings/{booking_id}/done",
    response={200: BookingOut, 403: Message, 404: Message, 400: FieldErrors},
    summary="记录指导情况（执法机关）",
)
def record_guidance(request: HttpRequest, booking_id: int, payload: GuidanceNoteIn) -> Status[Any]:
    user = _user(request)
    booking = _booking(user, booking_id)
    return _run(
        lambda: services.record_guidance(booking, actor=user, note=payload.note),
        lambda done: Status(200, _bookings().get(pk=done.pk)),
    )


# --- Public (no login) ------------------------------------------------------------------------


@router.get(
    "/public/results",
    response=list[PublicResultOut],
    auth=None,
    summary="已公示的检查结果（无需登录）",
)
@paginate(params.Pagination, page_size=settings.ZHIFA_PAGE_SIZE)
def list_public_results(
    request: HttpRequest,
    q: str = Query("", description="按企业名称或执法机关名称查找"),
    year: int | None = Query(None, description="检查日期所在年度"),
) -> QuerySet[InspectionCase]:
    return selectors.published_results(q=q.strip(), year=params.year(year))


# A case not yet approved (nor begun by an emergency oral notice) is no inspection: its code
# proves nothing and discloses nothing.
_UNVERIFIABLE = (CaseStatus.DRAFT, CaseStatus.SUBMITTED, CaseStatus.REJECTED)


@router.get(
    "/public/verify/{verify_code}",
    response={200: VerificationOut, 404: Message},
    auth=None,
    summary="扫码入企：核验检查是否真实（无需登录）",
    description="返回执法机关、检查对象、检查类型和日期、是否已批准、执法人员及其执法证今天是否"
    "有效、检查事项，以及“五个严禁”“八个不得”。草稿、待审批和未获批准的案件不公开。",
)
def verify_case(request: HttpRequest, verify_code: str) -> Status[Any]:
    code = verify_code.strip().upper()
    case = (
        InspectionCase.objects.select_related("organisation", "enterprise")
        .filter(verify_code=code)
        .exclude(status__in=_UNVERIFIABLE)
        .filter(Q(approved_at__isnull=False) | Q(oral_notice__isnull=False))
        .first()
        if code
        else None
    )
    if case is None:
        return Status(
            404, {"detail": "核验码不存在或该检查尚未批准，请向执法人员核实，或拨打12345反映。"}
        )
    today = timezone.localdate()
    return Status(
        200,
        {
            "verify_code": case.verify_code,
            "reference": case.reference,
            "organisation_name": case.organisation.name,
            "enterprise_name": case.enterprise.name,
            "kind": case.kind,
            "kind_label": case.get_kind_display(),
            "inspection_date": case.inspection_date,
            "inspection_time": case.inspection_time,
            "status": case.status,
            "status_label": case.get_status_display(),
            "is_approved": case.approved_by_id is not None,
            "is_emergency": case.is_emergency,
            "officers": [
                {
                    "name": a.officer.name,
                    "cert_no": a.officer.cert_no,
                    "cert_valid_until": a.officer.cert_valid_until,
                    "valid_today": a.officer.is_eligible(today),
                }
                for a in case.assignments.select_related("officer").order_by("position")
            ],
            "items": [{"code": i.code, "name": i.name} for i in case.items.order_by("code")],
            "prohibitions": current_prohibitions(today),
        },
    )
