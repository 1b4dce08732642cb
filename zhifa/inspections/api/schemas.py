"""Request and response schemas of the inspections API."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from ninja import Field, Schema

from zhifa.inspections.models import (
    CaseOutcome,
    CaseStatus,
    GuidanceBooking,
    GuidanceSlot,
    InspectionCase,
    InspectionKind,
)

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


class ObjectionAttachmentOut(Schema):
    id: int
    name: str = Field(description="文件名")
    url: str = Field(description="下载地址（企业、检查机关及其监督机关可下载）")


class ObjectionOut(Schema):
    id: int
    case_id: int
    case_reference: str
    category: str = Field(description="异议类别代码，见 category_label")
    category_label: str
    text: str
    answer_due: dt.date | None = Field(
        description="答复期限（提出之日起的工作日数按平台设置，默认 5 个工作日）"
    )
    status: str = Field(description="open 待处理、answered 已答复")
    status_label: str
    submitted_at: dt.datetime
    answer: str
    answered_at: dt.datetime | None
    attachments: list[ObjectionAttachmentOut] = Field(description="异议附件（PDF、JPG、PNG）")


class RectificationPhotoOut(Schema):
    id: int
    url: str = Field(description="下载地址（企业、检查机关及其监督机关可下载）")


class RectificationReportOut(Schema):
    id: int
    text: str = Field(description="整改情况")
    submitted_at: dt.datetime = Field(description="提交时间（北京时间）")
    is_late: bool = Field(description="是否超过整改期限提交（逾期）")
    photos: list[RectificationPhotoOut] = Field(description="整改照片（JPG、PNG，至多 9 张）")


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
    count: int = Field(description="本项待办的件数（列出的案件至多 50 件）")
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
    category: str = Field(
        "other",
        description="异议类别：procedure 检查程序不规范、facts 与事实不符、"
        "basis 依据错误或处理不当、frequency 重复检查过多过频、conduct 执法人员行为不当、"
        "other 其他",
    )


class ObjectionFormIn(Schema):
    """The multipart form of an objection filed with attachments: the fields of ``ObjectionIn``
    as form fields, the files as ``attachments``. A missing text is the service's to refuse,
    with its Chinese message, as on the page."""

    text: str = Field("", description="异议内容（转执法监督机关）")
    category: str = Field("other", description="异议类别，取值同 JSON 提交的 category")


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
