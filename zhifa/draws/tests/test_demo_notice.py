"""The demo's 预告通知书 follows from its draw: the first enterprise drawn, the task's items with
their legal basis, the officers drawn for it."""

from __future__ import annotations

import pytest
from django.utils import timezone

from zhifa.documents.demo import load_demo_documents
from zhifa.documents.models import Document, DocumentStatus
from zhifa.draws import services
from zhifa.draws.models import DrawMode, DrawResult
from zhifa.draws.tests.conftest import VALUES

pytestmark = pytest.mark.django_db


def test_the_demo_notice_is_issued_once_from_the_first_drawn_enterprise(
    task, registry, officers, inspector, approver, reveal_date, sources, item
):
    draw = services.create_draw(
        task=task,
        title="2026年第四季度公共场所卫生双随机抽查",
        mode=DrawMode.PUBLIC,
        reveal_date=reveal_date,
        sources=sources,
        actor=inspector,
    )
    draw = services.announce_draw(draw, actor=approver)
    draw = services.perform_draw(draw, values=VALUES, actor=inspector, today=reveal_date)
    first = DrawResult.objects.filter(draw=draw).order_by("stratum_id", "sequence").first()
    assert first is not None

    assert load_demo_documents() == {"issued": 1, "skipped": 0}
    assert load_demo_documents() == {"issued": 0, "skipped": 0}

    notice = Document.objects.get()
    assert notice.status == DocumentStatus.ISSUED
    assert notice.recipient_enterprise == first.enterprise
    assert notice.context["items"] == [
        {"name": "公共场所卫生监督检查", "basis": "《公共场所卫生管理条例》第十条"}
    ]
    assert notice.context["officers"] == [
        {"name": a.officer.name, "cert_no": a.officer.cert_no}
        for a in first.assignments.order_by("position")
    ]
    assert notice.number_text == f"舟卫执预〔{timezone.localdate().year}〕1号"
