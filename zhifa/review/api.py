"""``/api/review/``."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["执法体检（案卷评查与抽查）"])
