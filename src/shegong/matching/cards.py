"""The workbench cards of matching: the dispatch board's figures of today (each equal to the
list it links to), and this month's 四单 figures for the user's scope, read from
``queries.statistics.figures`` — the statistics page's default view, so the numbers agree."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from shegong.core import periods
from shegong.core.perms import Perm
from shegong.core.registry import Card
from shegong.matching.queries import board, is_staff, statistics


def summary(user: Any) -> dict[str, Any] | None:
    if not is_staff(user):
        return None
    figures = statistics.figures(user, periods.this_month())
    rows = {row["key"]: row for row in figures.indicators()}
    return {
        "url": reverse("matching:statistics"),
        "placed": figures.placed,
        "completion": rows["completion_rate"],
        "satisfaction": rows["satisfaction"],
        "unmet": figures.unmet_total,
    }


def today(user: Any) -> dict[str, Any]:
    return board.today_figures(user)


CARDS = [
    Card("matching_board", "matching/cards/today.html", today, order=44, perm=Perm.MATCHING_VIEW),
    Card("matching", "matching/cards/summary.html", summary, order=45, perm=Perm.MATCHING_VIEW),
]
