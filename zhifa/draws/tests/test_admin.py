"""The admin shows draws read-only and never shows a commit-reveal secret."""

from __future__ import annotations

import pytest
from django.urls import reverse

from zhifa.draws import services
from zhifa.draws.models import DrawMode, DrawTask

pytestmark = pytest.mark.django_db


def test_an_administrator_sees_an_announced_draw_without_its_secret(
    task, registry, officers, inspector, approver, admin_user, reveal_date, client_for
):
    draw = services.create_draw(
        task=task,
        title="承诺—揭示方式抽取",
        mode=DrawMode.COMMIT,
        reveal_date=reveal_date,
        sources=[],
        actor=inspector,
    )
    draw = services.announce_draw(draw, actor=approver)
    secret = DrawTask.objects.get(pk=draw.pk).secret

    response = client_for(admin_user).get(reverse("admin:draws_drawtask_change", args=[draw.pk]))

    assert response.status_code == 200
    assert len(secret) == 64
    assert secret not in response.content.decode()
    assert draw.commitment_sm3 in response.content.decode()


def test_the_admin_offers_no_way_to_add_change_or_delete_a_draw(
    task, registry, officers, inspector, admin_user, reveal_date, sources, client_for
):
    draw = services.create_draw(
        task=task,
        title="2026年第四季度公共场所卫生双随机抽查",
        mode=DrawMode.PUBLIC,
        reveal_date=reveal_date,
        sources=sources,
        actor=inspector,
    )
    client = client_for(admin_user)

    assert client.get(reverse("admin:draws_drawtask_add")).status_code == 403
    response = client.post(reverse("admin:draws_drawtask_delete", args=[draw.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert DrawTask.objects.filter(pk=draw.pk).count() == 1
