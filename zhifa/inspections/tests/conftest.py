"""Personas of an inspection: the requester (inspector), a second officer, the approver."""

from __future__ import annotations

import datetime as dt

import pytest

import zhifa_testing as testing
from zhifa.org.models import Role
from zhifa.plans.models import InspectionItem
from zhifa_testing import cases


@pytest.fixture
def items(health_agency):
    field = testing.field()
    return [
        InspectionItem.objects.create(
            organisation=health_agency,
            field=field,
            code="WJ-01",
            name="公共场所卫生许可证持证情况",
            legal_basis_law="《公共场所卫生管理条例》",
            legal_basis_article="第八条",
            checklist=["核对卫生许可证是否在有效期内、是否悬挂在醒目位置。"],
        ),
        InspectionItem.objects.create(
            organisation=health_agency,
            field=field,
            code="WJ-02",
            name="从业人员健康检查情况",
            legal_basis_law="《公共场所卫生管理条例》",
            legal_basis_article="第七条",
            checklist=["核对直接为顾客服务的从业人员是否持有有效健康合格证明。"],
        ),
    ]


@pytest.fixture
def officer_one(inspector, health_agency):
    return testing.officer("王检查", organisation=health_agency, user=inspector)


@pytest.fixture
def second_inspector(health_agency):
    return testing.user(
        "inspector2", role=Role.INSPECTOR, organisation=health_agency, display_name="周执法"
    )


@pytest.fixture
def officer_two(second_inspector, health_agency):
    return testing.officer("周执法", organisation=health_agency, user=second_inspector)


@pytest.fixture
def expired_officer(health_agency):
    return testing.officer("吴过期", organisation=health_agency, valid_until=dt.date(2025, 6, 30))


@pytest.fixture
def second_approver(health_agency):
    return testing.user(
        "approver2", role=Role.APPROVER, organisation=health_agency, display_name="钱副主任"
    )


@pytest.fixture
def health_lists(health_agency, legal_reviewer):
    """舟山市卫生健康委员会's three lists in force: 健康合格证明 in the 不予处罚 and 从轻处罚 lists,
    卫生许可证 in the 不予处罚 list."""
    from zhifa.discretion import services as discretion

    version = discretion.create_version(
        organisation=health_agency,
        data={
            "label": "舟山市卫生健康 2026版",
            "issuer": "舟山市卫生健康委员会",
            "sources": "《公共场所卫生管理条例》",
        },
        actor=legal_reviewer,
    )
    health = {
        "field": "health",
        "violation_code": "GC-JKZM",
        "violation": "公共场所直接为顾客服务的人员未获得健康合格证明而从事本职工作",
        "violation_basis_law": "《公共场所卫生管理条例》",
        "violation_basis_article": "第七条、第十四条第（二）项",
        "discretion_basis_law": "《中华人民共和国行政处罚法》",
    }
    for data in (
        {
            **health,
            "code": "BY-01",
            "kind": "exempt",
            "discretion_basis_article": "第三十三条第一款",
            "first_years": "2",
            "harm_max": "轻微",
            "correction": "责令期限内",
            "outcome": "不予行政处罚，责令改正并进行教育",
        },
        {
            **health,
            "code": "CQ-01",
            "kind": "lighter",
            "discretion_basis_article": "第三十二条第（一）项",
            "harm_max": "一般",
            "circumstances": "主动消除或减轻危害后果",
            "outcome": "从轻处罚",
            "penalty_min": "500",
            "penalty_max": "5000",
        },
        {
            "field": "health",
            "code": "BY-02",
            "kind": "exempt",
            "violation_code": "GC-WSXK",
            "violation": "公共场所经营单位未取得卫生许可证擅自营业，营业不足十日",
            "violation_basis_law": "《公共场所卫生管理条例》",
            "violation_basis_article": "第八条、第十四条第（四）项",
            "discretion_basis_law": "《中华人民共和国行政处罚法》",
            "discretion_basis_article": "第三十三条第一款",
            "first_years": "2",
            "harm_max": "无",
            "correction": "责令期限内",
            "outcome": "不予行政处罚，责令改正并进行教育",
        },
    ):
        discretion.create_item(version=version, data=data, actor=legal_reviewer)
    return discretion.publish_version(version, actor=legal_reviewer)


@pytest.fixture
def notified_case(inspector, approver, health_agency, zhoushan_enterprise, items):
    """A case notified for Monday 2026-03-16 (zhifa_testing.cases)."""
    return cases.notified_case(
        inspector=inspector,
        approver=approver,
        organisation=health_agency,
        enterprise=zhoushan_enterprise,
        items=items,
    )


@pytest.fixture
def rectifying_case(inspector, approver, health_agency, zhoushan_enterprise, items):
    """The same case decided 责令改正, to be corrected by 2026-03-30."""
    return cases.rectifying_case(
        inspector=inspector,
        approver=approver,
        organisation=health_agency,
        enterprise=zhoushan_enterprise,
        items=items,
    )
