"""RFC 3797 verifiable random selection, with no Django and no database.

Anyone can re-run a published draw with this module alone (``zhifa rfc3797``,
``zhifa verify-draw``), so it depends on nothing but the standard library.

The algorithm (RFC 3797 §4):

- every public source value is canonicalised: a set of numbers is sorted ascending and each
  number written in decimal without leading zeros and followed by a period (``9319.``); a
  number with a fractional part keeps its decimal point and loses trailing zeros and takes no
  closing period (``1.25``); each source then ends with a slash. The key string of §6 is
  ``9319./2.5.8.10.12./9.18.26.34.41.45./``. An alphanumeric value keeps only its ASCII
  letters and digits, upper-cased, and "can be treated as a canonicalized number above and
  suffixed with a "./"" (``W 4-1`` → ``W41./``);
- the i-th value (i = 0, 1, …) is MD5 over the 2-byte big-endian counter, the key string and
  the counter again, read as an unsigned 128-bit big-endian integer;
- that value modulo the number of entries still in the pool, plus one, is the rank of the
  selected entry among the remaining ones in published order; the entry leaves the pool.

Selection uses a Fenwick tree over the pool, so choosing k of N costs O(N + k log N) rather
than the O(N k) of deleting from a list.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

MAX_VALUES = 65536
"""The 2-byte counter allows this many MD5 values per key string (RFC 3797 §4)."""

KEY_FORMAT = 2
"""The key-string scheme of new draws. Format 2 follows RFC 3797 §4 to the letter: an
alphanumeric value ends with ``./``. Format 1, used by draws announced before it, ended an
alphanumeric value with a bare ``/``; records name their format, so those stay verifiable."""
KEY_FORMATS = (1, 2)
_TEXT_END = {1: "/", 2: "./"}

_SPLIT = re.compile(r"[\s,，、;；]+")
_NUMBER = re.compile(r"^[0-9]+(\.[0-9]+)?$")
_NOT_ALNUM = re.compile(r"[^A-Za-z0-9]")
_PLAIN = re.compile(r"[A-Za-z0-9]+\Z")


class SourceError(ValueError):
    """A source value that cannot be canonicalised; the message is Chinese and names the value."""


def _number_text(value: Decimal) -> str:
    if value == value.to_integral_value():
        return f"{int(value)}."
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _text_end(key_format: int) -> str:
    try:
        return _TEXT_END[key_format]
    except KeyError:
        raise ValueError(
            f"密钥串格式版本 {key_format} 无效，应为 "
            + "、".join(str(f) for f in KEY_FORMATS)
            + " 之一。"
        ) from None


def canonical_source(raw: str, key_format: int = KEY_FORMAT) -> str:
    """One source value as it enters the key string, slash included.

    ``"2,5,12,8,10"`` → ``"2.5.8.10.12./"``; ``"9319"`` → ``"9319./"``; ``"a1-b2"`` → ``"A1B2./"``
    (format 1: ``"A1B2/"``). A value made only of numbers is a set of numbers; anything else is
    one alphanumeric value.
    """
    end = _text_end(key_format)
    if isinstance(raw, str) and _PLAIN.match(
        raw
    ):  # the common case (a 统一社会信用代码, a stratum code): no rewriting
        return f"{int(raw)}./" if raw.isdigit() else raw.upper() + end
    text = unicodedata.normalize("NFKC", str(raw)).strip()
    if not text:
        raise SourceError("随机源取值为空，请填写公布的取值。")
    parts = [p for p in _SPLIT.split(text) if p]
    if parts and all(_NUMBER.match(p) for p in parts):
        try:
            numbers = sorted(Decimal(p) for p in parts)
        except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
            raise SourceError(f"随机源取值“{raw}”不是有效的数字。") from None
        return "".join(_number_text(n) for n in numbers) + "/"
    if any(ch in "-+" for ch in text) and all(
        re.match(r"^[+-]?[0-9]+(\.[0-9]+)?$", p) for p in parts
    ):
        raise SourceError(f"随机源取值“{raw}”含有负数或正负号；RFC 3797 只接受非负数。")
    stripped = "".join(
        ch for ch in unicodedata.normalize("NFD", text) if unicodedata.category(ch) != "Mn"
    )
    cleaned = _NOT_ALNUM.sub("", stripped).upper()
    if not cleaned:
        raise SourceError(
            f"随机源取值“{raw}”没有数字或英文字母；文字取值只保留 ASCII 字母和数字，"
            "请按公布的数字或字母填写。"
        )
    return cleaned + end


def key_string(sources: Iterable[str], key_format: int = KEY_FORMAT) -> str:
    """The key string of RFC 3797 for raw source values, in their published order."""
    return "".join(canonical_source(s, key_format) for s in sources)


def md5_value(key: str, index: int) -> bytes:
    """MD5 over the 2-byte counter, the key string and the counter again."""
    if not 0 <= index < MAX_VALUES:
        raise ValueError(f"计数器取值 {index} 超出 RFC 3797 的范围 0–{MAX_VALUES - 1}。")
    counter = index.to_bytes(2, "big")
    return hashlib.md5(counter + key.encode("ascii") + counter, usedforsecurity=False).digest()


_TEMPLATE_LIMIT = 4096
_TEMPLATES: dict[int, list[int]] = {}


class RemainingPool:
    """The entries 1..n still in the pool, with rank lookup and removal in O(log n)."""

    __slots__ = ("_n", "_top", "_tree", "remaining")

    def __init__(self, n: int) -> None:
        self._n = n
        # A Fenwick tree over n ones: node i covers (i - lowbit(i), i], so holds lowbit(i).
        if n <= _TEMPLATE_LIMIT:  # small pools (officers) recur once per drawn enterprise
            template = _TEMPLATES.get(n)
            if template is None:
                template = _TEMPLATES[n] = [i & -i for i in range(n + 1)]
            self._tree = template.copy()
        else:
            self._tree = [i & -i for i in range(n + 1)]
        self._top = 1 << (n.bit_length() - 1) if n else 0
        self.remaining = n

    def take(self, rank: int) -> int:
        """Remove and return the 1-based position of the ``rank``-th remaining entry."""
        if not 1 <= rank <= self.remaining:
            raise IndexError(rank)
        tree, n = self._tree, self._n
        pos, bit = 0, self._top
        while bit:
            nxt = pos + bit
            if nxt <= n and tree[nxt] < rank:
                pos = nxt
                rank -= tree[nxt]
            bit >>= 1
        pos += 1
        i = pos
        while i <= n:
            tree[i] -= 1
            i += i & -i
        self.remaining -= 1
        return pos


@dataclass(frozen=True)
class Step:
    """One MD5 value used: the counter, the digest, the pool size it was divided by, the pick."""

    index: int
    md5: str
    remaining: int
    position: int
    accepted: bool = True
    skip_reason: str = ""


@dataclass
class Selection:
    key: str
    pool_size: int
    wanted: int
    steps: list[Step] = field(default_factory=list)

    @property
    def accepted(self) -> list[Step]:
        return [s for s in self.steps if s.accepted]


def steps(key: str, pool_size: int) -> Iterator[tuple[int, bytes, int, int]]:
    """Every (counter, digest, remaining, position) of a full selection, lazily."""
    pool = RemainingPool(pool_size)
    for index in range(min(pool_size, MAX_VALUES)):
        digest = md5_value(key, index)
        remaining = pool.remaining
        rank = int.from_bytes(digest, "big") % remaining + 1
        yield index, digest, remaining, pool.take(rank)


def select(
    key: str,
    pool_size: int,
    count: int,
    skip: Callable[[int], str | None] | None = None,
) -> Selection:
    """Select ``count`` of positions 1..``pool_size``.

    ``skip(position)`` returns the reason an entry is no longer eligible, or None; a skipped
    entry leaves the pool and the draw goes on with the next counter value (RFC 3797 §5.1).
    Stops when ``count`` entries are accepted or the pool (or the counter) runs out.
    """
    if count < 0:
        raise ValueError("抽取数量不能为负数。")
    if count > MAX_VALUES:
        raise ValueError(
            f"单次抽取数量 {count:,} 超过 RFC 3797 计数器上限 {MAX_VALUES:,}；"
            "请按分层或区域拆分为多个抽取。"
        )
    result = Selection(key=key, pool_size=pool_size, wanted=count)
    if count == 0:
        return result
    taken = 0
    for index, digest, remaining, position in steps(key, pool_size):
        reason = skip(position) if skip is not None else None
        result.steps.append(
            Step(
                index=index,
                md5=digest.hex().upper(),
                remaining=remaining,
                position=position,
                accepted=reason is None,
                skip_reason=reason or "",
            )
        )
        if reason is None:
            taken += 1
            if taken == count:
                break
    return result


def select_lines(
    sources: Sequence[str], lines: Sequence[str], count: int, key_format: int = KEY_FORMAT
) -> list[str]:
    """The selected lines in order: the ``zhifa rfc3797`` command."""
    chosen = select(key_string(sources, key_format), len(lines), min(count, len(lines)))
    return [lines[s.position - 1] for s in chosen.steps]
