from __future__ import annotations

import datetime as dt

import pytest
import time_machine

import zhifa_testing as testing
from zhifa.org.models import OrganisationKind, Role, RoleGrant
from zhifa.supervision import services
from zhifa.supervision.models import LetterType

# A Tuesday in 2026 (a loaded year); 20 working days later is 2026-12-29.
TODAY = dt.date(2026, 12, 1)
CONTENT = {
    "matter": "你单位2026年度对同一企业的现场检查",
    "facts": "2026年以来对舟山海鲜酒楼有限公司现场检查4次。\n其中2次未经审批。",
    "basis": "《国务院办公厅关于严格规范涉企行政检查的意见》（国办发〔2024〕54号）",
    "requests_heading": "监督意见",
    "requests": "对未经审批的检查予以纠正。\n对相关人员开展执法培训。",
    "contact": "联系人：赵志刚，电话：0580-2039876。",
}


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def clock():
    with time_machine.travel(
        dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False
    ) as traveller:
        yield traveller


@pytest.fixture
def head(justice_bureau):
    user = testing.user(
        "head", role=Role.SUPERVISOR, organisation=justice_bureau, display_name="郑局长"
    )
    RoleGrant.objects.create(user=user, role=Role.SUPERVISION_HEAD, organisation=justice_bureau)
    return user


@pytest.fixture
def other_agency(zhoushan):
    return testing.organisation("舟山市市场监督管理局", region=zhoushan, doc_prefix="舟市监")


@pytest.fixture
def other_inspector(other_agency):
    return testing.user("market", role=Role.INSPECTOR, organisation=other_agency)


@pytest.fixture
def opinion_type(db):
    return LetterType.objects.get(region=None, kind__code="supervision_opinion")


@pytest.fixture
def decision_type(db):
    return LetterType.objects.get(region=None, kind__code="supervision_decision")


@pytest.fixture
def draft(supervisor, health_agency, opinion_type, clock):
    return services.draft_letter(
        actor=supervisor, letter_type=opinion_type, addressee=health_agency, content=CONTENT
    )


@pytest.fixture
def reviewed(draft, supervisor, head):
    services.submit_letter(draft, actor=supervisor)
    return services.review_letter(draft, actor=head, approve=True)


@pytest.fixture
def issued(reviewed, head):
    return services.sign_letter(reviewed, actor=head)


@pytest.fixture
def received(issued, inspector):
    return services.receive_letter(issued, actor=inspector)


@pytest.fixture
def replied(received, inspector):
    services.reply_letter(received, actor=inspector, text="已对2次未经审批的检查予以纠正。")
    received.refresh_from_db()
    return received


_ = OrganisationKind
