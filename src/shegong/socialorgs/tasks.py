"""The app's periodic scans (``core.scans`` imports every app's ``tasks`` module): each part of
the registrar's work keeps its scan in a module of its own and adds one import line here."""

from __future__ import annotations

from . import (
    credit_scan,  # noqa: F401  (credit lists, issue 14 §4)
    election_scan,  # noqa: F401  (§5: 换届 reminders and dormant detection)
    inspection_scan,  # noqa: F401  (§3 inspection window close)
)
