"""zhifa (执法): 涉企行政执法规范化运行平台."""

from __future__ import annotations

__version__ = "0.1.0"
