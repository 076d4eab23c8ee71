"""The workbench cards of grants. 公益创投: applications to check, tranches to approve and this
year's funded projects and amount; 社区慈善基金: resources, projects, 人次 and spending to decide.
Each figure links to the list that shows the same count."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from shegong.core.perms import Perm
from shegong.core.registry import Card
from shegong.grants.queries import calls as call_queries
from shegong.grants.queries import funds as fund_queries
from shegong.grants.queries import may_view_funds, may_view_grants


def grant_summary(user: Any) -> dict[str, Any] | None:
    if not may_view_grants(user):
        return None
    year = timezone.localdate().year
    figures = call_queries.numbers(
        call_queries.applications(user), call_queries.projects(user), year=year
    )
    return {
        "year": year, "url": reverse("grants:calls"),
        "to_check": call_queries.to_check(user).count(), "to_check_url": reverse("grants:checks"),
        "to_approve": call_queries.tranches_to_approve(user).count(),
        "to_approve_url": f"{reverse('grants:tranches')}?status=requested",
        "funded": figures.funded, "awarded": figures.awarded, "paid": figures.paid,
        "funded_url": f"{reverse('grants:calls')}?year={year}",
    }  # fmt: skip


# 社区慈善基金
def fund_summary(user: Any) -> dict[str, Any] | None:
    """整合资源, 落地公益项目, 惠及人次 of the funds in scope, the balance and the spending to
    decide (linking to the queue that lists the same count)."""
    if not may_view_funds(user):
        return None
    qs = fund_queries.funds_for_staff(user)
    return {
        "url": reverse("grants:funds"),
        **fund_queries.headline(qs),
        "to_decide": fund_queries.spending_queue(user, "requested").count(),
        "to_decide_url": reverse("grants:fund_spending_queue") + "?status=requested",
    }


CARDS: tuple[Card, ...] = (
    # 公益创投
    Card("grants.calls", "grants/calls/card.html", grant_summary, order=50, perm=Perm.GRANTS_VIEW),
    # 社区慈善基金
    Card("grants.funds", "grants/funds/card.html", fund_summary, order=48, perm=Perm.FUNDS_VIEW),
)
