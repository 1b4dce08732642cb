"""Who may do what in review (capabilities ``review.*``)."""

from __future__ import annotations
