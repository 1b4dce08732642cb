from __future__ import annotations

import pytest

import zhifa_testing as testing
from zhifa.org.models import Role
from zhifa.training import services
from zhifa.training.models import TrainingForm
from zhifa.training.tests.util import session_data


@pytest.fixture
def market_agency(zhoushan):
    return testing.organisation("舟山市市场监督管理局", region=zhoushan)


@pytest.fixture
def wang(health_agency):
    return testing.officer("王建国", organisation=health_agency, cert_no="33090020260001")


@pytest.fixture
def li(health_agency):
    return testing.officer("李卫东", organisation=health_agency, cert_no="33090020260002")


@pytest.fixture
def sun(market_agency):
    return testing.officer("孙市监", organisation=market_agency, cert_no="33090020260003")


@pytest.fixture
def jinzhong_officer(jinzhong_market_agency):
    return testing.officer("周晋中", organisation=jinzhong_market_agency, cert_no="14070020260001")


@pytest.fixture
def jinzhong_approver(jinzhong_market_agency):
    return testing.user(
        "jz_approver",
        role=Role.APPROVER,
        organisation=jinzhong_market_agency,
        display_name="吴主任",
    )


@pytest.fixture
def bureau_session(supervisor, justice_bureau):
    return services.create_session(actor=supervisor, organiser=justice_bureau, data=session_data())


@pytest.fixture
def exam_session(supervisor, justice_bureau):
    return services.create_session(
        actor=supervisor,
        organiser=justice_bureau,
        data=session_data(form=TrainingForm.EXAM, topic="行政执法资格考试", hours="2"),
    )


@pytest.fixture
def requirement_zhoushan(admin_user, zhoushan):
    return services.set_requirement(
        actor=admin_user, region=zhoushan, yearly_hours="4", source="演示设置"
    )
