"""The demo's 社会监督, made through the services as the demo personas.

- 舟山市司法局 (赵志刚) registers five social supervisors — the persona 陈海燕 (人大代表) and
  four accounts made here (律师, 政协委员, 企业代表, 社区工作者) — and 包头市青山区司法局 (刘建军)
  two; the 企业代表 declares a conflict with the persona enterprise, the 社区工作者 is paused
  for a while.
- 舟山市卫生健康委员会 takes a complaint about a restaurant for inspection on the demo's day; the
  bureau draws 林蔚 (律师) for it, he accepts, checks in on site and reports that the
  officers did not show their 执法证 and pressed the owner to buy a product: a problem waiting for
  the bureau (社会监督员反映的问题).
- A second complaint is inspected on the day the demo is loaded (today): the bureau draws until
  陈海燕 is drawn — whoever is drawn before her declines with his reason — and she accepts, so
  the phone journey (check in, report) can be walked with the ``social`` account.
- For an upcoming case from the quarter's 双随机 draw a supervisor is drawn from that draw's
  published key string; he declines, and the next one drawn is left to answer.

Idempotent: nothing is done when the 舟山 registry exists already.
"""

from __future__ import annotations

import datetime as dt
import struct
import zlib
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from zhifa.core.demo_names import HEALTH_AGENCY, PERSONA_ENTERPRISE
from zhifa.inspections import services as inspections
from zhifa.inspections.models import CaseStatus, InspectionCase, InspectionKind
from zhifa.org.models import Officer, Organisation, Role, User
from zhifa.org.selectors import eligible_on_q
from zhifa.plans.models import InspectionItem
from zhifa.registry.models import Enterprise
from zhifa.social import services
from zhifa.social.models import Assignment, Category, CredentialShown, SocialSupervisor
from zhifa.workdays.demo_clock import DemoClock, DemoTimeline

ZHOUSHAN_BUREAU = "舟山市司法局"
QINGSHAN_BUREAU = "包头市青山区司法局"

# (username, name, category, note, phone); usernames apart from the demo accounts'.
ZHOUSHAN_PEOPLE = (
    ("sjy_linwei", "林蔚", Category.LAWYER, "浙江海港律师事务所律师", "13905800101"),
    ("sjy_xuguohua", "徐国华", Category.CPPCC_MEMBER, "舟山市政协委员", "13905800102"),
    ("sjy_wangli", "王立", Category.ENTERPRISE_REP, "舟山市餐饮行业协会副会长", "13905800103"),
    ("sjy_zhoumin", "周敏", Category.COMMUNITY_WORKER, "定海区城东街道社区工作者", "13905800104"),
)
QINGSHAN_PEOPLE = (
    ("sjy_zhaohong", "赵红", Category.NPC_DEPUTY, "青山区人大代表", "13904720101"),
    ("sjy_gaojun", "高峻", Category.LAWYER, "内蒙古钢城律师事务所律师", "13904720102"),
)

# Marked as the demo's: a real draw names values published after the case was approved.
DEMO_SOURCES = ("DEMO 演示随机源 20260101",)

DECLINE_REASONS = (
    "当天在外地出差，无法到场。",
    "当天有庭审安排。",
    "家中有事，当天不能参加。",
    "身体不适，近期不便外出。",
)


def _png() -> bytes:
    """A small grey PNG standing for the photo taken on site."""
    width = height = 8
    raw = b"".join(b"\x00" + b"\x80\x80\x80" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def _account(username: str, name: str, region_code: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(
            username=username,
            display_name=name,
            role=Role.SOCIAL_SUPERVISOR,
            region_id=region_code,
        )
        # No demo password: the persona ``social`` walks the journey; these accounts exist so
        # that each supervisor answers and reports himself, and an administrator sets a password.
        user.set_unusable_password()
        user.save()
    return user


def _officers(agency: Organisation, inspector: User, day: dt.date) -> list[Officer]:
    persona = Officer.objects.filter(user=inspector).first()
    others = Officer.objects.filter(eligible_on_q(day), organisation=agency)
    if persona is not None:
        others = others.exclude(pk=persona.pk)
    return [o for o in (persona, others.order_by("cert_no").first()) if o is not None]


def _complaint(
    agency: Organisation,
    enterprise: Enterprise,
    day: dt.date,
    inspector: User,
    approver: User,
    reason: str,
) -> InspectionCase | None:
    items = list(
        InspectionItem.objects.filter(organisation=agency, is_active=True).order_by("code")[:2]
    )
    pair = _officers(agency, inspector, day)
    if not items or len(pair) < inspections.MIN_OFFICERS:
        return None
    case = inspections.create_case(
        organisation=agency,
        enterprise=enterprise,
        kind=InspectionKind.COMPLAINT,
        items=items,
        officers=pair,
        inspection_date=day,
        actor=inspector,
        title="投诉举报核查",
        reason=reason,
        exemption_reason="12345热线转办：群众反映该单位经营中存在问题，依法免于预告。",
    )
    inspections.submit_case(case, actor=inspector)
    inspections.approve_case(case, actor=approver, opinion="同意核查。")
    return case


def _draw_until(case: InspectionCase, bureau_user: User, wanted: User | None) -> list[Assignment]:
    """Draw for ``case``; whoever is drawn before ``wanted`` declines (with his reason). With no
    ``wanted``, the first drawn stays. A complaint has no 双随机 draw: the bureau names public
    values (the demo's, so every load draws the same)."""
    made: list[Assignment] = []
    for n in range(6):
        assignment = services.draw_social_supervisor(case, actor=bureau_user, sources=DEMO_SOURCES)
        made.append(assignment)
        if wanted is None or assignment.supervisor.user_id == wanted.pk:
            break
        services.decline_assignment(
            assignment,
            actor=assignment.supervisor.user,
            reason=DECLINE_REASONS[n % len(DECLINE_REASONS)],
        )
    return made


def load_demo_social(actor: Any, *, timeline: DemoTimeline, clock: DemoClock) -> dict[str, int]:
    """Idempotent: nothing is done when the part is there already."""
    counts = {"social_supervisors": 0, "social_assignments": 0, "social_reports": 0}
    zhoushan = Organisation.objects.filter(name=ZHOUSHAN_BUREAU).select_related("region").first()
    qingshan = Organisation.objects.filter(name=QINGSHAN_BUREAU).select_related("region").first()
    bureau_user = User.objects.filter(username="supervisor").first()
    qingshan_user = User.objects.filter(username="qingshan").first()
    social = User.objects.filter(username="social").first()
    agency = Organisation.objects.filter(name=HEALTH_AGENCY).first()
    inspector = User.objects.filter(username="inspector").first()
    approver = User.objects.filter(username="approver").first()
    if None in (zhoushan, bureau_user, social, agency, inspector, approver):
        return counts
    assert zhoushan is not None and bureau_user is not None and social is not None
    assert agency is not None and inspector is not None and approver is not None
    if SocialSupervisor.objects.filter(bureau=zhoushan).exists():
        return counts
    day = timeline.day
    today = timezone.localdate(timeline.now)

    with clock.at(timeline.on_day(9)):
        registered = [
            services.register_supervisor(
                actor=bureau_user,
                user=social,
                bureau=zhoushan,
                category=Category.NPC_DEPUTY,
                category_note="舟山市人大代表",
                phone="13905800100",
            )
        ]
        for username, name, category, note, phone in ZHOUSHAN_PEOPLE:
            registered.append(
                services.register_supervisor(
                    actor=bureau_user,
                    user=_account(username, name, zhoushan.region_id),
                    bureau=zhoushan,
                    category=category,
                    category_note=note,
                    phone=phone,
                )
            )
        if qingshan is not None and qingshan_user is not None:
            for username, name, category, note, phone in QINGSHAN_PEOPLE:
                registered.append(
                    services.register_supervisor(
                        actor=qingshan_user,
                        user=_account(username, name, qingshan.region_id),
                        bureau=qingshan,
                        category=category,
                        category_note=note,
                        phone=phone,
                    )
                )
    counts["social_supervisors"] = len(registered)
    by_name = {s.name: s for s in registered}
    persona_enterprise = Enterprise.objects.filter(name=PERSONA_ENTERPRISE).first()
    with clock.at(timeline.on_day(9, 20)):
        if persona_enterprise is not None:
            services.declare_conflict(
                by_name["王立"],
                actor=bureau_user,
                enterprise=persona_enterprise,
                reason="本人所在企业为该企业的主要供货商。",
            )
        services.set_availability(
            by_name["周敏"],
            actor=bureau_user,
            paused=True,
            until=today + dt.timedelta(days=30),
            reason="社区换届工作期间暂停接受安排。",
        )

    # An upcoming case of the quarter's 双随机 draw, drawn from that draw's published key string
    # (so the same on every load): the first drawn declines, the second is left to answer.
    drawn_case = (
        InspectionCase.objects.filter(
            organisation=agency,
            draw_result__isnull=False,
            status__in=(CaseStatus.APPROVED, CaseStatus.NOTIFIED),
            inspection_date__gte=today,
        )
        .order_by("inspection_date", "pk")
        .first()
    )
    if drawn_case is not None:
        with clock.at(timeline.on_day(9, 25)):
            first = services.draw_social_supervisor(drawn_case, actor=bureau_user)
            services.decline_assignment(
                first, actor=first.supervisor.user, reason=DECLINE_REASONS[0]
            )
            services.draw_social_supervisor(drawn_case, actor=bureau_user)
            counts["social_assignments"] += 2

    taken = InspectionCase.objects.values("enterprise_id")
    restaurants = list(
        Enterprise.objects.filter(region__code__startswith="3309")
        .exclude(name=PERSONA_ENTERPRISE)
        .exclude(pk__in=taken)
        .order_by("uscc")[:2]
    )
    # The demo's day: a complaint inspected, accompanied and reported (a problem for the bureau).
    # 林蔚 accompanies it: whoever is drawn before him declines, so the demo is the same on
    # every load although a complaint's draw uses a fresh key.
    lawyer = by_name["林蔚"].user
    if restaurants:
        with clock.at(timeline.on_day(9, 30)):
            past = _complaint(
                agency,
                restaurants[0],
                day,
                inspector,
                approver,
                "12345热线转办：顾客反映后厨卫生条件差。",
            )
        if past is not None:
            with clock.at(timeline.on_day(9, 40)):
                made = _draw_until(past, bureau_user, lawyer)
                accepted = services.accept_assignment(made[-1], actor=lawyer)
            counts["social_assignments"] += len(made)
            with clock.at(timeline.on_day(10, 5)):
                services.check_in(accepted, actor=accepted.supervisor.user)
            with clock.at(timeline.on_day(11, 30)):
                points = services.report_points(past)
                answers = [services.PointAnswer(breached=False) for _ in points]
                if answers:
                    answers[0] = services.PointAnswer(
                        breached=True,
                        note="执法人员在检查中向店主推荐购买某品牌消毒设备，称“装了就好过关”。",
                    )
                services.file_report(
                    accepted,
                    actor=lawyer,
                    points=answers,
                    credentials=CredentialShown.SOME,
                    attitude=2,
                    notes="两名执法人员中只有一人出示了执法证；检查约一小时。",
                    photos=[ContentFile(_png(), name="现场照片.png")],
                )
            counts["social_reports"] += 1

    # Today: a complaint for 陈海燕 to accompany on her phone.
    if len(restaurants) > 1:
        with clock.at(timeline.on_day(14)):
            upcoming = _complaint(
                agency,
                restaurants[1],
                max(today, day),
                inspector,
                approver,
                "市民来信反映该店食品留样记录不全。",
            )
        if upcoming is not None:
            with clock.at(timeline.on_day(14, 30)):
                made = _draw_until(upcoming, bureau_user, social)
                if made[-1].supervisor.user_id == social.pk:
                    services.accept_assignment(made[-1], actor=social)
            counts["social_assignments"] += len(made)

    return counts
