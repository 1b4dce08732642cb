"""The bottom layer: helpers every app may import (exports, view helpers, the tabular reader,
identifiers, the repealed-law table, Beijing-time formatting, parameters, text and upload checks).
It imports no app of ours (docs/architecture.md)."""

from __future__ import annotations
