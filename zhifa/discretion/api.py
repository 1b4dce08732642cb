"""``/api/discretion/``."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["行政处罚裁量“三张清单”"])
