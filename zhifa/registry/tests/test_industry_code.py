"""An enterprise's 行业代码 (GB/T 4754-2017 大类, or only its 门类) is what a draw's industry
filter matches: the import, the form, the API and the export carry it."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse

import zhifa_testing as testing
from zhifa.registry.importing import RowError
from zhifa.registry.models import Enterprise
from zhifa.registry.services import import_enterprises, register_enterprise
from zhifa.registry.tests.helpers import code, row, xlsx_bytes

pytestmark = pytest.mark.django_db


def imported(actor, *rows):
    return import_enterprises(file_name="名录.xlsx", content=xlsx_bytes(list(rows)), actor=actor)


def test_the_import_takes_a_code_a_name_or_both(inspector, dinghai):
    outcome = imported(
        inspector,
        row(1, 行业="餐饮业", 行业代码=""),
        row(2, 行业="", 行业代码="61"),
        row(3, 行业="海鲜酒楼", 行业代码="H62"),
        row(4, 行业="水产品加工", 行业代码=""),
    )

    assert outcome.report.errors == []
    assert list(Enterprise.objects.order_by("uscc").values_list("industry", "industry_code")) == [
        ("餐饮业", "62"),
        ("住宿业", "61"),
        ("海鲜酒楼", "62"),
        ("水产品加工", ""),
    ]


def test_a_row_with_a_code_outside_the_standard_is_reported_and_nothing_is_imported(
    inspector, dinghai, counts
):
    before = counts()

    outcome = imported(inspector, row(1), row(2, 行业代码="99"), row(3, 行业代码="61；62"))

    assert outcome.report.errors == [
        RowError(
            3,
            "行业代码",
            "99",
            "行业代码：“99”不是 GB/T 4754-2017 的门类字母（A–T）或大类代码（01–97），"
            "也不是其名称；请填写代码，如 61（住宿业）、H（住宿和餐饮业）。",
        ),
        RowError(
            4,
            "行业代码",
            "61；62",
            "行业代码：只能填写一个代码（企业所属的 GB/T 4754-2017 大类，或只知门类时填门类字母），"
            "填写的是“61；62”。",
        ),
    ]
    assert counts() == before


def test_registering_with_a_wrong_code_names_the_field(approver, dinghai, counts):
    before = counts()

    with pytest.raises(ValidationError) as error:
        register_enterprise(
            data={
                "uscc": code(5),
                "name": "定海测试酒店有限公司",
                "region": "330902",
                "industry_code": "G61",
                "credit_grade": "B",
            },
            actor=approver,
        )

    assert error.value.message_dict == {
        "industry_code": ["行业代码：大类 61（住宿业）属于门类 H，不是门类 G；请核对代码。"]
    }
    assert counts() == before


def test_the_api_registers_and_returns_the_code(client_for, approver, dinghai):
    response = client_for(approver).post(
        "/api/registry/enterprises",
        {
            "uscc": code(6),
            "name": "定海测试浴室有限公司",
            "region_code": "330902",
            "industry_code": "80",
            "credit_grade": "B",
        },
        content_type="application/json",
    )

    assert response.status_code == 201
    assert (response.json()["industry"], response.json()["industry_code"]) == (
        "居民服务业",
        "80",
    )


def test_the_detail_page_names_the_code(client_for, approver, dinghai):
    enterprise = testing.enterprise(
        "定海测试饭店有限公司", region=dinghai, industry="餐饮业", industry_code="62"
    )

    page = (
        client_for(approver)
        .get(reverse("registry:enterprise_detail", args=[enterprise.pk]))
        .content.decode()
    )

    assert '<dd data-testid="industry-code">62 餐饮业（GB/T 4754-2017）</dd>' in page


def test_the_migration_gives_enterprises_the_code_of_their_industry_name(dinghai):
    named = [
        testing.enterprise(f"定海迁移测试{n}有限公司", region=dinghai, industry=industry)
        for n, industry in enumerate(["餐饮业", "建筑业", "道路货物运输", "海鲜酒楼", ""])
    ]
    migration = importlib.import_module("zhifa.registry.migrations.0005_industry_code")

    migration.codes_from_names(apps, None)

    assert [Enterprise.objects.get(pk=e.pk).industry_code for e in named] == [
        "62",
        "E",
        "54",
        "",
        "",
    ]
