"""Full-text search of the published compliance guidance lists.

Text is segmented with jieba (the ``rjieba`` binding of jieba-rs) in search mode, so that a
long word also yields its shorter words (“危险废物” → 危险、废物、危险废物). Every published
item is indexed in memory: an inverted index of weighted term frequencies (a title word counts
three times, a word of the common violations twice, the law and the advice once, the liability
half), ranked with BM25. The index belongs to the set of published versions it was built from;
each search compares that set with the database (one small query) and rebuilds when a version
was published or superseded, so every server process follows publication without signals.

Enterprises ask in their own words (“危废台账”, “健康证过期”), so a short table of colloquial
terms adds the words the lists use; the expansion counts a little less than the word typed.
"""

from __future__ import annotations

import heapq
import math
import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import rjieba
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from zhifa.compliance.models import GuidanceItem, GuidanceVersion, VersionStatus

# Weights of the indexed parts of an item (BM25F-style weighted term frequency).
FIELD_WEIGHTS: tuple[tuple[str, float], ...] = (
    ("title", 3.0),
    ("violations", 2.0),
    ("legal_basis_law", 1.0),
    ("legal_basis_article", 1.0),
    ("legal_basis_text", 1.0),
    ("advice", 1.0),
    ("liability", 0.5),
    ("code", 1.0),
    ("field_name", 1.0),
)
K1 = 1.2
B = 0.75
SYNONYM_WEIGHT = 0.7
PHRASE_BONUS = 2.0
MAX_QUERY_LENGTH = 200
WORD_CACHE_SIZE = 200_000

# Colloquial term → the words the guidance lists use for it.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "危废": ("危险废物",),
    "固废": ("固体废物",),
    "健康证": ("健康证明", "健康合格证明"),
    "体检": ("健康检查", "体检合格证"),
    "环评": ("环境影响评价",),
    "排污证": ("排污许可证",),
    "消防通道": ("疏散通道", "消防车通道"),
    "安全通道": ("疏散通道", "安全出口"),
    "逃生通道": ("疏散通道", "安全出口"),
    "灭火器": ("消防器材", "消防设施"),
    "油烟机": ("油烟净化",),
    "净化器": ("油烟净化",),
    "执照": ("营业执照",),
    "价签": ("明码标价",),
    "标价": ("明码标价",),
    "保质期": ("超过保质期",),
    "过期食品": ("超过保质期", "食品"),
    "冰柜": ("冷藏", "冷冻", "库存"),
    "冰箱": ("冷藏", "冷冻", "库存"),
    "过期": ("有效期", "延续"),
    "无证": ("未取得", "许可"),
    "没证": ("未取得", "资格"),
    "持证": ("取得相应资格",),
    "台账": ("记录",),
    "voc": ("挥发性有机物",),
    "vocs": ("挥发性有机物",),
    "喷漆": ("挥发性有机物", "喷涂"),
    "喷涂": ("挥发性有机物",),
    "废机油": ("危险废物",),
    "废油漆": ("危险废物",),
    "漆渣": ("危险废物",),
    "燃气报警": ("可燃气体报警装置",),
    "报警器": ("可燃气体报警装置", "报警装置"),
    "煤气": ("燃气",),
    "液化气": ("燃气",),
    "电瓶车": ("电动自行车",),
    "电动车": ("电动自行车",),
    "充电": ("电动自行车",),
    "劳保": ("劳动防护用品",),
    "安全帽": ("劳动防护用品",),
    "口罩": ("劳动防护用品",),
    "三级教育": ("安全生产教育",),
    "安全培训": ("安全生产教育",),
    "隐患": ("事故隐患",),
    "演练": ("应急救援预案",),
    "应急预案": ("应急救援预案",),
    "安责险": ("安全生产责任保险",),
    "扬尘": ("防尘",),
    "工地": ("施工工地",),
    "堆场": ("堆放",),
    "电焊": ("焊接", "电焊"),
    "焊工": ("特种作业人员",),
    "电工": ("特种作业人员",),
    "叉车": ("特种设备",),
    "电梯": ("特种设备",),
    "锅炉": ("特种设备",),
    "检验": ("定期检验",),
    "消毒柜": ("清洗消毒", "保洁柜"),
    "毛巾": ("用品用具",),
    "床单": ("用品用具",),
    "美容": ("公共场所",),
    "理发": ("公共场所",),
    "游泳": ("公共场所",),
    "宾馆": ("公共场所",),
    "酒店": ("公共场所",),
    "饭店": ("餐饮服务",),
    "餐馆": ("餐饮服务",),
    "饭馆": ("餐饮服务",),
    "厨房": ("餐饮服务",),
    "添加剂": ("食品添加剂",),
    "标签": ("预包装食品",),
    "职业病": ("职业病危害",),
    "粉尘": ("职业病危害",),
    "噪声": ("职业病危害",),
    "二次供水": ("供水",),
    "自来水": ("供水",),
    "水质": ("生活饮用水",),
}

# Words that say nothing about what is searched for.
STOPWORDS = frozenset(
    (
        "的",
        "了",
        "是",
        "在",
        "和",
        "与",
        "及",
        "或",
        "等",
        "被",
        "把",
        "对",
        "为",
        "要",
        "吗",
        "呢",
        "吧",
        "啊",
        "怎么",
        "怎么办",
        "如何",
        "什么",
        "哪些",
        "需要",
        "应该",
        "可以",
        "是否",
        "有没有",
        "没有",
        "没",
        "未",
        "不",
        "我",
        "我们",
        "公司",
        "企业",
        "单位",
        "店",
        "店里",
        "问题",
        "情况",
        "规定",
        "要求",
        "处罚",
        "会",
        "会不会",
        "一",
        "个",
        "有",
        "这",
        "那",
        "就",
        "还",
        "也",
        "都",
        "又",
        "着",
        "过",
        "让",
        "给",
        "用",
        "从",
        "向",
        "后",
        "前",
        "时",
        "中",
        "上",
        "下",
        "内",
        "外",
    )
)

_word_pattern = re.compile(r"\w", re.UNICODE)
_segmenter_lock = threading.Lock()
_segmenter: Any = None


def _jieba() -> Any:
    global _segmenter
    with _segmenter_lock:
        if _segmenter is None:
            segmenter = rjieba.Jieba()
            for word in {*SYNONYMS, *(w for words in SYNONYMS.values() for w in words)}:
                segmenter.add_word(word, None, None)
            _segmenter = segmenter
        return _segmenter


_word_cache: dict[str, str | None] = {}


def _normalise(raw: str) -> str | None:
    """The indexable form of one segmented word, or None when it carries no meaning."""
    word = raw.strip().lower()
    if not word or not _word_pattern.search(word) or word in STOPWORDS:
        return None
    if len(word) == 1 and not word.isascii():
        # A single Chinese character is too ambiguous to rank on; its words carry it.
        return None
    return word


def tokenize(text: str) -> list[str]:
    """The searchable words of ``text``, in order, repeats kept (search-mode segmentation)."""
    if not text:
        return []
    cache = _word_cache
    words: list[str] = []
    for raw in _jieba().cut_for_search(text):
        if raw in cache:
            word = cache[raw]
        else:
            word = _normalise(raw)
            if len(cache) < WORD_CACHE_SIZE:
                cache[raw] = word
        if word is not None:
            words.append(word)
    return words


def query_terms(query: str) -> dict[str, float]:
    """Each distinct term of ``query`` with its weight: typed words 1, their expansions less."""
    terms: dict[str, float] = {}
    for word in tokenize(query[:MAX_QUERY_LENGTH]):
        terms[word] = 1.0
    for word in list(terms):
        for extra in SYNONYMS.get(word, ()):
            for part in tokenize(extra):
                terms.setdefault(part, SYNONYM_WEIGHT)
    return terms


@dataclass(frozen=True)
class IndexedItem:
    item_id: int
    code: str
    title: str
    field: str
    field_name: str
    version_id: int
    version_label: str
    publisher: str
    legal_basis: str
    industries: tuple[str, ...]
    texts: dict[str, str]


@dataclass
class SearchIndex:
    """Inverted index of the published items; positions in ``items`` are document ids.

    ``add`` collects weighted term frequencies; ``finish`` turns each posting into its BM25
    contribution, so that a query only adds up precomputed numbers."""

    key: tuple[Any, ...]
    items: list[IndexedItem] = field(default_factory=list)
    lengths: list[float] = field(default_factory=list)
    postings: dict[str, tuple[tuple[int, ...], tuple[float, ...]]] = field(default_factory=dict)
    average_length: float = 1.0
    titles: list[str] = field(default_factory=list)
    by_field: dict[str, frozenset[int]] = field(default_factory=dict)
    by_industry: dict[str, frozenset[int]] = field(default_factory=dict)
    general: frozenset[int] = frozenset()
    _raw: dict[str, list[tuple[int, float]]] = field(default_factory=dict)

    def add(self, item: IndexedItem) -> None:
        doc = len(self.items)
        self.items.append(item)
        self.titles.append(item.title.lower())
        weights: dict[str, float] = {}
        length = 0.0
        for name, weight in FIELD_WEIGHTS:
            for word in tokenize(item.texts.get(name, "")):
                weights[word] = weights.get(word, 0.0) + weight
                length += weight
        self.lengths.append(length)
        for word, tf in weights.items():
            self._raw.setdefault(word, []).append((doc, tf))

    def finish(self) -> None:
        count = len(self.items)
        self.average_length = (sum(self.lengths) / count) if count else 1.0
        norms = [K1 * (1.0 - B + B * length / self.average_length) for length in self.lengths]
        for word, raw in self._raw.items():
            idf = math.log(1.0 + (count - len(raw) + 0.5) / (len(raw) + 0.5))
            docs = tuple(doc for doc, _ in raw)
            scores = tuple(idf * (K1 + 1.0) * tf / (tf + norms[doc]) for doc, tf in raw)
            self.postings[word] = (docs, scores)
        self._raw = {}
        fields: dict[str, set[int]] = {}
        industries: dict[str, set[int]] = {}
        general: set[int] = set()
        for doc, item in enumerate(self.items):
            fields.setdefault(item.field, set()).add(doc)
            if not item.industries:
                general.add(doc)
            for name in item.industries:
                industries.setdefault(name, set()).add(doc)
        self.by_field = {key: frozenset(value) for key, value in fields.items()}
        self.general = frozenset(general)
        # An item that names no industry applies to all of them.
        self.by_industry = {key: frozenset(value | general) for key, value in industries.items()}

    def idf(self, term: str) -> float:
        n = len(self.items)
        df = len(self.postings.get(term, ((), ()))[0])
        return math.log(1.0 + (n - df + 0.5) / (df + 0.5))

    def allowed(self, field_code: str | None, industry: str | None) -> frozenset[int] | None:
        """The documents the filters keep; None when there is no filter."""
        keep: frozenset[int] | None = None
        if field_code:
            keep = self.by_field.get(field_code, frozenset())
        if industry:
            docs = self.by_industry.get(industry, self.general)
            keep = docs if keep is None else keep & docs
        return keep

    def score(self, terms: dict[str, float]) -> tuple[list[float], set[int]]:
        """Score of every document (by position) and the set of documents any term matched."""
        totals = [0.0] * len(self.items)
        matched: set[int] = set()
        for term, weight in terms.items():
            posting = self.postings.get(term)
            if posting is None:
                continue
            docs, contributions = posting
            matched.update(docs)
            if weight == 1.0:
                for doc, value in zip(docs, contributions, strict=True):
                    totals[doc] += value
            else:
                for doc, value in zip(docs, contributions, strict=True):
                    totals[doc] += weight * value
        return totals, matched


def _texts(row: Mapping[str, Any]) -> dict[str, str]:
    return {
        "title": row["title"],
        "violations": row["violations"],
        "legal_basis_law": row["legal_basis_law"],
        "legal_basis_article": row["legal_basis_article"],
        "legal_basis_text": row["legal_basis_text"],
        "advice": row["advice"],
        "liability": row["liability"],
        "code": row["code"],
        "field_name": row["field__name"],
    }


def _published_key() -> tuple[Any, ...]:
    return tuple(
        GuidanceVersion.objects.filter(status=VersionStatus.PUBLISHED)
        .order_by("pk")
        .values_list("pk", "published_at")
    )


def build_index(key: tuple[Any, ...] | None = None) -> SearchIndex:
    """Index every item of the versions now published."""
    key = _published_key() if key is None else key
    index = SearchIndex(key=key)
    rows = (
        GuidanceItem.objects.filter(version__status=VersionStatus.PUBLISHED)
        .order_by("version_id", "position", "code")
        .values(
            "pk",
            "code",
            "title",
            "violations",
            "legal_basis_law",
            "legal_basis_article",
            "legal_basis_text",
            "advice",
            "liability",
            "industries",
            "field__code",
            "field__name",
            "version_id",
            "version__label",
            "version__publisher",
        )
    )
    for row in rows.iterator(chunk_size=2000):
        index.add(
            IndexedItem(
                item_id=row["pk"],
                code=row["code"],
                title=row["title"],
                field=row["field__code"],
                field_name=row["field__name"],
                version_id=row["version_id"],
                version_label=row["version__label"],
                publisher=row["version__publisher"],
                legal_basis=f"{row['legal_basis_law']}{row['legal_basis_article']}",
                industries=tuple(row["industries"] or ()),
                texts=_texts(row),
            )
        )
    index.finish()
    return index


_cache_lock = threading.Lock()
_cached: SearchIndex | None = None


def current_index() -> SearchIndex:
    """The index of the versions published now, rebuilt when that set changed."""
    global _cached
    key = _published_key()
    with _cache_lock:
        if _cached is None or _cached.key != key:
            _cached = build_index(key)
        return _cached


def invalidate() -> None:
    """Drop the cached index (tests; publication is noticed without it)."""
    global _cached
    with _cache_lock:
        _cached = None


# --- Highlighting ----------------------------------------------------------------------------


def highlight(text: str, terms: Iterable[str]) -> SafeString:
    """``text`` HTML-escaped, with every occurrence of a term wrapped in ``<mark>``."""
    spans = _spans(text, terms)
    out: list[str] = []
    last = 0
    for start, end in spans:
        out.append(escape(text[last:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        last = end
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # every piece of text above is escaped


def _spans(text: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    words = sorted({t for t in terms if t}, key=len, reverse=True)
    if not words or not text:
        return []
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    spans: list[tuple[int, int]] = []
    for match in pattern.finditer(text):
        start, end = match.span()
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
        else:
            spans.append((start, end))
    return spans


SNIPPET_PARTS = ("violations", "advice", "legal_basis_text", "liability")
SNIPPET_CONTEXT = 40


def snippet(texts: dict[str, str], terms: Sequence[str]) -> SafeString:
    """The passage of the item that matches most terms, cut around its first match."""
    best_name, best_count = SNIPPET_PARTS[0], -1
    for name in SNIPPET_PARTS:
        count = len(_spans(texts.get(name, ""), terms))
        if count > best_count:
            best_name, best_count = name, count
    text = texts.get(best_name, "")
    spans = _spans(text, terms)
    if spans:
        start = max(0, spans[0][0] - SNIPPET_CONTEXT)
        end = min(len(text), spans[0][1] + SNIPPET_CONTEXT * 2)
    else:
        start, end = 0, min(len(text), SNIPPET_CONTEXT * 3)
    piece = text[start:end]
    body = highlight(piece, terms)
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return mark_safe(f"{prefix}{body}{suffix}")  # body is escaped by highlight


# --- Searching -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchHit:
    item_id: int
    code: str
    title: str
    field: str
    field_name: str
    version_id: int
    version_label: str
    publisher: str
    legal_basis: str
    industries: tuple[str, ...]
    score: float
    title_html: SafeString
    snippet_html: SafeString


@dataclass(frozen=True)
class SearchResults:
    query: str
    terms: tuple[str, ...]
    total: int
    hits: list[SearchHit]


def search(
    query: str,
    *,
    field: str | None = None,
    industry: str | None = None,
    limit: int = 10,
    offset: int = 0,
    index: SearchIndex | None = None,
) -> SearchResults:
    """Published items ranked by relevance to ``query``; ``total`` counts every match."""
    index = index if index is not None else current_index()
    terms = query_terms(query)
    totals, matched = index.score(terms)
    allowed = index.allowed(field, industry)
    candidates = matched if allowed is None else matched & allowed
    phrase = query.strip().lower()
    if len(phrase) >= 2:
        titles = index.titles
        for doc in [d for d in candidates if phrase in titles[d]]:
            totals[doc] += PHRASE_BONUS
    offset = max(0, offset)
    wanted = offset + max(0, limit)
    # Sorted first, so that equal scores keep document order (stable on every page).
    best = heapq.nlargest(wanted, sorted(candidates), key=totals.__getitem__)
    words = tuple(terms)
    hits = [_hit(index.items[doc], totals[doc], words) for doc in best[offset:wanted]]
    return SearchResults(query=query, terms=words, total=len(candidates), hits=hits)


def _hit(item: IndexedItem, score: float, terms: Sequence[str]) -> SearchHit:
    return SearchHit(
        item_id=item.item_id,
        code=item.code,
        title=item.title,
        field=item.field,
        field_name=item.field_name,
        version_id=item.version_id,
        version_label=item.version_label,
        publisher=item.publisher,
        legal_basis=item.legal_basis,
        industries=item.industries,
        score=round(score, 4),
        title_html=highlight(item.title, terms),
        snippet_html=snippet(item.texts, terms),
    )
