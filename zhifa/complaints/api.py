"""``/api/complaints/``: the problem list for signed-in users and machine clients."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["投诉举报与问题清单"])
