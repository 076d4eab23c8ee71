"""The workbench card of notices: current notices and open objections in scope. Each figure
links to the list that shows the same count (its ``data-sg-total``)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from shegong.core.perms import Perm
from shegong.core.registry import Card
from shegong.notices import queries


def summary(user: Any) -> dict[str, Any] | None:
    if not queries.may_view(user):
        return None
    return {
        "url": reverse("notices:notices"),
        "current": queries.filter_notices(user, {"state": "current"}).count(),
        "current_url": reverse("notices:notices") + "?state=current",
        "open": queries.open_objections(user).count(),
        "open_url": reverse("notices:objections") + "?status=open_all",
    }


CARDS = [
    Card("notices", "notices/cards/summary.html", summary, order=48, perm=Perm.NOTICES_VIEW),
]
