"""The demo's last step: roll every indicator up from the demo's records, so the dashboard, the
big screen and the brief show the demo district at once (the worker keeps them up after)."""

from __future__ import annotations

from typing import Any


def load(ctx: Any) -> int:
    """Rebuild the rollups; returns the rows added (0 when run again on the same records)."""
    from . import rollup
    from .models import Rollup

    before = Rollup.objects.count()
    rollup.backfill()
    return max(0, Rollup.objects.count() - before)
