"""Who may keep the holiday table: the workdays part of the capability table
(zhifa.core.access). The table itself is public (the State Council's notices), and every
signed-in user reads the calendar; only administrators enter, review and settle a year, and
the review is by another administrator than the one who entered it (four eyes)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext

from zhifa.core.access import capability

ADMIN_ONLY = "只有系统管理员可以录入、复核节假日安排或处理其与数据包的差异。"
FOUR_EYES = (
    "复核须由录入人以外的另一名系统管理员进行：这份 %(year)s 年节假日安排是您录入的，"
    "请另一名系统管理员核对通知原文后确认。"
)


@capability("holidays.manage", "录入、退回节假日安排，处理其与数据包的差异")
def _may_manage(user: Any, obj: Any) -> str | None:
    return None if user.is_admin else gettext(ADMIN_ONLY)


@capability("holidays.confirm", "复核确认节假日安排（录入人以外的系统管理员）")
def _may_confirm(user: Any, obj: Any) -> str | None:
    refused = _may_manage(user, obj)
    if refused is None and obj is not None and obj.entered_by_id == user.pk:
        return gettext(FOUR_EYES) % {"year": obj.year}
    return refused
