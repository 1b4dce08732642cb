"""The demo's 执法培训, made through the services as the demo personas.

舟山市司法局 (supervisor 赵志刚) recorded three sessions for the officers of 舟山's agencies — a
case analysis, a practical guidance session and an exam — and 舟山市卫生健康委员会 (approver
李明华) one internal session; 兴胜镇司法所 (xingsheng 高慧敏) answered questions on site for the
officers of 兴胜镇人民政府. The yearly minimum is set for 舟山 and 包头 with the source
“演示设置”: no national figure has been verified, so none is set. Some officers stay below it.

The sessions are dated earlier in the year; they are recorded (and audited) on the demo's last
finished working day, after what the other parts did, so the audit chain keeps its time order.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from zhifa.org.models import (
    CertificateStatus,
    Officer,
    Organisation,
    OrganisationKind,
    Region,
    Role,
    User,
)
from zhifa.training import services
from zhifa.training.models import Attendance, TrainingForm, TrainingRequirement, TrainingSession
from zhifa.workdays.demo_clock import DemoClock, DemoTimeline
from zhifa.workdays.selectors import YearNotLoaded, is_workday

DEMO_SOURCE = "演示设置"
BUREAU = "舟山市司法局"
HEALTH_AGENCY = "舟山市卫生健康委员会"
MARKET_AGENCY = "舟山市市场监督管理局"
XINGSHENG_OFFICE = "兴胜镇司法所"
XINGSHENG_GOVERNMENT = "兴胜镇人民政府"
# (region code, yearly hours): 舟山市, 包头市.
REQUIREMENTS = (("330900", "8"), ("150200", "6"))
# Exam scores given in turn; 58 and 52 fail the pass mark of 60.
EXAM_SCORES = ("92", "85.5", "58", "76", "88", "52")


def _day(timeline: DemoTimeline, fraction: float) -> dt.date:
    """The working day nearest before a date ``fraction`` of the way from the year's first
    working day to the demo's day (training is held on working days)."""
    span = max(0, (timeline.day - timeline.first_day).days)
    day = timeline.first_day + dt.timedelta(days=int(span * fraction))
    try:
        while day > timeline.first_day and not is_workday(day):
            day -= dt.timedelta(days=1)
    except YearNotLoaded:
        # The timeline's days are working days of a loaded year; this one is between them.
        pass
    return day


def _officers(organisation: Organisation | None, limit: int) -> list[Officer]:
    if organisation is None:
        return []
    return list(
        Officer.objects.filter(organisation=organisation, cert_status=CertificateStatus.VALID)
        .select_related("organisation__region")
        .order_by("cert_no")[:limit]
    )


def load_demo_training(actor: Any, *, timeline: DemoTimeline, clock: DemoClock) -> dict[str, int]:
    """Idempotent: nothing is done when the part is there already."""
    counts = {"training_sessions": 0, "training_attendances": 0, "training_requirements": 0}
    supervisor = User.objects.filter(username="supervisor").first()
    bureau = Organisation.objects.filter(name=BUREAU).first()
    if supervisor is None or bureau is None:
        return counts
    if TrainingSession.objects.filter(organiser=bureau).exists():
        return counts
    admin = actor or User.objects.filter(role=Role.ADMIN, is_active=True).order_by("pk").first()
    health = Organisation.objects.filter(name=HEALTH_AGENCY).first()
    market = Organisation.objects.filter(name=MARKET_AGENCY).first()
    health_officers = _officers(health, 6)
    market_officers = _officers(market, 4)
    everyone = health_officers + market_officers

    with clock.at(timeline.on_day(17, 45)):
        for code, hours in REQUIREMENTS:
            region = Region.objects.filter(code=code).first()
            if region is None or admin is None:
                continue
            if not TrainingRequirement.objects.filter(region=region).exists():
                services.set_requirement(
                    actor=admin, region=region, yearly_hours=hours, source=DEMO_SOURCE
                )
                counts["training_requirements"] += 1

    plan = (
        (
            TrainingForm.CASE_ANALYSIS,
            0.2,
            "涉企行政检查典型案例分析：从“五个严禁”“八个不得”看检查程序",
            "市司法局行政执法监督科",
            "3",
            everyone,
        ),
        (
            TrainingForm.PRACTICE,
            0.45,
            "行政检查文书基本格式文本实务指导",
            "市司法局法律顾问 钱律师",
            "3.5",
            health_officers[:4] + market_officers[:2],
        ),
        (
            TrainingForm.EXAM,
            0.7,
            "行政执法人员年度执法资格考试",
            "市司法局行政执法监督科",
            "2",
            everyone[: len(EXAM_SCORES)],
        ),
    )
    minute = 50
    for form, fraction, topic, trainer, hours, attendees in plan:
        with clock.at(timeline.on_day(17, minute)):
            session = services.create_session(
                actor=supervisor,
                organiser=bureau,
                data={
                    "date": _day(timeline, fraction),
                    "form": form,
                    "topic": topic,
                    "trainer": trainer,
                    "place": "舟山市司法局三楼会议室",
                    "hours": hours,
                },
            )
            counts["training_sessions"] += 1
            if attendees:
                added = services.add_attendees(session, actor=supervisor, officers=attendees)
                counts["training_attendances"] += len(added)
                if form == TrainingForm.EXAM:
                    for attendance, score in zip(added, EXAM_SCORES, strict=False):
                        services.record_result(
                            attendance, actor=supervisor, hours=hours, score=score
                        )
        minute += 2

    approver = User.objects.filter(username="approver").first()
    if approver is not None and health is not None and health_officers:
        with clock.at(timeline.on_day(17, 57)):
            session = services.create_session(
                actor=approver,
                organiser=health,
                data={
                    "date": _day(timeline, 0.55),
                    "form": TrainingForm.PRACTICE,
                    "topic": "卫生监督现场检查笔录制作",
                    "trainer": "委法规科",
                    "place": "舟山市卫生健康委员会会议室",
                    "hours": "1.5",
                },
            )
            added = services.add_attendees(session, actor=approver, officers=health_officers[:3])
            counts["training_sessions"] += 1
            counts["training_attendances"] += len(added)

    office = Organisation.objects.filter(
        name=XINGSHENG_OFFICE, kind=OrganisationKind.JUSTICE_OFFICE
    ).first()
    xingsheng = User.objects.filter(username="xingsheng").first()
    government = Organisation.objects.filter(name=XINGSHENG_GOVERNMENT).first()
    town_officers = _officers(government, 10)
    if office is not None and xingsheng is not None:
        with clock.at(timeline.on_day(17, 59)):
            session = services.create_session(
                actor=xingsheng,
                organiser=office,
                data={
                    "date": _day(timeline, 0.6),
                    "form": TrainingForm.QUESTIONS,
                    "topic": "乡镇综合行政执法现场答疑：检查前的审批与通知",
                    "trainer": "兴胜镇司法所 高慧敏",
                    "place": "兴胜镇人民政府二楼会议室",
                    "hours": "2",
                },
            )
            counts["training_sessions"] += 1
            if town_officers:
                added = services.add_attendees(session, actor=xingsheng, officers=town_officers)
                counts["training_attendances"] += len(added)
    counts["training_attendances"] = Attendance.objects.count()
    return counts
