"""What a fund's spending may pay (支出去向): the candidates of each target kind in the fund's
community, for the spending form's selects and ``GET …/funds/{id}/targets``.

- 公益创投项目: grant projects of organizations in the community, signed or under way;
- 议事厅落地实事: the community's action items not yet done or cancelled;
- 常态化服务: the community's standing services (四单) that are active.

``candidates(fund, kind)`` is also what ``actions.spending`` checks a chosen target against, so
the select never offers what the action would refuse and the action refuses what it does not
offer. The fund itself is found in the user's scope first (``funds.access_fund``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from shegong.grants.choices import ProjectStatus, SpendingTarget
from shegong.grants.models import Fund, Project

__all__ = ["KINDS", "OPEN_PROJECT", "Candidate", "candidates", "kind_of", "spending_targets"]

LIMIT = 200
OPEN_PROJECT = (ProjectStatus.SIGNED, ProjectStatus.IN_PROGRESS)
# The API's kind names (``project`` for a grant project) → the spending's target value.
KINDS = {
    "project": SpendingTarget.GRANT,
    SpendingTarget.GRANT.value: SpendingTarget.GRANT,
    "action_item": SpendingTarget.ACTION_ITEM,
    "standing_order": SpendingTarget.STANDING_ORDER,
}
# What the empty select says, per kind.
EMPTY = {
    SpendingTarget.GRANT: "本社区暂无可选的公益创投项目（已签约或实施中）",
    SpendingTarget.ACTION_ITEM: "本社区暂无可选的落地实事（未开始或推进中）",
    SpendingTarget.STANDING_ORDER: "本社区暂无可选的常态化服务（服务中）",
}


@dataclass(frozen=True)
class Candidate:
    id: int
    label: str
    status: str


def kind_of(kind: Any) -> str | None:
    """The target value of an API or form kind name; None if it names no linked target."""
    found = KINDS.get(str(kind or ""))
    return found.value if found is not None else None


def candidates(fund: Fund, kind: str) -> QuerySet[Any]:
    """The rows of ``kind`` (a ``SpendingTarget`` value) the fund may pay, most recent first."""
    prefix = fund.region.prefix
    if kind == SpendingTarget.GRANT:
        return (
            Project.objects.in_region(prefix)
            .filter(status__in=OPEN_PROJECT)
            .select_related("social_org__organization")
            .order_by("-decided_at", "-pk")
        )
    if kind == SpendingTarget.ACTION_ITEM:
        from shegong.deliberation.choices import OPEN_ACTION_STATUSES
        from shegong.deliberation.models import ActionItem

        return (
            ActionItem.objects.in_region(prefix)
            .filter(status__in=OPEN_ACTION_STATUSES)
            .order_by("-created_at", "-pk")
        )
    if kind == SpendingTarget.STANDING_ORDER:
        from shegong.matching.choices import StandingStatus
        from shegong.matching.models import StandingOrder

        return (
            StandingOrder.objects.in_region(prefix)
            .filter(status=StandingStatus.ACTIVE)
            .select_related("category")
            .order_by("-created_at", "-pk")
        )
    return Project.objects.none()


def label(kind: str, row: Any) -> str:
    """A candidate's Chinese label: title, state and who carries it."""
    state = row.get_status_display()
    if kind == SpendingTarget.GRANT:
        org = row.social_org.organization.name
        return f"{row.title}（{state}，{org}，资助 {row.amount} 元）"
    if kind == SpendingTarget.ACTION_ITEM:
        return f"{row.title}（{state}，责任方：{row.owner_name}，时限 {row.due_on}）"
    return f"{row.title}（{state}，{row.category.name}）"


def spending_targets(fund: Fund, kind: Any) -> list[Candidate]:
    """The candidates of ``kind`` (``project``/``grant``, ``action_item``, ``standing_order``)
    for the fund's spending: id, label and status, most recent first (at most 200)."""
    value = kind_of(kind)
    if value is None:
        return []
    return [
        Candidate(id=row.pk, label=label(value, row), status=row.status)
        for row in candidates(fund, value)[:LIMIT]
    ]
