"""Open311 GeoReport v2, as a client written from the specification reads it
(http://wiki.open311.org/GeoReport_v2 and its Service Discovery page).

The client below knows only the spec: the URLs (``/<resource>.<format>``), the form-encoded POST,
the response fields and XML element names of each method, and the error body. It imports
nothing of ours except to put data in the database (categories, the items it reads).
"""

from __future__ import annotations

import io
import json
import re
from typing import Any
from urllib.parse import urlencode
from xml.etree import ElementTree as ET

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

BASE = "/open311/v2"
FORMATS = ("xml", "json")
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"

# Response fields, by method, as the spec lists them.
DISCOVERY_FIELDS = ("changeset", "contact", "key_service", "endpoints")
ENDPOINT_FIELDS = ("specification", "url", "changeset", "type", "formats")
SERVICE_FIELDS = (
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
)
REQUEST_FIELDS = (
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
)
DATETIME_FIELDS = ("requested_datetime", "updated_datetime", "expected_datetime")
# The spec's date/time: ISO 8601 (w3 note) with Z or an HH:MM offset.
W3_DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$")
# XML lists (the spec's "⇊") and the name of their members.
LISTS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
}
CONTENT_TYPES = {"xml": "text/xml", "json": "application/json"}


def _from_xml(element: ET.Element) -> Any:
    member = LISTS.get(element.tag)
    if member is not None:
        assert all(child.tag == member for child in element), element.tag
        return [_from_xml(child) for child in element]
    if len(element):
        return {child.tag: _from_xml(child) for child in element}
    return element.text or ""


def _plain(value: Any) -> Any:
    """A JSON value as XML carries it (text; null and false alike as text)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class GeoReport:
    """A GeoReport v2 client over the test client."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def parse(self, response: Any, fmt: str) -> Any:
        content_type = response["Content-Type"]
        assert content_type.split(";")[0] == CONTENT_TYPES[fmt]
        assert "charset=utf-8" in content_type.replace(" ", "").lower()
        text = response.content.decode("utf-8")
        if fmt == "json":
            return json.loads(text)
        assert text.startswith('<?xml version="1.0" encoding="utf-8"?>')
        root = ET.fromstring(response.content)
        return root.tag, _from_xml(root)

    def get(self, resource: str, fmt: str, **params: Any) -> tuple[int, Any]:
        response = self.client.get(f"{BASE}/{resource}.{fmt}", params)
        return response.status_code, self.parse(response, fmt)

    def post(self, fmt: str, **fields: Any) -> tuple[int, Any]:
        response = self.client.post(
            f"{BASE}/requests.{fmt}",
            urlencode(fields).encode("utf-8"),
            content_type="application/x-www-form-urlencoded; charset=utf-8",
        )
        return response.status_code, self.parse(response, fmt)

    def raw(self, resource: str, fmt: str, **params: Any) -> str:
        return self.client.get(f"{BASE}/{resource}.{fmt}", params).content.decode("utf-8")


def rows(parsed: Any, fmt: str, root: str) -> list[dict[str, Any]]:
    """The list a method answers, from either format."""
    if fmt == "json":
        assert isinstance(parsed, list)
        return parsed
    tag, value = parsed
    assert tag == root
    return value


def errors(parsed: Any, fmt: str) -> list[tuple[int, str]]:
    found = rows(parsed, fmt, "errors")
    assert found, "the error body is an array of one error at least"
    assert all(set(e) == {"code", "description"} for e in found)
    return [(int(e["code"]), e["description"]) for e in found]


@pytest.fixture
def georeport(client):
    return GeoReport(client)


@pytest.fixture
def api_key(zhoushan, justice_bureau):
    out = io.StringIO()
    call_command(
        "open311_key", "create", "--name", "舟山市民热线App", "--region", zhoushan.code, stdout=out
    )
    return out.getvalue().strip().splitlines()[-1]


@pytest.fixture
def sub_category(zhoushan):
    from zhifa.complaints.models import Category

    return Category.objects.create(
        code="zs-chongfu-jiancha",
        name="同一事项重复检查",
        parent=Category.objects.get(code="si-luan"),
        region=zhoushan,
    )


def counts() -> tuple[int, ...]:
    from zhifa.audit.models import AuditRecord
    from zhifa.complaints.models import Complaint, ComplaintEvent

    return Complaint.objects.count(), ComplaintEvent.objects.count(), AuditRecord.objects.count()


def good_request(api_key: str, **extra: Any) -> dict[str, Any]:
    fields = {
        "api_key": api_key,
        "service_code": "si-luan",
        "lat": "30.016667",
        "long": "122.106667",
        "address_string": "舟山市定海区人民北路1号",
        "description": "一个月内同一部门来检查三次，每次要求提交相同材料。",
        "first_name": "海生",
        "last_name": "周",
        "phone": "13900000009",
        "email": "zhou@example.cn",
        "account_id": "app-user-77",
        "device_id": "device-1",
    }
    fields.update(extra)
    return fields


# --- Service Discovery ---------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_discovery_names_the_georeport_v2_endpoint_and_its_formats(georeport, fmt):
    status, parsed = georeport.get("discovery", fmt)
    assert status == 200
    data = parsed if fmt == "json" else parsed[1]
    if fmt == "xml":
        assert parsed[0] == "discovery"
    assert set(DISCOVERY_FIELDS) <= set(data)
    assert W3_DATETIME.match(data["changeset"])
    [endpoint] = data["endpoints"]
    assert set(ENDPOINT_FIELDS) <= set(endpoint)
    assert endpoint["specification"] == SPECIFICATION
    assert endpoint["url"] == "http://testserver/open311/v2"
    assert endpoint["type"] in ("production", "test")
    assert sorted(endpoint["formats"]) == ["application/json", "text/xml"]


# --- Services --------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_service_list_has_every_class_and_a_regions_sub_category_in_its_group(
    georeport, sub_category, fmt
):
    status, parsed = georeport.get("services", fmt)
    assert status == 200
    services = {s["service_code"]: s for s in rows(parsed, fmt, "services")}
    assert {"si-luan", "quli-zhifa", "biaozhun-butongyi", "weifan-guifan"} <= set(services)
    assert all(set(SERVICE_FIELDS) <= set(s) for s in services.values())
    assert all(_plain(s["metadata"]) == "false" for s in services.values())
    assert all(s["type"] == "realtime" for s in services.values())
    top = services["si-luan"]
    assert top["service_name"] == "乱收费、乱罚款、乱检查、乱查封"
    assert top["group"] == "乱收费、乱罚款、乱检查、乱查封"
    sub = services["zs-chongfu-jiancha"]
    assert sub["service_name"] == "同一事项重复检查"
    assert sub["group"] == "乱收费、乱罚款、乱检查、乱查封"
    assert "舟山市" in sub["keywords"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_service_definition_without_attributes_and_an_unknown_code_refused_404(georeport, fmt):
    status, parsed = georeport.get("services/si-luan", fmt)
    assert status == 200
    data = parsed if fmt == "json" else parsed[1]
    if fmt == "xml":
        assert parsed[0] == "service_definition"
    assert data == {"service_code": "si-luan", "attributes": []}

    status, parsed = georeport.get("services/no-such-service", fmt)
    assert status == 404
    [(code, description)] = errors(parsed, fmt)
    assert code == 404
    assert "no-such-service" in description


# --- POST Service Request ----------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_request_posted_with_a_key_is_answered_with_its_id_and_read_back(
    georeport, api_key, clock, fmt
):
    status, parsed = georeport.post(fmt, **good_request(api_key))
    assert status == 200
    [created] = rows(parsed, fmt, "service_requests")
    assert created["service_request_id"]
    assert "token" not in created  # never both
    assert "个工作日内答复" in created["service_notice"]
    assert created["account_id"] == "app-user-77"
    number = created["service_request_id"]

    for read_fmt in FORMATS:
        status, parsed = georeport.get(f"requests/{number}", read_fmt)
        assert status == 200
        [found] = rows(parsed, read_fmt, "service_requests")
        assert set(REQUEST_FIELDS) <= set(found)
        assert found["service_request_id"] == number
        assert found["status"] == "open"
        assert found["service_code"] == "si-luan"
        assert found["service_name"] == "乱收费、乱罚款、乱检查、乱查封"
        assert _plain(found["description"]) == ""
        assert found["requested_datetime"] == "2026-12-01T09:00:00+08:00"
        for name in ("requested_datetime", "updated_datetime"):
            assert W3_DATETIME.match(found[name]), found[name]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_post_without_or_with_a_wrong_api_key_is_refused_403_and_stores_nothing(
    georeport, api_key, fmt
):
    before = counts()
    for fields in (
        {k: v for k, v in good_request(api_key).items() if k != "api_key"},
        good_request("not-a-key"),
        good_request(api_key[:-1] + ("A" if api_key[-1] != "A" else "B")),
    ):
        status, parsed = georeport.post(fmt, **fields)
        assert status == 403
        [(code, description)] = errors(parsed, fmt)
        assert code == 403
        assert "api_key" in description
    assert counts() == before


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_post_with_an_unknown_service_is_refused_404_and_stores_nothing(georeport, api_key, fmt):
    before = counts()
    status, parsed = georeport.post(fmt, **good_request(api_key, service_code="potholes"))
    assert status == 404
    [(code, description)] = errors(parsed, fmt)
    assert code == 404
    assert "potholes" in description
    assert counts() == before


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_post_missing_what_the_spec_requires_is_refused_400_naming_each(georeport, api_key, fmt):
    before = counts()
    fields = good_request(api_key)
    for name in ("service_code", "lat", "long", "address_string", "description"):
        fields.pop(name)
    status, parsed = georeport.post(fmt, **fields)
    assert status == 400
    found = errors(parsed, fmt)
    assert [code for code, _ in found] == [400, 400, 400]
    text = " ".join(d for _, d in found)
    assert "service_code" in text
    assert "lat" in text and "address_string" in text
    assert "description" in text
    assert counts() == before


@pytest.mark.parametrize("fmt", FORMATS)
def test_control_characters_in_the_description_are_refused_400_and_store_nothing(
    georeport, api_key, fmt
):
    before = counts()
    status, parsed = georeport.post(
        fmt, **good_request(api_key, description="检查人员\x00索要\x1b好处")
    )
    assert status == 400
    [(code, description)] = errors(parsed, fmt)
    assert code == 400
    assert description.startswith("description")
    assert counts() == before


# --- GET Service Requests ------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_request_list_filters_by_the_spec_arguments_and_refuses_a_span_over_90_days(
    georeport, api_key, assigned, fmt
):
    status, parsed = georeport.post(fmt, **good_request(api_key, service_code="quli-zhifa"))
    posted = rows(parsed, fmt, "service_requests")[0]["service_request_id"]

    status, parsed = georeport.get("requests", fmt)
    assert status == 200
    listed = rows(parsed, fmt, "service_requests")
    assert {r["service_request_id"] for r in listed} == {posted, assigned.number}
    assert all(set(REQUEST_FIELDS) <= set(r) for r in listed)
    handled = next(r for r in listed if r["service_request_id"] == assigned.number)
    assert handled["agency_responsible"] == "舟山市卫生健康委员会"
    assert handled["status_notes"] == "已转交办理，答复期限2026年12月8日。"
    assert handled["expected_datetime"] == "2026-12-08T23:59:59+08:00"
    for row in listed:
        for name in DATETIME_FIELDS:
            if _plain(row[name]):
                assert W3_DATETIME.match(row[name]), row[name]

    status, parsed = georeport.get("requests", fmt, service_code="quli-zhifa")
    assert [r["service_request_id"] for r in rows(parsed, fmt, "service_requests")] == [posted]
    status, parsed = georeport.get("requests", fmt, status="closed")
    assert rows(parsed, fmt, "service_requests") == []
    # service_request_id overrides every other argument, the status among them.
    status, parsed = georeport.get(
        "requests", fmt, service_request_id=f"{posted},{assigned.number}", status="closed"
    )
    assert len(rows(parsed, fmt, "service_requests")) == 2
    # A span inside 90 days around now holds both; one of 91 days is refused.
    status, parsed = georeport.get(
        "requests", fmt, start_date="2026-11-01T00:00:00Z", end_date="2026-12-02T00:00:00+08:00"
    )
    assert status == 200
    assert len(rows(parsed, fmt, "service_requests")) == 2
    status, parsed = georeport.get(
        "requests", fmt, start_date="2026-09-01T00:00:00Z", end_date="2026-12-01T00:00:00Z"
    )
    assert status == 400
    [(code, description)] = errors(parsed, fmt)
    assert code == 400
    assert "90" in description


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_response_to_a_get_carries_who_complained(georeport, api_key, filed, fmt):
    _, parsed = georeport.post(fmt, **good_request(api_key))
    posted = rows(parsed, fmt, "service_requests")[0]["service_request_id"]
    from zhifa.complaints.models import Complaint

    item = Complaint.objects.get(number=posted)
    secrets = [
        # The enterprise's complaint: its user, his phone, the enterprise, the tracking code.
        "陈经理",
        "13800000001",
        "舟山海鲜酒楼",
        filed.tracking_code,
        # The posted one: name, phone, e-mail, account, device, tracking code, exact place.
        "周海生",
        "海生",
        "13900000009",
        "zhou@example.cn",
        "app-user-77",
        "device-1",
        item.tracking_code,
        "人民北路",
        "30.016667",
        # The content of either.
        "卫健委来检查了三次",
        "提交相同材料",
    ]
    bodies = [georeport.raw("requests", f) for f in FORMATS] + [
        georeport.raw(f"requests/{number}", f) for number in (posted, filed.number) for f in FORMATS
    ]
    assert all(filed.number in b or posted in b for b in bodies)
    leaked = [(secret, i) for i, body in enumerate(bodies) for secret in secrets if secret in body]
    assert leaked == []


# --- Tokens, unknown things, formats -------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_unknown_request_or_token_is_404_with_the_error_body(georeport, fmt):
    for resource in ("requests/WT2026999999", "tokens/no-such-token"):
        status, parsed = georeport.get(resource, fmt)
        assert status == 404
        [(code, _)] = errors(parsed, fmt)
        assert code == 404


def test_a_format_other_than_xml_or_json_is_404(client):
    for resource in ("discovery", "services", "requests"):
        assert client.get(f"{BASE}/{resource}.csv").status_code == 404
