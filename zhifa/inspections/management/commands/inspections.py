"""``zhifa inspections``: the inspections app's periodic and planning work.

zhifa inspections overdue [--region 330900]
    lists the emergency inspections whose written 补办 is overdue and the results not
    published within 20 working days of their decision (what supervisors see flagged);
    exits 1 when there is any, so a timer can alert on it.

zhifa inspections joint --region 330900 --start 2026-12-01 --end 2026-12-31
                        [--apply --as supervisor]
    综合查一次: merges the not-yet-approved cases of every agency on the same enterprise into
    joint visits and reports visits before and after; --apply records the plan as the named
    agency head (the merged cases go back to draft for approval as they will be carried out).
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from zhifa.inspections import joint, services
from zhifa.inspections.models import InspectionCase
from zhifa.inspections.selectors import overdue_makeups, overdue_publications
from zhifa.org.models import Region, User
from zhifa.workdays.selectors import parse_date

USAGE_ERROR = 2


class _SubParser(CommandParser):
    def error(self, message: str) -> NoReturn:
        if self.called_from_command_line:
            super().error(message)
        raise CommandError("参数错误：" + message, returncode=USAGE_ERROR)


def _region(code: str | None) -> Region | None:
    if not code:
        return None
    region = Region.objects.filter(code=code.strip()).first()
    if region is None:
        raise CommandError(f"行政区划代码“{code}”不存在，请检查后重试。", returncode=USAGE_ERROR)
    return region


class Command(BaseCommand):
    help = "检查案件：overdue 列出逾期未补办和逾期未公示的案件；joint 综合查一次统筹联合检查。"
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(
            dest="action", required=True, metavar="{overdue,joint}", parser_class=_SubParser
        )
        overdue = sub.add_parser("overdue", help="列出逾期未补办、逾期未公示的案件")
        overdue.add_argument("--region", help="行政区划代码，默认全部")
        plan = sub.add_parser("joint", help="综合查一次：合并同一企业的多部门检查")
        plan.add_argument("--region", required=True, help="行政区划代码，如 330900")
        plan.add_argument("--start", required=True, help="期间开始日期，如 2026-12-01")
        plan.add_argument("--end", required=True, help="期间结束日期，如 2026-12-31")
        plan.add_argument("--apply", action="store_true", help="确认并记录统筹结果")
        plan.add_argument("--as", dest="username", help="确认人（执法监督人员）的账号")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "overdue":
            self._overdue(options["region"])
        elif options["action"] == "joint":
            self._joint(options)

    def _overdue(self, code: str | None) -> None:
        region = _region(code)
        today = timezone.localdate()
        cases = InspectionCase.objects.all()
        if region is not None:
            cases = cases.filter(region__code__startswith=region.code_prefix)
        makeups = list(overdue_makeups(cases, today))
        unpublished = list(overdue_publications(cases, today).select_related("organisation"))
        for oral in makeups:
            self.stdout.write(
                f"逾期未补办\t{oral.case.reference}\t{oral.case.organisation.name}\t"
                f"{oral.case.enterprise.name}\t补办期限 {oral.makeup_due}"
            )
        for case in unpublished:
            self.stdout.write(
                f"逾期未公示\t{case.reference}\t{case.organisation.name}\t"
                f"{case.enterprise.name}\t公示期限 {case.publish_due}"
            )
        self.stdout.write(f"共 {len(makeups)} 件逾期未补办、{len(unpublished)} 件逾期未公示。")
        if makeups or unpublished:
            raise SystemExit(1)

    def _joint(self, options: dict[str, Any]) -> None:
        region = _region(options["region"])
        assert region is not None
        try:
            start = parse_date(options["start"], field="--start")
            end = parse_date(options["end"], field="--end")
        except ValidationError as error:
            raise CommandError("；".join(error.messages), returncode=USAGE_ERROR) from None
        if start > end:
            raise CommandError("--start 不能晚于 --end。", returncode=USAGE_ERROR)
        try:
            proposal = joint.propose(region, start, end, today=timezone.localdate())
        except ValidationError as error:
            raise CommandError("；".join(error.messages)) from None
        stats = proposal.plan.stats
        self.stdout.write(
            f"{region.name} {start} 至 {end}：检查 {stats.cases} 件，统筹前 {stats.visits_before} "
            f"次入企，统筹后 {stats.visits_after} 次（联合检查 {stats.joint_visits} 次），"
            f"减少 {stats.reduction:.1%}；下限（涉及企业数）{stats.lower_bound}，"
            f"为下限的 {stats.ratio_to_lower_bound:.2f} 倍。"
        )
        for unplaced in proposal.plan.unplaced:
            case = proposal.cases[unplaced.case_id]
            self.stdout.write(f"未能安排\t{case.reference}\t{unplaced.reason}")
        if not options["apply"]:
            return
        user = User.objects.filter(username=options["username"] or "").first()
        if user is None:
            raise CommandError(
                "请用 --as 指定确认统筹结果的执法监督人员账号。", returncode=USAGE_ERROR
            )
        try:
            visits = services.apply_joint_plan(proposal.plan, actor=user, cases=proposal.cases)
        except (ValidationError, PermissionDenied) as error:
            message = "；".join(getattr(error, "messages", [str(error)]))
            raise CommandError(message) from None
        self.stdout.write(f"已记录联合检查 {len(visits)} 次，相关案件退回草稿，待重新提请审批。")
