"""The demo's 投诉举报 and 问题清单, made through the services as the demo personas.

Items from every channel, in every state, handled by the accounts the demo prints:

- 舟山市司法局 (``supervisor`` 赵志刚) triages, verifies, declines and closes 舟山's items;
  舟山市卫生健康委员会 (``inspector`` 王建国) answers them; the persona enterprise (``enterprise``
  周海生, signed in) filed two — one closed after it said it was satisfied, one waiting for its
  评价; anonymous complainants filed three — one reopened because the complainant was not
  satisfied, one waiting for his 评价 with the tracking code the load prints, one declined
  (不予受理).
- The 舟山 12345 hotline (``Hotline`` zs12345, its signing key not printed) passed two work
  orders: one closed by the bureau because the caller could not be reached (回访未果), one left
  unanswered past its deadline, for which ``escalate_overdue`` drafted a 提示函. An Open311 client
  (``Open311Key``, only its digest stored) posted two: one answered and waiting for 核实, one that
  nobody has touched for three weeks (沉睡).
- 贵港市工商业联合会行政执法监督联系点 (``lianxidian`` 黄丽) entered three items; 贵港市司法局 and
  贵港市市场监督管理局 act through two accounts made here without a password (an administrator
  sets one), as the social part does for its supervisors. One is closed, one waits for 评价, one
  for 分办.
- On the demo's day, an objection of the persona enterprise to its notified case, a low rating of
  the emergency inspection and 林蔚's report of a breach became items waiting for 分办. The intake
  hooks (``intake_hooks``) file these by themselves once connected; the demo files them with the
  same source (``source_code``/``source_pk``), and the source constraint keeps it to one item each.

Losses recovered (退还罚款, 解除查封, 撤销不当收费) are recorded on items of 舟山 and 贵港.
贵港's own sub-categories were not found (docs/research/supervision-complaints-sources.md §3.3):
the ones added here say in their description that they are examples. No regional deadline rule is
added: the national default (5 working days) applies.

When: the items are received and handled over the working days before the demo's quarter draw is
announced (``DemoTimeline``), in time order, so the audit chain stays in order and deadlines are
counted on real working days; what starts from the day's inspections and reports, and the 提示函,
happen at the end of the demo's day, after the supervision part. A load early in January, with no
working days of history before it, leaves the history's items on its first days (none dormant).
Idempotent: nothing is done when the demo hotline exists already.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db.models import Sum

from zhifa.complaints import services
from zhifa.complaints.models import (
    Category,
    Channel,
    Complaint,
    Hotline,
    HotlineKey,
    Open311Key,
    RecoveredLoss,
    Satisfaction,
    Status,
)
from zhifa.core import timefmt
from zhifa.core.demo_names import HEALTH_AGENCY, PERSONA_ENTERPRISE
from zhifa.inspections import services as inspections
from zhifa.inspections.models import CaseStatus, InspectionCase
from zhifa.org.models import Organisation, Region, Role, User
from zhifa.registry.models import Enterprise
from zhifa.social.models import Report
from zhifa.supervision.demo import EVIDENCE_PDF
from zhifa.workdays.demo_clock import DemoClock, DemoTimeline, beijing
from zhifa.workdays.selectors import YearNotLoaded, work_calendar

ZHOUSHAN = "330900"
GUIGANG = "450800"
ZHOUSHAN_BUREAU = "舟山市司法局"
GUIGANG_BUREAU = "贵港市司法局"
GUIGANG_AGENCY = "贵港市市场监督管理局"
CONTACT_POINT = "贵港市工商业联合会行政执法监督联系点"
HOTLINE_CODE = "zs12345"
HOTLINE_NAME = "舟山市12345政务服务便民热线"
OPEN311_CLIENT = "舟山市民服务应用（演示）"

# 贵港's seven sub-categories were not found; these stand in for them and say so.
EXAMPLE_NOTE = "演示数据：贵港实际分类未查到，此为示例"
GUIGANG_SUBCATEGORIES = (
    ("gg-demo-chongfu-jiancha", "同一事项重复检查、多头检查", "si-luan"),
    ("gg-demo-yifa-daiguan", "以罚代管、只罚不管", "quli-zhifa"),
    ("gg-demo-shixian-buyi", "办理时限、材料要求前后不一", "biaozhun-butongyi"),
)

# How many working days before its last day the history begins.
FIRST_BACK = 24

# Accounts the 贵港 history is handled by; no password (an administrator sets one).
GUIGANG_PEOPLE = (
    ("gg_jiandu", "覃振华", Role.SUPERVISOR, GUIGANG_BUREAU),
    ("gg_shijian", "韦丽萍", Role.INSPECTOR, GUIGANG_AGENCY),
)


def _photo() -> ContentFile:
    from zhifa.social.demo import _png

    return ContentFile(_png(), name="现场照片.png")


def _evidence(name: str) -> ContentFile:
    return ContentFile(EVIDENCE_PDF, name=name)


def _user(username: str) -> User | None:
    return User.objects.filter(username=username, is_active=True).first()


def _account(username: str, name: str, role: str, organisation: Organisation) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, display_name=name, role=role, organisation=organisation)
        user.set_unusable_password()
        user.save()
    return user


def _subcategories() -> dict[str, Category]:
    """贵港's example sub-categories (configuration, as an administrator enters it)."""
    region = Region.objects.filter(code=GUIGANG).first()
    made: dict[str, Category] = {}
    if region is None:
        return made
    for order, (code, name, parent) in enumerate(GUIGANG_SUBCATEGORIES, start=1):
        top = Category.objects.filter(code=parent).first()
        if top is None:
            continue
        found, _ = Category.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "parent": top,
                "region": region,
                "description": EXAMPLE_NOTE,
                "source": EXAMPLE_NOTE,
                "sort_order": 200 + order,
            },
        )
        made[code] = found
    return made


@dataclass
class Step:
    """One thing done on a day of the history, at an hour; run in time order."""

    back: int  # working days before the history's last day
    # The wall-clock time in Beijing the step is done at (plain numbers, not an instant).
    at_hour: int
    at_minute: int
    run: Callable[[], Any]


@dataclass
class Cast:
    supervisor: User
    inspector: User
    enterprise_user: User
    zhoushan_agency: Organisation
    enterprise: Enterprise
    contact: User | None
    contact_point: Organisation | None
    gg_supervisor: User | None
    gg_inspector: User | None
    gg_agency: Organisation | None


def _history_end(timeline: DemoTimeline) -> dt.date:
    """The last day the history may use: the working day before the first thing the other
    parts do after the year's plans (the quarter's draw announcement, else the demo's day)."""
    limit = timeline.drawn.announce_at if timeline.drawn is not None else timeline.on_day(9)
    day = timefmt.beijing_date(limit)
    try:
        return work_calendar().add_workdays(day, -1)
    except YearNotLoaded:
        return day


def _history_day(timeline: DemoTimeline, end: dt.date, back: int) -> dt.date:
    """``back`` working days before ``end``, never before the day after the plans."""
    try:
        day = work_calendar().add_workdays(end, -back)
    except YearNotLoaded:
        day = timeline.first_day
    return max(day, timeline.first_day)


def load_demo_complaints(actor: Any, *, timeline: DemoTimeline, clock: DemoClock) -> dict[str, int]:
    """The history part: items received and handled over the weeks before the day.
    Idempotent: nothing is done when the demo hotline exists already."""
    if Hotline.objects.filter(code=HOTLINE_CODE).exists():
        return {}
    end = _history_end(timeline)
    if end < timeline.first_day:
        return {}

    def moment(back: int, hour: int, minute: int = 0) -> dt.datetime:
        day = _history_day(timeline, end, back)
        at = beijing(day, hour, minute)
        # Never before the plans (10:00 on the first working day).
        return max(at, timeline.plans_at + dt.timedelta(minutes=5))

    # The accounts and the configuration come first, on the history's first morning.
    with clock.at(moment(FIRST_BACK, 8, 50)):
        cast = _cast()
        subcategories = _subcategories()
    if cast is None:
        return {}
    items: dict[str, Complaint] = {}
    steps: list[Step] = []

    def on(back: int) -> dt.date:
        return _history_day(timeline, end, back)

    def step(back: int, hour: int, minute: int, run: Callable[[], Any]) -> None:
        steps.append(Step(back, hour, minute, run))

    def file(key: str, **fields: Any) -> Callable[[], Any]:
        def run() -> None:
            items[key] = services.file_complaint(**fields)

        return run

    def do(name: str, key: str, **fields: Any) -> Callable[[], Any]:
        def run() -> None:
            items[key] = getattr(services, name)(items[key], **fields)

        return run

    def loss(key: str, amount: str, description: str, back: int, by: User) -> Callable[[], Any]:
        def run() -> None:
            services.record_loss(
                items[key],
                actor=by,
                amount=Decimal(amount),
                description=description,
                recovered_on=on(back),
                evidence=_evidence("挽回损失凭证.pdf"),
            )

        return run

    sup, insp, ent = cast.supervisor, cast.inspector, cast.enterprise_user
    agency = cast.zhoushan_agency

    # The hotline and the Open311 client the orders and requests come through (configuration,
    # as an administrator enters it; their secrets are not printed).
    def configure() -> None:
        region = Region.objects.get(code=ZHOUSHAN)
        hotline = Hotline.objects.create(code=HOTLINE_CODE, name=HOTLINE_NAME, region=region)
        HotlineKey.objects.create(
            hotline=hotline, key_id=f"{HOTLINE_CODE}-1", secret=secrets.token_hex(32)
        )
        key = secrets.token_urlsafe(24)
        Open311Key.objects.create(
            name=OPEN311_CLIENT,
            key_digest=hashlib.sha256(key.encode("utf-8")).hexdigest(),
            key_hint=key[:6],
            region=region,
        )

    step(FIRST_BACK, 9, 0, configure)

    # A. The persona enterprise, signed in: handled, satisfied, 销号; a fine refunded.
    step(
        20,
        9,
        10,
        file(
            "portal_closed",
            channel=Channel.PORTAL,
            category="si-luan",
            title="同一事项一年内被检查四次且罚款",
            content="我店今年以来被卫生监督部门以同一事项检查四次，第四次以“消毒记录不全”为由"
            "罚款2000元，但记录已当场补正，请求核查。",
            agency=agency,
            actor=ent,
            complainant_enterprise=cast.enterprise,
            complainant_name=ent.display_name,
            complainant_phone="13905800210",
            tags=["重复检查"],
        ),
    )
    step(19, 9, 30, do("assign", "portal_closed", agency=agency, actor=sup, note="请核查频次。"))
    step(
        16,
        15,
        0,
        do(
            "answer",
            "portal_closed",
            actor=insp,
            text="经核查，四次检查中两次未经审批，已撤销该罚款决定并退还罚款2000元，"
            "对相关执法人员批评教育。",
            files=[_evidence("撤销行政处罚决定书.pdf")],
        ),
    )
    step(15, 10, 0, do("verify", "portal_closed", actor=sup, note="已核对撤销决定和退款凭证。"))
    step(15, 10, 30, loss("portal_closed", "2000.00", "退还罚款", 16, sup))
    step(
        14,
        9,
        0,
        do("rate", "portal_closed", satisfaction=Satisfaction.SATISFIED, actor=ent),
    )

    # B. The persona enterprise, signed in: answered and verified, waiting for its 评价.
    step(
        8,
        9,
        0,
        file(
            "portal_verified",
            channel=Channel.PORTAL,
            category="biaozhun-butongyi",
            title="两次检查对留样要求说法不一",
            content="同一家卫生监督所两次检查，对食品留样时间的要求一次说48小时、一次说72小时，"
            "请明确标准。",
            agency=agency,
            actor=ent,
            complainant_enterprise=cast.enterprise,
            complainant_name=ent.display_name,
            complainant_phone="13905800210",
        ),
    )
    step(7, 9, 30, do("assign", "portal_verified", agency=agency, actor=sup))
    step(
        4,
        14,
        0,
        do(
            "answer",
            "portal_verified",
            actor=insp,
            text="食品留样应不少于48小时，已统一告知全体执法人员，并向企业书面说明。",
        ),
    )
    step(3, 10, 0, do("verify", "portal_verified", actor=sup))

    # C. Anonymous: answered, verified, the complainant not satisfied → 重新办理.
    step(
        13,
        11,
        0,
        file(
            "anonymous_reopened",
            channel=Channel.ANONYMOUS,
            category="weifan-guifan",
            title="检查人员暗示购买指定消毒设备",
            content="检查时执法人员多次暗示店家购买某品牌消毒柜，称“装了就好过关”。",
            agency=agency,
            is_anonymous=True,
            files=[_photo()],
        ),
    )
    step(12, 9, 0, do("assign", "anonymous_reopened", agency=agency, actor=sup))
    step(
        9,
        15,
        0,
        do(
            "answer",
            "anonymous_reopened",
            actor=insp,
            text="经调查，未发现执法人员推销设备的情况。",
        ),
    )
    step(8, 10, 0, do("verify", "anonymous_reopened", actor=sup))
    step(
        1,
        9,
        30,
        do(
            "rate",
            "anonymous_reopened",
            satisfaction=Satisfaction.UNSATISFIED,
            comment="只说未发现，没有说明调查了谁、怎么调查的。",
        ),
    )

    # D. Anonymous: a charge cancelled, verified, waiting for 评价 with the printed code.
    step(
        7,
        10,
        0,
        file(
            "anonymous_verified",
            channel=Channel.ANONYMOUS,
            category="si-luan",
            title="检查后被要求缴纳“检测费”",
            content="卫生检查后被要求向指定机构缴纳水质检测费1200元，没有收费依据。",
            agency=agency,
            is_anonymous=True,
        ),
    )
    step(6, 9, 0, do("assign", "anonymous_verified", agency=agency, actor=sup))
    step(
        3,
        15,
        0,
        do(
            "answer",
            "anonymous_verified",
            actor=insp,
            text="该收费无依据，已责令撤销并退还1200元；水质检测改由本单位抽检，不向企业收费。",
        ),
    )
    step(2, 9, 30, do("verify", "anonymous_verified", actor=sup))
    step(2, 9, 40, loss("anonymous_verified", "1200.00", "撤销不当收费", 3, sup))

    # I. Anonymous: not enterprise-related enforcement → 不予受理.
    step(
        10,
        14,
        0,
        file(
            "anonymous_declined",
            # A visitor at the bureau itself, entered by the supervisor who received him.
            channel=Channel.BUREAU,
            category="biaozhun-butongyi",
            title="房东拒不退还押金",
            content="商铺房东拒不退还押金三万元，请执法部门处理。",
            region=Region.objects.get(code=ZHOUSHAN),
            actor=sup,
            complainant_name="王女士",
            complainant_phone="13705801234",
        ),
    )
    step(
        9,
        9,
        0,
        do(
            "decline",
            "anonymous_declined",
            actor=sup,
            reason="反映的是租赁合同纠纷，不属于涉企行政执法问题；可向人民法院起诉或申请调解。",
        ),
    )

    # E. 12345: answered, verified; the caller could not be reached → 销号 by the bureau.
    def hotline(key: str, back: int, no: int, title: str, content: str, caller: str) -> None:
        def run() -> None:
            received = timefmt.now() - dt.timedelta(minutes=40)
            due = work_calendar().add_workdays(timefmt.today(), 10)
            items[key] = services.file_complaint(
                channel=Channel.HOTLINE,
                category="si-luan",
                title=title,
                content=content,
                agency=agency,
                hotline=HOTLINE_CODE,
                hotline_order_no=f"ZS{timefmt.today():%Y%m%d}{no:04d}",
                hotline_caller=caller,
                complainant_phone="13905800" + f"{300 + no}",
                hotline_received_at=received,
                hotline_due=due,
            )

        step(back, 10, 20, run)

    hotline(
        "hotline_closed",
        22,
        17,
        "冷库海产品被查封超过期限未处理",
        "来电人称其公司冷库海产品被卫生部门查封已超过三十日，既未检验也未解封，损失持续扩大。",
        "刘先生",
    )
    step(21, 9, 0, do("assign", "hotline_closed", agency=agency, actor=sup))
    step(
        19,
        15,
        0,
        do(
            "answer",
            "hotline_closed",
            actor=insp,
            text="查封超过法定期限，已于当日解除查封，冷库海产品价值约86500元全部返还。",
            files=[_evidence("解除查封决定书.pdf")],
        ),
    )
    step(18, 10, 0, do("verify", "hotline_closed", actor=sup))
    step(18, 10, 10, loss("hotline_closed", "86500.00", "解除查封，返还冷库海产品", 19, sup))
    step(
        12,
        16,
        0,
        do(
            "close_unanswered",
            "hotline_closed",
            actor=sup,
            note="三次回访来电人电话均无人接听，经热线平台联系未果；办理结果已核实，予以销号。",
        ),
    )

    # F. 12345: handed over and not answered by its deadline (the 提示函 comes on the day).
    hotline(
        "hotline_overdue",
        6,
        42,
        "检查时未出示执法证件",
        "来电人称两名检查人员进店检查时未出示执法证件，也未说明检查依据。",
        "陈女士",
    )
    step(5, 9, 10, do("assign", "hotline_overdue", agency=agency, actor=sup))

    # G. Open311: answered, waiting for the bureau's 核实.
    def open311(key: str, back: int, title: str, content: str) -> None:
        step(
            back,
            11,
            0,
            file(
                key,
                channel=Channel.OPEN311,
                category="si-luan",
                title=title,
                content=content,
                agency=agency,
                is_anonymous=True,
            ),
        )

    open311(
        "open311_answered",
        6,
        "检查结束后未告知检查结果",
        "上周卫生检查结束后至今未收到检查结果，也查不到公示。",
    )
    step(5, 9, 0, do("assign", "open311_answered", agency=agency, actor=sup))
    step(
        0,
        15,
        0,
        do(
            "answer",
            "open311_answered",
            actor=insp,
            text="检查结果已补充送达企业，并在平台公示。",
        ),
    )

    # H. Open311: received three weeks ago and never touched (沉睡).
    open311(
        "open311_dormant",
        15,
        "同一天三个部门先后上门检查",
        "同一天市场监管、卫生、消防先后上门检查，影响营业。",
    )

    # 贵港: entered at the 联系点, handled by the 贵港 bureau and agency.
    if (
        cast.contact is not None
        and cast.contact_point is not None
        and cast.gg_supervisor is not None
        and cast.gg_inspector is not None
        and cast.gg_agency is not None
    ):
        contact, point = cast.contact, cast.contact_point
        gg_sup, gg_insp, gg_agency = cast.gg_supervisor, cast.gg_inspector, cast.gg_agency

        def entered(key: str, back: int, category: Any, title: str, content: str, name: str):
            step(
                back,
                10,
                0,
                file(
                    key,
                    channel=Channel.CONTACT_POINT,
                    category=category,
                    title=title,
                    content=content,
                    agency=gg_agency,
                    actor=contact,
                    contact_point=point,
                    complainant_name=name,
                    complainant_phone="13907750" + str(100 + back),
                    complainant_enterprise_name=f"{name[0]}氏羽绒制品有限公司" if back > 10 else "",
                ),
            )

        yi_fa = subcategories.get("gg-demo-yifa-daiguan") or "quli-zhifa"
        entered(
            "gg_closed",
            18,
            yi_fa,
            "羽绒厂被高额罚款并查封生产设备",
            "企业反映因标签标注问题被罚款5.2万元，并查封两台充绒设备，企业无法生产。",
            "梁国强",
        )
        step(17, 9, 0, do("assign", "gg_closed", agency=gg_agency, actor=gg_sup))
        step(
            13,
            15,
            0,
            do(
                "answer",
                "gg_closed",
                actor=gg_insp,
                text="标签问题属首次轻微违法且已改正，依法撤销罚款并退还5.2万元，解除对充绒设备的查封。",
                files=[_evidence("撤销行政处罚决定书.pdf")],
            ),
        )
        step(12, 10, 0, do("verify", "gg_closed", actor=gg_sup))
        step(12, 10, 10, loss("gg_closed", "52000.00", "退还罚款", 13, gg_sup))
        step(12, 10, 20, loss("gg_closed", "180000.00", "解除查封，恢复生产设备使用", 13, gg_sup))
        step(11, 16, 0, do("rate", "gg_closed", satisfaction=Satisfaction.SATISFIED))

        entered(
            "gg_verified",
            11,
            "si-luan",
            "年检时被收取“资料审核费”",
            "企业反映办理相关手续时被收取资料审核费12800元，没有收费依据。",
            "黄志明",
        )
        step(10, 9, 0, do("assign", "gg_verified", agency=gg_agency, actor=gg_sup))
        step(
            6,
            15,
            0,
            do(
                "answer",
                "gg_verified",
                actor=gg_insp,
                text="该费用无收费依据，已撤销并全额退还12800元。",
            ),
        )
        step(5, 10, 0, do("verify", "gg_verified", actor=gg_sup))
        step(5, 10, 10, loss("gg_verified", "12800.00", "撤销不当收费", 6, gg_sup))

        chong_fu = subcategories.get("gg-demo-chongfu-jiancha") or "si-luan"
        entered(
            "gg_received",
            1,
            chong_fu,
            "一个月内被三个部门重复检查",
            "企业反映一个月内市场监管、生态环境、应急管理部门先后检查同一条生产线。",
            "韦春燕",
        )

    # In time order; steps that fall on one day (a load early in the year) keep their order.
    steps.sort(key=lambda s: (_history_day(timeline, end, s.back), -s.back, s.at_hour, s.at_minute))
    for item in steps:
        with clock.at(moment(item.back, item.at_hour, item.at_minute)):
            item.run()
    return {"complaints": len(items)}


def _cast() -> Cast | None:
    supervisor = _user("supervisor")
    inspector = _user("inspector")
    enterprise_user = _user("enterprise")
    agency = Organisation.objects.filter(name=HEALTH_AGENCY).first()
    enterprise = Enterprise.objects.filter(name=PERSONA_ENTERPRISE).order_by("pk").first()
    if None in (supervisor, inspector, enterprise_user, agency, enterprise):
        return None
    assert supervisor and inspector and enterprise_user and agency and enterprise
    point = Organisation.objects.filter(name=CONTACT_POINT).first()
    gg_agency = Organisation.objects.filter(name=GUIGANG_AGENCY).first()
    people: dict[str, User] = {}
    for username, name, role, org_name in GUIGANG_PEOPLE:
        org = Organisation.objects.filter(name=org_name).first()
        if org is not None:
            people[username] = _account(username, name, role, org)
    return Cast(
        supervisor=supervisor,
        inspector=inspector,
        enterprise_user=enterprise_user,
        zhoushan_agency=agency,
        enterprise=enterprise,
        contact=_user("lianxidian"),
        contact_point=point,
        gg_supervisor=people.get("gg_jiandu"),
        gg_inspector=people.get("gg_shijian"),
        gg_agency=gg_agency,
    )


def load_demo_complaints_day(
    actor: Any, *, timeline: DemoTimeline, clock: DemoClock
) -> dict[str, int]:
    """The day part, after the supervision part: the items the day's objection, low rating
    and social report start, and the 提示函 for the overdue item. Idempotent."""
    supervisor = _user("supervisor")
    enterprise_user = _user("enterprise")
    agency = Organisation.objects.filter(name=HEALTH_AGENCY).first()
    if supervisor is None or agency is None:
        return {}
    if not Hotline.objects.filter(code=HOTLINE_CODE).exists():
        return {}
    made = 0

    def at() -> Any:
        return clock.at(timeline.on_day(17, 59))

    # The persona enterprise objects to its notified case (检查异议).
    case = (
        InspectionCase.objects.filter(
            organisation=agency, enterprise__name=PERSONA_ENTERPRISE, status=CaseStatus.NOTIFIED
        )
        .order_by("pk")
        .first()
    )
    if (
        case is not None
        and enterprise_user is not None
        and not Complaint.objects.filter(channel=Channel.OBJECTION).exists()
    ):
        with at():
            text = "预告的检查与本店今年已接受的两次检查事项相同，属于重复检查，请求合并或取消。"
            objection = inspections.object_to_case(case, actor=enterprise_user, text=text)
        with at():
            if not Complaint.objects.filter(
                source_code="objection", source_pk=objection.pk
            ).exists():
                services.file_complaint(
                    channel=Channel.OBJECTION,
                    category="si-luan",
                    title="对检查预告提出异议：重复检查",
                    content=text,
                    case=case,
                    actor=enterprise_user,
                    complainant_enterprise=enterprise_user.enterprise,
                    complainant_name=enterprise_user.display_name,
                    source_code="objection",
                    source_pk=objection.pk,
                )
                made += 1

    # A low rating of the emergency inspection (检查差评), by that enterprise's user.
    decided = (
        InspectionCase.objects.filter(
            organisation=agency, is_emergency=True, decided_at__isnull=False, rated_at=None
        )
        .exclude(enterprise__name=PERSONA_ENTERPRISE)
        .select_related("enterprise")
        .order_by("pk")
        .first()
    )
    if decided is not None and not Complaint.objects.filter(channel=Channel.RATING).exists():
        rater = User.objects.filter(enterprise=decided.enterprise, role=Role.ENTERPRISE).first()
        if rater is None:
            # The enterprise's user, made without a password (an administrator sets one); the
            # account is dated (date_joined) when it is made, so it is made on the demo's day.
            with at():
                rater = User(
                    username=f"qy_{decided.enterprise.uscc.lower()}",
                    display_name=decided.enterprise.legal_representative or "企业负责人",
                    role=Role.ENTERPRISE,
                    enterprise=decided.enterprise,
                )
                rater.set_unusable_password()
                rater.save()
        comment = "检查人员进门时未出示执法证，检查结束后也未留下任何书面材料。"
        with at():
            inspections.rate_case(decided, actor=rater, rating=2, comment=comment)
        # Once the intake hooks are connected, the rating has filed its item already.
        if not Complaint.objects.filter(source_code="rating", source_pk=decided.pk).exists():
            with at():
                services.file_complaint(
                    channel=Channel.RATING,
                    category="weifan-guifan",
                    title="检查评价两星：未出示执法证",
                    content=f"企业评价检查2星：{comment}",
                    case=decided,
                    actor=rater,
                    complainant_enterprise=decided.enterprise,
                    source_code="rating",
                    source_pk=decided.pk,
                )
                made += 1

    # 林蔚's report of a breach (社会监督员反映).
    report = (
        Report.objects.filter(assignment__case__organisation=agency, points__breached=True)
        .select_related("assignment__case", "assignment__supervisor")
        .order_by("pk")
        .first()
    )
    if report is not None and not Complaint.objects.filter(channel=Channel.SOCIAL).exists():
        reporter = report.assignment.supervisor
        with at():
            services.file_complaint(
                channel=Channel.SOCIAL,
                category="weifan-guifan",
                title="伴随监督发现：执法人员推荐购买消毒设备",
                content="社会监督员伴随检查时发现：执法人员在检查中向店主推荐购买某品牌消毒设备，"
                "称“装了就好过关”；两名执法人员中只有一人出示了执法证。",
                case=report.assignment.case,
                actor=reporter.user,
                complainant_name=reporter.name,
                source_code="social_report",
                source_pk=report.pk,
            )
            made += 1

    with at():
        letters = services.escalate_overdue(timeline.day, supervisor)
    return {"complaints_day": made, "complaint_letters": len(letters)}


def regions_losses() -> list[tuple[str, Decimal]]:
    """Losses recovered, per city of the demo, largest first."""
    totals: list[tuple[str, Decimal]] = []
    for code in (ZHOUSHAN, GUIGANG):
        region = Region.objects.filter(code=code).first()
        if region is None:
            continue
        found = RecoveredLoss.objects.filter(
            complaint__region__code__startswith=region.code_prefix
        ).aggregate(total=Sum("amount"))["total"]
        if found:
            totals.append((region.name, found))
    return totals


def tracking_item() -> Complaint | None:
    """The anonymous item a visitor follows (and rates) with its tracking code."""
    return (
        Complaint.objects.filter(
            channel=Channel.ANONYMOUS, status=Status.VERIFIED, region__code=ZHOUSHAN
        )
        .order_by("pk")
        .first()
    )


def summary_line() -> str:
    """The line ``zhifa demo load`` prints; empty when the demo has no items."""
    total = Complaint.objects.count()
    if not total:
        return ""
    counts = {status: Complaint.objects.filter(status=status).count() for status in Status.values}
    states = "、".join(f"{Status(s).label} {n} 件" for s, n in counts.items() if n)
    channels = Complaint.objects.values("channel").distinct().count()
    losses = "、".join(f"{name} {amount:,.2f} 元" for name, amount in regions_losses())
    line = f"演示投诉举报：{total} 件，来自 {channels} 个渠道（{states}）"
    if losses:
        line += f"；挽回损失 {losses}"
    item = tracking_item()
    if item is not None:
        line += f"；匿名反映的查询码 {item.tracking_code}（在 /complaints/track/ 查询、评价）"
    return line + "。"
