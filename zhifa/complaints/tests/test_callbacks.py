"""Status back to the 12345 hotline: an outbox row written with the change, sent after commit to a
real local HTTP server, retried with back-off after a failure, a dead letter after the last attempt
on the administrator's list, and sent again from there."""

from __future__ import annotations

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command

from zhifa.audit.models import AuditRecord
from zhifa.complaints import callbacks, hotline, services
from zhifa.complaints.models import CallbackStatus, Channel, Hotline, StatusCallback

pytestmark = pytest.mark.django_db

CODE = "zhoushan-12345"
NOW = dt.datetime(2026, 12, 1, 1, 0, tzinfo=dt.UTC)  # 09:00 Beijing


class Recorder:
    """A hotline's callback endpoint: answers the statuses queued (then 200) and keeps what it
    was sent, with the signature checked against the hotline's key."""

    def __init__(self) -> None:
        self.statuses: list[int] = []
        self.received: list[tuple[dict[str, str], bytes]] = []


@pytest.fixture
def endpoint():
    recorder = Recorder()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            recorder.received.append((dict(self.headers.items()), body))
            status = recorder.statuses.pop(0) if recorder.statuses else 200
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    recorder.url = f"http://127.0.0.1:{server.server_address[1]}/callback"  # type: ignore[attr-defined]
    yield recorder
    server.shutdown()
    server.server_close()


@pytest.fixture
def line(clock, zhoushan, justice_bureau, endpoint):
    found = Hotline.objects.create(
        code=CODE, name="舟山市12345政务服务便民热线", region=zhoushan, callback_url=endpoint.url
    )
    key, secret = hotline.new_key(found)
    found.key, found.secret = key.key_id, secret  # type: ignore[attr-defined]
    return found


@pytest.fixture
def pushed(line, health_agency):
    """A work order 舟山市12345 pushed in (as the API does)."""
    return services.file_complaint(
        channel=Channel.HOTLINE,
        category="si-luan",
        content="市卫健委一周内三次到店检查，每次都要求重新提交同样的材料。",
        region=line.region,
        agency=health_agency,
        complainant_name="刘先生",
        complainant_phone="13900000002",
        hotline=CODE,
        hotline_order_no="ZS20261201-0001",
        hotline_caller="刘先生",
        hotline_received_at=NOW - dt.timedelta(minutes=30),
    )


def assign(item, supervisor, health_agency, capture):
    with capture(execute=True):
        return services.assign(item, agency=health_agency, actor=supervisor)


def test_a_status_change_of_a_hotline_item_is_written_with_the_change_and_sent_after_commit(
    pushed, supervisor, health_agency, endpoint, line, django_capture_on_commit_callbacks
):
    # Taking the order in is the push's own answer: nothing is owed for it.
    assert StatusCallback.objects.count() == 0

    assign(pushed, supervisor, health_agency, django_capture_on_commit_callbacks)

    callback = StatusCallback.objects.get()
    assert callback.status == CallbackStatus.DELIVERED
    assert (callback.attempts, callback.last_error) == (1, "")
    assert callback.delivered_at == NOW
    headers, body = endpoint.received[0]
    assert json.loads(body) == {
        "order_no": "ZS20261201-0001",
        "number": pushed.number,
        "status": "assigned",
        "status_label": "办理中",
        "stage": "办理",
        "at": "2026-12-01T09:00:00+08:00",
        "answer": None,
        "satisfaction": None,
        "satisfaction_label": None,
    }
    # Signed as the hotline signs to us, with its current key.
    assert headers["X-Zhifa-Key"] == line.key
    assert headers["X-Zhifa-Signature"] == hotline.signature(
        line.secret, headers["X-Zhifa-Timestamp"], headers["X-Zhifa-Nonce"], body
    )
    assert headers["Content-Type"] == "application/json; charset=utf-8"


def test_the_hotline_hears_each_stage_until_closed_and_nothing_but_the_status_fields(
    pushed,
    supervisor,
    health_agency,
    inspector,
    endpoint,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        services.assign(pushed, agency=health_agency, actor=supervisor)
        services.answer(pushed, actor=inspector, text="已合并检查，并向企业致歉。")
        services.verify(pushed, actor=supervisor, note="电话回访，情况属实。")
        services.rate(pushed, satisfaction="satisfied")

    sent = [json.loads(body) for _, body in endpoint.received]
    assert [(p["stage"], p["status_label"]) for p in sent] == [
        ("办理", "办理中"),
        ("回复", "待核实"),
        ("回访", "待评价"),
        ("回访", "待评价"),
        ("办结", "已销号"),
    ]
    assert sent[-1]["answer"] == "已合并检查，并向企业致歉。"
    assert (sent[-1]["satisfaction"], sent[-1]["satisfaction_label"]) == ("satisfied", "满意")
    # Keys, not their order: PostgreSQL keeps the stored payload (jsonb) in its own key order.
    assert all(sorted(p) == sorted(hotline.PAYLOAD_KEYS) for p in sent)
    # Who complained never goes back: not the caller's name, not his phone, not our officers.
    text = b"".join(body for _, body in endpoint.received).decode()
    for secret_word in ("刘先生", "13900000002", "王检查", "赵监督", pushed.tracking_code):
        assert secret_word not in text
    assert StatusCallback.objects.filter(status=CallbackStatus.DELIVERED).count() == 5


def test_no_report_is_owed_without_a_callback_address_or_for_other_channels(
    line, filed, supervisor, health_agency, pushed, django_capture_on_commit_callbacks
):
    assign(filed, supervisor, health_agency, django_capture_on_commit_callbacks)
    line.callback_url = ""
    line.save()
    assign(pushed, supervisor, health_agency, django_capture_on_commit_callbacks)
    assert StatusCallback.objects.count() == 0


def test_the_status_callback_retries_after_a_failure_and_is_delivered(
    pushed, supervisor, health_agency, endpoint, clock, django_capture_on_commit_callbacks
):
    endpoint.statuses = [500]

    assign(pushed, supervisor, health_agency, django_capture_on_commit_callbacks)

    callback = StatusCallback.objects.get()
    assert callback.status == CallbackStatus.PENDING
    assert callback.attempts == 1
    assert callback.last_error == "热线返回 HTTP 500，未接收。"
    assert callback.next_attempt_at == NOW + dt.timedelta(minutes=1)

    # Not due yet: the timer leaves it.
    call_command("complaints_callbacks")
    callback.refresh_from_db()
    assert (callback.attempts, len(endpoint.received)) == (1, 1)

    clock.shift(dt.timedelta(minutes=1))
    call_command("complaints_callbacks")

    callback.refresh_from_db()
    assert callback.status == CallbackStatus.DELIVERED
    assert callback.attempts == 2
    assert callback.last_error == ""
    assert callback.delivered_at == NOW + dt.timedelta(minutes=1)
    assert len(endpoint.received) == 2
    assert endpoint.received[0][1] == endpoint.received[1][1]


def test_after_the_last_attempt_the_report_is_a_dead_letter_the_administrator_sends_again(
    pushed,
    supervisor,
    health_agency,
    endpoint,
    clock,
    admin_user,
    client_for,
    django_capture_on_commit_callbacks,
):
    endpoint.statuses = [503] * 6
    assign(pushed, supervisor, health_agency, django_capture_on_commit_callbacks)
    callback = StatusCallback.objects.get()
    waits = []
    for _ in range(5):
        waits.append(callback.next_attempt_at - dt.datetime.now(dt.UTC))
        clock.move_to(callback.next_attempt_at)
        call_command("complaints_callbacks")
        callback.refresh_from_db()

    assert waits == [dt.timedelta(minutes=m) for m in (1, 5, 15, 60, 240)]
    assert callback.status == CallbackStatus.DEAD
    assert callback.attempts == 6
    assert callback.last_error == "热线返回 HTTP 503，未接收。"
    assert len(endpoint.received) == 6
    # A dead letter is not retried by the timer.
    clock.shift(dt.timedelta(days=1))
    call_command("complaints_callbacks")
    assert len(endpoint.received) == 6

    admin = client_for(admin_user)
    page = admin.get("/hotline/callbacks/")
    assert page.status_code == 200
    html = page.content.decode()
    assert pushed.number in html
    assert "舟山市12345政务服务便民热线" in html
    assert "发送失败（待人工处理）" in html
    assert "已尝试 6 次" in html
    assert "热线返回 HTTP 503，未接收。" in html
    assert "生成 2026-12-01 09:00" in html
    assert "重新发送" in html

    audits = AuditRecord.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(f"/hotline/callbacks/{callback.pk}/retry/")
    assert response.status_code == 302
    callback.refresh_from_db()
    assert callback.status == CallbackStatus.DELIVERED
    assert callback.attempts == 7
    assert len(endpoint.received) == 7
    assert AuditRecord.objects.count() == audits + 1
    assert AuditRecord.objects.last().action == "complaints.callback.retry"
    after = admin.get("/hotline/callbacks/").content.decode()
    assert "共 0 条" in after and "没有回传失败的记录（0 条）。" in after


def test_only_an_administrator_sees_the_dead_letters_and_sends_them_again(
    pushed,
    supervisor,
    health_agency,
    endpoint,
    client_for,
    django_capture_on_commit_callbacks,
):
    endpoint.statuses = [500]
    assign(pushed, supervisor, health_agency, django_capture_on_commit_callbacks)
    callback = StatusCallback.objects.get()
    bureau = client_for(supervisor)

    listing = bureau.get("/hotline/callbacks/")
    retry = bureau.post(f"/hotline/callbacks/{callback.pk}/retry/")
    anonymous = client_for(None).get("/hotline/callbacks/")

    assert listing.status_code == 403
    assert "12345热线状态回传失败记录仅系统管理员可查看和重新发送。" in listing.content.decode()
    assert retry.status_code == 403
    assert anonymous.status_code == 302
    callback.refresh_from_db()
    assert (callback.status, callback.attempts, len(endpoint.received)) == (
        CallbackStatus.PENDING,
        1,
        1,
    )


def test_a_hotline_that_cannot_be_reached_is_named_in_the_error(
    pushed, supervisor, health_agency, line, django_capture_on_commit_callbacks
):
    line.callback_url = "http://127.0.0.1:9/closed"
    line.save()
    assign(pushed, supervisor, health_agency, django_capture_on_commit_callbacks)
    callback = StatusCallback.objects.get()
    assert callback.status == CallbackStatus.PENDING
    assert callback.last_error == "热线状态回传地址拒绝连接（对方服务未启动或端口不对）。"


def test_a_newer_report_waits_behind_an_older_one_of_the_same_item(
    pushed,
    supervisor,
    health_agency,
    inspector,
    endpoint,
    clock,
    django_capture_on_commit_callbacks,
):
    endpoint.statuses = [500]
    with django_capture_on_commit_callbacks(execute=True):
        services.assign(pushed, agency=health_agency, actor=supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        services.answer(pushed, actor=inspector, text="已合并检查。")

    older, newer = StatusCallback.objects.order_by("pk")
    newer.refresh_from_db()
    assert (older.status, newer.status, newer.attempts) == (CallbackStatus.PENDING,) * 2 + (0,)

    clock.shift(dt.timedelta(minutes=1))
    assert callbacks.deliver_due() == {"delivered": 2, "failed": 0, "dead": 0, "held": 0}
    stages = [json.loads(body)["stage"] for _, body in endpoint.received]
    assert stages == ["办理", "办理", "回复"]


def test_the_dead_letter_list_pages_and_filters(pushed, admin_user, client_for, line, settings):
    settings.ZHIFA_PAGE_SIZE = 2
    for n in range(3):
        StatusCallback.objects.create(
            hotline=line,
            complaint=pushed,
            payload={"stage": "办理", "status_label": "办理中"},
            status=CallbackStatus.DEAD if n else CallbackStatus.PENDING,
            attempts=6 if n else 2,
            last_error="热线返回 HTTP 502，未接收。",
        )
    admin = client_for(admin_user)

    first = admin.get("/hotline/callbacks/").content.decode()
    dead = admin.get("/hotline/callbacks/?status=dead").content.decode()
    waiting = admin.get("/hotline/callbacks/?status=pending").content.decode()

    assert "共 3 条" in first and "第 1 / 2 页" in first
    assert "共 2 条" in dead
    assert "共 1 条" in waiting and "等待自动重试" in waiting
    assert "下次自动重试 2026-12-01 09:00" in waiting
