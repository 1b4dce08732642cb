"""The 12345 hotline pushes signed work orders (GB/T 33358 工单) and reads their status: one item
per order number however often it is pushed, replays and bad signatures refused, rotated keys,
and every refusal a JSON body with a stable code and a Chinese message, leaving nothing stored."""

from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.request
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command

import zhifa_testing as testing
from zhifa.audit.models import AuditRecord
from zhifa.complaints import hotline
from zhifa.complaints.models import (
    Channel,
    Complaint,
    ComplaintEvent,
    Hotline,
    HotlineKey,
    HotlineNonce,
    Status,
)
from zhifa.org.models import OrganisationKind

pytestmark = pytest.mark.django_db

CODE = "zhoushan-12345"
ORDER = {
    "order_no": "ZS20261201-0001",
    "caller_name": "刘先生",
    "caller_phone": "13900000002",
    "content": "市卫健委一周内三次到店检查，每次都要求重新提交同样的材料。",
    "category": "si-luan",
    "region": "330900",
    "agency": "舟山市卫生健康委员会",
    "due_date": "2026-12-08",
    "received_at": "2026-12-01T08:30:00+08:00",
}


@pytest.fixture
def line(clock, zhoushan, justice_bureau, health_agency):
    """舟山市12345 with one signing key; the platform's clock is 2026-12-01 09:00 Beijing."""
    found = Hotline.objects.create(code=CODE, name="舟山市12345政务服务便民热线", region=zhoushan)
    key, secret = hotline.new_key(found)
    found.key, found.secret = key.key_id, secret  # type: ignore[attr-defined]
    return found


def body_of(order: dict) -> bytes:
    return json.dumps(order, ensure_ascii=False).encode("utf-8")


def push(client, line, order=None, *, raw=None, key=None, secret=None, code=CODE, **signing):
    body = raw if raw is not None else body_of(order or ORDER)
    headers = hotline.signed_headers(key or line.key, secret or line.secret, body, **signing)
    return client.post(
        f"/hotline/{code}/v1/orders", data=body, content_type="application/json", headers=headers
    )


def status_of(client, line, order_no, *, path=None, **signing):
    url = f"/hotline/{CODE}/v1/orders/{order_no}"
    headers = hotline.signed_headers(line.key, line.secret, (path or url).encode(), **signing)
    return client.get(url, headers=headers)


def counts():
    return (
        Complaint.objects.count(),
        ComplaintEvent.objects.count(),
        AuditRecord.objects.count(),
        HotlineNonce.objects.count(),
    )


def test_a_hotline_pushes_a_work_order_and_it_becomes_an_item_waiting_for_the_bureau(
    client, line, health_agency
):
    response = push(client, line)

    assert response.status_code == 201
    item = Complaint.objects.get()
    assert response.json() == {
        "order_no": "ZS20261201-0001",
        "number": item.number,
        "status": "received",
        "status_label": "待分办",
        "stage": "受理",
        "at": "2026-12-01T09:00:00+08:00",
        "answer": None,
        "satisfaction": None,
        "satisfaction_label": None,
        "result": "created",
        "message": f"工单 ZS20261201-0001 已受理为问题 {item.number}。",
    }
    assert item.channel == Channel.HOTLINE
    assert (item.hotline, item.hotline_order_no, item.hotline_caller) == (
        CODE,
        "ZS20261201-0001",
        "刘先生",
    )
    assert item.complainant_phone == "13900000002"
    assert item.hotline_received_at == dt.datetime(2026, 12, 1, 0, 30, tzinfo=dt.UTC)
    assert item.hotline_due == dt.date(2026, 12, 8)
    assert item.agency == health_agency
    assert item.category.code == "si-luan"
    assert item.status == Status.RECEIVED
    assert [e.actor_label for e in item.events.all()] == ["12345热线"]


def test_the_same_order_pushed_twice_is_one_item_and_the_second_push_writes_nothing(client, line):
    first = push(client, line)
    before = counts()

    second = push(client, line)

    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["number"] == first.json()["number"]
    assert second.json()["result"] == "duplicate"
    assert second.json()["message"] == (
        f"工单 ZS20261201-0001 已受理为问题 {first.json()['number']}，未重复登记。"
    )
    items, events, audits, nonces = counts()
    # No item, no timeline step, no audit record; only the new nonce is remembered (its replay
    # is refused like any other).
    assert (items, events, audits, nonces) == (before[0], before[1], before[2], before[3] + 1)


def test_the_same_order_number_with_other_content_changes_nothing_and_says_what_differs(
    client, line
):
    push(client, line)
    item = Complaint.objects.get()

    again = push(client, line, {**ORDER, "content": "补充：还要求购买指定的消毒用品。"})

    assert again.status_code == 200
    assert again.json()["result"] == "duplicate_differs"
    assert again.json()["differs"] == ["content"]
    assert again.json()["message"] == (
        f"工单 ZS20261201-0001 已于2026-12-01 09:00受理为问题 {item.number}；本次推送的"
        "诉求内容（content）与已受理的不同，未作任何更改。如需补充，请另行来函或联系监督机关。"
    )
    item.refresh_from_db()
    assert item.content == ORDER["content"]
    assert Complaint.objects.count() == 1


def test_a_replayed_request_is_refused_409_and_nothing_is_stored(client, line):
    body = body_of(ORDER)
    headers = hotline.signed_headers(line.key, line.secret, body, nonce="nonce-0001-abcdef")
    first = client.post(
        f"/hotline/{CODE}/v1/orders", data=body, content_type="application/json", headers=headers
    )
    assert first.status_code == 201
    before = counts()

    replay = client.post(
        f"/hotline/{CODE}/v1/orders", data=body, content_type="application/json", headers=headers
    )
    # Even a new order signed with a nonce already used is refused.
    other = push(client, line, {**ORDER, "order_no": "ZS-2"}, nonce="nonce-0001-abcdef")

    assert replay.status_code == 409
    assert replay.json() == {
        "error": "replayed_nonce",
        "message": "该随机串（X-Zhifa-Nonce）已使用过：请求被重放，未予处理。",
        "field": "",
    }
    assert other.status_code == 409
    assert counts() == before


def test_a_bad_signature_is_refused_401_and_nothing_is_stored(client, line):
    before = counts()
    body = body_of(ORDER)
    headers = hotline.signed_headers(line.key, line.secret, body)
    tampered = body_of({**ORDER, "content": "被篡改的内容"})

    response = client.post(
        f"/hotline/{CODE}/v1/orders",
        data=tampered,
        content_type="application/json",
        headers=headers,
    )
    wrong_secret = push(client, line, secret="not-the-secret")

    assert response.status_code == 401
    assert response.json() == {
        "error": "bad_signature",
        "message": "签名（X-Zhifa-Signature）与请求内容不符。",
        "field": "",
    }
    assert wrong_secret.json()["error"] == "bad_signature"
    assert counts() == before


def test_an_unsigned_request_is_refused_401_naming_the_missing_headers(client, line):
    before = counts()
    response = client.post(
        f"/hotline/{CODE}/v1/orders", data=body_of(ORDER), content_type="application/json"
    )
    assert response.status_code == 401
    assert response.json()["error"] == "missing_signature"
    assert response.json()["message"] == (
        "请求缺少签名头 X-Zhifa-Key、X-Zhifa-Timestamp、X-Zhifa-Nonce、X-Zhifa-Signature："
        "每个请求都须用热线密钥签名。"
    )
    assert counts() == before


@pytest.mark.parametrize("offset", [-301, 301, -3600])
def test_a_timestamp_outside_five_minutes_is_refused(client, line, offset):
    before = counts()
    now = int(dt.datetime(2026, 12, 1, 1, 0, tzinfo=dt.UTC).timestamp())

    response = push(client, line, timestamp=now + offset)

    assert response.status_code == 401
    assert response.json() == {
        "error": "stale_timestamp",
        "message": "时间戳与平台时间相差超过 300 秒，请核对时钟后重新签名发送。",
        "field": "",
    }
    assert counts() == before


def test_a_timestamp_within_five_minutes_is_accepted(client, line):
    now = int(dt.datetime(2026, 12, 1, 1, 0, tzinfo=dt.UTC).timestamp())
    assert push(client, line, timestamp=now - 299).status_code == 201


def test_a_rotated_key_works_until_its_retire_time_and_is_refused_after(client, line, clock):
    old_key, old_secret = line.key, line.secret
    new, new_secret = hotline.new_key(line, grace_hours=24)

    during = push(client, line, {**ORDER, "order_no": "ZS-OLD-1"})
    with_new = push(
        client, line, {**ORDER, "order_no": "ZS-NEW-1"}, key=new.key_id, secret=new_secret
    )
    clock.shift(dt.timedelta(hours=24))
    after = push(client, line, {**ORDER, "order_no": "ZS-OLD-2"}, key=old_key, secret=old_secret)
    still_new = push(
        client, line, {**ORDER, "order_no": "ZS-NEW-2"}, key=new.key_id, secret=new_secret
    )

    assert (during.status_code, with_new.status_code) == (201, 201)
    assert after.status_code == 401
    assert after.json()["error"] == "key_retired"
    assert after.json()["message"] == "该签名密钥已停用，请使用新密钥签名。"
    assert still_new.status_code == 201
    assert sorted(Complaint.objects.values_list("hotline_order_no", flat=True)) == [
        "ZS-NEW-1",
        "ZS-NEW-2",
        "ZS-OLD-1",
    ]
    assert hotline.current_key(line) == new


def test_a_key_of_another_hotline_is_refused(client, line, jinzhong):
    other = Hotline.objects.create(code="jinzhong-12345", name="晋中市12345热线", region=jinzhong)
    key, secret = hotline.new_key(other)
    before = counts()

    response = push(client, line, key=key.key_id, secret=secret)

    assert response.status_code == 401
    assert response.json()["error"] == "key_of_other_hotline"
    assert response.json()["message"] == "该签名密钥不属于舟山市12345政务服务便民热线。"
    assert counts() == before


REFUSED = [
    (
        {"category": "luan-shoufei"},
        "unknown_category",
        "category",
        "未知的问题类别代码“luan-shoufei”，请使用平台公布的问题类别代码。",
    ),
    ({"region": "330999"}, "unknown_region", "region", "未知的行政区划代码“330999”。"),
    (
        {"region": "140700", "agency": ""},
        "region_outside_hotline",
        "region",
        "晋中市（140700）不在舟山市12345政务服务便民热线的服务区划舟山市内，不能受理。",
    ),
    (
        {"agency": "舟山市卫生局"},
        "unknown_agency",
        "agency",
        "舟山市没有名为“舟山市卫生局”的行政执法机关，请核对全称（或统一社会信用代码）。",
    ),
    (
        {"content": "", "category": None},
        "missing_field",
        "content",
        "工单缺少必填项：诉求内容（content）、问题类别代码（category）。",
    ),
    (
        {"received_at": "2026-12-01T08:30:00"},
        "invalid_field",
        "received_at",
        "受理时间（received_at）须带时区（如 +08:00），否则无法确定时刻。",
    ),
    (
        {"due_date": "2026-11-30"},
        "invalid_field",
        "due_date",
        "要求办结日期（due_date）早于受理时间。",
    ),
    (
        {"caller_phone": "139-abc"},
        "invalid_field",
        "caller_phone",
        "来电号码（caller_phone）只能包含数字、空格、“-”和“+”。",
    ),
    (
        {"content": "内容\x00含控制字符"},
        "invalid_field",
        "content",
        None,
    ),
]


@pytest.mark.parametrize(("change", "code", "field", "message"), REFUSED)
def test_a_bad_work_order_is_refused_400_by_its_field_and_nothing_is_stored(
    client, line, jinzhong, change, code, field, message
):
    before = counts()

    response = push(client, line, {**ORDER, **change})

    assert response.status_code == 400
    assert response.json()["error"] == code
    assert response.json()["field"] == field
    if message is not None:
        assert response.json()["message"] == message
    assert counts() == before


def test_a_body_that_is_not_json_is_refused_400(client, line):
    response = push(client, line, raw="工单".encode("gbk"))
    assert response.status_code == 400
    assert response.json()["error"] == "bad_json"
    assert response.json()["message"] == "请求体应为 UTF-8 编码的 JSON 对象。"


def test_a_body_over_64_kb_is_refused_413_unread(client, line):
    before = counts()
    response = push(client, line, {**ORDER, "content": "很长" * 40_000})
    assert response.status_code == 413
    assert response.json()["error"] == "body_too_large"
    assert response.json()["message"].endswith("一个工单不能超过 64 KB；附件请另行提交。")
    assert counts() == before


def test_an_unknown_or_disabled_hotline_is_refused(client, line):
    unknown = push(client, line, code="nowhere-12345")
    line.is_active = False
    line.save()
    disabled = push(client, line)

    assert (unknown.status_code, unknown.json()["error"]) == (404, "unknown_hotline")
    assert unknown.json()["message"] == "没有代码为“nowhere-12345”的热线对接。"
    assert (disabled.status_code, disabled.json()["error"]) == (403, "hotline_disabled")
    assert Complaint.objects.count() == 0


def test_only_post_is_accepted_for_pushing_and_the_refusal_is_json(client, line):
    response = client.get(f"/hotline/{CODE}/v1/orders")
    assert response.status_code == 405
    assert response.json()["error"] == "method_not_allowed"


def test_the_hotline_reads_the_status_of_its_order_signed_over_the_path(
    client, line, supervisor, health_agency, inspector
):
    from zhifa.complaints import services

    push(client, line)
    item = Complaint.objects.get()
    services.assign(item, agency=health_agency, actor=supervisor)
    services.answer(item, actor=inspector, text="已合并检查，并向企业致歉。")

    response = status_of(client, line, "ZS20261201-0001")

    assert response.status_code == 200
    assert response.json() == {
        "order_no": "ZS20261201-0001",
        "number": item.number,
        "status": "answered",
        "status_label": "待核实",
        "stage": "回复",
        "at": "2026-12-01T09:00:00+08:00",
        "answer": "已合并检查，并向企业致歉。",
        "satisfaction": None,
        "satisfaction_label": None,
    }
    # The payload names no one: not the caller, not his phone, not who handled it.
    assert "刘先生" not in response.content.decode()
    assert "13900000002" not in response.content.decode()


def test_a_status_read_signed_for_another_order_or_unknown_is_refused(client, line):
    push(client, line)
    forged = status_of(client, line, "ZS20261201-0001", path=f"/hotline/{CODE}/v1/orders/OTHER")
    unknown = status_of(client, line, "ZS-NONE")

    assert (forged.status_code, forged.json()["error"]) == (401, "bad_signature")
    assert (unknown.status_code, unknown.json()["error"]) == (404, "unknown_order")
    assert unknown.json()["message"] == "没有工单编号为“ZS-NONE”的问题。"


def test_an_agency_named_by_its_credit_code_is_found_in_the_region(client, line, health_agency):
    health_agency.uscc = "11330900002578123X"
    health_agency.save()
    response = push(client, line, {**ORDER, "agency": "11330900002578123X"})
    assert response.status_code == 201
    assert Complaint.objects.get().agency == health_agency


def test_an_anonymous_caller_leaves_no_name_or_phone(client, line):
    response = push(client, line, {**ORDER, "anonymous": True})
    item = Complaint.objects.get()
    assert response.status_code == 201
    assert (item.is_anonymous, item.hotline_caller, item.complainant_phone) == (True, "", "")


def test_nonces_are_forgotten_after_twice_the_replay_window(client, line, clock):
    push(client, line)
    clock.shift(dt.timedelta(seconds=601))
    assert hotline.prune_nonces() == 1
    assert HotlineNonce.objects.count() == 0


def test_the_key_command_rotates_and_prints_the_new_secret_once(line, capsys):
    old = HotlineKey.objects.get(hotline=line)

    call_command("hotline_key", "--hotline", CODE, "--rotate", "--grace-hours", "2")

    out = capsys.readouterr().out
    new = HotlineKey.objects.filter(hotline=line).exclude(pk=old.pk).get()
    assert f"密钥编号 X-Zhifa-Key: {new.key_id}" in out
    assert f"密钥: {new.secret}" in out
    old.refresh_from_db()
    assert old.retires_at == dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.UTC)
    assert f"{old.key_id}  启用 2026-12-01 09:00  2026-12-01 11:00 停用" in out
    call_command("hotline_key", "--hotline", CODE)
    assert new.secret not in capsys.readouterr().out


# --- Over real HTTP ----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_over_real_http_a_pushed_order_is_taken_once_and_its_replay_refused(live_server):
    # A transactional test before this one flushed what the migrations seeded.
    import_module("zhifa.complaints.migrations.0002_national_categories").seed(django_apps, None)
    zhoushan = testing.zhejiang_zhoushan()
    testing.organisation("舟山市司法局", region=zhoushan, kind=OrganisationKind.SUPERVISOR)
    testing.organisation("舟山市卫生健康委员会", region=zhoushan)
    line = Hotline.objects.create(code=CODE, name="舟山市12345热线", region=zhoushan)
    key, secret = hotline.new_key(line)
    url = f"{live_server.url}/hotline/{CODE}/v1/orders"
    order = {**ORDER, "received_at": dt.datetime.now(dt.UTC).isoformat()}
    order.pop("due_date")
    body = body_of(order)

    def send(headers):
        request = urllib.request.Request(
            url, data=body, headers={"Content-Type": "application/json", **headers}
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    first_headers = hotline.signed_headers(key.key_id, secret, body)
    first = send(first_headers)
    second = send(hotline.signed_headers(key.key_id, secret, body))
    replay = send(first_headers)

    assert (first[0], first[1]["result"]) == (201, "created")
    assert (second[0], second[1]["result"], second[1]["number"]) == (
        200,
        "duplicate",
        first[1]["number"],
    )
    assert (replay[0], replay[1]["error"]) == (409, "replayed_nonce")
    assert Complaint.objects.count() == 1


def test_admin_shows_a_hotline_with_its_key_numbers_but_never_a_secret(
    client_for, admin_user, line
):
    admin = client_for(admin_user)
    page = admin.get(f"/admin/complaints/hotline/{line.pk}/change/").content.decode()
    assert line.key in page
    assert line.secret not in page
    for model in ("category", "deadlinerule", "routingrule", "statuscallback", "open311key"):
        assert admin.get(f"/admin/complaints/{model}/").status_code == 200
