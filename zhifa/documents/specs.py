"""What each document kind prints: its placeholders, the body of its default template, demo data.

The kind codes are those seeded in migrations/0002_seed_document_kinds.py. A kind's default .docx
template is built from ``KindSpec.body`` by build_templates; an uploaded template is checked
against ``KindSpec.required`` and ``KindSpec.known``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from zhifa.documents.prohibitions import shipped_sections

# Every kind: 发文机关, 文号, 标题, 受文者, 日期 and the verification code with its QR image.
# ``date_text`` (2026年11月27日) and ``qr_code`` are derived by the renderer from ``date`` and
# ``verification_url``.
COMMON_REQUIRED = (
    "issuer",
    "number",
    "title",
    "recipient",
    "date_text",
    "verification_code",
    "qr_code",
)
COMMON_OPTIONAL = ("date", "verification_url")

LABELS = {
    "issuer": "发文机关",
    "number": "文号",
    "title": "标题",
    "recipient": "受文者名称",
    "date": "日期",
    "date_text": "成文日期",
    "verification_code": "核验码",
    "verification_url": "核验网址",
    "qr_code": "核验二维码",
    "prohibitions": "五个严禁、八个不得",
    "inspection_time": "检查时间",
    "place": "检查地点",
    "items": "检查事项及依据",
    "officers": "执法人员及执法证号",
    "self_check": "自查指引",
    "contact": "联系方式",
    "booking": "预约指导办法",
    "inspection_type": "检查类型",
    "reason": "检查事由",
    "approver_opinion": "审批意见",
    "approver": "审批人",
    "rows": "清单明细",
    "notified_at": "口头通知时间",
    "notified_person": "被通知人",
    "reported_to": "报告负责人",
    "remedy_record": "补办手续情况",
    "present_person": "现场负责人",
    "findings": "检查情况",
    "party_opinion": "当事人意见",
    "violations": "违法事实及违反的规定",
    "order_basis": "责令改正依据",
    "deadline": "改正期限",
    "requirements": "改正要求",
    "rights": "权利告知",
    "review_time": "复查时间",
    "conclusion": "复查结论",
    "facts": "事实",
    "basis": "依据",
    "decision": "决定内容",
    "document_name": "送达文书名称及文号",
    "delivery_place": "送达地点",
    "delivery_method": "送达方式",
    "deliverer": "送达人",
    "remarks": "备注",
    "matter": "事由",
    "requests": "具体内容",
    "reply_deadline": "回复期限",
}

# Body blocks of a default template:
#   ("p", text)                       body paragraph, first line indented two characters
#   ("flush", text)                   paragraph flush left (顶格)
#   ("h", text)                       一级标题 in 黑体
#   ("for", var, name, text)          one paragraph per element of ``var`` (docxtpl {%p for %})
#   ("fields", [(label, value), ...]) two-column form table
#   ("table", [headers], var, name, [cells])  a table with one row per element (docxtpl {%tr for %})
Block = tuple[Any, ...]


@dataclass(frozen=True)
class KindSpec:
    code: str
    name: str
    abbreviation: str
    inspection: bool
    fields: tuple[str, ...]
    body: tuple[Block, ...]
    greeting: bool = True  # "{{ recipient }}：" line before the body
    sample: dict[str, Any] = field(default_factory=dict)

    @property
    def required(self) -> frozenset[str]:
        extra = ("prohibitions",) if self.inspection else ()
        return frozenset((*COMMON_REQUIRED, *self.fields, *extra))

    @property
    def known(self) -> frozenset[str]:
        return self.required | frozenset(COMMON_OPTIONAL)


ITEMS = ("for", "items", "it", "{{ loop.index }}. {{ it.name }}（依据：{{ it.basis }}）")
OFFICERS = ("for", "officers", "o", "{{ o.name }}，执法证号：{{ o.cert_no }}")

SAMPLE_ITEMS = [
    {
        "name": "医疗机构执业许可及执业活动情况",
        "basis": "《医疗机构管理条例》第二十四条、第四十条",
    },
    {
        "name": "医疗废物分类收集、暂存及处置情况",
        "basis": "《医疗废物管理条例》第十六条、第十七条",
    },
]
SAMPLE_OFFICERS = [
    {"name": "王海峰", "cert_no": "33090021001234"},
    {"name": "陈晓雯", "cert_no": "33090021005678"},
]

SPECS: dict[str, KindSpec] = {}


def _add(spec: KindSpec) -> None:
    SPECS[spec.code] = spec


_add(
    KindSpec(
        "inspection_preview_notice",
        "行政执法检查预告通知书",
        "执预",
        True,
        ("inspection_time", "items", "officers", "self_check", "contact", "booking"),
        (
            (
                "p",
                "根据涉企行政检查有关规定，本机关定于{{ inspection_time }}"
                "对你单位开展行政执法检查。现将有关事项预告如下：",
            ),
            ("h", "一、检查事项及依据"),
            ITEMS,
            ("h", "二、执法人员"),
            OFFICERS,
            ("h", "三、自查指引"),
            ("for", "self_check", "s", "{{ loop.index }}. {{ s }}"),
            ("h", "四、预约指导"),
            ("p", "{{ booking }}"),
            ("h", "五、联系方式"),
            ("p", "{{ contact }}"),
        ),
        sample={
            "inspection_time": "2026年12月8日上午9时",
            "items": SAMPLE_ITEMS,
            "officers": SAMPLE_OFFICERS,
            "self_check": [
                "对照《医疗机构执业许可证》核对执业地点、诊疗科目是否与实际一致。",
                "检查医疗废物暂存点标识、交接登记和转运联单是否齐全。",
            ],
            "contact": "联系人：王海峰，电话：0580-2021234。",
            "booking": "检查前如需行政指导，可于检查日"
            "3个工作日前致电预约，本机关将安排人员上门或线上指导。",
        },
    )
)
_add(
    KindSpec(
        "inspection_notice",
        "行政检查通知书",
        "检通",
        True,
        ("inspection_time", "place", "items", "officers", "contact"),
        (
            (
                "p",
                "根据《中华人民共和国行政处罚法》及有关法律、法规的规定，"
                "本机关决定于{{ inspection_time }}"
                "在{{ place }}对你单位实施行政检查。",
            ),
            ("h", "一、检查事项及依据"),
            ITEMS,
            ("h", "二、执法人员"),
            OFFICERS,
            (
                "p",
                "执法人员将出示执法证件。请你单位予以配合，如实提供有关资"
                "料。执法人员与你单位有直接利害关系的，你单位有权申请回避。",
            ),
            ("h", "三、联系方式"),
            ("p", "{{ contact }}"),
        ),
        sample={
            "inspection_time": "2026年12月8日上午9时",
            "place": "舟山市定海区解放东路58号",
            "items": SAMPLE_ITEMS,
            "officers": SAMPLE_OFFICERS,
            "contact": "联系人：王海峰，电话：0580-2021234。",
        },
    )
)
_add(
    KindSpec(
        "inspection_approval",
        "行政检查审批表",
        "审批",
        True,
        (
            "inspection_type",
            "inspection_time",
            "reason",
            "items",
            "officers",
            "approver_opinion",
            "approver",
        ),
        (
            (
                "fields",
                [
                    ("检查对象", "{{ recipient }}"),
                    ("检查类型", "{{ inspection_type }}"),
                    ("检查时间", "{{ inspection_time }}"),
                    ("检查事由", "{{ reason }}"),
                    ("审批意见", "{{ approver_opinion }}"),
                    ("审批人", "{{ approver }}"),
                ],
            ),
            ("h", "检查事项及依据"),
            ITEMS,
            ("h", "执法人员"),
            OFFICERS,
        ),
        greeting=False,
        sample={
            "inspection_type": "日常检查",
            "inspection_time": "2026年12月8日上午9时",
            "reason": "依据2026年度涉企行政检查计划，经“双随机”抽取确定。",
            "items": SAMPLE_ITEMS,
            "officers": SAMPLE_OFFICERS,
            "approver_opinion": "同意按计划实施检查。",
            "approver": "李建国",
        },
    )
)
_add(
    KindSpec(
        "batch_approval_list",
        "批量审批清单",
        "批审",
        True,
        ("rows", "approver_opinion", "approver"),
        (
            ("p", "以下检查属同类高频检查，经主体负责人批量审批，一并实施："),
            (
                "table",
                ["序号", "检查对象", "检查事项", "检查时间"],
                "rows",
                "r",
                ["{{ loop.index }}", "{{ r.enterprise }}", "{{ r.item }}", "{{ r.time }}"],
            ),
            ("p", "审批意见：{{ approver_opinion }}"),
            ("p", "审批人：{{ approver }}"),
        ),
        sample={
            "recipient": "舟山市卫生健康委员会",
            "rows": [
                {
                    "enterprise": "舟山市定海康宁诊所",
                    "item": "医疗废物处置情况",
                    "time": "2026年12月8日",
                },
                {
                    "enterprise": "舟山市普陀仁和门诊部",
                    "item": "医疗废物处置情况",
                    "time": "2026年12月9日",
                },
                {
                    "enterprise": "舟山市岱山海星口腔诊所",
                    "item": "医疗废物处置情况",
                    "time": "2026年12月10日",
                },
            ],
            "approver_opinion": "同意批量实施。",
            "approver": "李建国",
        },
    )
)
_add(
    KindSpec(
        "oral_notice_record",
        "口头通知记录",
        "口通",
        True,
        ("notified_at", "notified_person", "officers", "reason", "reported_to", "remedy_record"),
        (
            (
                "p",
                "因情况紧急，执法人员于{{ notified_at }}以口头方式"
                "通知{{ notified_person }}，即时实施行政检查。",
            ),
            ("h", "一、紧急事由"),
            ("p", "{{ reason }}"),
            ("h", "二、执法人员"),
            OFFICERS,
            ("h", "三、报告负责人情况"),
            ("p", "{{ reported_to }}"),
            ("h", "四、补办手续"),
            ("p", "{{ remedy_record }}"),
        ),
        sample={
            "notified_at": "2026年11月20日14时30分",
            "notified_person": "现场负责人张立明",
            "officers": SAMPLE_OFFICERS,
            "reason": "接群众举报，该单位疑似违规处置医疗废物，存在污染扩散风险。",
            "reported_to": "已于当日15时电话报告本机关负责人李建国，同意即时检查。",
            "remedy_record": "已于2026年11月21日补办检查审批手续，审批表文号舟卫审批〔2026〕31号。",
        },
    )
)
_add(
    KindSpec(
        "onsite_inspection_record",
        "现场检查笔录",
        "检录",
        True,
        ("inspection_time", "place", "officers", "present_person", "findings", "party_opinion"),
        (
            (
                "fields",
                [
                    ("检查时间", "{{ inspection_time }}"),
                    ("检查地点", "{{ place }}"),
                    ("被检查单位", "{{ recipient }}"),
                    ("现场负责人", "{{ present_person }}"),
                ],
            ),
            ("h", "执法人员"),
            OFFICERS,
            ("p", "执法人员已出示执法证件，告知当事人有申请回避的权利。"),
            ("h", "检查情况"),
            ("for", "findings", "f", "{{ loop.index }}. {{ f }}"),
            ("h", "当事人意见"),
            ("p", "{{ party_opinion }}"),
        ),
        greeting=False,
        sample={
            "inspection_time": "2026年12月8日9时至10时30分",
            "place": "舟山市定海区解放东路58号",
            "officers": SAMPLE_OFFICERS,
            "present_person": "张立明（负责人）",
            "findings": [
                "医疗废物暂存点设有警示标识，交接登记完整。",
                "部分损伤性废物未放入利器盒，与感染性废物混放。",
            ],
            "party_opinion": "对检查情况无异议，将立即整改。",
        },
    )
)
_add(
    KindSpec(
        "rectification_order",
        "责令改正通知书",
        "责改",
        True,
        ("violations", "order_basis", "deadline", "requirements", "rights"),
        (
            ("p", "经查，你单位存在下列违法行为："),
            (
                "for",
                "violations",
                "v",
                "{{ loop.index }}. {{ v.fact }}的行为，违反了{{ v.violated }}的规定。",
            ),
            (
                "p",
                "依据{{ order_basis }}的规定，现责令你单位于{{ deadline }}前改正，"
                "并按下列要求整改：",
            ),
            ("for", "requirements", "q", "{{ loop.index }}. {{ q }}"),
            ("p", "{{ rights }}"),
        ),
        sample={
            "violations": [
                {
                    "fact": "损伤性废物未放入利器盒，与感染性废物混放",
                    "violated": "《医疗废物管理条例》第十六条第一款",
                    "penalty": "《医疗废物管理条例》第四十六条第（二）项",
                    "basis": "《医疗废物管理条例》第十六条第一款",
                }
            ],
            "order_basis": "《医疗废物管理条例》第四十六条第（二）项",
            "deadline": "2026年12月18日",
            "requirements": [
                "按类别分置医疗废物，损伤性废物放入专用利器盒。",
                "组织全员学习医疗废物分类规定，并于期限届满前书面报告整改情况。",
            ],
            "rights": "如不服本通知，可在收到之日起六十"
            "日内依法申请行政复议，或者在六个月内依法提起行政诉讼。",
        },
    )
)
_add(
    KindSpec(
        "review_opinion",
        "复查意见书",
        "复查",
        True,
        ("review_time", "findings", "conclusion"),
        (
            ("p", "本机关于{{ review_time }}对你单位责令改正事项的整改情况进行了复查，情况如下："),
            ("for", "findings", "f", "{{ loop.index }}. {{ f }}"),
            ("p", "复查意见：{{ conclusion }}"),
        ),
        sample={
            "review_time": "2026年12月19日",
            "findings": ["损伤性废物已全部放入专用利器盒。", "已组织全员培训并提交书面整改报告。"],
            "conclusion": "已按要求改正，本次责令改正事项办结。",
        },
    )
)
_add(
    KindSpec(
        "no_penalty_decision",
        "不予行政处罚决定书",
        "不罚",
        True,
        ("facts", "basis", "reason", "decision", "rights"),
        (
            ("p", "经查，{{ facts }}"),
            ("p", "本机关认为，{{ reason }}根据{{ basis }}的规定，决定如下："),
            ("p", "{{ decision }}"),
            ("p", "{{ rights }}"),
        ),
        sample={
            "facts": "你单位于2026年12月8日检查中"
            "被发现损伤性废物与感染性废物混放，已于复查前全部改正。",
            "reason": "你单位系初次违法，危害后果轻微并及时改正。",
            "basis": "《中华人民共和国行政处罚法》第三十三条第一款",
            "decision": "对你单位不予行政处罚，并予以批评教育。",
            "rights": "如不服本决定，可在收到之日起六十"
            "日内依法申请行政复议，或者在六个月内依法提起行政诉讼。",
        },
    )
)
_add(
    KindSpec(
        "delivery_receipt",
        "送达回证",
        "送达",
        True,
        ("document_name", "delivery_place", "delivery_method", "deliverer", "remarks"),
        (
            (
                "fields",
                [
                    ("受送达人", "{{ recipient }}"),
                    ("送达文书", "{{ document_name }}"),
                    ("送达地点", "{{ delivery_place }}"),
                    ("送达方式", "{{ delivery_method }}"),
                    ("送达人", "{{ deliverer }}"),
                    ("受送达人签收", ""),
                    ("备注", "{{ remarks }}"),
                ],
            ),
        ),
        greeting=False,
        sample={
            "document_name": "责令改正通知书（舟卫责改〔2026〕7号）",
            "delivery_place": "舟山市定海区解放东路58号",
            "delivery_method": "直接送达",
            "deliverer": "王海峰、陈晓雯",
            "remarks": "",
        },
    )
)

# The supervision letters (重庆“三书两函”) share one letter layout.
_LETTER = (
    ("p", "本机关在行政执法监督中发现，{{ matter }}"),
    ("h", "一、基本情况"),
    ("for", "facts", "f", "{{ f }}"),
    ("h", "二、{{ requests_heading }}"),
    ("for", "requests", "r", "{{ loop.index }}. {{ r }}"),
    ("p", "请于{{ reply_deadline }}前将办理情况书面回复本机关。"),
    ("p", "{{ contact }}"),
)
_LETTER_FIELDS = ("matter", "facts", "requests_heading", "requests", "reply_deadline", "contact")
LABELS["requests_heading"] = "具体内容标题"
_LETTER_SAMPLE: dict[str, Any] = {
    "facts": [
        "2026年以来，该局对同一企业开展现场检查4次，超过年度检查频次上限。",
        "部分检查未履行审批手续，未提前通知被检查企业。",
    ],
    "reply_deadline": "2026年12月27日",
    "contact": "联系人：赵敏，电话：0580-2039876。",
}
for code, name, abbreviation, matter, heading, requests in [
    (
        "supervision_suggestion",
        "行政执法监督建议书",
        "监建",
        "你单位涉企行政检查存在频次过高的问题，现提出如下建议。",
        "监督建议",
        ["严格执行年度检查频次上限，能合并的检查合并实施。", "完善检查审批和通知程序。"],
    ),
    (
        "supervision_opinion",
        "行政执法监督意见书",
        "监意",
        "你单位涉企行政检查程序存在违法情形，现提出如下监督意见。",
        "监督意见",
        ["对未经审批实施的检查予以纠正。", "对相关责任人员开展执法培训。"],
    ),
    (
        "supervision_decision",
        "行政执法监督决定书",
        "监决",
        "你单位涉企行政检查程序违法且经督促未改正，现作出如下决定。",
        "监督决定",
        ["责令于期限内纠正违法检查行为。", "暂停相关人员执法资格，待培训考核合格后恢复。"],
    ),
    (
        "reminder_letter",
        "提示函",
        "提示",
        "你单位涉企行政检查频次接近年度上限，现予提示。",
        "提示事项",
        ["合理安排后续检查，优先采用书面核查、非现场检查方式。"],
    ),
    (
        "urging_letter",
        "督办函",
        "督办",
        "企业反映的重复检查问题经转办后尚未办结，现予督办。",
        "督办事项",
        ["核实企业反映问题并依法处理。", "将处理结果告知企业并报本机关。"],
    ),
]:
    _add(
        KindSpec(
            code,
            name,
            abbreviation,
            False,
            _LETTER_FIELDS,
            _LETTER,
            sample={
                **_LETTER_SAMPLE,
                "matter": matter,
                "requests_heading": heading,
                "requests": requests,
            },
        )
    )


SUPERVISION_ISSUER = "舟山市司法局"
INSPECTION_ISSUER = "舟山市卫生健康委员会"


def sample_context(kind_code: str) -> dict[str, Any]:
    """A realistic demo context for the kind (raises KeyError for an unknown code)."""
    spec = SPECS[kind_code]
    issuer_abbr = "舟司" if not spec.inspection else "舟卫"
    context: dict[str, Any] = {
        "issuer": SUPERVISION_ISSUER if not spec.inspection else INSPECTION_ISSUER,
        "number": f"{issuer_abbr}{spec.abbreviation}〔2026〕12号",
        "title": spec.name,
        "recipient": "舟山市普陀区卫生健康局" if not spec.inspection else "舟山市定海康宁诊所",
        "date": datetime.date(2026, 11, 27),
        "verification_code": "K7Q4-M2XD",
        "verification_url": "https://zhifa.example.gov.cn/v/K7Q4-M2XD",
        **spec.sample,
    }
    if spec.inspection:
        # The newest shipped 五个严禁/八个不得; real documents print the version in force.
        context["prohibitions"] = shipped_sections()
    return context


@dataclass(frozen=True)
class FormField:
    """One field of a kind's drafting form: a line of text, or several (one per element of a list
    the template prints with ``for``). Drafting forms are built from these, never typed as JSON."""

    name: str
    label: str
    many: bool


def form_fields(kind_code: str) -> tuple[FormField, ...]:
    """The fields a person fills in for ``kind_code``, in the order its template prints them
    (the common heading fields, numbered and dated at issue, are not among them)."""
    spec = SPECS[kind_code]
    lists = {block[1] for block in spec.body if block[0] in ("for", "table")}
    return tuple(
        FormField(name, LABELS.get(name, name), name in lists)
        for name in spec.fields
        if name != "prohibitions"
    )
