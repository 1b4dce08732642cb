"""The demo's 执法体检, made through the services as the demo personas.

On the demo's ``day``, after the inspections demo closed its one case (the emergency 燃气安全
inspection of 舟山市卫生健康委员会) and before 18:00:
- 赵志刚 (舟山市司法局) imports the sample standard (``data/sample_standard.json``) and 郑国平
  publishes it for 舟山市;
- 赵志刚 announces a spot check of 舟山市卫生健康委员会's cases closed this quarter, seeded by a
  value published on the next working day (so it is not drawn within the history: see
  ``load_demo_review_draw``);
- he reviews the closed case and finds it 不合格 by the veto item 证据不充分;
- he runs a 专项监督 with two findings.

The demo has one closed case only (other tests count the cases), so there is no second
completed review and none in progress; 兴胜镇人民政府 has no closed case, so 兴胜镇司法所 has no
review.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from zhifa.core.demo_names import HEALTH_AGENCY
from zhifa.inspections.models import (
    CaseStatus,
    InspectionCase,
)
from zhifa.org.models import Organisation, User
from zhifa.review import services
from zhifa.review.models import (
    ReviewStandard,
    SpotCheck,
    SpotCheckStatus,
    StandardStatus,
)
from zhifa.workdays.demo_clock import DemoClock, DemoTimeline, beijing, quarter_bounds
from zhifa.workdays.selectors import YearNotLoaded, add_workdays

SAMPLE = Path(__file__).resolve().parent / "data" / "sample_standard.json"
BUREAU = "舟山市司法局"
SPOT_TITLE = "舟山市卫生健康委员会本季度已办结检查案卷日常抽查"
CAMPAIGN_TITLE = "规范涉企行政检查专项监督"


def _users() -> dict[str, User | None]:
    names = ("supervisor", "supervisor_head", "inspector", "approver")
    return {n: User.objects.filter(username=n).first() for n in names}


def load_demo_review(actor: Any, *, timeline: DemoTimeline, clock: DemoClock) -> dict[str, int]:
    """Idempotent: nothing is done when the bureau already has a standard."""
    counts = {"review_standards": 0, "spot_checks": 0, "reviews": 0, "campaigns": 0}
    users = _users()
    bureau = Organisation.objects.filter(name=BUREAU).first()
    agency = Organisation.objects.filter(name=HEALTH_AGENCY).first()
    supervisor, head = users["supervisor"], users["supervisor_head"]
    if bureau is None or agency is None or supervisor is None or head is None:
        return counts
    if ReviewStandard.objects.filter(organisation=bureau).exists():
        return counts
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    with clock.at(timeline.on_day(17, 41)):
        draft = services.import_standard(actor=supervisor, organisation=bureau, data=data)
    with clock.at(timeline.on_day(17, 42)):
        services.publish_standard(draft, actor=head)
    counts["review_standards"] = 1
    counts["spot_checks"] = _announce(timeline, clock, agency, supervisor)
    counts["reviews"] = _review_closed(timeline, clock, agency, supervisor)
    counts["campaigns"] = _campaign(timeline, clock, supervisor, agency)
    return counts


def _reveal_day(timeline: DemoTimeline) -> dt.date | None:
    try:
        return add_workdays(timeline.day, 1)
    except YearNotLoaded:
        return None


def _announce(timeline: DemoTimeline, clock: DemoClock, agency: Organisation, actor: User) -> int:
    reveal = _reveal_day(timeline)
    start, _ = quarter_bounds(timeline.year, timeline.quarter)
    if reveal is None or not services.population_of(agency, start, timeline.day):
        return 0
    with clock.at(timeline.on_day(17, 43)):
        services.announce_spot_check(
            actor=actor,
            agency=agency,
            title=SPOT_TITLE,
            period_start=start,
            period_end=timeline.day,
            count=min(2, len(services.population_of(agency, start, timeline.day))),
            source_name=f"中国福利彩票3D游戏 {reveal:%Y年%m月%d日}开奖号码",
            source_where="中国福利彩票发行管理中心网站（www.cwl.gov.cn）",
            reveal_date=reveal,
        )
    return 1


def _review_closed(
    timeline: DemoTimeline, clock: DemoClock, agency: Organisation, actor: User
) -> int:
    """The closed emergency case reviewed on its own: 不合格 by the veto item 证据不充分."""
    case = (
        InspectionCase.objects.filter(organisation=agency, status=CaseStatus.CLOSED)
        .order_by("pk")
        .first()
    )
    standard = ReviewStandard.objects.filter(
        organisation__name=BUREAU, status=StandardStatus.PUBLISHED
    ).first()
    if case is None or standard is None:
        return 0
    items = {i.code: i for i in standard.scored_items.all()}
    veto = standard.veto_items.get(text="证据不充分")
    with clock.at(timeline.on_day(17, 44)):
        review = services.start_review(case, actor=actor)
        services.score_review(
            review,
            actor=actor,
            vetoes={veto.pk: (True, "检查记录称“检漏无泄漏”，但案卷中没有检漏记录或现场照片。")},
            deductions={
                items["P04"].pk: ("2", "卷内目录缺页码。"),
                items["P10"].pk: ("8", "检查情况记录缺检测数据。"),
            },
            conclusion="认定“未发现问题”的主要证据未附卷，评为不合格。",
        )
        services.complete_review(review, actor=actor)
    return 1


def _campaign(timeline: DemoTimeline, clock: DemoClock, actor: User, agency: Organisation) -> int:
    others = Organisation.objects.filter(name="舟山市市场监督管理局").first()
    agencies = [agency] + ([others] if others is not None else [])
    start, end = quarter_bounds(timeline.year, timeline.quarter)
    with clock.at(timeline.on_day(17, 45)):
        campaign = services.create_campaign(
            actor=actor,
            title=CAMPAIGN_TITLE,
            agencies=agencies,
            period_start=start,
            period_end=end,
            checklist=[
                "行政检查是否经过审批、是否超出年度检查计划",
                "是否存在同一企业年度检查频次超过上限",
                "是否存在趋利性执法、以罚代管（国办发〔2024〕54号“五个严禁”“八个不得”）",
            ],
        )
    with clock.at(timeline.on_day(17, 46)):
        services.start_campaign(campaign, actor=actor)
    with clock.at(timeline.on_day(17, 47)):
        items = list(campaign.checklist.all())
        services.record_finding(
            campaign,
            actor=actor,
            agency=agency,
            item=items[0],
            text="紧急检查案件事后补办审批在期限内完成，但案卷中未附补办审批表。",
            severity="minor",
        )
        services.record_finding(
            campaign,
            actor=actor,
            agency=agencies[-1],
            item=items[1],
            text="对同一餐饮企业本年度已实施 3 次现场检查，超过本地公布的年度检查频次上限。",
            severity="serious",
        )
    return 1


def load_demo_review_draw(
    actor: Any, *, timeline: DemoTimeline, clock: DemoClock
) -> dict[str, int]:
    """The spot check drawn on its reveal day (09:00), when the load comes after it. Not called
    by the demo history yet: the history ends on ``day`` before 18:00 (zhifa/web/tests/
    test_demo_history.py), and a value published the next working day cannot be drawn before
    then. Idempotent."""
    counts = {"spot_checks_drawn": 0}
    spot = SpotCheck.objects.filter(title=SPOT_TITLE, status=SpotCheckStatus.ANNOUNCED).first()
    supervisor = _users()["supervisor"]
    if spot is None or supervisor is None:
        return counts
    moment = beijing(spot.reveal_date, 9, 0)
    if moment >= timeline.now:
        return counts
    with clock.at(moment):
        # The value the demo pretends was published that day (a 3D draw: three digits).
        services.draw_spot_check(
            spot,
            actor=supervisor,
            value=f"{spot.reveal_date.day % 10} {spot.reveal_date.month % 10} {spot.pk % 10}",
        )
    counts["spot_checks_drawn"] = 1
    return counts
