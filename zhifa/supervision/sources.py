"""Where a supervision document starts: a case, an overdue 补办 or 公示, a case-file review, a
social supervisor's report, a complaint. Each source prefills the drafting form.

The apps that own a source sit above or below ``supervision`` in the layers; those above it
(``review``, ``social``, later ``complaints``) register their loader here at start-up
(``AppConfig.ready``), so ``supervision`` never imports them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Prefill:
    """What a source says about itself, in words the drafting form shows."""

    # The agency (or township government) the document goes to; None when the source names none.
    addressee: Any = None
    # The inspection case it concerns, when there is one (the 决定书 then shows on that case).
    case: Any = None
    # A short line naming where the document started ("案卷评查：舟卫检〔2026〕3号 不合格").
    label: str = ""
    matter: str = ""
    facts: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    basis: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    # The document kind the source suggests (e.g. a breach report suggests an 意见书).
    suggested_kind: str = ""


# loader(pk, user) -> Prefill, or raises Http404 when the user may not see the source.
Loader = Callable[[int, Any], Prefill]
# on_drafted(pk, letter, actor): the source learns, inside the drafting transaction, that a
# document now answers it (a social supervisor's report becomes 已转监督文书).
Drafted = Callable[[int, Any, Any], None]


@dataclass(frozen=True)
class Source:
    code: str
    label: str
    loader: Loader
    on_drafted: Drafted | None = None


_SOURCES: dict[str, Source] = {}


def register_source(
    code: str, label: str, loader: Loader, *, on_drafted: Drafted | None = None
) -> None:
    """Declare a source once; registering the same code with another loader is a mistake."""
    existing = _SOURCES.get(code)
    if existing is not None and existing.loader is not loader:
        raise ValueError(f"监督文书来源“{code}”已登记为“{existing.label}”。")
    _SOURCES[code] = Source(code, label, loader, on_drafted)


def source(code: str) -> Source:
    try:
        return _SOURCES[code]
    except KeyError:
        raise LookupError(f"未知的监督文书来源：{code}") from None


def sources() -> list[Source]:
    return list(_SOURCES.values())


def draft_url(code: str, pk: int) -> str:
    """The drafting page prefilled from source ``code`` row ``pk``: the one link every source
    offers as "制作监督文书"."""
    from django.urls import reverse

    return f"{reverse('supervision:letter_new')}?source={code}&source_pk={pk}"
