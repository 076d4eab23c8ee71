"""The workbench card of 数据看板: a handful of the indicators the user may see (the first of
each section, then the next ones, at most ``SHOWN``), this month's figure for the user's scope,
each linking to its records, the card to the dashboard."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from shegong.core.perms import Perm
from shegong.core.registry import Card

from . import board

SHOWN = 4


def key_indicators(user: Any) -> list[Any]:
    """The first indicator of each section the user sees, then the others, ``SHOWN`` at most."""
    indicators = board.visible(user)
    firsts, rest, seen = [], [], set()
    for indicator in indicators:
        (rest if indicator.section in seen else firsts).append(indicator)
        seen.add(indicator.section)
    return (firsts + rest)[:SHOWN]


def summary(user: Any) -> dict[str, Any] | None:
    indicators = key_indicators(user)
    if not indicators:
        return None
    sel = board.select(user, {}, today=timezone.localdate())
    got = board.totals(sel, indicators, sel.period)
    items = [
        {
            "code": i.code,
            "name": i.name,
            "unit": "" if i.kind == "rate" else i.unit,
            "value": got.value(i.code),
            "shown": board.number(got.value(i.code), i.kind),
            "url": f"{reverse('dashboard:records', args=[i.code])}?{sel.query()}",
        }
        for i in indicators
    ]
    return {
        "url": reverse("dashboard:board"),
        "items": items,
        "region": sel.region_name,
        "rolled_at": board.rolled_at(),
    }


CARDS = [
    Card("dashboard", "dashboard/cards/key_indicators.html", summary, order=25,
         perm=Perm.DASHBOARD_VIEW),
]  # fmt: skip
