"""Who may do what in supervision (capabilities ``supervision.*``)."""

from __future__ import annotations
