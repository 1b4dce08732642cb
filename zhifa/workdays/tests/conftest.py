from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import time_machine

import zhifa_testing as testing
from zhifa.org.models import Role
from zhifa.workdays import entry

SAMPLE_2026 = Path(__file__).resolve().parents[3] / "docs" / "workdays-2026.json"

# A far year no library release will hold: an arrangement shaped like the State Council's.
FAR_YEAR = 2099
FAR_YEAR_JSON = {
    "year": FAR_YEAR,
    "notice_number": "国办发明电〔2098〕9号",
    "notice_date": "2098-11-05",
    "notice_url": "https://www.gov.cn/zhengce/content/2098-11/05/content_1.htm",
    "holidays": [
        {"name": "元旦", "first": "2099-01-01", "last": "2099-01-03"},
        {"name": "春节", "first": "2099-01-20", "last": "2099-01-27"},
        {"name": "清明节", "first": "2099-04-04", "last": "2099-04-06"},
        {"name": "劳动节", "first": "2099-05-01", "last": "2099-05-05"},
        {"name": "端午节", "first": "2099-06-23", "last": "2099-06-23"},
        {"name": "中秋节", "first": "2099-09-27", "last": "2099-09-29"},
        {"name": "国庆节", "first": "2099-10-01", "last": "2099-10-07"},
    ],
    "makeup_workdays": [
        {"date": "2099-01-04", "name": "元旦"},
        {"date": "2099-01-18", "name": "春节"},
        {"date": "2099-01-31", "name": "春节"},
        {"date": "2099-05-09", "name": "劳动节"},
        {"date": "2099-10-10", "name": "国庆节"},
    ],
}


def far_year_data(**changes: object) -> entry.ArrangementData:
    data, problems = entry.from_json(json.dumps({**FAR_YEAR_JSON, **changes}).encode())
    assert problems == []
    return data


def sample_2026() -> entry.ArrangementData:
    data, problems = entry.from_json(SAMPLE_2026.read_bytes())
    assert problems == []
    return data


@pytest.fixture
def other_admin(db):
    """A second 系统管理员 (by role, not superuser) for the four-eyes review."""
    return testing.user("admin2", role=Role.ADMIN, display_name="复核管理员", is_staff=True)


@pytest.fixture
def today_in_2098():
    # Entry refuses notice dates in the future: run the far-year tests after its notice.
    with time_machine.travel(dt.datetime(2098, 11, 20, 10, tzinfo=dt.UTC), tick=False):
        yield
