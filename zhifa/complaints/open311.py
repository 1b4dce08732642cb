"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2): the problem list as a machine
interface, mounted at ``/open311/v2/`` (docs/open311.md says what each call answers and why).

- Services are the active ``Category`` rows (``service_code`` = ``Category.code``); none has
  attributes (``metadata`` false), yet ``services/{code}`` still answers a definition without
  attributes for a known code, so a generic client that always asks is not refused.
- Reading requests needs no key. A request is public, so it carries no one's identity, no
  content (``description`` is empty) and no exact place: ``address`` is the item's 区划 and
  ``lat``/``long`` are empty, because where an enterprise's problem happened is usually the
  enterprise's own premises, and that would tell the agency complained about who complained.
- Posting needs an ``api_key`` (``Open311Key``, digest only); the item is filed through
  ``services.file_complaint`` with channel ``open311`` and answered at once with its number
  (``type`` realtime: never a token).
- Every refusal is the spec's error body (``[{"code": …, "description": …}]`` or
  ``<errors><error>…``) with 404 for what does not exist, 403 for a missing or wrong
  ``api_key`` and 400 for everything else; the descriptions are Chinese, in UTF-8.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any
from xml.etree import ElementTree as ET

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from zhifa.complaints import services
from zhifa.complaints.models import (
    Category,
    Channel,
    Complaint,
    Open311Key,
    Status,
)
from zhifa.complaints.services import _common
from zhifa.complaints.services.intake import deadline_rule_for, region_chain
from zhifa.core import timefmt
from zhifa.core.access import requires
from zhifa.core.textinput import problem
from zhifa.org.models import Region

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When this interface last changed (discovery ``changeset``): a client re-reads on a change.
CHANGESET = "2026-12-03T00:00:00+08:00"
CONTACT = "问题所在地司法局（行政执法监督机构）；接口对接事宜请向签发 api_key 的系统管理员咨询。"
KEY_SERVICE = (
    "api_key 由平台系统管理员签发（zhifa open311_key create），每个密钥限定一个服务区划；"
    "请以单位名义向所在地司法局申请。查询无需密钥。"
)
CONTENT_TYPES = {
    "json": "application/json; charset=utf-8",
    "xml": "text/xml; charset=utf-8",
}
FORMATS = tuple(CONTENT_TYPES)
MAX_SPAN = dt.timedelta(days=90)
LIMIT = 1000
DESCRIPTION_LIMIT = _common.CONTENT_LIMIT  # the spec's 4,000 characters
ADDRESS_LIMIT = 200
OPEN311 = "complaints.open311"
CLOSED_STATUSES = (Status.CLOSED, Status.DECLINED)
# XML names of the members of a list (the spec's "⇊" lists).
_MEMBER = {
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
}

Row = dict[str, Any]


class Open311Error(Exception):
    """One or more of the spec's errors; the HTTP status is the first one's."""

    def __init__(self, status: int, *errors: tuple[int, str]) -> None:
        super().__init__(errors[0][1] if errors else "")
        self.status = status
        self.errors = list(errors) or [(status, "请求有误。")]


# --- Serialisation ---------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _fill(ET.SubElement(element, key), inner)
    elif isinstance(value, list):
        member = _MEMBER.get(element.tag, "item")
        for inner in value:
            _fill(ET.SubElement(element, member), inner)
    else:
        element.text = _text(value)


def to_xml(root: str, member: str | None, data: Any) -> bytes:
    """The spec's XML: ``<root>`` holding one ``<member>`` per row (or the fields themselves when
    ``member`` is None), schemaless, without a namespace, with the UTF-8 declaration."""
    element = ET.Element(root)
    if member is None:
        _fill(element, data)
    else:
        for row in data:
            _fill(ET.SubElement(element, member), row)
    body = ET.tostring(element, encoding="unicode")
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body).encode("utf-8")


def respond(fmt: str, root: str, member: str | None, data: Any, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        body = to_xml(root, member, data)
    else:
        body = json.dumps(data, ensure_ascii=False).encode("utf-8")
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


def error_response(fmt: str, error: Open311Error) -> HttpResponse:
    rows = [{"code": code, "description": text} for code, text in error.errors]
    return respond(fmt, "errors", "error", rows, status=error.status)


def _answering(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Turn an ``Open311Error`` raised by the view into the spec's error body."""

    def answered(request: HttpRequest, *args: Any, fmt: str, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, fmt=fmt, **kwargs)
        except Open311Error as error:
            return error_response(fmt, error)

    answered.__name__ = view.__name__
    answered.__doc__ = view.__doc__
    answered.__wrapped__ = view  # type: ignore[attr-defined]
    return answered


# --- Services --------------------------------------------------------------------------------


def _keywords(category: Category) -> str:
    words: list[str] = []
    for name in (category.top.name, category.name):
        for part in name.replace("；", "、").replace("，", "、").split("、"):
            part = part.strip(' “”"')
            if part and part not in words:
                words.append(part)
    if category.region_id:
        words.append(category.region.name)  # type: ignore[union-attr]
    return ", ".join(words)


def service_row(category: Category) -> Row:
    where = f"适用于{category.region.name}及其下级区划。" if category.region_id else "全国通用。"  # type: ignore[union-attr]
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": " ".join(x for x in (category.description.strip(), where) if x),
        "metadata": False,
        "type": "realtime",
        "keywords": _keywords(category),
        "group": category.top.name,
    }


def _jurisdiction(request: HttpRequest) -> Region | None:
    """The region named by ``jurisdiction_id`` (optional: empty is the same as absent)."""
    value = (request.GET.get("jurisdiction_id") or "").strip()
    if not value:
        return None
    return _region(value)


def _region(code: str) -> Region:
    found = Region.objects.filter(code=code[:12]).first()
    if found is None:
        raise Open311Error(
            404, (404, f"jurisdiction_id “{code[:20]}”不存在：请使用行政区划代码，如 330900。")
        )
    return found


def active_categories(region: Region | None) -> list[Category]:
    if region is not None:
        found = services.categories_for(region)
    else:
        found = list(Category.objects.filter(is_active=True).select_related("parent", "region"))
    # Each class first, then its sub-categories; the configured order within.
    return sorted(
        found,
        key=lambda c: (c.top.sort_order, c.top.pk, c.parent_id is not None, c.sort_order, c.pk),
    )


def _category(code: str, region: Region | None) -> Category:
    found = (
        Category.objects.filter(code=code[:40], is_active=True)
        .select_related("parent", "region")
        .first()
    )
    if found is None or (region is not None and not found.applies_in(region)):
        where = f"在{region.name}" if region is not None else ""
        raise Open311Error(
            404,
            (404, f"service_code “{code[:40]}”{where}不存在：请从 services 列表中选择。"),
        )
    return found


# --- Requests --------------------------------------------------------------------------------


def _status(item: Complaint) -> str:
    return "closed" if item.status in CLOSED_STATUSES else "open"


def status_note(item: Complaint) -> str:
    """Where the item stands, in words fit for anyone to read: no free text of the item's."""
    if item.status == Status.RECEIVED:
        return "已受理，待行政执法监督机关分办。"
    if item.status == Status.ASSIGNED:
        again = "已退回重新办理" if item.reopen_count else "已转交办理"
        if item.answer_due is not None:
            return f"{again}，答复期限{timefmt.chinese_date(item.answer_due)}。"
        return f"{again}。"
    if item.status == Status.ANSWERED:
        return "承办单位已答复，待行政执法监督机关核实。"
    if item.status == Status.VERIFIED:
        return "办理结果已核实，待反映人评价。"
    if item.status == Status.CLOSED:
        return "已办结销号。"
    return "不予受理。"


class _Notices:
    """The deadline rule in words, per region and category, asked once per list."""

    def __init__(self) -> None:
        self.seen: dict[tuple[str, int], str] = {}

    def __call__(self, region: Region, category: Category, days: int | None = None) -> str:
        if days is None:
            key = (str(region.pk), int(category.pk))
            if key not in self.seen:
                try:
                    self.seen[key] = notice_for(
                        deadline_rule_for(region, category).answer_working_days
                    )
                except ValidationError:
                    self.seen[key] = "行政执法监督机关受理后分办，承办单位按规定期限答复。"
            return self.seen[key]
        return notice_for(days)


def notice_for(days: int) -> str:
    return (
        f"行政执法监督机关受理后分办至承办单位，承办单位须在分办之日起{days}个工作日内答复；"
        "答复经核实并征求反映人意见后销号。"
    )


def _end_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=timefmt.SHANGHAI)


def _region_address(region: Region) -> str:
    # From the most specific unit to the most general, as the spec asks of an address.
    return "，".join(r.name for r in region_chain(region))


def request_row(item: Complaint, notices: _Notices) -> Row:
    """One request as the public reads it (docs/open311.md): no identity, no content, no place
    finer than the 区划."""
    closed = item.status in CLOSED_STATUSES
    assigned = item.assigned_at is not None and item.agency_id is not None
    updated = item.closed_at if item.status == Status.CLOSED and item.closed_at else None
    return {
        "service_request_id": item.number,
        "status": _status(item),
        "status_notes": status_note(item),
        "service_name": item.category.name,
        "service_code": item.category.code,
        "description": "",
        "agency_responsible": item.agency.name if assigned else "",  # type: ignore[union-attr]
        "service_notice": notices(item.region, item.category, item.answer_working_days),
        "requested_datetime": timefmt.iso_beijing(item.received_at),
        "updated_datetime": timefmt.iso_beijing(updated or item.last_activity_at),
        "expected_datetime": (
            timefmt.iso_beijing(_end_of(item.answer_due))
            if item.answer_due is not None and not closed
            else None
        ),
        "address": _region_address(item.region),
        "address_id": "",
        "zipcode": "",
        "lat": None,
        "long": None,
        "media_url": "",
    }


def _requests() -> QuerySet[Complaint]:
    # Open311 readers are the public: every item, read through the public fields only.
    return Complaint.objects.select_related("category", "agency", "region__parent__parent")


def _moment(request: HttpRequest, name: str) -> dt.datetime | None:
    value = (request.GET.get(name) or "").strip()
    if not value:
        return None
    try:
        found = parse_datetime(value)
    except ValueError:
        found = None
    if found is None:
        raise Open311Error(
            400, (400, f"{name} 格式不正确：须为 ISO 8601 时间，如 2026-12-01T00:00:00+08:00。")
        )
    if timezone.is_naive(found):
        raise Open311Error(
            400, (400, f"{name} 须包含时区（Z 或 +08:00），如 2026-12-01T00:00:00+08:00。")
        )
    return found


def _listed(request: HttpRequest, name: str) -> list[str]:
    """A list argument: comma-delimited, or the parameter given several times."""
    raw = ",".join(request.GET.getlist(name))
    return [part.strip() for part in raw.split(",") if part.strip()]


def _span(start: dt.datetime | None, end: dt.datetime | None) -> tuple[dt.datetime, dt.datetime]:
    """The searched span: the last 90 days by default; 90 days from the one date given."""
    if start is None and end is None:
        end = timezone.now()
    if start is None:
        assert end is not None
        start = end - MAX_SPAN
    if end is None:
        end = start + MAX_SPAN
    if end < start:
        raise Open311Error(400, (400, "end_date 早于 start_date。"))
    if end - start > MAX_SPAN:
        raise Open311Error(400, (400, "start_date 与 end_date 之间不能超过 90 天。"))
    return start, end


def find_requests(request: HttpRequest) -> list[Complaint]:
    """GET requests: the spec's filters, the 90-day span and the first 1000."""
    rows = _requests()
    region = _jurisdiction(request)
    if region is not None:
        rows = rows.filter(region__code__startswith=region.code_prefix)
    wanted = _listed(request, "service_request_id")
    if wanted:
        # "This overrides all other arguments."
        return list(rows.filter(number__in=wanted[:LIMIT])[:LIMIT])
    codes = _listed(request, "service_code")
    if codes:
        rows = rows.filter(category__code__in=codes)
    statuses = _listed(request, "status")
    unknown = [s for s in statuses if s not in ("open", "closed")]
    if unknown:
        raise Open311Error(
            400, (400, f"status “{unknown[0][:20]}”不正确：只能是 open 或 closed，可用逗号分隔。")
        )
    if statuses and set(statuses) != {"open", "closed"}:
        closed = Q(status__in=CLOSED_STATUSES)
        rows = rows.filter(closed if "closed" in statuses else ~closed)
    start, end = _span(_moment(request, "start_date"), _moment(request, "end_date"))
    rows = rows.filter(received_at__gte=start, received_at__lte=end)
    return list(rows.order_by("-received_at", "-pk")[:LIMIT])


# --- Posting ---------------------------------------------------------------------------------


def key_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _posted(request: HttpRequest, name: str) -> str:
    return str(request.POST.get(name) or "").strip()


def _single_line(request: HttpRequest, name: str, limit: int) -> str:
    value = _posted(request, name)
    reason = problem(value, multiline=False) if value else ""
    if reason:
        raise Open311Error(400, (400, f"{name} {reason}"))
    if len(value) > limit:
        raise Open311Error(400, (400, f"{name} 不能超过 {limit} 个字符，现有 {len(value)} 个。"))
    return value


def _coordinate(request: HttpRequest, name: str, bound: int) -> Decimal:
    raw = _posted(request, name)
    try:
        value = Decimal(raw)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or abs(value) > bound:
        raise Open311Error(
            400, (400, f"{name} 须为 WGS84 十进制度数，介于 -{bound} 与 {bound} 之间。")
        )
    return value.quantize(Decimal("0.000001"))


def _check_presence(request: HttpRequest) -> None:
    """What a request must carry at all, named together (400) before the key is looked at;
    a missing or wrong key alone is 403."""
    errors: list[tuple[int, str]] = []
    if not _posted(request, "service_code"):
        errors.append((400, "service_code 未提供：请从 services 列表中选择问题类别。"))
    has_point = bool(_posted(request, "lat") and _posted(request, "long"))
    if not (has_point or _posted(request, "address_string") or _posted(request, "address_id")):
        errors.append(
            (400, "位置未提供：须提供 lat 与 long，或 address_string，或 address_id 之一。")
        )
    if not _posted(request, "description"):
        errors.append((400, "description 未提供：请填写反映的问题（不超过 4000 字）。"))
    if errors:
        raise Open311Error(400, *errors)


def _key(request: HttpRequest) -> Open311Key:
    raw = _posted(request, "api_key")
    if not raw:
        raise Open311Error(403, (403, "缺少 api_key，不能提交问题。"))
    found = Open311Key.objects.select_related("region").filter(key_digest=key_digest(raw)).first()
    if found is None or not found.is_active:
        raise Open311Error(403, (403, "api_key 无效或已停用，不能提交问题。"))
    return found


# file_complaint's fields, by the name the client sent.
_FIELD_NAMES = {
    "content": "description",
    "title": "description",
    "complainant_name": "first_name/last_name",
    "complainant_phone": "phone",
    "complainant_email": "email",
    "category": "service_code",
    "region": "jurisdiction_id",
}


def _refusal(error: ValidationError) -> Open311Error:
    messages: list[tuple[int, str]] = []
    if hasattr(error, "error_dict"):
        for field, problems in error.message_dict.items():
            name = _FIELD_NAMES.get(field, field)
            status = 404 if field == "category" else 400
            messages.extend((status, f"{name}：{text}") for text in problems)
    else:
        messages.extend((400, text) for text in error.messages)
    return Open311Error(messages[0][0] if messages else 400, *messages)


def post_request(request: HttpRequest) -> tuple[Complaint, str]:
    """POST requests: checked whole, then filed; returns the item and the ``account_id``."""
    _check_presence(request)
    key = _key(request)
    region: Region = key.region
    wanted = _posted(request, "jurisdiction_id")
    if wanted:
        region = _region(wanted)
        if not str(region.code).startswith(key.region.code_prefix):
            raise Open311Error(
                403,
                (
                    403,
                    f"该 api_key 只能提交{key.region.name}及其下级区划的问题，"
                    f"不能提交{region.name}的问题。",
                ),
            )
    category = _category(_posted(request, "service_code"), region)
    lat = long = None
    if _posted(request, "lat") or _posted(request, "long"):
        if not (_posted(request, "lat") and _posted(request, "long")):
            raise Open311Error(400, (400, "lat 与 long 须同时提供。"))
        lat, long = _coordinate(request, "lat", 90), _coordinate(request, "long", 180)
    address = _single_line(request, "address_string", ADDRESS_LIMIT)
    address_id = _single_line(request, "address_id", 60)
    if not address and address_id:
        address = f"地址编号 {address_id}"
    account_id = _single_line(request, "account_id", 64)
    first, last = (_single_line(request, n, 32) for n in ("first_name", "last_name"))
    name = f"{last}{first}" if _is_han(last + first) else " ".join(x for x in (first, last) if x)
    phone = _posted(request, "phone")
    email = _posted(request, "email")
    description = str(request.POST.get("description") or "")
    # Its length (4,000) and control characters are file_complaint's to refuse.
    try:
        with transaction.atomic():
            item = services.file_complaint(
                channel=Channel.OPEN311,
                category=category,
                content=description,
                region=region,
                is_anonymous=not (name or phone or email),
                complainant_name=name,
                complainant_phone=phone,
                complainant_email=email,
            )
            # Where it happened: kept for the bureau, never answered to the public.
            Complaint.objects.filter(pk=item.pk).update(address=address, lat=lat, long=long)
    except ValidationError as error:
        raise _refusal(error) from None
    item.address, item.lat, item.long = address, lat, long
    return item, account_id


def _is_han(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


# --- Views -----------------------------------------------------------------------------------


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("open311:discovery_json")).rsplit("/", 1)[0]


@require_GET
@requires(OPEN311)
@_answering
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    """Service Discovery: where the GeoReport v2 endpoint is and what it speaks."""
    data = {
        "changeset": CHANGESET,
        "contact": CONTACT,
        "key_service": KEY_SERVICE,
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": _base_url(request),
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return respond(fmt, "discovery", None, data)


@require_GET
@requires(OPEN311)
@_answering
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    """GET Service List: one service per active category."""
    rows = [service_row(c) for c in active_categories(_jurisdiction(request))]
    return respond(fmt, "services", "service", rows)


@require_GET
@requires(OPEN311)
@_answering
def service_definition(request: HttpRequest, service_code: str, fmt: str) -> HttpResponse:
    """GET Service Definition: no category has attributes, so the definition has none."""
    category = _category(service_code, _jurisdiction(request))
    data = {"service_code": category.code, "attributes": []}
    return respond(fmt, "service_definition", None, data)


@csrf_exempt
@require_http_methods(["GET", "POST"])
@requires(OPEN311)
@_answering
def request_list(request: HttpRequest, fmt: str) -> HttpResponse:
    """GET Service Requests (public), or POST Service Request (with an ``api_key``)."""
    if request.method == "POST":
        item, account_id = post_request(request)
        row = {
            "service_request_id": item.number,
            "service_notice": _Notices()(item.region, item.category, item.answer_working_days),
            "account_id": account_id or None,
        }
        return respond(fmt, "service_requests", "request", [row])
    notices = _Notices()
    rows = [request_row(item, notices) for item in find_requests(request)]
    return respond(fmt, "service_requests", "request", rows)


@require_GET
@requires(OPEN311)
@_answering
def request_detail(request: HttpRequest, service_request_id: str, fmt: str) -> HttpResponse:
    """GET Service Request: one item, as a list of one (the spec's shape)."""
    rows = _requests()
    region = _jurisdiction(request)
    if region is not None:
        rows = rows.filter(region__code__startswith=region.code_prefix)
    item = rows.filter(number=service_request_id[:24]).first()
    if item is None:
        raise Open311Error(404, (404, f"service_request_id “{service_request_id[:24]}”不存在。"))
    return respond(fmt, "service_requests", "request", [request_row(item, _Notices())])


@require_GET
@requires(OPEN311)
@_answering
def token_detail(request: HttpRequest, token: str, fmt: str) -> HttpResponse:
    """GET service_request_id from a token: for items that carry one (we post in realtime and
    hand out no token ourselves)."""
    _jurisdiction(request)
    item = Complaint.objects.filter(open311_token=token[:40]).exclude(open311_token="").first()
    if item is None:
        raise Open311Error(404, (404, f"token “{token[:40]}”不存在。"))
    return respond(
        fmt, "service_requests", "request", [{"service_request_id": item.number, "token": token}]
    )


def routes() -> Iterable[tuple[str, Callable[..., HttpResponse], str]]:
    """(URL pattern, view, name) for every call in every format."""
    calls: Sequence[tuple[str, Callable[..., HttpResponse], str]] = (
        ("discovery", discovery, "discovery"),
        ("services", service_list, "services"),
        ("services/<str:service_code>", service_definition, "service"),
        ("requests", request_list, "requests"),
        ("requests/<str:service_request_id>", request_detail, "request"),
        ("tokens/<str:token>", token_detail, "token"),
    )
    for fmt in FORMATS:
        for pattern, view, name in calls:
            yield f"{pattern}.{fmt}", view, f"{name}_{fmt}"
