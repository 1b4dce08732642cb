"""A document pushed to a recipient's portal tells whoever may sign for it (zhifa.notifications):
the enterprise's users for an advance notice, the agency's people for a supervision document;
nobody else, and nothing for an e-mail or paper delivery."""

from __future__ import annotations

import datetime as dt

import pytest

from zhifa.documents import rendering
from zhifa.documents.models import DocumentKind
from zhifa.documents.services import STANDARD_KEYS, create_draft, deliver_document, issue_document
from zhifa.notifications.models import Notification

pytestmark = pytest.mark.django_db


def messages() -> list[tuple[str, str, str]]:
    return [
        (n.recipient.username, n.kind, n.title)
        for n in Notification.objects.select_related("recipient").order_by("recipient__username")
    ]


@pytest.fixture
def everyone(inspector, approver, enterprise, supervisor, outsider):
    """Every persona exists, so that a message to the wrong one would show."""


def test_an_advance_notice_in_the_portal_asks_the_enterprise_to_sign(
    everyone, issued_preview, inspector
):
    deliver_document(issued_preview, method="portal", actor=inspector)

    assert messages() == [
        ("enterprise", "notice_to_sign", "检查预告待签收：《行政执法检查预告通知书》")
    ]
    message = Notification.objects.get()
    assert message.url == f"/documents/{issued_preview.pk}/"
    assert message.body == (
        f"舟山市卫生健康委员会向您送达《行政执法检查预告通知书》（{issued_preview.number_text}），"
        "请查看并签收。"
    )


def test_a_supervision_document_tells_the_agencys_people(
    everyone, supervisor, justice_bureau, health_agency
):
    kind = DocumentKind.objects.get_or_create(
        code="supervision_suggestion",
        defaults={"name": "行政执法监督建议书", "abbreviation": "监建"},
    )[0]
    content = {
        k: v
        for k, v in rendering.sample_context("supervision_suggestion").items()
        if k not in STANDARD_KEYS
    }
    draft = create_draft(
        kind=kind,
        organisation=justice_bureau,
        actor=supervisor,
        recipient_organisation=health_agency,
        context=content,
    )
    document = issue_document(draft, actor=supervisor, issue_date=dt.date(2026, 12, 2))

    deliver_document(document, method="portal", actor=supervisor)

    assert messages() == [
        ("approver", "document_received", f"收到文书：《{document.title}》"),
        ("inspector", "document_received", f"收到文书：《{document.title}》"),
    ]


def test_an_email_delivery_sends_no_message(everyone, issued_preview, inspector, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    deliver_document(issued_preview, method="email", address="boss@example.cn", actor=inspector)

    assert messages() == []


def test_the_settings_path_of_the_console_sms_backend_still_names_the_shared_class(settings):
    from django.utils.module_loading import import_string

    from zhifa.core.sms import ConsoleSMSBackend, get_sms_backend

    settings.ZHIFA_SMS_BACKEND = "zhifa.documents.sms.ConsoleSMSBackend"

    assert import_string(settings.ZHIFA_SMS_BACKEND) is ConsoleSMSBackend
    assert type(get_sms_backend()) is ConsoleSMSBackend
