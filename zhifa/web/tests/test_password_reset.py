"""忘记密码 (issue 17): a 6-digit code to the registered mobile or e-mail, then a new password.
The answers never tell whether an account exists."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

import zhifa_testing as testing
from zhifa.audit.models import AuditRecord
from zhifa.org import password_reset
from zhifa.org.models import PasswordResetRequest, User

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Haixian-2026!"
MOMENT = dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def sms(settings):
    settings.ZHIFA_SMS_BACKEND = "zhifa_testing.RecordingSMSBackend"
    testing.RecordingSMSBackend.sent = []
    return testing.RecordingSMSBackend.sent


@pytest.fixture
def registered(inspector):
    inspector.mobile = "13812345678"
    inspector.save(update_fields=["mobile"])
    return inspector


def ask(client, username, channel, capture):
    with capture(execute=True):
        return client.post(
            reverse("password_reset"), {"username": username, "channel": channel}, follow=True
        )


def without_csrf(body: str) -> str:
    return re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', "", body)


def sent_code(sms) -> str:
    return re.search(r"验证码为 (\d{6})", sms[-1][1])[1]


def enter(client, code):
    return client.post(reverse("password_reset_code"), {"code": code})


def test_the_inspector_resets_his_password_with_the_sms_code_and_the_code_works_once(
    client, registered, sms, django_capture_on_commit_callbacks
):
    with time_machine.travel(MOMENT, tick=False):
        page = ask(client, "inspector", "sms", django_capture_on_commit_callbacks)
        assert page.redirect_chain == [(reverse("password_reset_code"), 302)]
        assert [mobile for mobile, _ in sms] == ["13812345678"]
        code = sent_code(sms)
        assert sms[0][1] == (
            f"【zhifa】王检查，您的找回密码验证码为 {code}，10 分钟内有效。"
            "如非本人操作，请忽略本消息。"
        )
        request = PasswordResetRequest.objects.get()
        assert code not in request.code_hash
        assert enter(client, code)["Location"] == reverse("password_reset_new")
        done = client.post(
            reverse("password_reset_new"),
            {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )
        assert done["Location"] == reverse("login")
        again = enter(client, code)
    assert "请先获取验证码。" in again.content.decode()
    registered.refresh_from_db()
    assert registered.check_password(NEW_PASSWORD)
    assert list(
        AuditRecord.objects.filter(action__startswith="org.user.password_reset")
        .order_by("pk")
        .values_list("action", "summary")
    ) == [
        (
            "org.user.password_reset_code",
            "向 王检查（舟山市卫生健康委员会·执法人员） 登记的短信发送找回密码验证码",
        ),
        (
            "org.user.password_reset",
            "王检查（舟山市卫生健康委员会·执法人员） 通过短信验证码重置了登录密码",
        ),
    ]
    with pytest.raises(password_reset.ResetRefused, match="验证码已使用过，请重新获取验证码。"):
        password_reset.check_code(request.pk, code)


def test_every_session_of_the_user_ends_when_the_password_is_reset(
    client, registered, sms, django_capture_on_commit_callbacks
):
    from django.test import Client

    phone = Client()
    phone.force_login(registered)
    assert 'data-testid="current-user"' in phone.get("/").content.decode()
    ask(client, "inspector", "sms", django_capture_on_commit_callbacks)
    enter(client, sent_code(sms))
    client.post(
        reverse("password_reset_new"),
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    body = phone.get("/").content.decode()
    assert 'data-testid="current-user"' not in body
    assert "涉企行政执法公开服务" in body


def test_a_wrong_code_is_counted_and_the_fifth_ends_the_code(
    client, registered, sms, django_capture_on_commit_callbacks
):
    ask(client, "inspector", "sms", django_capture_on_commit_callbacks)
    right = sent_code(sms)
    wrong = "000000" if right != "000000" else "111111"
    answers = [enter(client, wrong).content.decode() for _ in range(5)]
    assert "验证码：验证码不正确，还可以再试 4 次。" in answers[0]
    left = [re.findall(r"还可以再试 (\d) 次", a) for a in answers[:4]]
    assert left == [["4"], ["3"], ["2"], ["1"]]
    assert "验证码：验证码不正确，已输错 5 次，请重新获取验证码。" in answers[4]
    assert PasswordResetRequest.objects.get().attempts == 5
    refused = enter(client, right).content.decode()
    assert "验证码已输错 5 次而失效，请重新获取验证码。" in refused
    registered.refresh_from_db()
    assert registered.check_password(testing.DEMO_PASSWORD)


def test_a_code_entered_after_ten_minutes_is_refused(
    client, registered, sms, django_capture_on_commit_callbacks
):
    with time_machine.travel(MOMENT, tick=False):
        ask(client, "inspector", "sms", django_capture_on_commit_callbacks)
    with time_machine.travel(MOMENT + dt.timedelta(minutes=10), tick=False):
        answer = enter(client, sent_code(sms)).content.decode()
    assert "验证码已过期（10 分钟内有效），请重新获取验证码。" in answer
    assert PasswordResetRequest.objects.get().verified_at is None


def test_an_unknown_username_gets_the_same_answer_and_no_code(
    client, registered, sms, django_capture_on_commit_callbacks
):
    known = ask(client, "inspector", "sms", django_capture_on_commit_callbacks)
    client.cookies.clear()
    unknown = ask(client, "nobody", "sms", django_capture_on_commit_callbacks)
    assert unknown.status_code == known.status_code == 200
    assert unknown.redirect_chain == known.redirect_chain
    assert without_csrf(unknown.content.decode()).replace("nobody", "inspector") == without_csrf(
        known.content.decode()
    )
    assert len(sms) == 1
    assert "验证码：验证码不正确，还可以再试 4 次。" in enter(client, "123456").content.decode()
    assert PasswordResetRequest.objects.filter(user=None).count() == 1


def test_an_account_without_the_chosen_channel_is_sent_nothing_and_told_what_to_do(
    client, registered, sms, django_capture_on_commit_callbacks
):
    assert registered.email == ""
    page = ask(client, "inspector", "email", django_capture_on_commit_callbacks)
    body = page.content.decode()
    assert mail.outbox == []
    assert sms == []
    assert "如果账号“inspector”存在并登记了电子邮件接收方式，验证码已经发出" in body
    assert (
        "账号没有登记手机号码或电子邮箱时不会发送验证码，也不能自助找回密码，"
        "请联系本单位系统管理员重置" in body
    )


def test_the_code_goes_by_e_mail_to_the_registered_address(
    client, registered, django_capture_on_commit_callbacks
):
    registered.email = "wang@example.org"
    registered.save(update_fields=["email"])
    ask(client, "inspector", "email", django_capture_on_commit_callbacks)
    assert [(m.subject, m.to) for m in mail.outbox] == [
        ("zhifa 找回密码验证码", ["wang@example.org"])
    ]


def test_an_account_is_sent_three_codes_an_hour_and_then_none_with_the_same_answer(
    client, registered, sms, django_capture_on_commit_callbacks
):
    answers = [
        ask(client, "inspector", "sms", django_capture_on_commit_callbacks).content.decode()
        for _ in range(4)
    ]
    assert len(sms) == 3
    assert without_csrf(answers[3]) == without_csrf(answers[0])


def test_one_address_may_ask_ten_times_an_hour(
    client, registered, sms, django_capture_on_commit_callbacks
):
    for n in range(10):
        ask(client, f"someone{n}", "sms", django_capture_on_commit_callbacks)
    refused = ask(client, "inspector", "sms", django_capture_on_commit_callbacks)
    assert "本机获取验证码过于频繁，请一小时后再试" in refused.content.decode()
    assert sms == []
    assert PasswordResetRequest.objects.count() == 10


def test_a_common_password_is_refused_by_the_password_rules(
    client, registered, sms, django_capture_on_commit_callbacks
):
    ask(client, "inspector", "sms", django_capture_on_commit_callbacks)
    enter(client, sent_code(sms))
    page = client.post(
        reverse("password_reset_new"), {"new_password1": "12345678", "new_password2": "12345678"}
    )
    assert "新密码：" in page.content.decode()
    assert "这个密码太常见了" in page.content.decode()
    registered.refresh_from_db()
    assert registered.check_password(testing.DEMO_PASSWORD)


def test_the_new_password_page_without_an_accepted_code_sends_the_visitor_back(client):
    page = client.get(reverse("password_reset_new")).content.decode()
    assert "请先输入收到的验证码；找回密码已超时或已完成的，请重新获取验证码。" in page
    assert f'href="{reverse("password_reset")}">获取验证码</a>' in page


def test_a_mobile_number_must_be_an_eleven_digit_mainland_number(inspector):
    inspector.mobile = "05801234567"
    with pytest.raises(ValidationError) as refused:
        inspector.full_clean()
    assert refused.value.message_dict["mobile"] == [
        "手机号码：请填写 11 位中国大陆手机号码（1 开头，如 13812345678）。"
    ]
    assert User._meta.get_field("mobile").max_length == 11
