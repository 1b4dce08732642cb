"""The draws' part of the capability table: users holding several roles, refusals.

Personas: 张审核 (法制审核人员 of 舟山市卫生健康委员会), 孙外地 (执法人员 of an agency in 晋中), the
administrator who grants roles.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from zhifa.audit.models import AuditRecord
from zhifa.core import access
from zhifa.draws import rules, services
from zhifa.draws.models import DrawStatus, DrawTask, OfficerConflict
from zhifa.org import services as org_services
from zhifa.org.models import Role


def _create(task, reveal_date, sources, actor):
    return services.create_draw(
        task=task,
        title="2026年公共场所卫生双随机抽查",
        mode="public",
        reveal_date=reveal_date,
        sources=sources,
        actor=actor,
    )


def test_a_legal_reviewer_granted_inspector_at_his_agency_gains_the_draws_of_that_agency_only(
    legal_reviewer, health_agency, admin_user, task, reveal_date, sources, jinzhong_market_agency
):
    before = (DrawTask.objects.count(), AuditRecord.objects.count())
    with pytest.raises(PermissionDenied, match=rules.DRAW_DENIED):
        _create(task, reveal_date, sources, legal_reviewer)
    assert (DrawTask.objects.count(), AuditRecord.objects.count()) == before

    org_services.grant_role(
        legal_reviewer, role=Role.INSPECTOR, organisation=health_agency, actor=admin_user
    )
    legal_reviewer.forget_grants()

    draw = _create(task, reveal_date, sources, legal_reviewer)
    assert (draw.status, draw.organisation_id) == (DrawStatus.DRAFT, health_agency.pk)
    assert access.can(legal_reviewer, "draw.announce", draw)
    assert access.refusal(legal_reviewer, "draw.create", jinzhong_market_agency) == (
        rules.DRAW_DENIED
    )


def test_a_refused_conflict_declaration_changes_nothing(outsider, officers, registry):
    before = (OfficerConflict.objects.count(), AuditRecord.objects.count())
    with pytest.raises(PermissionDenied, match=rules.CONFLICT_DENIED):
        services.declare_conflict(officers[0], registry[0], "近亲属在该企业任职", outsider)
    assert (OfficerConflict.objects.count(), AuditRecord.objects.count()) == before
