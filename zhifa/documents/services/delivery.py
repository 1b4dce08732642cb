"""Delivery (送达): the delivery is recorded in the transaction; e-mail and SMS are sent only after
it commits, and their outcome is recorded afterwards; the recipient confirms receipt."""

from __future__ import annotations

import json
import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from zhifa.audit.services import record_change, snapshot
from zhifa.audit.sm3 import sm3_hex, sm3_of_chunks
from zhifa.core import access, uploads
from zhifa.documents.models import (
    Delivery,
    DeliveryMethod,
    Document,
    DocumentStatus,
    SendStatus,
)
from zhifa.documents.services._common import (
    MOBILE_RE,
    _check_not_voided,
    _check_transition,
    _label,
    _locked_document,
    _refresh_document,
    _require_author,
    verification_url,
)
from zhifa.documents.sms import get_sms_backend
from zhifa.notifications import recipients
from zhifa.notifications.models import Kind
from zhifa.notifications.services import notify

logger = logging.getLogger(__name__)


def _pdf_bytes(document: Document) -> bytes:
    with default_storage.open(document.pdf_file.name or "", "rb") as handle:
        data: bytes = handle.read()
    return data


def _default_address(document: Document, method: str) -> str:
    enterprise = document.recipient_enterprise
    if enterprise is None:
        return ""
    contact = enterprise.contacts.order_by("-is_primary", "pk").first()
    if contact is None:
        return ""
    return contact.email if method == DeliveryMethod.EMAIL else contact.mobile


def deliver_document(
    document: Document,
    *,
    method: str,
    actor: Any,
    address: str = "",
    scan: File[bytes] | None = None,
    note: str = "",
) -> Delivery:
    """送达 an issued document.

    - portal: the recipient sees it in its portal and confirms receipt (``confirm_receipt``);
      until then the document stays issued;
    - email: sent with the PDF attached through Django's mail backend;
    - sms: a message with the verification link through ``ZHIFA_SMS_BACKEND``;
    - paper: the scanned 送达回证 is stored with its SM3.

    An e-mail or SMS is sent only once this delivery has committed (``send_delivery`` from
    ``transaction.on_commit``): a rollback never leaves a sent message for an unrecorded
    delivery. Until the message is sent the delivery is 待发送 and the document stays issued; a
    failed send is recorded on the delivery (发送失败 and the reason) and the document stays
    issued, so the officer sees it and delivers again.
    """
    _require_author(actor, document)
    if method not in DeliveryMethod.values:
        raise ValidationError({"method": [f"送达方式“{method}”不正确，请从列表中选择。"]})
    label = DeliveryMethod(method).label
    note = (note or "").strip()
    stored: list[str] = []
    try:
        with transaction.atomic():
            current = _locked_document(document)
            _check_transition(current, DocumentStatus.DELIVERED, doing=label)
            _check_not_voided(current, doing=label)
            before = snapshot(current)
            delivery = Delivery(
                document=current, method=method, sent_by=actor, sent_at=timezone.now(), note=note
            )
            if method == DeliveryMethod.PORTAL:
                if (
                    current.recipient_enterprise_id is None
                    and not current.recipient_organisation_id
                ):
                    raise ValidationError(
                        {
                            "method": [
                                "受送达人不是平台上的企业或机关，不能平台送达，请选择其他送达方式。"
                            ]
                        }
                    )
                if current.deliveries.filter(
                    method=DeliveryMethod.PORTAL, confirmed_at__isnull=True
                ).exists():
                    raise ValidationError(
                        f"文书{_label(current)}已推送到受送达人的平台，正在等待签收，无需重复推送。"
                    )
            elif method == DeliveryMethod.EMAIL:
                address = (address or _default_address(current, method)).strip()
                try:
                    validate_email(address)
                except ValidationError:
                    raise ValidationError(
                        {"address": [f"电子邮箱“{address}”不正确，请填写受送达人的电子邮箱。"]}
                    ) from None
                delivery.address = address
                delivery.send_status = SendStatus.PENDING
            elif method == DeliveryMethod.SMS:
                address = (address or _default_address(current, method)).strip()
                if not MOBILE_RE.match(address):
                    raise ValidationError(
                        {"address": [f"手机号“{address}”不正确，请填写 11 位手机号码。"]}
                    )
                delivery.address = address
                delivery.send_status = SendStatus.PENDING
            else:
                if scan is None:
                    raise ValidationError(
                        {"scan": ["纸质送达须上传受送达人签收的送达回证扫描件。"]}
                    )
                try:
                    kind = uploads.check_upload(scan, types=uploads.RECEIPT, label="送达回证扫描件")
                except uploads.UploadError as error:
                    raise ValidationError({"scan": [str(error)]}) from None
                # Hashed before saving: the storage may move a spooled upload's file away.
                delivery.receipt_file_sm3 = sm3_of_chunks(uploads.chunks(scan))
                name = default_storage.save(
                    f"documents/receipts/{timezone.localdate():%Y}/"
                    f"{current.verification_code}{kind.extensions[0]}",
                    scan,
                )
                stored.append(name)
                delivery.receipt_file.name = name
            delivery.save()
            if method == DeliveryMethod.PORTAL:
                tell_recipients(current, actor=actor)
            if method == DeliveryMethod.PAPER:
                current.status = DocumentStatus.DELIVERED
                current.delivered_at = delivery.sent_at
                current.updated_at = delivery.sent_at
                current.save()
            if delivery.send_status == SendStatus.PENDING:
                delivery_pk = delivery.pk
                transaction.on_commit(lambda: send_delivery(delivery_pk, actor=actor), robust=True)
            record_change(
                actor=actor,
                action=f"documents.document.deliver_{method}",
                obj=current,
                before=before,
                after={**snapshot(current), "delivery": snapshot(delivery)},
                summary=(
                    f"{label}文书 {current.number_text}"
                    + (f" 至 {delivery.address}" if delivery.address else "")
                    + ("，等待签收" if method == DeliveryMethod.PORTAL else "")
                    + ("，待发送" if delivery.send_status == SendStatus.PENDING else "")
                ),
            )
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise
    # The message may have gone out already (no outer transaction): report what is recorded.
    delivery.refresh_from_db()
    current.refresh_from_db()
    _refresh_document(document, current)
    return delivery


# The advance notice is the document an enterprise is asked to sign for in its portal first.
NOTICE_KIND = "inspection_preview_notice"


def tell_recipients(document: Document, *, actor: Any) -> None:
    """A message to whoever may sign for a document pushed to the recipient's portal."""
    if document.recipient_enterprise_id is not None:
        candidates = recipients.of_enterprise(document.recipient_enterprise_id)
    else:
        candidates = recipients.at_organisation(document.recipient_organisation_id)
    is_notice = document.kind.code == NOTICE_KIND
    notify(
        recipients.who_may("document.sign_for", document, candidates),
        Kind.NOTICE_TO_SIGN if is_notice else Kind.DOCUMENT_RECEIVED,
        f"{'检查预告待签收' if is_notice else '收到文书'}：《{document.title}》",
        f"{document.organisation.name}向您送达《{document.title}》（{document.number_text}），"
        "请查看并签收。",
        reverse("documents:document_detail", args=[document.pk]),
        actor=actor,
    )


def send_delivery(delivery: Delivery | int, *, actor: Any) -> Delivery:
    """Send the e-mail or SMS of a committed, pending delivery, then record the outcome.

    Runs after the delivery's transaction has committed. The sending is outside any transaction
    (a mail server is not rolled back); the outcome is written in a transaction of its own: sent
    → the document becomes delivered; failed → 发送失败 with the reason, the document stays
    issued. The error is recorded, not raised: the delivery itself did commit.
    """
    pk = delivery.pk if isinstance(delivery, Delivery) else int(delivery)
    found = Delivery.objects.select_related("document__organisation").get(pk=pk)
    if found.send_status != SendStatus.PENDING:
        raise ValidationError(
            f"送达记录（{found.get_method_display()} 至 {found.address}）当前为"
            f"“{found.get_send_status_display()}”，只有“待发送”的送达可以发送。"
        )
    error = ""
    try:
        if found.method == DeliveryMethod.EMAIL:
            _send_email(found.document, found.address)
        else:
            _send_sms(found.document, found.address)
    except Exception as exc:
        logger.exception("送达记录 %s 发送失败", pk)
        error = f"{type(exc).__name__}：{exc}" if str(exc) else type(exc).__name__
    return record_send_result(found, error=error, actor=actor)


def record_send_result(delivery: Delivery, *, error: str, actor: Any) -> Delivery:
    """Record that the message of ``delivery`` was sent (``error`` empty) or failed."""
    target = SendStatus.FAILED if error else SendStatus.SENT
    with transaction.atomic():
        document = _locked_document(delivery.document)
        current = Delivery.objects.select_for_update().get(pk=delivery.pk)
        if not current.can_send_become(target):
            raise ValidationError(
                f"送达记录（{current.get_method_display()} 至 {current.address}）当前为"
                f"“{current.get_send_status_display()}”，不能改为“{SendStatus(target).label}”。"
            )
        before = {**snapshot(document), "delivery": snapshot(current)}
        now = timezone.now()
        current.send_status = target
        current.send_error = error[:2000]
        current.send_finished_at = now
        current.save(update_fields=["send_status", "send_error", "send_finished_at"])
        delivered = (
            target == SendStatus.SENT
            and document.can_become(DocumentStatus.DELIVERED)
            and document.voided_by_id is None
        )
        if delivered:
            document.status = DocumentStatus.DELIVERED
            document.delivered_at = now
            document.updated_at = now
            document.save()
        label = current.get_method_display()
        record_change(
            actor=actor,
            action=f"documents.document.{current.method}_{target}",
            obj=document,
            before=before,
            after={**snapshot(document), "delivery": snapshot(current)},
            summary=(
                f"{label}文书 {document.number_text} 至 {current.address}"
                + ("：已发送" if target == SendStatus.SENT else f"：发送失败（{error}）")
            )[:255],
        )
    delivery.send_status, delivery.send_error = current.send_status, current.send_error
    delivery.send_finished_at = current.send_finished_at
    return current


def _send_email(document: Document, address: str) -> None:
    url = verification_url(document.verification_code or "")
    message = EmailMessage(
        subject=f"{document.organisation.name}：{document.title}（{document.number_text}）",
        body=(
            f"{document.recipient_name}：\n\n"
            f"{document.organisation.name}向您送达《{document.title}》"
            f"（{document.number_text}），见附件 PDF。\n"
            f"核验码：{document.verification_code}\n核验网址：{url}\n"
        ),
        to=[address],
    )
    message.attach(f"{document.number_text}.pdf", _pdf_bytes(document), "application/pdf")
    message.send(fail_silently=False)


def sms_text(document: Document) -> str:
    return (
        f"【{document.organisation.name}】{document.recipient_name}：向您送达"
        f"《{document.title}》（{document.number_text}），"
        f"查看与核验：{verification_url(document.verification_code or '')}"
    )


def _send_sms(document: Document, mobile: str) -> None:
    get_sms_backend().send(mobile, sms_text(document))


def receives(actor: Any, document: Document) -> bool:
    return access.can(actor, "document.sign_for", document)


def receipt_digest(delivery: Delivery) -> str:
    """SM3 of the receipt: document, PDF hash, who confirmed and when (canonical JSON)."""
    body = {
        "document": delivery.document.verification_code,
        "number": delivery.document.number_text,
        "pdf_sm3": delivery.document.pdf_sm3,
        "confirmed_by": getattr(delivery.confirmed_by, "username", ""),
        "confirmed_at": delivery.confirmed_at.isoformat() if delivery.confirmed_at else "",
    }
    return sm3_hex(json.dumps(body, ensure_ascii=False, sort_keys=True).encode())


def confirm_receipt(document: Document, *, actor: Any) -> Delivery:
    """The recipient confirms in its portal that it received the document (签收)."""
    access.require(actor, "document.sign_for", document)
    with transaction.atomic():
        current = _locked_document(document)
        delivery = (
            Delivery.objects.select_for_update()
            .filter(document=current, method=DeliveryMethod.PORTAL, confirmed_at__isnull=True)
            .first()
        )
        if delivery is None:
            raise ValidationError(f"文书{_label(current)}没有待签收的平台送达，无需签收。")
        _check_transition(current, DocumentStatus.DELIVERED, doing="签收")
        before = snapshot(current)
        delivery.confirmed_by = actor
        delivery.confirmed_at = timezone.now()
        delivery.document = current
        delivery.receipt_sm3 = receipt_digest(delivery)
        delivery.save()
        current.status = DocumentStatus.DELIVERED
        current.delivered_at = delivery.confirmed_at
        current.updated_at = delivery.confirmed_at
        current.save()
        record_change(
            actor=actor,
            action="documents.document.confirm_receipt",
            obj=current,
            before=before,
            after={**snapshot(current), "delivery": snapshot(delivery)},
            summary=f"签收文书 {current.number_text}，回执 SM3 {delivery.receipt_sm3[:16]}…",
        )
    _refresh_document(document, current)
    return delivery
