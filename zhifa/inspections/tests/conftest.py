"""Personas of an inspection: the requester (inspector), a second officer, the approver."""

from __future__ import annotations

import datetime as dt

import pytest

from zhifa import testing
from zhifa.org.models import Role
from zhifa.plans.models import InspectionItem


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
