"""A public draw record names why an officer was skipped by category only: a suspended
officer's stated (disciplinary) reason never reaches the record, its pages or its download."""

from __future__ import annotations

import pytest
from django.urls import reverse

from zhifa.draws import services
from zhifa.draws.tests.conftest import VALUES, perform_on
from zhifa.org.models import CertificateStatus
from zhifa.org.services import change_certificate_status

pytestmark = pytest.mark.django_db

DISCIPLINARY = "涉嫌收受检查对象财物，停职接受调查"


def test_a_suspended_officer_is_skipped_as_suspended_without_the_reason(
    client, task, registry, officers, inspector, approver, reveal_date, sources
):
    draw = services.create_draw(
        task=task,
        title="2026年第四季度公共场所卫生双随机抽查",
        mode="public",
        reveal_date=reveal_date,
        sources=sources,
        actor=inspector,
    )
    draw = services.announce_draw(draw, actor=approver)
    # Suspended after the pool was frozen: still listed, skipped when drawn.
    for officer in officers[1:]:
        change_certificate_status(
            officer, status=CertificateStatus.SUSPENDED, reason=DISCIPLINARY, actor=approver
        )

    drawn = perform_on(reveal_date, draw, values=VALUES, actor=inspector)

    reasons = [
        step["skip_reason"]
        for officer_draw in drawn.record["officer_draws"]
        for step in officer_draw["steps"]
        if not step["accepted"]
    ]
    assert reasons == ["执法证暂扣"] * 50
    assert DISCIPLINARY not in drawn.record_json
    for name in ("public_detail", "public_record"):
        response = client.get(reverse(f"draws:{name}", args=[drawn.pk]))
        assert response.status_code == 200, name
        assert DISCIPLINARY not in response.content.decode(), name
