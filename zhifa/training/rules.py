"""Who may do what in training (capabilities ``training.*``)."""

from __future__ import annotations
