from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from zhifa.core.repealed import repealed_in

register = template.Library()


@register.inclusion_tag("web/_repealed.html")
def repealed_warning(*citations: str) -> dict[str, Any]:
    """A warning beside a basis that cites a law repealed by today: ``{% repealed_warning
    item.legal_basis_law %}``. Lists published before a repeal stay readable, so their readers
    must see that the basis has changed."""
    today = timezone.localdate()
    return {"repeals": [r for c in citations if c for r in repealed_in(str(c), today)]}
