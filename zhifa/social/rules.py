"""Who may do what in social (capabilities ``social.*``)."""

from __future__ import annotations
