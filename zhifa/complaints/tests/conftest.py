from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from zhifa.complaints import services
from zhifa.complaints.models import Channel

# Tuesday 2026-12-01 09:00 Beijing; five working days later is 2026-12-08.
TODAY = dt.date(2026, 12, 1)
SI_LUAN = "si-luan"


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
def filed(clock, justice_bureau, health_agency, enterprise):
    """陈经理 of 舟山海鲜酒楼 complains, signed in, about 舟山市卫生健康委员会."""
    return services.file_complaint(
        channel=Channel.PORTAL,
        category=SI_LUAN,
        content="同一个月内卫健委来检查了三次，每次都要求重新提交同样的材料。",
        agency=health_agency,
        actor=enterprise,
        complainant_name="陈经理",
        complainant_phone="13800000001",
        complainant_enterprise=enterprise.enterprise,
    )


@pytest.fixture
def assigned(filed, supervisor, health_agency):
    return services.assign(filed, agency=health_agency, actor=supervisor)


@pytest.fixture
def answered(assigned, inspector):
    return services.answer(assigned, actor=inspector, text="已核查，合并为一次检查，并向企业致歉。")


@pytest.fixture
def verified(answered, supervisor):
    return services.verify(answered, actor=supervisor, note="经电话核实，情况属实。")
