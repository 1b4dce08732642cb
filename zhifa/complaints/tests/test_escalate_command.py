from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from zhifa.supervision.models import SupervisionLetter

pytestmark = pytest.mark.django_db

BEIJING = dt.timezone(dt.timedelta(hours=8))


def test_the_command_drafts_a_reminder_for_an_overdue_item_once_and_says_so(
    assigned, clock, supervisor, capsys
):
    clock.move_to(dt.datetime(2026, 12, 10, 9, 0, tzinfo=BEIJING))

    call_command("complaints_escalate", "--date", "2026-12-10", "--as", "supervisor")
    first = capsys.readouterr().out.strip().splitlines()
    call_command("complaints_escalate", "--date", "2026-12-10")
    second = capsys.readouterr().out.strip().splitlines()

    letter = SupervisionLetter.objects.get(source_code="complaint", source_pk=assigned.pk)
    assert letter.letter_type.kind.code == "reminder_letter"
    assert letter.drafted_by == supervisor
    assert first == [
        f"已拟制{letter.letter_type.name}草稿：问题清单逾期未答复：{assigned.number}",
        "共拟制 1 件催办文书草稿。",
        "共 0 件问题超过 14 日无办理。",
    ]
    assert second == ["共拟制 0 件催办文书草稿。", "共 0 件问题超过 14 日无办理。"]


def test_the_command_names_an_item_nobody_has_touched_for_two_weeks(filed, clock, capsys):
    clock.move_to(dt.datetime(2026, 12, 16, 9, 0, tzinfo=BEIJING))

    call_command("complaints_escalate")

    assert capsys.readouterr().out.strip().splitlines() == [
        "共拟制 0 件催办文书草稿。",
        f"长期无办理：问题 {filed.number}（待分办，舟山市卫生健康委员会），"
        "最近办理于2026年12月1日。",
        "共 1 件问题超过 14 日无办理。",
    ]


def test_a_bad_date_or_an_unknown_supervisor_is_refused_by_name(db):
    with pytest.raises(CommandError) as bad_date:
        call_command("complaints_escalate", "--date", "2026-13-01")
    with pytest.raises(CommandError) as unknown:
        call_command("complaints_escalate", "--as", "nobody")

    assert str(bad_date.value) == (
        "--date“2026-13-01”不是有效日期，请按 YYYY-MM-DD 填写，例如 2026-02-14。"
    )
    assert str(unknown.value) == "没有找到在用的账号“nobody”。"
    assert SupervisionLetter.objects.count() == 0
