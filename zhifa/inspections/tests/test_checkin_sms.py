"""An enterprise without a platform account receives its 入企核验码 by SMS at its registry
contact's mobile, so the officers at its door can check in; no agency user ever sees the code
(the page shows the masked number, the audit record names who asked, never the code)."""

from __future__ import annotations

import datetime as dt
import json
import re
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

import zhifa_testing as testing
from zhifa.audit.models import AuditRecord
from zhifa.inspections import services
from zhifa.inspections.models import CaseStatus, InspectionCase, InspectionKind
from zhifa.org.models import Role
from zhifa.registry.models import Contact
from zhifa_testing import RecordingSMSBackend

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
INSPECTION_DAY = dt.date(2026, 3, 16)
EXEMPT_DAY = dt.date(2026, 12, 22)
MOBILE = "13805801234"
SMS_ACTION = "inspections.case.send_checkin_code"


def at(day: dt.date, hour: int = 9):
    moment = dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)
    return time_machine.travel(moment, tick=False)


@pytest.fixture(autouse=True)
def _sms(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.ZHIFA_SMS_BACKEND = "zhifa_testing.RecordingSMSBackend"
    RecordingSMSBackend.sent = []


@pytest.fixture
def contact(zhoushan_enterprise):
    return Contact.objects.create(
        enterprise=zhoushan_enterprise, name="陈经理", mobile=MOBILE, is_primary=True
    )


@pytest.fixture
def make_case(
    inspector, approver, health_agency, zhoushan_enterprise, items, officer_one, officer_two
):
    def _make(kind=InspectionKind.PLANNED, day=INSPECTION_DAY, **extra):
        with at(dt.date(2026, 3, 2), 10):
            case = services.create_case(
                organisation=health_agency,
                enterprise=zhoushan_enterprise,
                kind=kind,
                items=items,
                officers=[officer_one, officer_two],
                inspection_date=day,
                actor=inspector,
                **extra,
            )
            services.submit_case(case, actor=inspector)
            services.approve_case(case, actor=approver)
            if case.needs_notice:
                services.issue_notice(case, actor=inspector)
        case.refresh_from_db()
        return case

    return _make


@pytest.fixture
def notified_case(make_case, health_agency):
    health_agency.phone = "0580-2281234"
    health_agency.save()
    return make_case()


@pytest.fixture
def exempt_case(make_case):
    return make_case(
        kind=InspectionKind.COMPLAINT,
        day=EXEMPT_DAY,
        exemption_reason="12345热线转办：顾客反映浴池水质浑浊。",
    )


@pytest.fixture
def bystander(health_agency):
    """An officer of the same agency who is not on the case."""
    user = testing.user(
        "inspector3", role=Role.INSPECTOR, organisation=health_agency, display_name="郑旁观"
    )
    testing.officer("郑旁观", organisation=health_agency, user=user)
    return user


def page_url(case):
    return reverse("inspections:case_checkin", args=[case.pk])


def sms_url(case):
    return reverse("inspections:case_checkin_sms", args=[case.pk])


def sms_records(case):
    return AuditRecord.objects.filter(
        action=SMS_ACTION, object_type="inspections.inspectioncase", object_id=str(case.pk)
    )


def test_the_contact_receives_the_exact_message_with_the_check_in_code(
    client_for, notified_case, contact, inspector, django_capture_on_commit_callbacks
):
    with at(INSPECTION_DAY), django_capture_on_commit_callbacks(execute=True):
        response = client_for(inspector).post(sms_url(notified_case))

    assert response.status_code == 302
    assert response["Location"] == page_url(notified_case)
    assert RecordingSMSBackend.sent == [
        (
            MOBILE,
            "【执法检查】舟山市卫生健康委员会执法人员已到达舟山海鲜酒楼有限公司开展检查，"
            f"入企核验码：{notified_case.checkin_code}。请仅向到场出示执法证的执法人员提供本码；"
            "如有疑问请拨打0580-2281234。",
        )
    ]


def test_without_an_agency_phone_the_message_omits_the_call_clause(
    make_case, contact, inspector, django_capture_on_commit_callbacks
):
    case = make_case()
    with at(INSPECTION_DAY), django_capture_on_commit_callbacks(execute=True):
        masked = services.send_checkin_code(case, actor=inspector)

    assert masked == "*******1234"
    assert RecordingSMSBackend.sent == [
        (
            MOBILE,
            "【执法检查】舟山市卫生健康委员会执法人员已到达舟山海鲜酒楼有限公司开展检查，"
            f"入企核验码：{case.checkin_code}。请仅向到场出示执法证的执法人员提供本码。",
        )
    ]


def test_the_audit_record_names_who_asked_and_the_masked_number_never_the_code(
    notified_case, contact, inspector, officer_one, django_capture_on_commit_callbacks
):
    with at(INSPECTION_DAY, 10), django_capture_on_commit_callbacks(execute=True):
        services.send_checkin_code(notified_case, actor=inspector)

    record = sms_records(notified_case).get()
    assert record.actor == inspector
    assert record.at == dt.datetime(2026, 3, 16, 10, tzinfo=SHANGHAI)
    assert record.before is None
    assert record.after == {"officer": officer_one.cert_no, "mobile": "*******1234", "sent": 1}
    assert record.summary == (
        f"王检查（{officer_one.cert_no}）请求向舟山海鲜酒楼有限公司联系人（*******1234）"
        f"发送案件 {notified_case.reference} 的入企核验码（今天第 1 次）"
    )
    written = json.dumps([record.before, record.after, record.summary], ensure_ascii=False)
    assert notified_case.checkin_code not in written
    assert MOBILE not in written


def test_an_officer_not_on_the_case_is_refused_and_nothing_is_sent(
    client_for, notified_case, contact, bystander, django_capture_on_commit_callbacks
):
    audit = AuditRecord.objects.count()
    with at(INSPECTION_DAY), django_capture_on_commit_callbacks(execute=True):
        page = client_for(bystander).get(page_url(notified_case))
        post = client_for(bystander).post(sms_url(notified_case))
        with pytest.raises(PermissionDenied) as refused:
            services.send_checkin_code(notified_case, actor=bystander)

    assert (page.status_code, post.status_code) == (403, 403)
    assert str(refused.value) == (
        f"郑旁观 不是案件 {notified_case.reference} 批准的执法人员，不能发送入企核验码。"
    )
    assert RecordingSMSBackend.sent == []
    assert AuditRecord.objects.count() == audit


def test_sending_before_the_allowed_date_is_refused_with_check_ins_reason(
    client_for, exempt_case, contact, inspector, django_capture_on_commit_callbacks
):
    audit = AuditRecord.objects.count()
    with at(dt.date(2026, 12, 3)), django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(ValidationError) as sms_refused:
            services.send_checkin_code(exempt_case, actor=inspector)
        with pytest.raises(ValidationError) as checkin_refused:
            services.check_in(exempt_case, actor=inspector, code=exempt_case.checkin_code)
        page = client_for(inspector).post(sms_url(exempt_case))

    refusal = (
        "批准的检查日期为2026年12月22日，今天不能提前进入现场；"
        "确需提前检查的，请修改检查日期并重新报批。"
    )
    assert sms_refused.value.messages == [refusal]
    assert checkin_refused.value.messages == [refusal]
    assert (page.status_code, page.context["errors"]) == (200, [refusal])
    assert RecordingSMSBackend.sent == []
    assert AuditRecord.objects.count() == audit


def test_the_fourth_send_in_a_day_is_refused_and_the_next_day_counts_afresh(
    settings, notified_case, contact, inspector, django_capture_on_commit_callbacks
):
    settings.ZHIFA_CHECKIN_WINDOW_DAYS = 1
    with django_capture_on_commit_callbacks(execute=True):
        with at(INSPECTION_DAY, 9):
            for _ in range(3):
                services.send_checkin_code(notified_case, actor=inspector)
        with at(INSPECTION_DAY, 23), pytest.raises(ValidationError) as refused:
            services.send_checkin_code(notified_case, actor=inspector)

    assert refused.value.messages == [
        "今天已向企业联系人（尾号 1234）发送 3 次入企核验码，每个案件每天最多发送 3 次。"
        "请企业联系人查看已收到的短信，或由企业用户登录企业门户出示签到码。"
    ]
    assert len(RecordingSMSBackend.sent) == 3
    assert sms_records(notified_case).count() == 3

    with (
        at(INSPECTION_DAY + dt.timedelta(days=1), 8),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.send_checkin_code(notified_case, actor=inspector)
    assert len(RecordingSMSBackend.sent) == 4


def test_the_page_shows_the_masked_number_and_never_the_code(
    client_for, notified_case, contact, inspector, django_capture_on_commit_callbacks
):
    with at(INSPECTION_DAY), django_capture_on_commit_callbacks(execute=True):
        before = client_for(inspector).get(page_url(notified_case))
        after = client_for(inspector).post(sms_url(notified_case), follow=True)

    for response in (before, after):
        html = response.content.decode()
        assert response.status_code == 200
        assert "向企业联系人发送入企核验码（尾号 1234）" in html
        assert notified_case.checkin_code not in html
        assert MOBILE not in html
    assert "已向企业联系人（尾号 1234）发送入企核验码短信。" in after.content.decode()


def test_without_a_contact_mobile_the_page_says_how_the_code_can_be_shown(
    client_for, notified_case, inspector, zhoushan_enterprise, django_capture_on_commit_callbacks
):
    Contact.objects.create(enterprise=zhoushan_enterprise, name="陈经理", email="c@example.com")
    audit = AuditRecord.objects.count()
    with at(INSPECTION_DAY), django_capture_on_commit_callbacks(execute=True):
        page = client_for(inspector).get(page_url(notified_case))
        post = client_for(inspector).post(sms_url(notified_case))

    html = page.content.decode()
    assert "发送入企核验码（尾号" not in html
    assert (
        "舟山海鲜酒楼有限公司在企业名录中没有登记联系人手机号，无法用短信发送入企核验码。"
        "请企业用户登录企业门户，在“我的检查”中出示签到码；企业没有平台账号的，"
        "须先在企业名录中补全联系人手机号。"
    ) in html
    assert (post.status_code, post.context["errors"]) == (
        200,
        [
            "舟山海鲜酒楼有限公司在企业名录中没有联系人手机号，不能发送入企核验码。"
            "请企业用户登录企业门户出示签到码，或先在企业名录中补全联系人手机号。"
        ],
    )
    assert RecordingSMSBackend.sent == []
    assert AuditRecord.objects.count() == audit


def test_the_officers_check_in_with_the_code_the_contact_received(
    client_for,
    notified_case,
    contact,
    inspector,
    second_inspector,
    django_capture_on_commit_callbacks,
):
    with at(INSPECTION_DAY), django_capture_on_commit_callbacks(execute=True):
        client_for(inspector).post(sms_url(notified_case))
    with at(INSPECTION_DAY, 10):
        [(_, message)] = RecordingSMSBackend.sent
        code = re.search(r"入企核验码：([0-9A-Z]+)。", message).group(1)
        wrong = client_for(inspector).post(page_url(notified_case), {"code": "AAAAAAAAAA"})
        first = client_for(inspector).post(page_url(notified_case), {"code": code.lower()})
        second = client_for(second_inspector).post(page_url(notified_case), {"code": code})

    assert (wrong.status_code, wrong.context["errors"]) == (
        200,
        ["核验码与本次检查不符，请核对被检查企业出示或短信收到的入企核验码。"],
    )
    assert (first.status_code, second.status_code) == (302, 302)
    current = InspectionCase.objects.get(pk=notified_case.pk)
    assert current.status == CaseStatus.ON_SITE
    assert current.assignments.filter(checked_in_at__isnull=False).count() == 2


def test_the_case_page_leads_its_officers_to_check_in(
    client_for, notified_case, inspector, approver
):
    with at(INSPECTION_DAY):
        officer_page = client_for(inspector).get(
            reverse("inspections:case_detail", args=[notified_case.pk])
        )
        approver_page = client_for(approver).get(
            reverse("inspections:case_detail", args=[notified_case.pk])
        )

    assert page_url(notified_case) in officer_page.content.decode()
    assert page_url(notified_case) not in approver_page.content.decode()


class UnreachableSMSBackend:
    """A gateway that does not answer, as an SMS provider's client raises then."""

    def send(self, mobile: str, message: str) -> None:
        raise ConnectionError("短信网关无响应")


def test_a_failed_send_is_recorded_without_the_code(
    settings, notified_case, contact, inspector, django_capture_on_commit_callbacks
):
    settings.ZHIFA_SMS_BACKEND = f"{__name__}.UnreachableSMSBackend"
    with at(INSPECTION_DAY), django_capture_on_commit_callbacks(execute=True):
        services.send_checkin_code(notified_case, actor=inspector)

    failed = AuditRecord.objects.get(action="inspections.case.checkin_code_sms_failed")
    assert failed.after == {"mobile": "*******1234", "error": "ConnectionError：短信网关无响应"}
    assert failed.summary == (
        f"案件 {notified_case.reference} 的入企核验码短信发送失败（*******1234）"
    )
    assert notified_case.checkin_code not in json.dumps(failed.after, ensure_ascii=False)
