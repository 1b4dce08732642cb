"""``/api/compliance/``."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["合规指导清单与企业自查"])
