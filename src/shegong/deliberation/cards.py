"""The workbench card of 议事厅: 待答复议题, 逾期实事 and 本月未开会社区 for the user's scope,
read from ``queries.statistics`` (the same definitions as the statistics page). Each figure
links to the list that shows the same count (the topic queue, the action board, the list of
communities that have not met this month); a list not installed yet leaves its figure unlinked
rather than linking to a page that does not say how many it holds."""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from shegong.core.perms import Perm
from shegong.core.registry import Card
from shegong.deliberation import queries
from shegong.deliberation.queries import statistics


def _link(name: str, query: str) -> str:
    try:
        return f"{reverse(name)}?{query}"
    except NoReverseMatch:
        return ""


def summary(user: Any) -> dict[str, Any] | None:
    if not queries.is_staff(user):
        return None
    today = timezone.localdate()
    missing = statistics.months_without_meeting(user, today=today)
    return {
        "url": reverse("deliberation:statistics"),
        "pending": statistics.pending_topics(queries.topics_for_staff(user)).count(),
        "pending_url": _link("deliberation:topics", "status=pending"),
        "overdue": statistics.overdue_actions(queries.actions_for_staff(user), today).count(),
        "overdue_url": _link("deliberation:actions", "overdue=1"),
        "no_meeting": len(missing),
        "no_meeting_names": "、".join(r.name for r in missing[:10]),
        "no_meeting_url": reverse("deliberation:cadence_missing"),
    }


CARDS = [
    Card(
        "deliberation", "deliberation/cards/summary.html", summary, order=46,
        perm=Perm.DELIBERATION_VIEW,
    ),
]  # fmt: skip
