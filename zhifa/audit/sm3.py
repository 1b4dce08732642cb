"""SM3 (GB/T 32905-2016) digests: OpenSSL's through hashlib where it has SM3, gmssl otherwise."""

from __future__ import annotations

import hashlib
from collections.abc import Callable


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
