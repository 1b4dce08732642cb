"""What the office pages of the problem list (问题清单) read: the filtered list, its counts, the
row every page and export shows (who complained only for the bureau), the home-page counts, and
the totals of losses recovered (Decimal 元, summed exactly)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet

from zhifa.complaints.models import (
    OPEN_STATUSES,
    Channel,
    Complaint,
    RecoveredLoss,
    Status,
)
from zhifa.complaints.services import dormant
from zhifa.core import access, timefmt
from zhifa.org.roles import Role

RELATED = ("region", "category__parent", "agency", "bureau", "contact_point", "case")
ZERO = Decimal("0.00")


def visible(user: Any) -> QuerySet[Complaint]:
    """The items ``user`` may see (region subtree, handed to his agency, his enterprise's)."""
    return Complaint.objects.restrict(user).select_related(*RELATED)


def shows_identity(user: Any, item: Any = None) -> bool:
    """Who complained is the supervising bureau's to know only."""
    return access.can(user, "complaints.identity", item)


def amount_text(value: Decimal | None) -> str:
    """12,345.67 — the 元 people read, with thousands separators and always two decimals."""
    return f"{(value or ZERO).quantize(Decimal('0.01')):,.2f}"


# --- The list ----------------------------------------------------------------------------------


@dataclass
class ListFilter:
    status: str = ""
    channel: str = ""
    category: int | None = None
    agency: int | None = None
    region: Any = None
    since: dt.date | None = None
    until: dt.date | None = None
    overdue: bool = False
    dormant: bool = False
    q: str = ""


def _without_status(rows: QuerySet[Complaint], chosen: ListFilter, today: dt.date) -> Any:
    if chosen.channel:
        rows = rows.filter(channel=chosen.channel)
    if chosen.category:
        rows = rows.filter(Q(category_id=chosen.category) | Q(category__parent_id=chosen.category))
    if chosen.agency:
        rows = rows.filter(agency_id=chosen.agency)
    if chosen.region:
        rows = rows.filter(region__code__startswith=chosen.region.code_prefix)
    if chosen.since:
        rows = rows.filter(received_at__gte=_start_of(chosen.since))
    if chosen.until:
        rows = rows.filter(received_at__lt=_start_of(chosen.until + dt.timedelta(days=1)))
    if chosen.overdue:
        rows = rows.filter(status=Status.ASSIGNED, answer_due__lt=today)
    if chosen.dormant:
        rows = rows.filter(pk__in=dormant(today).values("pk"))
    if chosen.q:
        rows = rows.filter(Q(number__icontains=chosen.q) | Q(title__icontains=chosen.q))
    return rows


def _start_of(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=timefmt.SHANGHAI)


def filtered(user: Any, chosen: ListFilter, today: dt.date) -> QuerySet[Complaint]:
    rows = _without_status(visible(user), chosen, today)
    if chosen.status:
        rows = rows.filter(status=chosen.status)
    return rows.order_by("-received_at", "-pk")


def status_counts(user: Any, chosen: ListFilter, today: dt.date) -> list[dict[str, Any]]:
    """Per status (in the order of handling), under every filter but the status itself: 0 shown
    as 0. The list's 销号 status is one of them (已销号)."""
    rows = _without_status(visible(user), chosen, today)
    found = dict(rows.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    return [
        {"value": s.value, "label": s.label, "count": found.get(s.value, 0)}
        for s in (
            Status.RECEIVED,
            Status.ASSIGNED,
            Status.ANSWERED,
            Status.VERIFIED,
            Status.CLOSED,
            Status.DECLINED,
        )
    ]


def overdue(rows: QuerySet[Complaint], today: dt.date) -> QuerySet[Complaint]:
    return rows.filter(status=Status.ASSIGNED, answer_due__lt=today)


def dormant_ids(items: Iterable[Complaint], today: dt.date) -> set[int]:
    ids = [item.pk for item in items]
    return set(dormant(today).filter(pk__in=ids).values_list("pk", flat=True))


# One row of the list, the same for the page and the export. Identity columns come last and only
# for those who may see them (``shows_identity``).
COLUMNS: tuple[tuple[str, str], ...] = (
    ("number", "问题编号"),
    ("title", "问题摘要"),
    ("status", "状态"),
    ("channel", "来源渠道"),
    ("category", "问题类别"),
    ("region", "所在区划"),
    ("agency", "被反映单位"),
    ("received", "受理时间"),
    ("due", "答复截止日期"),
    ("overdue", "是否逾期"),
    ("dormant", "是否长期未办理"),
    ("answered", "答复时间"),
    ("closed", "销号时间"),
    ("losses", "挽回损失（元）"),
)
IDENTITY_COLUMNS: tuple[tuple[str, str], ...] = (
    ("complainant_name", "反映人"),
    ("complainant_phone", "联系电话"),
    ("complainant_email", "电子邮箱"),
    ("complainant_enterprise", "反映企业"),
    ("hotline_caller", "来电人"),
    ("tracking_code", "查询码"),
)


def columns(identity: bool) -> list[tuple[str, str]]:
    return [*COLUMNS, *(IDENTITY_COLUMNS if identity else ())]


def row(
    item: Complaint, *, identity: bool, today: dt.date, dormant_set: set[int] | None = None
) -> dict[str, Any]:
    """The item as a list row: text people read, keyed as ``columns`` says. The identity keys
    are absent (not empty) for a reader who may not see them."""
    is_overdue = item.is_overdue(today)
    is_dormant = item.pk in (dormant_set or set())
    losses = getattr(item, "loss_sum", None)
    found: dict[str, Any] = {
        "pk": item.pk,
        "number": item.number,
        "title": item.title,
        "status": item.get_status_display(),
        "status_value": item.status,
        "channel": item.get_channel_display(),
        "category": item.category.full_name,
        "region": item.region.name,
        "agency": item.agency.name if item.agency else "",
        "received": timefmt.fmt_datetime(item.received_at),
        "due": timefmt.fmt_date(item.answer_due),
        "overdue": "逾期" if is_overdue else "",
        "dormant": "长期未办理" if is_dormant else "",
        "answered": timefmt.fmt_datetime(item.answered_at),
        "closed": timefmt.fmt_datetime(item.closed_at),
        "losses": amount_text(losses) if losses else "",
        "is_overdue": is_overdue,
        "is_dormant": is_dormant,
    }
    if identity:
        found.update(
            {
                "complainant_name": "（匿名）" if item.is_anonymous else item.complainant_name,
                "complainant_phone": item.complainant_phone,
                "complainant_email": item.complainant_email,
                "complainant_enterprise": item.complainant_enterprise_name,
                "hotline_caller": item.hotline_caller,
                "tracking_code": item.tracking_code,
            }
        )
    return found


def with_loss_sums(rows: Iterable[Complaint]) -> Any:
    """Each item with the sum of its recovered losses (``loss_sum``, Decimal), summed in Python
    so that no database rounds a cent."""
    items = list(rows)
    sums: dict[int, Decimal] = {}
    for complaint_id, amount in RecoveredLoss.objects.filter(
        complaint_id__in=[i.pk for i in items]
    ).values_list("complaint_id", "amount"):
        sums[complaint_id] = sums.get(complaint_id, ZERO) + amount
    for item in items:
        item.loss_sum = sums.get(item.pk, ZERO)  # type: ignore[attr-defined]
    return items


def export_rows(user: Any, rows: QuerySet[Complaint], today: dt.date) -> list[list[str]]:
    """The filtered list as spreadsheet rows; identity per item, for the bureau only."""
    items = with_loss_sums(rows)
    dormant_set = dormant_ids(items, today)
    out = []
    for item in items:
        identity = shows_identity(user, item)
        found = row(item, identity=identity, today=today, dormant_set=dormant_set)
        out.append([found.get(key, "") for key, _ in columns(shows_identity(user))])
    return out


# --- The home page -----------------------------------------------------------------------------


def waiting_assignment(user: Any) -> QuerySet[Complaint]:
    """待分办: received, for the bureau to hand over or decline."""
    return visible(user).filter(status=Status.RECEIVED).order_by("received_at", "pk")


def overdue_unanswered(user: Any, today: dt.date) -> QuerySet[Complaint]:
    """逾期未答复: handed over, the deadline passed, no answer."""
    return overdue(visible(user), today).order_by("answer_due", "pk")


def waiting_verification(user: Any) -> QuerySet[Complaint]:
    """待核实: the agency answered; the bureau checks."""
    return visible(user).filter(status=Status.ANSWERED).order_by("answered_at", "pk")


def agency_inbox(user: Any) -> QuerySet[Complaint]:
    """待办理的投诉: handed to the user's agency and not yet answered, the nearest deadline
    first."""
    rows = visible(user).filter(status=Status.ASSIGNED)
    if not user.is_admin:
        rows = rows.filter(agency_id__in=user.organisations_as(*Role.agency_roles()))
    return rows.order_by("answer_due", "pk")


# --- Totals of losses recovered ---------------------------------------------------------------

PERIODS = (("month", "按月"), ("quarter", "按季度"), ("year", "按年度"))
DIMENSIONS = (
    ("period", "期间"),
    ("region", "所在区划"),
    ("agency", "被反映单位"),
    ("category", "问题类别"),
)


@dataclass
class TotalRow:
    label: str
    items: set[int] = field(default_factory=set)
    amount: Decimal = ZERO

    @property
    def count(self) -> int:
        return len(self.items)

    @property
    def amount_text(self) -> str:
        return amount_text(self.amount)


@dataclass
class Totals:
    period: str
    tables: dict[str, list[TotalRow]]
    grand: TotalRow

    def table_list(self) -> list[tuple[str, str, list[TotalRow]]]:
        return [(key, label, self.tables[key]) for key, label in DIMENSIONS]


def period_label(day: dt.date, period: str) -> tuple[str, str]:
    """(sort key, label) of the month, quarter or year ``day`` falls in."""
    if period == "year":
        return f"{day.year:04d}", f"{day.year}年"
    if period == "quarter":
        quarter = (day.month - 1) // 3 + 1
        return f"{day.year:04d}-Q{quarter}", f"{day.year}年第{quarter}季度"
    return f"{day.year:04d}-{day.month:02d}", f"{day.year}年{day.month}月"


def loss_totals(
    user: Any,
    *,
    period: str = "month",
    since: dt.date | None = None,
    until: dt.date | None = None,
    region: Any = None,
) -> Totals:
    """Losses recovered for enterprises, counted (items) and summed (元) by period, region,
    agency and category, and in all. Summed in Python with Decimal: every table adds up to the
    grand total to the cent. An item is counted once per row it has losses in."""
    if period not in dict(PERIODS):
        period = "month"
    losses = RecoveredLoss.objects.restrict(user).select_related(
        "complaint__region", "complaint__agency", "complaint__category__parent"
    )
    if since:
        losses = losses.filter(recovered_on__gte=since)
    if until:
        losses = losses.filter(recovered_on__lte=until)
    if region:
        losses = losses.filter(complaint__region__code__startswith=region.code_prefix)
    grand = TotalRow("合计")
    groups: dict[str, dict[str, TotalRow]] = {key: {} for key, _ in DIMENSIONS}
    for loss in losses.order_by("recovered_on", "pk"):
        complaint = loss.complaint
        key, label = period_label(loss.recovered_on, period)
        keys = {
            "period": (key, label),
            "region": (complaint.region_id, complaint.region.name),
            "agency": (
                str(complaint.agency.name) if complaint.agency_id else "~",
                complaint.agency.name if complaint.agency_id else "（未确定被反映单位）",
            ),
            "category": (
                f"{complaint.category.top.sort_order:05d}-{complaint.category.top.pk}",
                complaint.category.top.name,
            ),
        }
        for dimension, (sort_key, shown) in keys.items():
            bucket = groups[dimension].setdefault(str(sort_key), TotalRow(shown))
            bucket.items.add(complaint.pk)
            bucket.amount += loss.amount
        grand.items.add(complaint.pk)
        grand.amount += loss.amount
    tables = {dimension: [rows[k] for k in sorted(rows)] for dimension, rows in groups.items()}
    return Totals(period=period, tables=tables, grand=grand)


def totals_rows(totals: Totals) -> list[list[Any]]:
    """The totals as spreadsheet rows: 统计维度, 项目, 问题数, 挽回损失（元）."""
    out: list[list[Any]] = []
    for _, label, rows in totals.table_list():
        for found in rows:
            out.append([label, found.label, found.count, found.amount_text])
        out.append([label, "合计", totals.grand.count, totals.grand.amount_text])
    return out


def open_count(user: Any) -> int:
    return visible(user).filter(status__in=OPEN_STATUSES).count()


def channels() -> list[tuple[str, str]]:
    return list(Channel.choices)
