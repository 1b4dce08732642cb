"""``/api/social/``."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["社会监督员（伴随式监督）"])
