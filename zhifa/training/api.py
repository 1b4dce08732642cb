"""``/api/training/``."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["执法培训（事前筑基）"])
