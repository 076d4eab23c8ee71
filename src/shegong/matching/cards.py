"""The workbench card of matching: today's figures, each equal to the list it links to."""

from __future__ import annotations

from typing import Any

from shegong.core.perms import Perm
from shegong.core.registry import Card
from shegong.matching.queries import board


def today(user: Any) -> dict[str, Any]:
    return board.today_figures(user)


CARDS = [Card("matching", "matching/cards/today.html", today, order=60, perm=Perm.MATCHING_VIEW)]
