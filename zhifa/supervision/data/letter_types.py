"""The national default 监督文书种类 (LetterType rows with no region), seeded by migration 0002.

Every legal text cited here is a verified text (docs/research/supervision-complaints-sources.md
and docs/research/administrative-enforcement-supervision-regulation.md): only 第二条 and
第六条第一款 of 国务院令第825号 are cited from it, since its articles on supervision
documents, deadlines and 复查 could not be read.
Deadlines come from provincial regulations and say so ("参照…"); a region overrides them with
its own row. The set is grounded in these texts, not in any province's template set.
"""

from __future__ import annotations

from typing import Any

NATIONAL_825 = (
    "《行政执法监督条例》（国务院令第825号）第二条：县级以上人民政府依法对本级人民政府所属部门、"
    "派出机关和下级人民政府以及法律法规授权的具有管理公共事务职能的组织的行政执法工作开展的"
    "行政系统内部监督，适用本条例。第六条第一款：县级以上人民政府司法行政部门是本级人民政府的"
    "行政执法监督机构，代表本级人民政府承担行政执法监督具体事务，负责实施行政执法监督工作。"
)
CQ_14 = (
    "参照《重庆市行政执法监督条例》第十四条第三款：行政执法监督机构处理行政执法违法行为，应当使用"
    "行政执法监督文书。行政执法机构应当在行政执法监督文书规定的期限内书面报告执行情况。"
)
SD_28 = (
    "参照《山东省行政执法监督条例》第二十八条：行政执法监督机关在监督检查中发现行政执法行为违法或者"
    "不当的，应当发出《行政执法监督意见书》。有关行政执法机关应当自收到《行政执法监督意见书》之日起"
    "三十日内，自行纠正违法或者不当的行政执法行为。"
)
SD_29 = (
    "参照《山东省行政执法监督条例》第二十九条：行政执法机关逾期未按照《行政执法监督意见书》自行纠正"
    "的，由行政执法监督机关分别作出以下处理决定：（一）责令限期履行；（二）责令补正或者改正；"
    "（三）撤销；（四）确认违法或者无效。……有关行政执法机关应当自收到决定书之日起三十日内向行政"
    "执法监督机关报告执行情况。"
)
CQ_20 = (
    "参照《重庆市行政执法监督条例》第二十条：行政执法监督机构对依法应当由行政复议、审计、监察机关"
    "处理的事项，移送有关机关处理；接受机关依法处理后，应当将处理情况在十个工作日内书面告知行政执法"
    "监督机构。"
)
CQ_21 = (
    "参照《重庆市行政执法监督条例》第二十一条：行政执法机构对行政执法监督处理决定不服的，可以在收到"
    "处理决定之日起十个工作日内向作出处理决定的行政执法监督机构申请复查。作出处理决定的行政执法监督"
    "机构应当在收到复查申请之日起十五个工作日内作出复查决定。复查期间，行政执法监督处理决定不停止执行。"
)
SD_23 = (
    "参照《山东省行政执法监督条例》第二十三条：调查取证可以采取查阅、复制、调取行政执法案卷和其他"
    "有关材料等方式。"
)
SD_26 = (
    "参照《山东省行政执法监督条例》第二十六条：发现行政执法机关的行政执法行为违法或者不当等比例较高"
    "的，可以约请该行政执法机关的相关负责人进行谈话。"
)
HN_43 = (
    "参照《河南省行政执法条例》第四十三条：行政执法机关应当在《行政执法监督意见书》规定的期限内依法"
    "处理并报告处理情况；在规定期限内未自行处理的，由行政执法监督机关发出《行政执法监督决定书》，"
    "依法予以撤销或者纠正。"
)
THIRTY_DAYS = (
    "参照《山东省行政执法监督条例》第二十八条、第二十九条（自收到之日起三十日内），折算为二十个工作日；"
    "国务院令第825号对此期限的规定尚未核实，各地可按本地规定调整。"
)
SET_BY_DOCUMENT = (
    "参照《重庆市行政执法监督条例》第十四条第三款（在监督文书规定的期限内书面报告），本平台默认十个"
    "工作日，各地可调整。"
)
REVIEW_SOURCE = (
    "参照《重庆市行政执法监督条例》第二十一条（收到之日起十个工作日内申请，十五个工作日内决定）"
)
ESCALATION = (
    "回复期限届满次一个工作日起为监督人员拟制提示函草稿；届满满六个工作日仍未回复的，拟制督办函草稿。"
    "逾期天数为平台默认，各地可调整。"
)

# (kind code, name, purpose, basis, needs_reply, reply days, deadline source,
#  review window, review decision days, review source, remind after, urge after, sort)
DEFAULTS: list[dict[str, Any]] = [
    {
        "kind": "supervision_notice",
        "name": "行政执法监督通知书",
        "purpose": (
            "通知被监督单位本机关将开展的日常监督、重点监督或专项监督事项，并要求其配合、报送材料。"
        ),
        "basis": f"{NATIONAL_825}\n{CQ_14}",
        "needs_reply": True,
        "days": 10,
        "source": SET_BY_DOCUMENT,
    },
    {
        "kind": "supervision_opinion",
        "name": "行政执法监督意见书",
        "purpose": (
            "对监督中发现的违法或者不当的行政执法行为，提出纠正意见，要求限期自行纠正并书面报告。"
        ),
        "basis": f"{NATIONAL_825}\n{SD_28}\n{HN_43}",
        "needs_reply": True,
        "days": 20,
        "source": THIRTY_DAYS,
    },
    {
        "kind": "supervision_decision",
        "name": "行政执法监督决定书",
        "purpose": (
            "被监督单位逾期未按意见书自行纠正的，作出责令限期履行、责令补正或者改正、"
            "撤销、确认违法或者无效等处理决定，并要求报告执行情况。"
        ),
        "basis": f"{NATIONAL_825}\n{SD_29}\n{HN_43}\n{CQ_21}",
        "needs_reply": True,
        "days": 20,
        "source": THIRTY_DAYS,
        "review": (10, 15, REVIEW_SOURCE),
    },
    {
        "kind": "supervision_suggestion",
        "name": "行政执法监督建议书",
        "purpose": "对行政执法工作中带有普遍性、制度性的问题，提出完善制度、改进工作的建议。",
        "basis": f"{NATIONAL_825}\n{CQ_14}",
        "needs_reply": True,
        "days": 20,
        "source": THIRTY_DAYS,
    },
    {
        "kind": "reminder_letter",
        "name": "提示函",
        "purpose": ("监督文书回复期限届满未回复，或者发现苗头性问题的，提示被监督单位及时办理。"),
        "basis": f"{NATIONAL_825}\n{CQ_14}",
        "needs_reply": True,
        "days": 5,
        "source": "本平台默认五个工作日，各地可调整；所依据的期限规定见原监督文书。",
    },
    {
        "kind": "urging_letter",
        "name": "督办函",
        "purpose": "经提示仍未办理的，督促被监督单位限期办理并说明逾期原因。",
        "basis": f"{NATIONAL_825}\n{CQ_14}",
        "needs_reply": True,
        "days": 5,
        "source": "本平台默认五个工作日，各地可调整；所依据的期限规定见原监督文书。",
    },
    {
        "kind": "file_request_notice",
        "name": "调阅案卷通知书",
        "purpose": (
            "通知被监督单位在期限内报送指定的行政执法案卷和有关材料，供案卷评查或调查核实。"
        ),
        "basis": f"{NATIONAL_825}\n{SD_23}",
        "needs_reply": True,
        "days": 5,
        "source": "本平台默认五个工作日，各地可调整。",
    },
    {
        "kind": "summons_notice",
        "name": "约谈通知书",
        "purpose": "通知被监督单位负责人按时到指定地点接受约谈。",
        "basis": f"{NATIONAL_825}\n{SD_26}",
        "needs_reply": False,
        "days": None,
        "source": "",
    },
    {
        "kind": "referral_letter",
        "name": "移送函",
        "purpose": (
            "将依法应当由行政复议、审计、监察等机关处理的事项移送有关机关处理，并请其告知处理情况。"
        ),
        "basis": f"{NATIONAL_825}\n{CQ_20}",
        "needs_reply": True,
        "days": 10,
        "source": "参照《重庆市行政执法监督条例》第二十条（十个工作日内书面告知）",
    },
    {
        "kind": "review_decision",
        "name": "复查决定书",
        "purpose": "对被监督单位的复查申请作出维持、变更或者撤销原监督处理决定的复查决定。",
        "basis": f"{NATIONAL_825}\n{CQ_21}",
        "needs_reply": False,
        "days": None,
        "source": "",
    },
    {
        "kind": "rectification_report",
        "name": "整改（执行）情况报告",
        "purpose": "被监督单位向监督机关书面报告监督文书的整改（执行）情况所用的格式。",
        "basis": f"{CQ_14}",
        "needs_reply": False,
        "days": None,
        "source": "",
    },
]


def seed_national_defaults(apps: Any) -> int:
    """Create or update the national default rows (a migration passes its ``apps``); a kind not
    (yet) in DocumentKind is skipped, so a later migration that adds kinds calls this again."""
    document_kind = apps.get_model("documents", "DocumentKind")
    letter_type = apps.get_model("supervision", "LetterType")
    done = 0
    for position, row in enumerate(DEFAULTS, start=1):
        kind = document_kind.objects.filter(code=row["kind"]).first()
        if kind is None:
            continue
        window, decision, review_source = row.get("review") or (None, None, "")  # type: ignore[misc]
        needs_reply = bool(row["needs_reply"])
        letter_type.objects.update_or_create(
            region=None,
            kind=kind,
            defaults={
                "name": row["name"],
                "purpose": row["purpose"],
                "legal_basis": row["basis"],
                "needs_reply": needs_reply,
                "reply_working_days": row["days"],
                "deadline_source": row["source"],
                "review_window_working_days": window,
                "review_decision_working_days": decision,
                "review_source": review_source,
                "remind_after_working_days": 1 if needs_reply else None,
                # Escalation stops at the 督办函: it is not itself reminded again.
                "urge_after_working_days": (
                    6 if needs_reply and row["kind"] != "urging_letter" else None
                ),
                "escalation_source": ESCALATION if needs_reply else "",
                "sort_order": position * 10,
            },
        )
        done += 1
    return done
