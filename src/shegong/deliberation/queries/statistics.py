"""The numbers of 议事厅 (issue 16), each defined once here and in docs/metrics.md ("议事厅"):
the statistics page, its Excel export and the workbench card all read ``figures(user, period,
community)`` (the seed's three headline numbers come from ``queries.counts``), so they cannot
disagree.

**Period.** Local dates ``start`` to ``end`` inclusive. Topics belong to the period they were
raised in (``created_at``): topics by month and status, adoption and delivery rates and supports
per topic are about the same topics. The answer-on-time rate is about the topics whose answer
clock (``answer_due_at``) ran out in the period, up to now. Meetings belong to the period they
were held in (``starts_at``); delivered action items to the period they were done in
(``done_at``). **Overdue** action items are a snapshot of today, whatever the period.

**一月一会.** A community-month complies when the community held (closed) at least one meeting
of a kind that counts for the cadence (``rules.rule_for(kind).cadence``) starting in that month.
The denominator is every community in scope with the monthly cadence on (a community without a
settings row has it on) times every calendar month the period touches that has ended by today
(the running month may still get its meeting; it shows in the heatmap, not in the rate).

**Scope.** The rows of the communities the user may see (``visible_to``), with
``deliberation.view``; narrowed to one community on request (a community outside the scope is
NotFound).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Max, QuerySet, Sum
from django.utils import timezone

from shegong.core.errors import NotFound, NotPermitted
from shegong.core.periods import Period, past_year, rate, this_month
from shegong.core.scope import scope_prefix
from shegong.deliberation.choices import (
    OPEN_ACTION_STATUSES,
    MeetingStatus,
    TopicStatus,
)
from shegong.deliberation.models import (
    ActionItem,
    Meeting,
    Topic,
    TopicCategory,
)
from shegong.deliberation.queries import actions as action_queries
from shegong.deliberation.queries import is_staff
from shegong.deliberation.queries import meetings as meeting_queries
from shegong.deliberation.queries.counts import (
    actions_delivered,
    thematic_meetings,
    topics_collected,
)
from shegong.regions.models import Region

__all__ = [
    "Figures",
    "Period",
    "communities",
    "figures",
    "months_without_meeting",
    "overdue_actions",
    "past_year",
    "pending_topics",
    "rate",
    "this_month",
]  # fmt: skip

ADOPTED = (TopicStatus.ADOPTED, TopicStatus.DELIVERED)
DECIDED = (TopicStatus.ADOPTED, TopicStatus.DELIVERED, TopicStatus.REJECTED)
NOT_PERMITTED = "您当前的角色不能查看议事厅统计"


def _month(value: datetime) -> str:
    return f"{timezone.localtime(value):%Y-%m}"


def _month_ended(month: str, today: date) -> bool:
    y, m = (int(part) for part in month.split("-"))
    return (y, m) < (today.year, today.month)


# --- scope ------------------------------------------------------------------------------------


def communities(user: Any) -> QuerySet[Region]:
    return Region.objects.visible_to(user).filter(level="community").order_by("code")


def _require(user: Any) -> None:
    if not is_staff(user) or scope_prefix(user) is None:
        raise NotPermitted(NOT_PERMITTED)


def check_community(user: Any, community: str) -> str:
    """The community code if it is a community in the user's scope ("" for all), else
    NotFound."""
    community = (community or "").strip()
    if community and not communities(user).filter(code=community).exists():
        raise NotFound("未找到该社区")
    return community


def _scoped(qs: QuerySet[Any], user: Any, community: str) -> QuerySet[Any]:
    qs = qs.visible_to(user)  # type: ignore[attr-defined]
    return qs.filter(region_id=community) if community else qs


def cadence_communities(places: QuerySet[Region], today: date) -> list[Region]:
    """Of these communities, those under 一月一会 (``meetings.under_cadence``)."""
    rows = list(places.only("code", "name"))
    on = meeting_queries.under_cadence([r.code for r in rows], today)
    return [r for r in rows if r.code in on]


# --- the figures the card links to lists of --------------------------------------------------


def pending_topics(topics: QuerySet[Topic]) -> QuerySet[Topic]:
    """待答复: topics not answered yet (status 待答复), whatever their age."""
    return topics.filter(status=TopicStatus.PENDING)


def overdue_actions(
    actions: QuerySet[ActionItem], today: date | None = None
) -> QuerySet[ActionItem]:
    """逾期实事 (``queries.actions.overdue_of``): open items, children too, due before today."""
    return action_queries.overdue_of(actions, today)


def months_without_meeting(
    user: Any, community: str = "", today: date | None = None
) -> list[Region]:
    """本月未开会 (``queries.meetings.months_without_meeting``, the planner's 本月未开 list)."""
    missing = meeting_queries.months_without_meeting(user, today)
    return [r for r in missing if not community or r.code == community]


def last_meetings(user: Any, codes: list[str]) -> dict[str, datetime]:
    """The start of the latest closed cadence meeting of each of these communities."""
    rows = (
        Meeting.objects.visible_to(user)
        .filter(
            region_id__in=codes,
            status=MeetingStatus.CLOSED,
            kind__in=meeting_queries.cadence_kinds(),
        )
        .values("region_id")
        .annotate(last=Max("starts_at"))
    )
    return {row["region_id"]: row["last"] for row in rows}


# --- the page's figures ----------------------------------------------------------------------


@dataclass
class Figures:
    period: Period
    community: str
    months: list[str]
    collected: int
    delivered: int
    thematic: int
    topics_by_status_month: dict[str, list[int]]
    meetings_by_month: list[int]
    cadence: list[dict[str, Any]]
    cadence_met: int
    cadence_due: int
    answered_on_time: int
    answers_due: int
    adopted: int
    decided: int
    topic_delivered: int
    supports: int
    delivery_days: float | None
    overdue: int
    by_community: list[dict[str, Any]]
    by_category: list[dict[str, Any]]
    today: date
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def cadence_rate(self) -> float | None:
        return rate(self.cadence_met, self.cadence_due)

    @property
    def on_time_rate(self) -> float | None:
        return rate(self.answered_on_time, self.answers_due)

    @property
    def adoption_rate(self) -> float | None:
        return rate(self.adopted, self.decided)

    @property
    def delivery_rate(self) -> float | None:
        return rate(self.topic_delivered, self.adopted)

    @property
    def supports_per_topic(self) -> float | None:
        return round(self.supports / self.collected, 1) if self.collected else None

    def headline(self) -> str:
        """The seed's sentence, with this period's numbers."""
        return (
            f"收集议题 {self.collected} 项 · 落地实事 {self.delivered} 件 · "
            f"专题议事 {self.thematic} 场"
        )

    def indicators(self) -> list[dict[str, Any]]:
        """The figures as rows (key, label, value or numerator / denominator = rate, unit and
        the definition): the page's cards and the export's sheet."""

        def row(
            key: str, label: str, definition: str, *, value: Any = None,
            num: int | None = None, den: int | None = None, unit: str = "",
        ) -> dict[str, Any]:  # fmt: skip
            ratio = rate(num, den) if den is not None and num is not None else None
            return {
                "key": key, "label": label, "definition": definition, "value": value,
                "numerator": num, "denominator": den, "unit": unit, "rate": ratio,
            }  # fmt: skip

        return [
            row("collected", "收集议题", "本期内提出的议题数（被合并的重复议题不重复计）",
                value=self.collected, unit="项"),
            row("delivered", "落地实事", "本期内落实完成的落地实事数（只计顶层事项）",
                value=self.delivered, unit="件"),
            row("thematic", "专题议事", "本期内召开并已结束（有纪要）的专题议事会数",
                value=self.thematic, unit="场"),
            row("cadence_rate", "一月一会达标率",
                "开启一月一会的社区 × 本期已结束的月份中，"
                "当月至少召开并结束一次议事会的 ÷ 全部",
                num=self.cadence_met, den=self.cadence_due),
            row("on_time_rate", "按时答复率",
                "答复时限在本期内且已到期的议题中，在时限前答复（含评估中、合并）的 ÷ 全部",
                num=self.answered_on_time, den=self.answers_due),
            row("adoption_rate", "采纳率",
                "本期提出的议题中：已采纳（含已落实） ÷ 已作出决定的（采纳、已落实、不予采纳）",
                num=self.adopted, den=self.decided),
            row("delivery_rate", "落实率", "本期提出且已采纳的议题中：已落实 ÷ 已采纳（含已落实）",
                num=self.topic_delivered, den=self.adopted),
            row("delivery_days", "采纳到落实平均天数",
                "本期落实的落地实事（顶层）从形成事项到落实完成的平均天数",
                value=self.delivery_days, unit="天"),
            row("supports_per_topic", "议题平均支持数", "本期提出的议题的支持数之和 ÷ 议题数",
                value=self.supports_per_topic, unit="人"),
            row("overdue", "逾期实事",
                "此刻未办结且已过完成时限的落地实事（含子事项，不随统计期变化）",
                value=self.overdue, unit="件"),
        ]  # fmt: skip

    def chart(self) -> dict[str, Any]:
        """The charts' data (the same numbers as the tables)."""
        labels = dict(TopicStatus.choices)
        return {
            "months": self.months,
            "topics": [
                {"name": labels[status], "data": counts}
                for status, counts in self.topics_by_status_month.items()
                if any(counts)
            ],
            "meetings": self.meetings_by_month,
            "categories": [
                {"name": row["name"], "delivered": row["delivered"], "open": row["open"]}
                for row in self.by_category
                if row["delivered"] or row["open"] or row["topics"]
            ],
            "cadence": {
                "ended": [_month_ended(m, self.today) for m in self.months],
                "communities": [row["name"] for row in self.cadence],
                "cells": [
                    [m, c, n]
                    for c, row in enumerate(self.cadence)
                    for m, n in enumerate(row["counts"])
                ],
            },
        }


def figures(
    user: Any, period: Period, community: str = "", *, today: date | None = None
) -> Figures:
    """Every number of the page for the period and scope (see the module's docstring)."""
    _require(user)
    community = check_community(user, community)
    today = today or timezone.localdate()
    now = timezone.now()
    since, until = period.since, period.until
    months = period.months()
    index = {m: i for i, m in enumerate(months)}

    topics = _scoped(Topic.objects.all(), user, community)
    meetings = _scoped(Meeting.objects.all(), user, community)
    actions = _scoped(ActionItem.objects.all(), user, community)

    cohort = topics_collected(topics, since, until)
    by_status: dict[str, list[int]] = {s: [0] * len(months) for s in TopicStatus.values}
    status_count: Counter[str] = Counter()
    region_topics: Counter[str] = Counter()
    region_adopted: Counter[str] = Counter()
    category_topics: Counter[int] = Counter()
    for region_id, category_id, status, created in cohort.values_list(
        "region_id", "category_id", "status", "created_at"
    ):
        month = _month(created)
        if month in index:
            by_status[status][index[month]] += 1
        status_count[status] += 1
        region_topics[region_id] += 1
        category_topics[category_id] += 1
        if status in ADOPTED:
            region_adopted[region_id] += 1
    supports = cohort.aggregate(n=Sum("support_count"))["n"] or 0

    due = topics.filter(
        answer_due_at__isnull=False, answer_due_at__gte=since, answer_due_at__lt=min(until, now)
    )
    due_rows = list(due.values_list("region_id", "answered_at", "answer_due_at"))
    on_time_by_region: Counter[str] = Counter()
    due_by_region: Counter[str] = Counter()
    for region_id, answered, deadline in due_rows:
        due_by_region[region_id] += 1
        if answered is not None and answered <= deadline:
            on_time_by_region[region_id] += 1

    delivered_qs = actions_delivered(actions, since, until)
    delivered_rows = list(
        delivered_qs.values_list("region_id", "category_id", "created_at", "done_at")
    )
    days = [
        max((done - made).total_seconds() / 86400, 0)
        for _r, _c, made, done in delivered_rows
        if done is not None
    ]
    delivered_by_region = Counter(r for r, _c, _m, _d in delivered_rows)
    delivered_by_category = Counter(c for _r, c, _m, _d in delivered_rows)

    overdue_qs = overdue_actions(actions, today)
    overdue_by_region = Counter(overdue_qs.values_list("region_id", flat=True))
    open_by_category = Counter(
        actions.filter(status__in=OPEN_ACTION_STATUSES, parent__isnull=True).values_list(
            "category_id", flat=True
        )
    )

    held = meetings.filter(status=MeetingStatus.CLOSED, starts_at__gte=since, starts_at__lt=until)
    meetings_by_month = [0] * len(months)
    held_by_region: Counter[str] = Counter()
    cadence_cells: dict[str, list[int]] = defaultdict(lambda: [0] * len(months))
    kinds = set(meeting_queries.cadence_kinds())
    for region_id, kind, starts in held.values_list("region_id", "kind", "starts_at"):
        month = _month(starts)
        if month not in index:
            continue
        meetings_by_month[index[month]] += 1
        held_by_region[region_id] += 1
        if kind in kinds:
            cadence_cells[region_id][index[month]] += 1
    thematic = thematic_meetings(meetings, since, until).count()

    places = communities(user)
    if community:
        places = places.filter(code=community)
    ended = [i for i, m in enumerate(months) if _month_ended(m, today)]
    cadence_rows: list[dict[str, Any]] = []
    met_total = due_total = 0
    for region in cadence_communities(places, today):
        counts = cadence_cells[region.code] if region.code in cadence_cells else [0] * len(months)
        met = sum(1 for i in ended if counts[i] > 0)
        met_total += met
        due_total += len(ended)
        cadence_rows.append(
            {"code": region.code, "name": region.name, "counts": counts, "met": met,
             "due": len(ended), "rate": rate(met, len(ended))}
        )  # fmt: skip
    cadence_by_region = {row["code"]: row for row in cadence_rows}

    by_community = []
    for region in places.only("code", "name"):
        cad = cadence_by_region.get(region.code)
        by_community.append(
            {
                "code": region.code, "name": region.name,
                "topics": region_topics[region.code], "adopted": region_adopted[region.code],
                "on_time": on_time_by_region[region.code], "due": due_by_region[region.code],
                "on_time_rate": rate(on_time_by_region[region.code], due_by_region[region.code]),
                "meetings": held_by_region[region.code],
                "cadence_met": cad["met"] if cad else None,
                "cadence_due": cad["due"] if cad else None,
                "cadence_rate": cad["rate"] if cad else None,
                "delivered": delivered_by_region[region.code],
                "overdue": overdue_by_region[region.code],
            }
        )  # fmt: skip
    by_category = [
        {"pk": pk, "name": name, "topics": category_topics[pk],
         "delivered": delivered_by_category[pk], "open": open_by_category[pk]}
        for pk, name in TopicCategory.objects.order_by("order", "code").values_list("pk", "name")
    ]  # fmt: skip

    return Figures(
        period=period, community=community, months=months,
        collected=sum(status_count.values()),
        delivered=len(delivered_rows), thematic=thematic,
        topics_by_status_month=by_status, meetings_by_month=meetings_by_month,
        cadence=cadence_rows, cadence_met=met_total, cadence_due=due_total,
        answered_on_time=sum(on_time_by_region.values()), answers_due=len(due_rows),
        adopted=sum(status_count[s] for s in ADOPTED),
        decided=sum(status_count[s] for s in DECIDED),
        topic_delivered=status_count[TopicStatus.DELIVERED], supports=supports,
        delivery_days=round(sum(days) / len(days), 1) if days else None,
        overdue=sum(overdue_by_region.values()), by_community=by_community,
        by_category=by_category, today=today,
    )  # fmt: skip
