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
#   ("if", var) … ("endif",)         the blocks between print only when ``var`` is not empty
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
    # Form labels of this kind where they differ from ``LABELS`` (调阅案卷 for ``requests``).
    labels: dict[str, str] = field(default_factory=dict)

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
            ("for", "findings", "f", "{{ loop.index }}．{{ f }}"),
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
            ("for", "requirements", "q", "{{ loop.index }}．{{ q }}"),
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
            ("for", "findings", "f", "{{ loop.index }}．{{ f }}"),
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

# --- The supervision documents ----------------------------------------------------------------
#
# Issued by a supervising bureau (司法局, 司法所) to an enforcing agency, except the
# 整改（执行）情况报告, which the agency writes back. Legal grounding, as far as verified (notes
# in docs/research/administrative-enforcement-supervision-regulation.md and
# docs/research/supervision-complaints-sources.md):
# - 《行政执法监督条例》(国务院令第825号, in force 2026-02-01): only 第一条至第五条,
#   第六条第一款 and 第三十八条至第四十二条 were read verbatim. 第二条 (what is supervised) and
#   第六条第一款 (the 司法行政部门 is the supervision body) found every supervision document;
#   第四条第二款 (规范与指导并重、预防与纠错并重) is the principle of the advisory letters. The
#   articles on 通知书/意见书/决定书, 约谈, 移送 and 复查 were NOT found, so the default
#   templates cite no national article for them and fix no deadline: the reply deadline is a
#   field the workflow fills from the region's configured period.
# - Provincial precedents (verified, full text), named in ``SUPERVISION_KINDS`` as precedents,
#   never printed as if they bound every region: 山东省行政执法监督条例 第二十三条（一）(调取
#   案卷), 第二十六条 (约请负责人谈话), 第二十八条 (意见书，三十日内自行纠正), 第二十九条
#   (决定书及其四种处理决定，三十日内报告执行情况); 重庆市行政执法监督条例 第五条（五）(调阅
#   案卷), 第十四条第三款 (在文书规定的期限内书面报告执行情况), 第二十条 (移送，十个工作日内
#   书面告知), 第二十一条 (十个工作日内申请复查，十五个工作日内复查决定); 河南省行政执法条例
#   第四十三条 (意见书→决定书).
# - 重庆's 2025 set of 11 templates ("三书两函") was not found: nothing here is labelled as
#   重庆's. The set is configuration: a region renames a kind in the admin, uploads its own
#   template, or adds a kind of its own, which then prints with ``GENERIC_LETTER``
#   (see ``spec_for``).

LABELS.update(
    {
        "matter": "事由",
        "problems": "发现的问题",
        "requests_heading": "要求标题",
        "requests": "要求",
        "reply_deadline": "回复期限",
        "answered": "所复文书名称及文号",
        "measures": "整改（执行）措施",
        "result": "整改（执行）结果",
        "evidence": "证明材料",
    }
)

# Every field a supervision letter may print; a kind uses these names (and only these) so that the
# workflow can prefill any kind from a case, a review or a complaint in the same way.
LETTER_FIELDS = (
    "matter",
    "facts",
    "problems",
    "basis",
    "requests_heading",
    "requests",
    "reply_deadline",
    "contact",
)
LETTER_LABELS = {"basis": "法律依据", "contact": "联系人及电话"}

# 山东省行政执法监督条例 第二十九条第一款 [verified]: the four decisions a 决定书 may make.
# The national 条例 provides for 决定书 (official summary) but its article was not verified.
DECISION_OPTIONS = ("责令限期履行", "责令补正或者改正", "撤销", "确认违法或者无效")

# 基本情况 is narrative, one paragraph per fact; what the agency must act on is numbered.
_LIST_LINES = {
    "facts": "{{ f }}",
    "problems": "{{ loop.index }}．{{ q }}",
    "basis": "{{ loop.index }}．{{ b }}",
    "requests": "{{ loop.index }}．{{ r }}",
    "measures": "{{ loop.index }}．{{ m }}",
    "evidence": "{{ loop.index }}．{{ e }}",
}
_LOOP_NAMES = {
    "facts": "f",
    "problems": "q",
    "basis": "b",
    "requests": "r",
    "measures": "m",
    "evidence": "e",
}


CN_NUMBERS = "一二三四五六七八九十"


def _sections(*sections: tuple[str, str]) -> tuple[Block, ...]:
    """一级标题 each followed by its list, one paragraph per element. A section whose list is
    empty is left out (a letter prefilled from a complaint may have no 发现的问题), and the
    headings are numbered 一、二、… over the sections that print."""
    blocks: list[Block] = []
    for index, (heading, var) in enumerate(sections):
        before = [name for _, name in sections[:index]]
        number = (
            f'{{{{ "{CN_NUMBERS}"[[{", ".join(before)}]|select|list|length] }}}}'
            if before
            else CN_NUMBERS[0]
        )
        blocks.append(("if", var))
        blocks.append(("h", f"{number}、{heading}"))
        blocks.append(("for", var, _LOOP_NAMES[var], _LIST_LINES[var]))
        blocks.append(("endif",))
    return tuple(blocks)


_CONTACT: Block = ("p", "{{ contact }}")
_STANDARD_SECTIONS = (
    ("基本情况", "facts"),
    ("发现的问题", "problems"),
    ("法律依据", "basis"),
    ("{{ requests_heading }}", "requests"),
)


def _letter_body(opening: str, *closing: str) -> tuple[Block, ...]:
    """The shared layout: an opening naming the 事由, facts, problems, basis, requests, then the
    kind's closing sentences (the reply deadline among them) and the contact."""
    return (
        ("p", opening),
        *_sections(*_STANDARD_SECTIONS),
        *(("p", text) for text in closing),
        _CONTACT,
    )


_SAMPLE_FACTS = [
    "2026年1月至10月，你单位对舟山市普陀仁和门诊部开展现场检查4次，其中3次检查事项相同。",
    "2026年6月12日、7月3日的两次检查未经你单位负责人审批，也未提前向企业送达检查通知书。",
]
_SAMPLE_PROBLEMS = [
    "对同一企业的现场检查次数超过本地区公布的年度检查频次上限。",
    "部分检查未履行审批和通知程序。",
]
_SAMPLE_BASIS = [
    "国务院办公厅《关于严格规范涉企行政检查的意见》（国办发〔2024〕54号）关于检查必审批、"
    "必通知和公布同一企业年度检查频次上限的要求。",
]
_LETTER_SAMPLE: dict[str, Any] = {
    "matter": "你单位2026年涉企行政检查工作",
    "facts": _SAMPLE_FACTS,
    "problems": _SAMPLE_PROBLEMS,
    "basis": _SAMPLE_BASIS,
    "reply_deadline": "2026年12月27日",
    "contact": "联系人：赵敏，电话：0580-2039876。",
}

# code → (one-line purpose, the articles it rests on). Shown by the supervision workflow.
SUPERVISION_KINDS: dict[str, tuple[str, str]] = {}


def _supervision(
    code: str,
    name: str,
    abbreviation: str,
    *,
    purpose: str,
    basis_note: str,
    body: tuple[Block, ...],
    fields: tuple[str, ...] = LETTER_FIELDS,
    labels: dict[str, str] | None = None,
    sample: dict[str, Any],
) -> None:
    SUPERVISION_KINDS[code] = (purpose, basis_note)
    _add(
        KindSpec(
            code,
            name,
            abbreviation,
            False,
            fields,
            body,
            sample=sample,
            labels={**LETTER_LABELS, **(labels or {})},
        )
    )


_supervision(
    "supervision_notice",
    "行政执法监督通知书",
    "监通",
    purpose="就监督中发现的问题通知执法机关自查整改，并在期限内书面报告整改情况。",
    basis_note=(
        "《行政执法监督条例》第二条、第六条第一款（通知书本身的条文未核实）；"
        "参照《重庆市行政执法监督条例》第十四条第三款（在文书规定的期限内书面报告执行情况）。"
    ),
    body=_letter_body(
        "本机关依法对{{ matter }}进行了行政执法监督，现将有关情况通知如下：",
        "请你单位对照上述问题认真自查整改，于{{ reply_deadline }}前将整改情况书面报告本机关，"
        "并附相关证明材料。",
    ),
    sample={
        **_LETTER_SAMPLE,
        "requests_heading": "整改要求",
        "requests": [
            "对2026年以来的涉企行政检查逐项自查，合并可以合并的检查事项。",
            "完善检查审批和通知程序，检查前依法送达检查通知书。",
        ],
    },
)
_supervision(
    "supervision_opinion",
    "行政执法监督意见书",
    "监意",
    purpose="行政执法行为违法或者不当的，提出监督意见，责成执法机关在期限内自行纠正并报告。",
    basis_note=(
        "参照《山东省行政执法监督条例》第二十八条（发出意见书，自收到之日起三十日内自行纠正）、"
        "《河南省行政执法条例》第四十三条；《行政执法监督条例》关于意见书的条文未核实。"
    ),
    body=_letter_body(
        "本机关在对{{ matter }}进行行政执法监督中，发现你单位的行政执法行为存在违法或者不当"
        "情形，现提出监督意见如下：",
        "请你单位于{{ reply_deadline }}前自行纠正，并将纠正情况书面报告本机关。"
        "逾期未纠正的，本机关将依法作出行政执法监督决定。",
    ),
    sample={
        **_LETTER_SAMPLE,
        "requests_heading": "监督意见",
        "requests": [
            "对未经审批实施的两次检查予以纠正，并向企业说明情况。",
            "对相关执法人员开展涉企行政检查程序培训。",
        ],
    },
)
_supervision(
    "supervision_decision",
    "行政执法监督决定书",
    "监决",
    purpose=(
        "逾期未按意见书纠正的，作出责令限期履行、责令补正或者改正、撤销、确认违法或者无效的"
        "处理决定。"
    ),
    basis_note=(
        "参照《山东省行政执法监督条例》第二十九条（四种处理决定，三十日内报告执行情况）、"
        "《河南省行政执法条例》第四十三条；《行政执法监督条例》关于决定书的条文未核实。"
    ),
    body=(
        (
            "p",
            "本机关在对{{ matter }}进行行政执法监督中查明，你单位存在下列违法或者不当的行政执法"
            "行为，经督促未予纠正。现作出如下决定：",
        ),
        *_sections(*_STANDARD_SECTIONS),
        ("p", "请你单位于{{ reply_deadline }}前执行本决定，并将执行情况书面报告本机关。"),
        ("p", "你单位对本决定不服的，可以在规定期限内向本机关申请复查。"),
        _CONTACT,
    ),
    sample={
        **_LETTER_SAMPLE,
        "requests_heading": "监督决定",
        "requests": [
            f"{DECISION_OPTIONS[1]}：对2026年6月12日、7月3日未经审批实施的两次检查补正审批程序，"
            "并向企业说明情况。",
            f"{DECISION_OPTIONS[3]}：确认2026年7月3日对舟山市普陀仁和门诊部实施的重复检查程序违法。",
        ],
    },
)
_supervision(
    "supervision_suggestion",
    "行政执法监督建议书",
    "监建",
    purpose="就执法工作中需要改进的制度、机制问题提出建议，执法机关研究采纳后回复。",
    basis_note=(
        "《行政执法监督条例》第四条第二款（规范与指导并重、预防与纠错并重）；"
        "建议书无已核实的专门条文，文种由本地区配置。"
    ),
    body=_letter_body(
        "本机关在对{{ matter }}进行行政执法监督中，发现存在下列需要改进的问题。"
        "为进一步规范行政执法，现提出如下建议：",
        "请你单位研究采纳，于{{ reply_deadline }}前将采纳情况书面回复本机关。",
    ),
    sample={
        **_LETTER_SAMPLE,
        "requests_heading": "监督建议",
        "requests": [
            "严格执行年度检查频次上限，能合并的检查合并实施。",
            "推行“综合查一次”，优先采用书面核查、非现场检查方式。",
        ],
    },
)
_supervision(
    "reminder_letter",
    "提示函",
    "提示",
    purpose="对苗头性问题或者临近的期限予以提示，督促执法机关及时自查、防止问题发生。",
    basis_note=(
        "《行政执法监督条例》第四条第二款（预防与纠错并重）；"
        "提示函无已核实的专门条文，文种由本地区配置。"
    ),
    body=_letter_body(
        "本机关在对{{ matter }}进行行政执法监督中，发现存在下列风险，现予提示：",
        "请你单位及时自查，于{{ reply_deadline }}前将自查情况书面回复本机关。",
    ),
    sample={
        **_LETTER_SAMPLE,
        "requests_heading": "提示事项",
        "requests": [
            "合理安排后续检查，本年度不再对该企业安排同类现场检查。",
        ],
    },
)
_supervision(
    "urging_letter",
    "督办函",
    "督办",
    purpose="交办、监督事项逾期未办结或者未回复的，予以督办，限期办结并报告结果。",
    basis_note=(
        "国务院办公厅《关于严格规范涉企行政检查的意见》（国办发〔2024〕54号）"
        "（对企业反映强烈、社会影响恶劣的，直接督办并予以通报曝光）；"
        "《行政执法监督条例》相应条文未核实。"
    ),
    body=_letter_body(
        "本机关在对{{ matter }}进行行政执法监督中发现的下列问题，经本机关交办后你单位至今"
        "尚未办结，现予督办：",
        "请你单位于{{ reply_deadline }}前办结，并将办理结果书面报告本机关。",
    ),
    sample={
        **_LETTER_SAMPLE,
        "requests_heading": "督办事项",
        "requests": [
            "核实企业反映问题并依法处理。",
            "将处理结果告知企业并报本机关。",
        ],
    },
)
_supervision(
    "file_request_notice",
    "调阅案卷通知书",
    "调卷",
    purpose="为案卷评查、投诉核查等调阅执法机关的行政执法案卷和有关材料。",
    basis_note=(
        "参照《重庆市行政执法监督条例》第五条第（五）项（调阅有关行政执法案卷和文件资料）、"
        "《山东省行政执法监督条例》第二十三条第（一）项（查阅、复制、调取行政执法案卷）；"
        "《行政执法监督条例》相应条文未核实。"
    ),
    fields=("matter", "requests", "basis", "reply_deadline", "contact"),
    labels={"requests": "调阅案卷", "reply_deadline": "报送期限"},
    body=(
        ("p", "因{{ matter }}需要，本机关决定调阅你单位下列行政执法案卷及有关材料："),
        *_sections(("调阅范围", "requests"), ("依据", "basis")),
        (
            "p",
            "请你单位于{{ reply_deadline }}前将上述案卷及卷内目录报送本机关，并保证案卷完整、"
            "真实。案卷评查结束后予以退还。",
        ),
        _CONTACT,
    ),
    sample={
        "matter": "开展2026年度行政执法案卷评查",
        "requests": [
            "2026年1月1日至10月31日办结的行政处罚案件中，随机抽取的舟普卫罚〔2026〕3号、"
            "舟普卫罚〔2026〕11号案卷。",
            "上述案件的行政检查审批表、现场检查笔录及送达回证。",
        ],
        "basis": ["《舟山市司法局2026年度行政执法案卷评查工作方案》。"],
        "reply_deadline": "2026年12月4日",
        "contact": "联系人：赵敏，电话：0580-2039876。",
    },
)
_supervision(
    "summons_notice",
    "约谈通知书",
    "约谈",
    purpose="执法问题较多或者整改不力的，约请执法机关负责人谈话，并记录约谈结果。",
    basis_note=(
        "参照《山东省行政执法监督条例》第二十六条（约请相关负责人进行谈话）；"
        "国办发〔2024〕54号（对相关责任人进行公开约谈）；《行政执法监督条例》相应条文未核实。"
    ),
    fields=("matter", "problems", "basis", "requests", "reply_deadline", "contact"),
    labels={"requests": "约谈安排", "reply_deadline": "名单报送期限"},
    body=(
        (
            "p",
            "鉴于{{ matter }}，本机关决定约请你单位负责人进行谈话。现将有关事项通知如下：",
        ),
        *_sections(("约谈事项", "problems"), ("依据", "basis"), ("约谈安排", "requests")),
        (
            "p",
            "请你单位于{{ reply_deadline }}前将参加约谈人员名单报送本机关，并准备书面情况说明。",
        ),
        _CONTACT,
    ),
    sample={
        "matter": "你单位2026年涉企行政检查中多次出现未经审批实施检查的情形，经督办仍未整改到位",
        "problems": _SAMPLE_PROBLEMS,
        "basis": _SAMPLE_BASIS,
        "requests": [
            "约谈时间：2026年12月10日上午9时。",
            "约谈地点：舟山市司法局三楼会议室。",
            "参加人员：你单位主要负责人、分管负责人及执法科室负责人。",
        ],
        "reply_deadline": "2026年12月8日",
        "contact": "联系人：赵敏，电话：0580-2039876。",
    },
)
_supervision(
    "referral_letter",
    "移送函",
    "移送",
    purpose="依法应当由监察、审计、行政复议等机关处理的事项，移送有关机关并请其告知处理情况。",
    basis_note=(
        "参照《重庆市行政执法监督条例》第二十条（移送有关机关处理，接受机关十个工作日内书面"
        "告知处理情况）；《行政执法监督条例》相应条文未核实。"
    ),
    fields=("matter", "facts", "basis", "requests", "reply_deadline", "contact"),
    labels={"requests": "移送材料", "reply_deadline": "告知期限"},
    body=(
        (
            "p",
            "本机关在行政执法监督中发现{{ matter }}，依法应当由你机关处理，现予移送。",
        ),
        *_sections(("基本情况", "facts"), ("移送依据", "basis"), ("移送材料", "requests")),
        ("p", "请你机关依法处理，并于{{ reply_deadline }}前将处理情况书面告知本机关。"),
        _CONTACT,
    ),
    sample={
        "recipient": "舟山市普陀区监察委员会",
        "matter": "舟山市普陀区卫生健康局个别执法人员在涉企行政检查中涉嫌接受企业宴请的问题线索",
        "facts": [
            "2026年11月，本机关收到企业反映，称2026年7月3日检查结束后执法人员接受其宴请。",
            "本机关调阅了该次检查的案卷，检查未经审批，也未提前通知企业。",
        ],
        "basis": ["该问题线索涉及公职人员履职中的廉洁问题，依法由监察机关处理。"],
        "requests": ["企业反映材料复印件1份。", "2026年7月3日检查案卷复印件1册。"],
        "reply_deadline": "2026年12月11日",
        "contact": "联系人：赵敏，电话：0580-2039876。",
    },
)
_supervision(
    "review_decision",
    "复查决定书",
    "监复",
    purpose="执法机关对监督处理决定不服申请复查的，由作出决定的监督机关作出复查决定。",
    basis_note=(
        "参照《重庆市行政执法监督条例》第二十一条（收到处理决定之日起十个工作日内申请复查，"
        "十五个工作日内作出复查决定，复查期间不停止执行）；《行政执法监督条例》相应条文未核实。"
    ),
    fields=("matter", "facts", "basis", "requests", "reply_deadline", "contact"),
    labels={
        "matter": "申请复查的决定",
        "facts": "复查查明的事实",
        "requests": "复查决定",
        "reply_deadline": "执行报告期限",
    },
    body=(
        (
            "p",
            "你单位对本机关作出的{{ matter }}不服，向本机关申请复查。本机关依法进行了复查，"
            "现决定如下：",
        ),
        *_sections(("复查查明的事实", "facts"), ("依据", "basis"), ("复查决定", "requests")),
        ("p", "请你单位于{{ reply_deadline }}前将执行情况书面报告本机关。"),
        _CONTACT,
    ),
    sample={
        "matter": "《行政执法监督决定书》（舟司监决〔2026〕3号）",
        "facts": [
            "你单位称2026年7月3日的检查系投诉举报引发的检查，无需事先通知企业。",
            "经核查案卷，该次检查无投诉举报登记，检查审批表签批日期晚于检查日期。",
        ],
        "basis": _SAMPLE_BASIS,
        "requests": ["维持舟司监决〔2026〕3号行政执法监督决定书。"],
        "reply_deadline": "2026年12月31日",
        "contact": "联系人：赵敏，电话：0580-2039876。",
    },
)
_supervision(
    "rectification_report",
    "整改（执行）情况报告",
    "整报",
    purpose="执法机关收到监督文书后，向监督机关书面报告整改（执行）措施、结果和证明材料。",
    basis_note=(
        "参照《重庆市行政执法监督条例》第十四条第三款（在文书规定的期限内书面报告执行情况）、"
        "《山东省行政执法监督条例》第二十九条第二款（三十日内报告执行情况）。"
    ),
    fields=("answered", "measures", "result", "evidence", "contact"),
    labels={"contact": "联系人及电话"},
    body=(
        (
            "p",
            "{{ answered }}收悉。我单位对所列问题逐项研究，落实整改（执行），"
            "现将有关情况报告如下：",
        ),
        ("h", "一、整改（执行）措施"),
        ("for", "measures", "m", _LIST_LINES["measures"]),
        ("h", "二、整改（执行）结果"),
        ("p", "{{ result }}"),
        ("h", "三、证明材料"),
        ("for", "evidence", "e", _LIST_LINES["evidence"]),
        ("p", "特此报告。"),
        _CONTACT,
    ),
    sample={
        # Written by the agency to the bureau: the issuer and 文号 are the agency's, dated after
        # the measures it reports.
        "issuer": "舟山市普陀区卫生健康局",
        "date": datetime.date(2026, 12, 20),
        "number": "舟普卫整报〔2026〕12号",
        "recipient": "舟山市司法局",
        "answered": "《行政执法监督意见书》（舟司监意〔2026〕12号）",
        "measures": [
            "2026年12月5日召开局务会议，逐项研究监督意见，明确由执法监督科牵头整改。",
            "对未经审批实施的两次检查补正审批程序，并向舟山市普陀仁和门诊部说明情况。",
            "2026年12月12日组织全体执法人员参加涉企行政检查程序培训。",
        ],
        "result": "监督意见所列问题已全部整改完毕，今后检查一律先审批、先通知。",
        "evidence": ["局务会议纪要（2026年12月5日）。", "培训签到表及课件。"],
        "contact": "联系人：孙立新，电话：0580-3012345。",
    },
)

# A kind a region adds in the admin without a spec of its own prints as a generic supervision
# letter with every shared field: its name comes in as the document's title.
GENERIC_LETTER = KindSpec(
    "supervision_letter",
    "行政执法监督文书",
    "监督",
    False,
    LETTER_FIELDS,
    _letter_body(
        "本机关在对{{ matter }}进行行政执法监督中，发现存在下列问题，现函告如下：",
        "请你单位于{{ reply_deadline }}前将办理情况书面回复本机关。",
    ),
    sample={
        **_LETTER_SAMPLE,
        "requests_heading": "具体要求",
        "requests": [
            "对上述问题逐项核实并依法处理。",
        ],
    },
    labels=LETTER_LABELS,
)


def spec_for(kind_code: str) -> KindSpec:
    """The kind's spec; a kind without one (added by a region in the admin) is a generic letter."""
    return SPECS.get(kind_code, GENERIC_LETTER)


SUPERVISION_ISSUER = "舟山市司法局"
INSPECTION_ISSUER = "舟山市卫生健康委员会"


def sample_context(kind_code: str) -> dict[str, Any]:
    """A realistic demo context for the kind (a kind without a spec: the generic letter's)."""
    spec = spec_for(kind_code)
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
    (the common heading fields, numbered and dated at issue, are not among them). A kind without
    a spec of its own gets the generic supervision letter's fields."""
    spec = spec_for(kind_code)
    lists = {block[1] for block in spec.body if block[0] in ("for", "table")}
    return tuple(
        FormField(name, spec.labels.get(name) or LABELS.get(name, name), name in lists)
        for name in spec.fields
        if name != "prohibitions"
    )
