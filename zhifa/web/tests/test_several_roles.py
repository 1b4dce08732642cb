"""A user holding several roles (issue 14) sees and may do exactly the union of what each role
allows him, in the registry, documents, the audit chain and the menu; what none of his roles
allows is refused and writes nothing."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

import zhifa_testing as testing
from zhifa.audit.models import AuditRecord
from zhifa.audit.rules import AUDIT_DENIED
from zhifa.core import access
from zhifa.org.models import Organisation, RegionLevel, Role
from zhifa.org.services import grant_role
from zhifa.registry import rules as registry_rules
from zhifa.registry.models import Enterprise
from zhifa.web.context_processors import menu_for

pytestmark = pytest.mark.django_db

ENTERPRISES = "/api/registry/enterprises"


@pytest.fixture
def yuci(jinzhong):
    return testing.region("140702", "榆次区", RegionLevel.COUNTY, jinzhong)


@pytest.fixture
def places(zhoushan, yuci):
    return {
        "舟山": testing.enterprise("舟山海鲜酒楼有限公司", region=zhoushan, serial=801),
        "榆次": testing.enterprise("榆次面食有限公司", region=yuci, serial=802),
    }


def names(response) -> list[str]:
    return sorted(row["name"] for row in response.json()["items"])


def register(client, serial: int) -> object:
    payload = {
        "uscc": testing.make_uscc(serial, "140702"),
        "name": "榆次新登记有限公司",
        "legal_representative": "钱一",
        "address": "榆次区迎宾街 1 号",
        "region_code": "140702",
        "industry": "软件业",
        "credit_grade": "A",
    }
    return client.post(ENTERPRISES, data=json.dumps(payload), content_type="application/json")


def written() -> tuple[int, int]:
    return Enterprise.objects.count(), AuditRecord.objects.count()


def test_a_legal_reviewer_granted_inspector_elsewhere_keeps_the_registry_there_only(
    client_for, legal_reviewer, jinzhong_market_agency, admin_user, places
):
    client = client_for(legal_reviewer)
    # 法制审核 alone: reads his region's enterprises, registers none.
    assert names(client.get(ENTERPRISES)) == ["舟山海鲜酒楼有限公司"]
    before = written()
    refused = register(client, 901)
    assert (refused.status_code, refused.json()) == (403, {"detail": registry_rules.WRITE_DENIED})
    assert written() == before

    grant_role(
        legal_reviewer, role=Role.INSPECTOR, organisation=jinzhong_market_agency, actor=admin_user
    )

    # Both regions are seen; the registry is kept where he is an 执法人员 only.
    assert names(client.get(ENTERPRISES)) == ["榆次面食有限公司", "舟山海鲜酒楼有限公司"]
    assert access.can(legal_reviewer, "enterprise.edit", places["榆次"])
    assert access.refusal(legal_reviewer, "enterprise.edit", places["舟山"]) == (
        registry_rules.OUT_OF_JURISDICTION
    )
    before = written()
    edit = client.post(
        reverse("registry:enterprise_edit", args=[places["舟山"].pk]),
        {"name": "改名有限公司", "uscc": places["舟山"].uscc, "region": "330900"},
    )
    assert edit.status_code == 403
    assert written() == before
    assert Enterprise.objects.get(pk=places["舟山"].pk).name == "舟山海鲜酒楼有限公司"

    created = register(client, 902)
    assert created.status_code == 201
    assert created.json()["region_code"] == "140702"


def test_a_legal_reviewer_granted_inspector_issues_documents_for_both_agencies(
    legal_reviewer, health_agency, jinzhong_market_agency, justice_bureau, admin_user
):
    assert access.can(legal_reviewer, "document.issue", health_agency)
    assert not access.can(legal_reviewer, "document.issue", jinzhong_market_agency)

    grant_role(
        legal_reviewer, role=Role.INSPECTOR, organisation=jinzhong_market_agency, actor=admin_user
    )

    assert access.can(legal_reviewer, "document.issue", health_agency)
    assert access.can(legal_reviewer, "document.issue", jinzhong_market_agency)
    assert not access.can(legal_reviewer, "document.issue", justice_bureau)


def test_a_justice_bureau_head_granted_supervision_opens_the_audit_chain_of_the_region(
    client_for, justice_bureau, health_agency, jinzhong_market_agency, admin_user
):
    head = testing.user(
        "head", role=Role.APPROVER, organisation=justice_bureau, display_name="局长"
    )
    client = client_for(head)
    before = AuditRecord.objects.count()
    refused = client.get(reverse("audit:record_list"))
    assert refused.status_code == 403
    assert AUDIT_DENIED in refused.content.decode()
    assert client.post(reverse("audit:verify")).status_code == 403
    assert AuditRecord.objects.count() == before
    assert "审计链" not in dict(menu_for(head))

    grant_role(head, role=Role.SUPERVISOR, organisation=justice_bureau, actor=admin_user)

    assert client.get(reverse("audit:record_list")).status_code == 200
    assert "审计链" in dict(menu_for(head))
    seen = set(Organisation.objects.restrict(head).values_list("name", flat=True))
    assert seen == {"舟山市司法局", "舟山市卫生健康委员会"}
    # Still the head of his bureau: supervising does not make him an enterprise registrar.
    assert access.refusal(head, "enterprise.register") == registry_rules.WRITE_DENIED
