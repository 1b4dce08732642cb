"""``/api/inspections/``."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["涉企行政检查"])
