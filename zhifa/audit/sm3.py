"""SM3 (GB/T 32905-2016) digests: OpenSSL's through hashlib where it has SM3, gmssl otherwise."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable


def _openssl_sm3(data: bytes) -> str:
    return hashlib.new("sm3", data).hexdigest()


def _gmssl_sm3(data: bytes) -> str:
    from gmssl import func, sm3

    return str(sm3.sm3_hash(func.bytes_to_list(data)))


def _pick() -> tuple[str, Callable[[bytes], str]]:
    try:
        hashlib.new("sm3", b"")
    except ValueError:
        return "gmssl", _gmssl_sm3
    return "openssl", _openssl_sm3


SM3_IMPLEMENTATION, _impl = _pick()


def sm3_hex(data: bytes) -> str:
    """Lower-case hexadecimal SM3 digest of ``data``."""
    return _impl(data)


def sm3_of_chunks(chunks: Iterable[bytes]) -> str:
    """SM3 of data read piece by piece (an uploaded file's ``chunks()``), never held whole."""
    stream = SM3Stream()
    for chunk in chunks:
        stream.update(chunk)
    return stream.hexdigest()


class SM3Stream:
    """Incremental SM3 for data too large to hold twice (a draw's pool file)."""

    def __init__(self) -> None:
        self._hash = hashlib.new("sm3") if SM3_IMPLEMENTATION == "openssl" else None
        self._parts: list[bytes] = []

    def update(self, data: bytes) -> None:
        if self._hash is not None:
            self._hash.update(data)
        else:
            self._parts.append(data)

    def hexdigest(self) -> str:
        if self._hash is not None:
            return self._hash.hexdigest()
        return _gmssl_sm3(b"".join(self._parts))
