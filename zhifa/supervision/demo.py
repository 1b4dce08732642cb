"""The demo's 监督文书, made through the services as the demo personas.

舟山市司法局 (赵志刚 drafts, 郑国平 reviews and signs as 监督机关负责人) sends letters to
舟山市卫生健康委员会 (王建国 signs for and replies) in every state: a draft prefilled from a
case, one awaiting review, one awaiting signature, one issued, one signed for, one replied awaiting
verification, one closed, one returned, a 决定书 ordering correction of a case with a 复查
application, and an overdue one with its 提示函 draft and a 约谈 record. 包头市青山区司法局
(刘建军) has one letter to a 青山区 agency, awaiting review by a second supervisor.

The supervision part comes after what it supervises, so its steps happen at the end of the
demo's last working day (``DemoClock`` keeps the audit chain in time order). The overdue letters
are therefore dated (成文日期) back by their reply period: they stand for letters issued earlier,
and their deadline, counted in working days from that date, has passed when the demo is loaded.
Nothing is dated after the load moment; a year whose working days are not loaded leaves the
dependent letters out, never guessed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from zhifa.inspections.models import InspectionCase
from zhifa.org.models import Organisation, OrganisationKind, User
from zhifa.supervision import services
from zhifa.supervision.models import SupervisionLetter, SupervisionMethod
from zhifa.workdays.demo_clock import DemoClock, DemoTimeline
from zhifa.workdays.selectors import YearNotLoaded, work_calendar

BUREAU = "舟山市司法局"
AGENCY = "舟山市卫生健康委员会"
QINGSHAN_BUREAU = "包头市青山区司法局"
QINGSHAN_AGENCY = "包头市青山区卫生健康委员会"
CONTACT = "联系人：赵志刚，电话：0580-2039876。"
# A one-page PDF standing for the scanned corrected record the agency attaches.
EVIDENCE_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


# What the demo letters rest on: the State Council's opinion on 涉企行政检查 and the 行政处罚法.
BASIS = [
    "《国务院办公厅关于严格规范涉企行政检查的意见》（国办发〔2024〕54号）",
    "《中华人民共和国行政处罚法》第四十二条",
]


# The demo's letters ask for a reply within 10 working days (a bureau sets 1 to 120), so that a
# load in December still finds their deadlines in the year whose working days are loaded.
DEMO_REPLY_DAYS = 10


def _content(matter: str, facts: list[str], heading: str, requests: list[str]) -> dict[str, Any]:
    return {
        "matter": matter,
        "facts": facts,
        "basis": BASIS,
        "requests_heading": heading,
        "requests": requests,
        "contact": CONTACT,
    }


FREQUENCY = _content(
    "你单位2026年度对同一餐饮企业实施现场检查的情况",
    [
        "2026年以来，你单位对舟山海鲜酒楼有限公司实施现场检查4次，超过年度检查频次上限。",
        "其中2次检查未见审批记录，未提前通知被检查企业。",
    ],
    "监督意见",
    ["对未经审批实施的检查予以纠正。", "严格执行年度检查频次上限，能合并的检查合并实施。"],
)
PROCEDURE = _content(
    "你单位2026年度行政检查执法文书的制作情况",
    ["抽查的3份现场检查笔录中，2份未载明执法证件编号。"],
    "监督意见",
    ["补正相关执法文书。", "组织执法人员开展执法文书制作培训。"],
)
SUGGESTION = _content(
    "你单位2026年度涉企行政检查计划的编制情况",
    ["2026年度检查计划中，医疗废物与消毒管理两项检查对同一批机构分别实施。"],
    "监督建议",
    ["将同一对象的多项检查合并为“综合查一次”。"],
)


def _user(username: str) -> User | None:
    return User.objects.filter(username=username, is_active=True).first()


def _type(bureau: Organisation, code: str) -> Any:
    found = services.letter_type_for(bureau, code)
    if found is None:
        raise LookupError(code)
    return found


def load_demo_supervision(
    actor: Any, *, timeline: DemoTimeline, clock: DemoClock
) -> dict[str, int]:
    """Idempotent: nothing is done when the part is there already."""
    bureau = Organisation.objects.filter(name=BUREAU, kind=OrganisationKind.SUPERVISOR).first()
    agency = Organisation.objects.filter(name=AGENCY).first()
    drafter = _user("supervisor")
    head = _user("supervisor_head")
    inspector = _user("inspector")
    if None in (bureau, agency, drafter, head, inspector):
        return {}
    assert bureau is not None and agency is not None
    if SupervisionLetter.objects.filter(bureau=bureau).exists():
        return {}
    steps = iter(range(10_000))

    def at() -> Any:
        # Every step a little after the previous one, all before the day's end (18:00).
        minute = min(59, 41 + next(steps) // 6)
        return clock.at(timeline.on_day(17, minute))

    def draft(code: str, content: dict[str, Any], **extra: Any) -> SupervisionLetter:
        extra.setdefault("reply_working_days", DEMO_REPLY_DAYS)
        with at():
            return services.draft_letter(
                actor=drafter,
                letter_type=_type(bureau, code),
                addressee=extra.pop("addressee", agency),
                content=content,
                **extra,
            )

    def to_signed(letter: SupervisionLetter, issue_date: dt.date | None = None) -> None:
        with at():
            services.submit_letter(letter, actor=drafter)
        with at():
            services.review_letter(letter, actor=head, approve=True, opinion="同意。")
        with at():
            services.sign_letter(letter, actor=head, issue_date=issue_date)

    def received(letter: SupervisionLetter, issue_date: dt.date | None = None) -> None:
        to_signed(letter, issue_date)
        with at():
            services.receive_letter(letter, actor=inspector)

    def reply(letter: SupervisionLetter, text: str, files: tuple[Any, ...] = ()) -> None:
        with at():
            services.reply_letter(letter, actor=inspector, text=text, files=files)

    made: dict[str, int] = {}
    case = (
        InspectionCase.objects.filter(organisation=agency)
        .exclude(outcome="")
        .order_by("pk")
        .first()
        or InspectionCase.objects.filter(organisation=agency).order_by("pk").first()
    )

    # 拟稿, prefilled from a case when the demo has one.
    if case is not None:
        from zhifa.supervision.sources import source

        prefill = source("case").loader(case.pk, drafter)
        content = _content(
            prefill.matter,
            [*prefill.facts, *prefill.problems],
            "监督意见",
            prefill.requests,
        )
        draft(
            "supervision_opinion",
            content,
            case=case,
            source_code="case",
            source_pk=case.pk,
            source_label=prefill.label,
        )
    else:
        draft("supervision_opinion", PROCEDURE)
    made["监督文书（拟稿）"] = 1

    submitted = draft("supervision_suggestion", SUGGESTION, method=SupervisionMethod.FOCUSED)
    with at():
        services.submit_letter(submitted, actor=drafter)

    reviewed = draft("supervision_opinion", PROCEDURE)
    with at():
        services.submit_letter(reviewed, actor=drafter)
    with at():
        services.review_letter(reviewed, actor=head, approve=True, opinion="同意，报请签发。")

    try:
        # The furthest date a signed demo letter needs is the 复查 decision (15 working days
        # after an application made today): when those working days are not loaded (the next
        # year's arrangement is not out yet), the signed letters are left out.
        work_calendar().add_workdays(timeline.day, 15)
        issued = draft("supervision_opinion", FREQUENCY)
        to_signed(issued)

        signed_for = draft("supervision_suggestion", SUGGESTION)
        received(signed_for)

        replied = draft("supervision_opinion", PROCEDURE)
        received(replied)
        reply(
            replied,
            "已补正2份现场检查笔录的执法证件编号，并于本周组织全体执法人员开展文书制作培训。",
            (ContentFile(EVIDENCE_PDF, name="补正后的现场检查笔录.pdf"),),
        )

        closed = draft("supervision_opinion", FREQUENCY, method=SupervisionMethod.SPECIAL)
        received(closed)
        reply(closed, "已撤销2次未经审批的检查记录，对相关执法人员批评教育，并调整后续检查计划。")
        with at():
            services.close_letter(closed, actor=drafter, note="经核查，整改到位。")

        returned = draft("supervision_opinion", PROCEDURE)
        received(returned)
        reply(returned, "已整改。")
        with at():
            services.return_letter(
                returned,
                actor=drafter,
                reason="报告未逐项说明整改情况，也未附补正后的文书，请补充后重新报送。",
            )

        if case is not None:
            decision = draft(
                "supervision_decision",
                _content(
                    f"你单位检查案件 {case.reference} 经本机关意见书督促后的纠正情况",
                    [f"检查案件 {case.reference} 的检查未经审批即实施。"],
                    "监督决定",
                    ["责令于期限内纠正该违法检查行为，并报告纠正情况。"],
                ),
                case=case,
                orders_correction=True,
                source_code="case",
                source_pk=case.pk,
                source_label=f"检查案件：{case.reference}",
            )
            received(decision)
            with at():
                services.apply_review(
                    decision,
                    actor=inspector,
                    reasons="该次检查系依据投诉举报实施，已补办审批手续，请求复查。",
                )
            made["复查申请"] = 1
    except YearNotLoaded:
        return _counts(made, bureau)

    # Overdue: a letter whose 成文日期 lies its reply period back, signed for, not answered.
    days = DEMO_REPLY_DAYS
    try:
        issue_date = work_calendar().add_workdays(timeline.day, -(days + 2))
    except YearNotLoaded:
        return _counts(made, bureau)
    overdue = draft("supervision_opinion", FREQUENCY)
    received(overdue, issue_date)
    today = timezone.localdate()
    with at():
        escalated = services.escalate_overdue(today, drafter)
    made["催办文书草稿"] = len(escalated)
    with at():
        services.record_summons(
            overdue,
            actor=drafter,
            held_on=timeline.day,
            place="舟山市司法局三楼会议室",
            attendees="舟山市卫生健康委员会副主任 李明华；舟山市司法局 赵志刚、郑国平",
            outcome="被约谈单位承认逾期未报告，承诺五个工作日内报送整改（执行）情况。",
        )
    made["约谈记录"] = 1

    # 包头市青山区: one letter to a 青山区 agency, awaiting review by a second supervisor.
    qingshan = _user("qingshan")
    qs_bureau = Organisation.objects.filter(name=QINGSHAN_BUREAU).first()
    qs_agency = Organisation.objects.filter(name=QINGSHAN_AGENCY).first()
    if qingshan is not None and qs_bureau is not None and qs_agency is not None:
        with at():
            letter = services.draft_letter(
                actor=qingshan,
                letter_type=_type(qs_bureau, "supervision_notice")
                if services.letter_type_for(qs_bureau, "supervision_notice")
                else _type(qs_bureau, "supervision_suggestion"),
                addressee=qs_agency,
                content=_content(
                    "你单位2026年度涉企行政检查",
                    ["监督范围：2026年1月1日以来办结的涉企行政检查案件。"],
                    "配合事项",
                    ["报送2026年度涉企行政检查台账。", "指定一名联络员配合监督工作。"],
                )
                | {"contact": "联系人：刘建军，电话：0472-5123456。"},
                method=SupervisionMethod.SPECIAL,
            )
        with at():
            services.submit_letter(letter, actor=qingshan)
    return _counts(made, bureau)


def _counts(made: dict[str, int], bureau: Organisation) -> dict[str, int]:
    return {"监督文书": SupervisionLetter.objects.filter(bureau=bureau).count(), **made}
