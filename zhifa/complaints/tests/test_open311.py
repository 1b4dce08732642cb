"""Our side of Open311: what a posted request becomes, how our states read as open/closed, the
api_key command, and where a key may post."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from zhifa.audit.models import AuditRecord
from zhifa.complaints import services
from zhifa.complaints.models import Channel, Complaint, ComplaintEvent, Open311Key, Status
from zhifa.complaints.open311 import key_digest
from zhifa.org.models import Region, RegionLevel

pytestmark = pytest.mark.django_db


def issue_key(region_code: str, name: str = "舟山市民热线App") -> str:
    out = io.StringIO()
    call_command("open311_key", "create", "--name", name, "--region", region_code, stdout=out)
    return out.getvalue().strip().splitlines()[-1]


@pytest.fixture
def api_key(zhoushan, justice_bureau):
    return issue_key(zhoushan.code)


@pytest.fixture
def dinghai(zhoushan):
    return Region.objects.create(
        code="330902", name="定海区", level=RegionLevel.COUNTY, parent=zhoushan
    )


def post(client: Client, **fields: str):
    return client.post("/open311/v2/requests.json", fields)


def counts() -> tuple[int, int, int]:
    return Complaint.objects.count(), ComplaintEvent.objects.count(), AuditRecord.objects.count()


def read(client: Client, number: str) -> dict:
    response = client.get(f"/open311/v2/requests/{number}.json")
    assert response.status_code == 200
    [row] = json.loads(response.content)
    return row


def test_the_command_prints_the_key_once_and_keeps_only_its_digest_and_hint(zhoushan):
    out = io.StringIO()
    call_command(
        "open311_key", "create", "--name", "舟山市民热线App", "--region", zhoushan.code, stdout=out
    )
    lines = out.getvalue().strip().splitlines()
    assert lines[0] == "已为“舟山市民热线App”签发 Open311 接口密钥（舟山市），只显示这一次："
    raw = lines[1]
    assert len(raw) == 43
    key = Open311Key.objects.get()
    assert (key.name, key.region, key.is_active) == ("舟山市民热线App", zhoushan, True)
    assert key.key_digest == key_digest(raw)
    assert key.key_hint == raw[:8]
    record = AuditRecord.objects.get(action="complaints.open311key.create")
    assert raw not in json.dumps(record.after, ensure_ascii=False)
    assert raw[8:] not in record.summary

    listing = io.StringIO()
    call_command("open311_key", "list", stdout=listing)
    assert listing.getvalue() == f"{raw[:8]}…  舟山市民热线App  舟山市  启用\n"


def test_a_deactivated_key_is_refused_403_and_the_refusal_stores_nothing(client, api_key):
    out = io.StringIO()
    call_command("open311_key", "deactivate", api_key[:8], stdout=out)
    assert "已停用密钥" in out.getvalue()
    assert Open311Key.objects.get().is_active is False
    before = counts()
    response = post(
        client,
        api_key=api_key,
        service_code="si-luan",
        address_string="定海区",
        description="乱收费。",
    )
    assert response.status_code == 403
    assert json.loads(response.content) == [
        {"code": 403, "description": "api_key 无效或已停用，不能提交问题。"}
    ]
    assert counts() == before


def test_the_command_refuses_an_unknown_region_and_an_unknown_hint(db):
    with pytest.raises(CommandError, match="没有区划代码为 999999 的区划"):
        call_command("open311_key", "create", "--name", "某App", "--region", "999999")
    with pytest.raises(CommandError, match="没有前 8 位为 abcdefgh 的密钥"):
        call_command("open311_key", "deactivate", "abcdefgh")
    assert Open311Key.objects.count() == 0


def test_a_posted_request_becomes_an_open311_item_with_identity_kept_for_the_bureau(
    client, api_key, clock, zhoushan
):
    response = post(
        client,
        api_key=api_key,
        service_code="si-luan",
        lat="30.016667",
        long="122.106667",
        address_string="舟山市定海区人民北路1号",
        description="一个月内同一部门来检查三次。\n每次要求提交相同材料。",
        first_name="海生",
        last_name="周",
        phone="13900000009",
        email="zhou@example.cn",
        media_url="http://example.cn/photo.jpg",
    )
    assert response.status_code == 200
    [answer] = json.loads(response.content)
    item = Complaint.objects.get()
    assert answer == {
        "service_request_id": item.number,
        "service_notice": (
            "行政执法监督机关受理后分办至承办单位，承办单位须在分办之日起5个工作日内答复；"
            "答复经核实并征求反映人意见后销号。"
        ),
        "account_id": None,
    }
    assert item.channel == Channel.OPEN311
    assert item.region == zhoushan
    assert item.category.code == "si-luan"
    assert item.content == "一个月内同一部门来检查三次。\n每次要求提交相同材料。"
    assert (item.complainant_name, item.complainant_phone, item.complainant_email) == (
        "周海生",
        "13900000009",
        "zhou@example.cn",
    )
    assert item.is_anonymous is False
    assert item.address == "舟山市定海区人民北路1号"
    assert (item.lat, item.long) == (Decimal("30.016667"), Decimal("122.106667"))
    # The media URL is not fetched, nor kept.
    assert "example.cn/photo" not in item.content
    assert item.open311_token == ""
    assert item.status == Status.RECEIVED


def test_a_request_without_identity_is_anonymous_and_its_place_may_be_an_address_id(
    client, api_key
):
    response = post(
        client,
        api_key=api_key,
        service_code="quli-zhifa",
        address_id="ZS-001",
        description="异地执法。",
    )
    assert response.status_code == 200
    item = Complaint.objects.get()
    assert item.is_anonymous is True
    assert item.address == "地址编号 ZS-001"
    assert item.lat is None


def test_a_jurisdiction_below_the_keys_region_files_the_item_there(client, api_key, dinghai):
    response = post(
        client,
        api_key=api_key,
        jurisdiction_id="330902",
        service_code="si-luan",
        address_string="人民北路",
        description="乱罚款。",
    )
    assert response.status_code == 200
    assert Complaint.objects.get().region == dinghai


def test_a_jurisdiction_outside_the_keys_region_is_refused_403_and_an_unknown_one_404(
    client, api_key, jinzhong
):
    before = counts()
    fields = {
        "api_key": api_key,
        "service_code": "si-luan",
        "address_string": "某地",
        "description": "乱罚款。",
    }
    response = post(client, jurisdiction_id=jinzhong.code, **fields)
    assert response.status_code == 403
    assert json.loads(response.content) == [
        {
            "code": 403,
            "description": "该 api_key 只能提交舟山市及其下级区划的问题，不能提交晋中市的问题。",
        }
    ]
    response = post(client, jurisdiction_id="999999", **fields)
    assert response.status_code == 404
    assert counts() == before


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"lat": "30.0", "address_string": "某地"}, "lat 与 long 须同时提供。"),
        ({"lat": "91", "long": "122"}, "lat 须为 WGS84 十进制度数，介于 -90 与 90 之间。"),
        ({"lat": "30", "long": "abc"}, "long 须为 WGS84 十进制度数，介于 -180 与 180 之间。"),
        ({"address_string": "人民\u202e北路"}, "address_string 含有"),
        ({"address_string": "某地", "phone": "call me"}, "phone：联系电话只能包含"),
        (
            {"address_string": "某地", "description": "字" * 4001},
            "description：反映内容不能超过 4000 个字",
        ),
    ],
)
def test_bad_fields_are_refused_400_naming_them_and_store_nothing(client, api_key, fields, message):
    before = counts()
    body = {"api_key": api_key, "service_code": "si-luan", "description": "乱罚款。"}
    body.update(fields)
    response = post(client, **body)
    assert response.status_code == 400
    [error] = json.loads(response.content)
    assert error["code"] == 400
    assert error["description"].startswith(message)
    assert counts() == before


def test_a_post_is_taken_without_a_csrf_token_because_the_key_authenticates_it(api_key):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        "/open311/v2/requests.xml",
        {
            "api_key": api_key,
            "service_code": "si-luan",
            "address_string": "某地",
            "description": "乱罚款。",
        },
    )
    assert response.status_code == 200
    assert response.content.decode().startswith(
        '<?xml version="1.0" encoding="utf-8"?>\n<service_requests><request><service_request_id>WT'
    )


def test_our_states_read_as_open_or_closed_with_a_public_note(
    client, filed, supervisor, health_agency
):
    row = read(client, filed.number)
    # Named by the complainant, but not yet handed to it: no agency is responsible yet.
    assert (row["status"], row["status_notes"], row["agency_responsible"]) == (
        "open",
        "已受理，待行政执法监督机关分办。",
        "",
    )
    assert row["expected_datetime"] is None
    assert row["address"] == "舟山市，浙江省"
    assert (row["lat"], row["long"], row["media_url"], row["description"]) == (None, None, "", "")

    services.decline(filed, actor=supervisor, reason="陈经理反映的事项已由法院受理。")
    row = read(client, filed.number)
    assert (row["status"], row["status_notes"]) == ("closed", "不予受理。")
    assert "法院" not in json.dumps(row, ensure_ascii=False)


def test_a_closed_item_reads_closed_with_its_closing_time(client, verified, clock):
    clock.shift(3600)
    services.rate(verified, satisfaction="satisfied", comment="满意")
    closed = Complaint.objects.get(pk=verified.pk)
    assert closed.status == Status.CLOSED
    row = read(client, closed.number)
    assert row["status"] == "closed"
    assert row["status_notes"] == "已办结销号。"
    assert row["updated_datetime"] == "2026-12-01T10:00:00+08:00"
    assert row["expected_datetime"] is None
    assert row["agency_responsible"] == "舟山市卫生健康委员会"


def test_an_item_carrying_a_token_is_found_by_it(client, filed):
    Complaint.objects.filter(pk=filed.pk).update(open311_token="batch-0001")
    response = client.get("/open311/v2/tokens/batch-0001.json")
    assert response.status_code == 200
    assert json.loads(response.content) == [
        {"service_request_id": filed.number, "token": "batch-0001"}
    ]
    response = client.get("/open311/v2/tokens/batch-0001.xml")
    assert response.content.decode() == (
        '<?xml version="1.0" encoding="utf-8"?>\n<service_requests><request>'
        f"<service_request_id>{filed.number}</service_request_id><token>batch-0001</token>"
        "</request></service_requests>"
    )


def test_xml_escapes_what_a_category_says(client, zhoushan):
    from zhifa.complaints.models import Category

    Category.objects.create(
        code="zs-test",
        name="<b>收费</b> & “罚款”",
        parent=Category.objects.get(code="si-luan"),
        region=zhoushan,
    )
    body = client.get("/open311/v2/services.xml").content.decode()
    assert "<service_name>&lt;b&gt;收费&lt;/b&gt; &amp; “罚款”</service_name>" in body


def test_a_jurisdiction_narrows_the_service_list_to_what_applies_there(client, zhoushan, jinzhong):
    from zhifa.complaints.models import Category

    Category.objects.create(
        code="zs-only",
        name="舟山子类",
        parent=Category.objects.get(code="si-luan"),
        region=zhoushan,
    )
    codes = lambda region: [  # noqa: E731
        s["service_code"]
        for s in json.loads(
            client.get("/open311/v2/services.json", {"jurisdiction_id": region}).content
        )
    ]
    assert "zs-only" in codes(zhoushan.code)
    assert "zs-only" not in codes(jinzhong.code)
    assert codes("") == codes(zhoushan.code)
    response = client.get("/open311/v2/services.json", {"jurisdiction_id": "000000"})
    assert response.status_code == 404


def test_a_list_argument_may_be_comma_delimited_or_given_several_times(client, filed, clock):
    def numbers(query: str) -> list[str]:
        response = client.get(f"/open311/v2/requests.json?{query}")
        assert response.status_code == 200
        return [row["service_request_id"] for row in json.loads(response.content)]

    assert numbers("service_code=quli-zhifa") == []
    assert numbers("service_code=quli-zhifa&service_code=si-luan") == [filed.number]
    assert numbers("service_code=quli-zhifa,si-luan&status=open") == [filed.number]
    assert numbers("status=closed") == []
    assert numbers("status=open&status=closed") == [filed.number]
    response = client.get("/open311/v2/requests.json?status=pending")
    assert response.status_code == 400
    assert json.loads(response.content) == [
        {
            "code": 400,
            "description": "status “pending”不正确：只能是 open 或 closed，可用逗号分隔。",
        }
    ]
