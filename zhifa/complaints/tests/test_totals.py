"""挽回损失统计: losses recovered, counted and summed by period, region, agency and category; every
table adds up to the grand total to the cent, however awkward the cents."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

import zhifa_testing as testing
from zhifa.complaints import selectors, services
from zhifa.complaints.models import Channel
from zhifa.complaints.tests.conftest import SI_LUAN
from zhifa.org.models import RegionLevel

pytestmark = pytest.mark.django_db

# 0.1 + 0.2 is not 0.3 in floating point; 33.33 three times is not 100.
AMOUNTS = {
    "health": [("0.10", "2026-11-30"), ("0.20", "2026-11-02"), ("1234567.89", "2026-10-15")],
    "county": [("33.33", "2026-11-30"), ("33.33", "2026-07-01"), ("33.33", "2025-12-31")],
}
GRAND = Decimal("1234668.18")


@pytest.fixture
def losses(clock, zhoushan, justice_bureau, health_agency, supervisor):
    county = testing.region("330902", "定海区", RegionLevel.COUNTY, parent=zhoushan)
    market = testing.organisation("定海区市场监督管理局", region=county, doc_prefix="定市监")
    items = {}
    for key, agency, category in (
        ("health", health_agency, SI_LUAN),
        ("county", market, "quli-zhifa"),
    ):
        item = services.file_complaint(
            channel=Channel.CONTACT_POINT,
            category=category,
            content=f"{agency.name}被反映的问题。",
            agency=agency,
            actor=supervisor,
        )
        services.assign(item, agency=agency, actor=supervisor)
        for amount, day in AMOUNTS[key]:
            services.record_loss(
                item,
                actor=supervisor,
                amount=amount,
                description="退还罚没款",
                recovered_on=dt.date.fromisoformat(day),
            )
        items[key] = item
    return items


def test_every_table_adds_up_to_the_grand_total_to_the_cent(losses, supervisor):
    totals = selectors.loss_totals(supervisor, period="month")
    assert (totals.grand.amount, totals.grand.count) == (GRAND, 2)
    for key, _, rows in totals.table_list():
        assert sum((r.amount for r in rows), Decimal("0")) == GRAND, key
    assert [(r.label, r.count, r.amount_text) for r in totals.tables["period"]] == [
        ("2025年12月", 1, "33.33"),
        ("2026年7月", 1, "33.33"),
        ("2026年10月", 1, "1,234,567.89"),
        ("2026年11月", 2, "33.63"),
    ]
    assert [(r.label, r.count, r.amount_text) for r in totals.tables["agency"]] == [
        ("定海区市场监督管理局", 1, "99.99"),
        ("舟山市卫生健康委员会", 1, "1,234,568.19"),
    ]
    assert [(r.label, r.amount_text) for r in totals.tables["region"]] == [
        ("舟山市", "1,234,568.19"),
        ("定海区", "99.99"),
    ]
    assert [(r.label, r.amount_text) for r in totals.tables["category"]] == [
        ("乱收费、乱罚款、乱检查、乱查封", "1,234,568.19"),
        ("违规异地执法和趋利性执法", "99.99"),
    ]


def test_quarters_and_years(losses, supervisor):
    quarters = selectors.loss_totals(supervisor, period="quarter").tables["period"]
    assert [(r.label, r.amount_text) for r in quarters] == [
        ("2025年第4季度", "33.33"),
        ("2026年第3季度", "33.33"),
        ("2026年第4季度", "1,234,601.52"),
    ]
    years = selectors.loss_totals(supervisor, period="year").tables["period"]
    assert [(r.label, r.count, r.amount_text) for r in years] == [
        ("2025年", 1, "33.33"),
        ("2026年", 2, "1,234,634.85"),
    ]


def test_the_page_shows_the_grand_total_with_thousands_separators(client_for, losses, supervisor):
    html = client_for(supervisor).get("/complaints/totals/?period=year").content.decode()
    assert "挽回损失 <strong>1,234,668.18</strong> 元，涉及问题 <strong>2</strong> 件" in html
    assert 'data-testid="by-agency"' in html and "定海区市场监督管理局" in html


def test_a_date_range_narrows_the_totals(client_for, losses, supervisor):
    totals = selectors.loss_totals(
        supervisor, since=dt.date(2026, 11, 1), until=dt.date(2026, 11, 30)
    )
    assert (totals.grand.amount_text, totals.grand.count) == ("33.63", 2)


def test_the_export_adds_up_like_the_page(client_for, losses, supervisor):
    response = client_for(supervisor).get("/complaints/totals/export/?period=quarter")
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0] == ("统计维度", "项目", "问题数", "挽回损失（元）")
    assert ("期间", "2026年第4季度", 2, "1,234,601.52") in rows
    assert [r for r in rows if r[1] == "合计"] == [
        (dimension, "合计", 2, "1,234,668.18")
        for dimension in ("期间", "所在区划", "被反映单位", "问题类别")
    ]


def test_the_agency_and_an_outsider_get_no_totals(client_for, losses, inspector, outsider):
    assert client_for(inspector).get("/complaints/totals/").status_code == 403
    assert client_for(outsider).get("/complaints/totals/").status_code == 403


def test_a_supervisor_of_another_region_sums_nothing_of_this_one(losses, jinzhong):
    other = testing.organisation(
        "晋中市司法局", region=jinzhong, kind="supervisor", doc_prefix="晋司"
    )
    user = testing.user("jz_sup", role="supervisor", organisation=other, display_name="郑监督")
    totals = selectors.loss_totals(user)
    assert (totals.grand.amount_text, totals.grand.count) == ("0.00", 0)
