"""Signing in: repeated wrong passwords lock the user name out (the login page and the admin
alike) until the cool-off ends or an administrator unlocks it; an idle session ends; every user
changes his own password."""

from __future__ import annotations

import datetime as dt
import io
import zoneinfo

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

import zhifa_testing as testing
from zhifa.audit.models import AuditRecord

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)
LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"


def attempt(client, user, password, *, url=LOGIN, address="10.0.0.1"):
    return client.post(
        url,
        {"username": user.username, "password": password, "next": "/"},
        REMOTE_ADDR=address,
    )


def signed_in(client) -> bool:
    # "/" answers everyone (the public home when signed out): the page names who is signed in.
    return 'data-testid="current-user"' in client.get("/").content.decode()


def fail(client, user, times, *, url=LOGIN, address="10.0.0.1"):
    for _ in range(times):
        response = attempt(client, user, "wrong-password", url=url, address=address)
    return response


def test_the_default_limits_are_five_failures_thirty_minutes_and_thirty_idle_minutes():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 30 * 60
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_five_wrong_passwords_lock_out_the_right_one(client, inspector):
    with time_machine.travel(START, tick=False):
        fourth = fail(client, inspector, 4)
        fifth = attempt(client, inspector, "wrong-password")
        right = attempt(client, inspector, testing.DEMO_PASSWORD)

    assert fourth.status_code == 200
    assert "用户名或密码不正确" in fourth.content.decode()
    assert fifth.status_code == 429
    assert right.status_code == 429
    text = right.content.decode()
    assert "登录已暂时锁定" in text
    assert "连续 5 次输入错误的密码，为防止密码被猜测，登录已锁定 30 分钟" in text
    assert not signed_in(client)
    inspector.refresh_from_db()
    assert inspector.last_login is None


def test_the_admin_login_is_locked_out_too(client, admin_user):
    with time_machine.travel(START, tick=False):
        fail(client, admin_user, 5, url=ADMIN_LOGIN)
        right = attempt(client, admin_user, testing.DEMO_PASSWORD, url=ADMIN_LOGIN)

    assert right.status_code == 429
    assert "登录已暂时锁定" in right.content.decode()
    assert client.get("/admin/").status_code == 302
    admin_user.refresh_from_db()
    assert admin_user.last_login is None


def test_the_lockout_ends_after_the_cool_off(client, inspector):
    with time_machine.travel(START, tick=False):
        fail(client, inspector, 5)
    with time_machine.travel(START + dt.timedelta(minutes=29), tick=False):
        still = attempt(client, inspector, testing.DEMO_PASSWORD)
    with time_machine.travel(START + dt.timedelta(minutes=60), tick=False):
        later = attempt(client, inspector, testing.DEMO_PASSWORD)

    assert still.status_code == 429
    assert (later.status_code, later["Location"]) == (302, "/")


def test_a_lockout_is_of_the_user_name_at_that_address(client, inspector, approver):
    with time_machine.travel(START, tick=False):
        fail(client, inspector, 5, address="10.0.0.1")
        colleague = attempt(client, approver, testing.DEMO_PASSWORD, address="10.0.0.1")
        client.logout()
        elsewhere = attempt(client, inspector, testing.DEMO_PASSWORD, address="10.0.0.2")

    assert colleague.status_code == 302
    assert elsewhere.status_code == 302


def test_a_successful_login_clears_the_earlier_failures(client, inspector):
    with time_machine.travel(START, tick=False):
        fail(client, inspector, 4)
        assert attempt(client, inspector, testing.DEMO_PASSWORD).status_code == 302
        client.logout()
        fail(client, inspector, 4)
        again = attempt(client, inspector, testing.DEMO_PASSWORD)

    assert again.status_code == 302


def test_the_unlock_command_lifts_a_lockout_and_is_recorded(client, inspector):
    with time_machine.travel(START, tick=False):
        fail(client, inspector, 5)
        out = io.StringIO()
        call_command("unlock", "inspector", stdout=out)
        right = attempt(client, inspector, testing.DEMO_PASSWORD)

    assert out.getvalue() == (
        "已解除 inspector 的登录锁定（清除登录失败记录 1 条），可以立即重新登录。\n"
    )
    assert (right.status_code, right["Location"]) == (302, "/")
    record = AuditRecord.objects.get(action="org.user.unlock")
    assert (record.object_id, record.after) == (
        str(inspector.pk),
        {"username": "inspector", "attempts_cleared": 1},
    )


def test_unlocking_a_user_without_failures_says_so(db):
    out = io.StringIO()
    call_command("unlock", "nobody", stdout=out)

    assert out.getvalue() == "nobody 没有登录失败记录，无需解锁；已记录本次操作。\n"


def test_the_administrator_unlocks_a_user_in_the_admin(client, client_for, inspector, admin_user):
    with time_machine.travel(START, tick=False):
        fail(client, inspector, 5)
        admin = client_for(admin_user)
        listing = admin.get("/admin/org/user/")
        response = admin.post(
            "/admin/org/user/",
            {"action": "unlock_login", "_selected_action": [inspector.pk, admin_user.pk]},
            follow=True,
        )
        admin.logout()
        right = attempt(client, inspector, testing.DEMO_PASSWORD)

    assert "5 次" in listing.content.decode()
    assert "已解除 王检查 的登录锁定。" in response.content.decode()
    assert AccessAttempt.objects.count() == 0
    assert AuditRecord.objects.filter(action="org.user.unlock").count() == 1
    assert right.status_code == 302


def test_an_idle_session_ends_but_an_active_one_goes_on(client, inspector):
    with time_machine.travel(START, tick=False):
        attempt(client, inspector, testing.DEMO_PASSWORD)
    with time_machine.travel(START + dt.timedelta(minutes=25), tick=False):
        active = signed_in(client)
    with time_machine.travel(START + dt.timedelta(minutes=50), tick=False):
        still_active = signed_in(client)
    with time_machine.travel(START + dt.timedelta(minutes=81), tick=False):
        idle = client.get("/inspections/inbox/")

    assert (active, still_active) == (True, True)
    assert (idle.status_code, idle["Location"]) == (
        302,
        "/accounts/login/?next=/inspections/inbox/",
    )


# --- 修改密码 ------------------------------------------------------------------------------------


PASSWORD_PAGE = reverse("password_change")
NEW_PASSWORD = "海港巡查2026秋"


def change(client, old, new, again=None):
    return client.post(
        PASSWORD_PAGE,
        {"old_password": old, "new_password1": new, "new_password2": again or new},
    )


def password_hash(user):
    return get_user_model().objects.get(pk=user.pk).password


def test_every_signed_in_user_reaches_the_password_page_from_his_menu(client_for, enterprise):
    client = client_for(enterprise)
    home = client.get("/").content.decode()
    page = client.get(PASSWORD_PAGE)

    assert f'href="{PASSWORD_PAGE}"' in home
    assert page.status_code == 200
    assert "<h1>修改密码</h1>" in page.content.decode()


def test_the_password_page_needs_a_login(client):
    response = client.get(PASSWORD_PAGE)

    assert (response.status_code, response["Location"]) == (
        302,
        f"/accounts/login/?next={PASSWORD_PAGE}",
    )


def test_a_user_changes_his_password_and_the_old_one_no_longer_works(client, inspector):
    with time_machine.travel(START, tick=False):
        attempt(client, inspector, testing.DEMO_PASSWORD)
        response = change(client, testing.DEMO_PASSWORD, NEW_PASSWORD)
        still_signed_in = signed_in(client)
        client.logout()
        old = attempt(client, inspector, testing.DEMO_PASSWORD)
        new = attempt(client, inspector, NEW_PASSWORD)

    assert (response.status_code, response["Location"]) == (302, "/")
    assert still_signed_in
    assert old.status_code == 200
    assert "用户名或密码不正确" in old.content.decode()
    assert new.status_code == 302
    record = AuditRecord.objects.get(action="org.user.password_change")
    assert record.after == {"username": "inspector"}
    assert NEW_PASSWORD not in str(record.after) + record.summary


@pytest.mark.parametrize(
    ("old", "new", "again", "field", "message"),
    [
        ("not-my-password", NEW_PASSWORD, None, "old_password", "你的旧密码不正确。请重新输入。"),
        (
            testing.DEMO_PASSWORD,
            NEW_PASSWORD,
            "海港巡查2026冬",
            "new_password2",
            "输入的两个密码不一致。",
        ),
        (testing.DEMO_PASSWORD, "20260302", None, "new_password2", "密码只包含数字。"),
        (
            testing.DEMO_PASSWORD,
            "abc12",
            None,
            "new_password2",
            "密码太短：至少需要 8 个字符，请换一个更长的密码。",
        ),
    ],
)
def test_a_refused_password_change_says_why_and_changes_nothing(
    client_for, inspector, old, new, again, field, message
):
    client = client_for(inspector)
    before = password_hash(inspector)
    audit = AuditRecord.objects.count()

    response = change(client, old, new, again)

    assert response.status_code == 200
    assert response.context["form"].errors == {field: [message]}
    assert (
        f'<p class="error" role="alert" data-testid="error-{field}">' in response.content.decode()
    )
    assert password_hash(inspector) == before
    assert AuditRecord.objects.count() == audit
