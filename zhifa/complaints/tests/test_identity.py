"""Who complained is the supervising bureau's to know only: each office surface (the list, its
export, the item page with its timeline, the agency's inbox, the home page) shows name, phone,
e-mail, enterprise and tracking code to the bureau and none of them to the agency."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from zhifa.complaints import services
from zhifa.complaints.models import Channel
from zhifa.complaints.tests.conftest import SI_LUAN

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(clock, justice_bureau, health_agency, enterprise, supervisor):
    """陈经理 of 舟山海鲜酒楼 complains about 卫健委; the bureau hands it over."""
    found = services.file_complaint(
        channel=Channel.PORTAL,
        category=SI_LUAN,
        content="同一个月内卫健委来检查了三次。",
        title="一个月检查三次",
        agency=health_agency,
        actor=enterprise,
        complainant_name="陈经理",
        complainant_phone="13800000001",
        complainant_email="chen@haixian.example",
        complainant_enterprise=enterprise.enterprise,
    )
    return services.assign(found, agency=health_agency, actor=supervisor)


def identity_of(item) -> list[str]:
    return [
        "陈经理",
        "13800000001",
        "chen@haixian.example",
        "舟山海鲜酒楼有限公司",
        item.tracking_code,
    ]


def shown(text: str, item) -> list[str]:
    return [value for value in identity_of(item) if value in text]


def test_the_list_page_shows_who_complained_to_the_bureau_only(
    client_for, item, supervisor, inspector
):
    bureau = client_for(supervisor).get("/complaints/list/").content.decode()
    assert shown(bureau, item) == ["陈经理", "舟山海鲜酒楼有限公司"]
    agency = client_for(inspector).get("/complaints/list/").content.decode()
    assert item.number in agency
    assert shown(agency, item) == []
    assert "反映人" not in agency


def test_the_export_has_identity_columns_for_the_bureau_only(
    client_for, item, supervisor, inspector
):
    def sheet(user):
        response = client_for(user).get("/complaints/list/export/")
        return list(load_workbook(io.BytesIO(response.content)).active.values)

    header, row = sheet(supervisor)
    found = dict(zip(header, row, strict=True))
    assert (
        found["反映人"],
        found["联系电话"],
        found["电子邮箱"],
        found["反映企业"],
        found["查询码"],
    ) == tuple(identity_of(item))
    rows = sheet(inspector)
    assert rows[0] == header[: len(rows[0])]
    assert not {"反映人", "联系电话", "电子邮箱", "反映企业", "来电人", "查询码"} & set(rows[0])
    text = " ".join(str(cell) for r in rows for cell in r if cell is not None)
    assert item.number in text
    assert shown(text, item) == []


def test_the_item_page_and_its_timeline_show_identity_to_the_bureau_only(
    client_for, item, supervisor, inspector
):
    bureau = client_for(supervisor).get(f"/complaints/{item.pk}/").content.decode()
    assert 'data-testid="identity"' in bureau
    assert shown(bureau, item) == identity_of(item)
    agency = client_for(inspector).get(f"/complaints/{item.pk}/").content.decode()
    assert 'data-testid="timeline"' in agency and "分办" in agency
    assert 'data-testid="identity"' not in agency
    assert shown(agency, item) == []


def test_the_agency_inbox_shows_no_identity(client_for, item, inspector):
    html = client_for(inspector).get("/complaints/inbox/").content.decode()
    assert item.number in html
    assert shown(html, item) == []


def test_the_agency_home_page_shows_no_identity(client_for, item, inspector):
    html = client_for(inspector).get("/").content.decode()
    assert item.number in html
    assert shown(html, item) == []


def test_an_anonymous_item_says_so_to_the_bureau_and_keeps_nothing(
    client_for, clock, justice_bureau, health_agency, supervisor
):
    anonymous = services.file_complaint(
        channel=Channel.ANONYMOUS,
        category=SI_LUAN,
        content="要求企业购买指定产品。",
        agency=health_agency,
        is_anonymous=True,
        complainant_name="不应保存",
    )
    html = client_for(supervisor).get(f"/complaints/{anonymous.pk}/").content.decode()
    assert "反映人要求匿名，未登记身份。" in html and "不应保存" not in html
