"""Which article of a list item's 违法依据 is the one violated, and which sets the penalty.

The published lists write an item's 违法依据 as one law and its articles, the provisions violated
first and the penalty provision (罚则) last, e.g. 《中华人民共和国食品安全法》
"第三十五条第一款、第一百二十二条第一款". An item citing a single article (a 罚则 that
itself describes the conduct, e.g. 《护士条例》第三十条第（二）项) has it as both. A decision
takes both from the item the officer picks; the officer may correct either before deciding.
"""

from __future__ import annotations

import re

# An article reference starts "第…条"; "第（三）项" or "第二款" alone continue the one before it.
_ARTICLE = re.compile(r"^第[一二三四五六七八九十百千零〇两\d]+条")
_SEPARATORS = re.compile(r"\s*[、，,；;]\s*")


def split_articles(articles: str) -> list[str]:
    """The article references in ``articles``, each with the 款/项 that follow it:
    "第二百四十三条第一款、第一千一百三十条第一款第（二）项、第（三）项" →
    ["第二百四十三条第一款", "第一千一百三十条第一款第（二）项、第（三）项"]."""
    parts: list[str] = []
    for piece in _SEPARATORS.split(articles.strip()):
        if not piece:
            continue
        if parts and not _ARTICLE.match(piece):
            parts[-1] += "、" + piece
        else:
            parts.append(piece)
    return parts


def provisions(law: str, articles: str) -> tuple[str, str]:
    """(violated provision, penalty provision) of a 违法依据 given as its law and articles."""
    law = law.strip()
    parts = split_articles(articles)
    if not parts:
        return law, law
    if len(parts) == 1:
        return law + parts[0], law + parts[0]
    return law + "、".join(parts[:-1]), law + parts[-1]


def split_basis(basis: str) -> tuple[str, str]:
    """``provisions`` of a 违法依据 written as one text, "《…》第…条、第…条"."""
    end = basis.rfind("》")
    if end < 0:
        return basis.strip(), basis.strip()
    return provisions(basis[: end + 1], basis[end + 1 :])
