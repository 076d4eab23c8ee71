"""The workbench cards of grants (each part adds its own)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from shegong.core.perms import Perm
from shegong.core.registry import Card
from shegong.grants.queries import funds as fund_queries
from shegong.grants.queries import may_view_funds


# 社区慈善基金 (part funds)
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


CARDS = [
    # 社区慈善基金 (part funds)
    Card("grants.funds", "grants/funds/card.html", fund_summary, order=48, perm=Perm.FUNDS_VIEW),
]
