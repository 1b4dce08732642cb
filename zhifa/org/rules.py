"""Who may do what with organisations, officers and accounts, and the one place that says
whether an officer may act for the agency in law (执法证)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone


def credential_refusal(user: Any, on: dt.date | None = None) -> str | None:
    """Why ``user`` may not act as an 执法人员 of his agency on ``on`` (today by default); None
    when his 执法证 is valid that day.

    Only officers holding a valid certificate may carry out inspections and make decisions in
    the agency's name (《行政处罚法》第四十二条: 行政处罚应当由具有行政执法资格的执法人员实施):
    every capability that does so asks this, never a view or service of its own.
    """
    try:
        officer = user.officer
    except (ObjectDoesNotExist, AttributeError):
        officer = None
    if officer is None:
        return (
            "您的账号未关联执法证，不能以执法人员身份办理此事项；"
            "请由系统管理员在执法人员信息中关联。"
        )
    reason = officer.ineligibility_reason(on or timezone.localdate())
    if reason is not None:
        return f"您的{reason}，不能以执法人员身份办理此事项。"
    return None
