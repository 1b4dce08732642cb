"""The public record of a draw, and its verification without the server.

A record is JSON (``FORMAT``)::

    {
      "format": "zhifa-draw-record/1",
      "key_format": 2,
      "draw": {...descriptive: id, title, organisation, task, region, industry filter, mode,
               dates...},
      "sources": [{"position": 1, "name": "…", "expected_on": "2026-12-01",
                   "value": "2,5,12,8,10", "canonical": "2.5.8.10.12./"}],
      "commitment": null | {"sm3": "<SM3 of secret>", "secret": "<revealed secret>"},
      "key_string": "<canonical sources, then the secret if any>",
      "pool": {"sm3": "…", "size": 123, "line_format": "…"},
      "strata": [{"code": "A", "name": "…", "pool_size": 40, "pool_sm3": "…", "count": 2,
                  "key_string": "<key_string>A./",
                  "steps": [{"index": 0, "md5": "990D…", "remaining": 40, "position": 17,
                             "uscc": "…", "accepted": true, "skip_reason": ""}]}],
      "officer_pool": {"sm3": "…", "size": 9, "line_format": "…"},
      "officers_per_inspection": 2,
      "officer_draws": [{"uscc": "…", "key_string": "<key_string>OFFICERS./<uscc>./", "count": 2,
                         "steps": [{"index": 0, "md5": "…", "remaining": 9, "position": 4,
                                    "cert_no": "…", "accepted": true, "skip_reason": ""}]}],
      "results": [{"stratum": "A", "sequence": 1, "uscc": "…", "name": "…",
                   "officers": ["<cert_no>", "<cert_no>"], "status": "…"}]
    }

``key_format`` names how text enters the key string. Every part of it (a source value, the
secret, a stratum code, the word ``OFFICERS``, a 统一社会信用代码) is canonicalised as an RFC 3797
§4 source: numbers as numbers, anything else upper-cased to its ASCII letters and digits and
ended with ``./`` (format 2, the RFC's text) or with a bare ``/`` (format 1, the records made
before format 2; a record without ``key_format`` is format 1). Each record is verified under its
own format.

The pool file has one 统一社会信用代码 per line, UTF-8, each line ending in ``\\n``: the strata
in order of their codes, each a block of its enterprises sorted by the code. A stratum's own pool
is its block; its ``pool_sm3`` is the SM3 of exactly those lines, so ``zhifa rfc3797`` on that
block alone reproduces the stratum. The officer pool has one 执法证号 per line, sorted.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from zhifa.audit.sm3 import sm3_hex
from zhifa.draws import rfc3797

FORMAT = "zhifa-draw-record/1"
POOL_LINE_FORMAT = (
    "每行一个统一社会信用代码，UTF-8；按分层代码升序逐层排列，层内按统一社会信用代码升序"
)
OFFICER_POOL_LINE_FORMAT = "执法证号，按执法证号升序，每行一人，UTF-8"
OFFICER_KEY_LABEL = "OFFICERS"


class Mismatch(Exception):
    """The first point where a record disagrees with its own recomputation (Chinese message)."""


def stratum_key(base_key: str, stratum_code: str, key_format: int = rfc3797.KEY_FORMAT) -> str:
    return base_key + rfc3797.canonical_source(stratum_code, key_format)


def officer_key(base_key: str, uscc: str, key_format: int = rfc3797.KEY_FORMAT) -> str:
    return (
        base_key
        + rfc3797.canonical_source(OFFICER_KEY_LABEL, key_format)
        + rfc3797.canonical_source(uscc, key_format)
    )


def base_key(
    source_values: Sequence[str], secret: str | None, key_format: int = rfc3797.KEY_FORMAT
) -> str:
    values = list(source_values)
    if secret:
        values.append(secret)
    return rfc3797.key_string(values, key_format)


def key_format_of(record: dict[str, Any]) -> int:
    """The key-string format a record declares; records made before formats were named are 1."""
    value = record.get("key_format", 1)
    if isinstance(value, bool) or value not in rfc3797.KEY_FORMATS:
        formats = "、".join(str(f) for f in rfc3797.KEY_FORMATS)
        raise Mismatch(f"记录的密钥串格式版本为 {value!r}，本工具只认识 {formats}。")
    return int(value)


def step_entries(
    selection: rfc3797.Selection, labels: Sequence[str], label_name: str
) -> list[dict[str, Any]]:
    """The ``steps`` of a record for a selection; ``labels[position - 1]`` names each pick."""
    return [
        {
            "index": s.index,
            "md5": s.md5,
            "remaining": s.remaining,
            "position": s.position,
            label_name: labels[s.position - 1],
            "accepted": s.accepted,
            "skip_reason": s.skip_reason,
        }
        for s in selection.steps
    ]


def pool_lines(pool_bytes: bytes) -> list[str]:
    """The codes of a pool file, one per line; refuses a malformed file."""
    text = pool_bytes.decode("utf-8")
    if text and not text.endswith("\n"):
        raise Mismatch("名录文件最后一行缺少换行符，不是平台发布的原始文件。")
    lines = text.split("\n")[:-1] if text else []
    for number, line in enumerate(lines, start=1):
        if not line or line != line.strip():
            raise Mismatch(f"名录文件第 {number} 行格式不符：应为一个统一社会信用代码。")
    return lines


def pool_blocks(pool_bytes: bytes, sizes: Sequence[tuple[str, int]]) -> dict[str, list[str]]:
    """stratum code → its codes: the file holds the strata in code order, each a block of lines."""
    lines = pool_lines(pool_bytes)
    total = sum(size for _, size in sizes)
    if len(lines) != total:
        raise Mismatch(f"名录文件有 {len(lines)} 行，各分层户数合计为 {total}。")
    blocks: dict[str, list[str]] = {}
    start = 0
    for code, size in sorted(sizes):
        blocks[code] = lines[start : start + size]
        start += size
    return blocks


def stratum_pool_bytes(codes: Iterable[str]) -> bytes:
    return "".join(f"{c}\n" for c in codes).encode("utf-8")


def _replay(
    what: str,
    key: str,
    pool_size: int,
    count: int,
    steps: list[dict[str, Any]],
    labels: Sequence[str] | None,
    label_name: str,
) -> list[str]:
    """Recompute one selection step by step; returns the labels accepted, in order."""
    if count > rfc3797.MAX_VALUES:
        raise Mismatch(f"{what}：抽取数量 {count} 超过 RFC 3797 上限 {rfc3797.MAX_VALUES}。")
    if count > pool_size:
        raise Mismatch(f"{what}：抽取数量 {count} 大于名录数量 {pool_size}。")
    expected = rfc3797.steps(key, pool_size)
    accepted: list[str] = []
    for number, step in enumerate(steps):
        try:
            index, digest, remaining, position = next(expected)
        except StopIteration:
            raise Mismatch(f"{what}：记录的第 {number + 1} 步超出了名录能提供的步数。") from None
        label = f"{what}第 {number + 1} 步（计数器 {index}）"
        if step.get("index") != index:
            raise Mismatch(f"{label}：计数器应为 {index}，记录为 {step.get('index')}。")
        md5 = digest.hex().upper()
        if str(step.get("md5", "")).upper() != md5:
            raise Mismatch(f"{label}：MD5 应为 {md5}，记录为 {step.get('md5')}。")
        if step.get("remaining") != remaining:
            raise Mismatch(f"{label}：剩余名录数应为 {remaining}，记录为 {step.get('remaining')}。")
        if step.get("position") != position:
            raise Mismatch(f"{label}：抽中序号应为 {position}，记录为 {step.get('position')}。")
        if labels is not None and step.get(label_name) != labels[position - 1]:
            raise Mismatch(
                f"{label}：名录第 {position} 行是 {labels[position - 1]}，"
                f"记录为 {step.get(label_name)}。"
            )
        if step.get("accepted"):
            accepted.append(str(step.get(label_name)))
            if len(accepted) > count:
                raise Mismatch(f"{label}：已抽足 {count} 个后仍有入选记录。")
        elif not str(step.get("skip_reason", "")).strip():
            raise Mismatch(f"{label}：跳过的抽中项没有写明理由。")
        if len(accepted) == count and number != len(steps) - 1:
            raise Mismatch(f"{label}：已抽足 {count} 个，其后不应再有步骤。")
    exhausted = len(steps) == min(pool_size, rfc3797.MAX_VALUES)
    if len(accepted) < count and not exhausted:
        raise Mismatch(
            f"{what}：只入选 {len(accepted)} 个，少于应抽的 {count} 个，而名录尚未抽完。"
        )
    return accepted


def verify(
    record: dict[str, Any],
    pool_bytes: bytes | None = None,
    officer_pool_bytes: bytes | None = None,
) -> None:
    """Raise ``Mismatch`` at the first disagreement; return quietly when the record holds."""
    if record.get("format") != FORMAT:
        raise Mismatch(f"记录格式应为 {FORMAT}，实为 {record.get('format')}。")

    key_format = key_format_of(record)
    sources = record.get("sources") or []
    if not sources and not record.get("commitment"):
        raise Mismatch("记录中没有随机源，也没有承诺—揭示密钥。")
    for source in sources:
        try:
            canonical = rfc3797.canonical_source(str(source.get("value", "")), key_format)
        except rfc3797.SourceError as exc:
            raise Mismatch(f"随机源 {source.get('position')}：{exc}") from None
        if canonical != source.get("canonical"):
            raise Mismatch(
                f"随机源 {source.get('position')}：规范化取值应为 {canonical}，"
                f"记录为 {source.get('canonical')}。"
            )
    commitment = record.get("commitment")
    secret = None
    if commitment:
        secret = str(commitment.get("secret", ""))
        if not secret:
            raise Mismatch("承诺—揭示方式的记录没有公开密钥。")
        if sm3_hex(secret.encode("utf-8")) != commitment.get("sm3"):
            raise Mismatch("公开的密钥与公告时发布的 SM3 承诺值不符。")
    key = base_key([str(s["value"]) for s in sources], secret, key_format)
    if key != record.get("key_string"):
        raise Mismatch(f"密钥串应为 {key}，记录为 {record.get('key_string')}。")

    pool = record.get("pool") or {}
    by_stratum: dict[str, list[str]] | None = None
    if pool_bytes is not None:
        digest = sm3_hex(pool_bytes)
        if digest != pool.get("sm3"):
            raise Mismatch(f"名录文件的 SM3 为 {digest}，与公告的 {pool.get('sm3')} 不符。")
        sizes = [
            (str(st.get("code")), int(st.get("pool_size", -1))) for st in record.get("strata") or []
        ]
        summed = sum(size for _, size in sizes)
        if summed != pool.get("size"):
            raise Mismatch(f"各分层户数合计 {summed}，与名录户数 {pool.get('size')} 不符。")
        by_stratum = pool_blocks(pool_bytes, sizes)
        seen: set[str] = set()
        for code, block in by_stratum.items():
            if block != sorted(block) or len(set(block)) != len(block):
                raise Mismatch(f"名录文件中分层 {code} 未按统一社会信用代码升序排列，或有重复。")
            if seen.intersection(block):
                raise Mismatch(f"名录文件中分层 {code} 与其他分层有重复的企业。")
            seen.update(block)

    accepted_by_stratum: dict[str, list[str]] = {}
    total = 0
    for stratum in record.get("strata") or []:
        code = str(stratum.get("code"))
        what = f"分层 {code} "
        skey = stratum_key(key, code, key_format)
        if stratum.get("key_string") != skey:
            raise Mismatch(f"{what}：密钥串应为 {skey}，记录为 {stratum.get('key_string')}。")
        size = int(stratum.get("pool_size", -1))
        labels = None
        if by_stratum is not None:
            labels = by_stratum.get(code, [])
            if len(labels) != size:
                raise Mismatch(f"{what}：名录文件中有 {len(labels)} 户，记录为 {size} 户。")
            sub_digest = sm3_hex(stratum_pool_bytes(labels))
            if sub_digest != stratum.get("pool_sm3"):
                raise Mismatch(
                    f"{what}：分层名录 SM3 为 {sub_digest}，记录为 {stratum.get('pool_sm3')}。"
                )
        total += size
        accepted_by_stratum[code] = _replay(
            what,
            skey,
            size,
            int(stratum.get("count", -1)),
            stratum.get("steps") or [],
            labels,
            "uscc",
        )
    if total != pool.get("size"):
        raise Mismatch(f"各分层户数合计 {total}，与名录户数 {pool.get('size')} 不符。")
    if by_stratum is not None and set(by_stratum) - set(accepted_by_stratum):
        extra = "、".join(sorted(set(by_stratum) - set(accepted_by_stratum)))
        raise Mismatch(f"名录文件中有记录未列出的分层：{extra}。")

    officer_pool = record.get("officer_pool") or {}
    officer_labels = None
    if officer_pool_bytes is not None:
        digest = sm3_hex(officer_pool_bytes)
        if digest != officer_pool.get("sm3"):
            raise Mismatch(
                f"执法人员名录文件的 SM3 为 {digest}，与公告的 {officer_pool.get('sm3')} 不符。"
            )
        officer_labels = officer_pool_bytes.decode("utf-8").splitlines()
        if len(officer_labels) != officer_pool.get("size"):
            raise Mismatch(
                f"执法人员名录文件有 {len(officer_labels)} 行，"
                f"公告为 {officer_pool.get('size')} 人。"
            )
    drawn = [u for code in accepted_by_stratum for u in accepted_by_stratum[code]]
    officer_draws = record.get("officer_draws") or []
    if [d.get("uscc") for d in officer_draws] != drawn:
        raise Mismatch("执法人员抽取应按抽中企业的顺序逐户进行，记录中的企业顺序或户数不符。")
    per_inspection = int(record.get("officers_per_inspection", 2))
    officers_of: dict[str, list[str]] = {}
    for draw in officer_draws:
        uscc = str(draw.get("uscc"))
        what = f"企业 {uscc} 的执法人员抽取"
        okey = officer_key(key, uscc, key_format)
        if draw.get("key_string") != okey:
            raise Mismatch(f"{what}：密钥串应为 {okey}，记录为 {draw.get('key_string')}。")
        size = int(officer_pool.get("size", -1))
        count = min(per_inspection, size)
        if draw.get("count") != count:
            raise Mismatch(f"{what}：每户应抽 {count} 人，记录为 {draw.get('count')}。")
        officers_of[uscc] = _replay(
            what, okey, size, count, draw.get("steps") or [], officer_labels, "cert_no"
        )

    results = record.get("results") or []
    listed = [(r.get("stratum"), r.get("uscc")) for r in results]
    expected_results = [
        (code, u) for code in accepted_by_stratum for u in accepted_by_stratum[code]
    ]
    if listed != expected_results:
        raise Mismatch("抽取结果与各分层的入选企业不一致。")
    for result in results:
        uscc = str(result.get("uscc"))
        if list(result.get("officers") or []) != officers_of.get(uscc, []):
            raise Mismatch(f"企业 {uscc} 的检查人员与执法人员抽取结果不一致。")
