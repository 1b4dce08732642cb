"""``/api/supervision/``."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["行政执法监督文书"])
