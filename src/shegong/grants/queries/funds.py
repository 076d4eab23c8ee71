"""Read side of community charity funds (社区慈善基金): the access helpers, the ledger's filters,
a period's summary (what a disclosure shows), and the numbers of docs/metrics.md:

- 整合资源 (resources integrated): the count of income entries — each cash donation, goods
  donation and 资源置换 counts one (refunds of projects do not) — and their value (cash amount, or
  quantity × unit value for goods and exchanges).
- 落地公益项目 (projects landed): the distinct projects paid — a grant project, an action item or
  a standing service counts once however many payments it got; another named project counts once
  per title.
- 惠及人次 (beneficiaries): the sum of ``beneficiaries`` over paid spendings.
- income and spending per month.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from shegong.core.errors import NotFound
from shegong.core.pii import mask_name
from shegong.core.scope import scope_prefix
from shegong.grants.choices import (
    DonorKind,
    FundStatus,
    MovementKind,
    SpendingStatus,
    SpendingTarget,
)
from shegong.grants.models import (
    Disclosure,
    Fund,
    Host,
    Item,
    MonthTotal,
    Movement,
    Pledge,
    Spending,
)
from shegong.grants.queries import may_manage_funds, may_view_funds

__all__ = [
    "RESOURCE_KINDS", "access_fund", "access_spending", "beneficiaries", "funds_for_staff",
    "hosts_for_staff", "ledger", "month_bounds", "monthly", "movements_for_staff",
    "period_summary", "projects_landed", "resources", "spending_queue",
]  # fmt: skip

FUND_NOT_FOUND = "未找到该社区慈善基金"
SPENDING_NOT_FOUND = "未找到该支出申请"
RESOURCE_KINDS = (MovementKind.CASH_IN, MovementKind.GOODS_IN, MovementKind.EXCHANGE_IN)
ANONYMOUS = "爱心人士"
CASH_IN_KINDS = (MovementKind.CASH_IN, MovementKind.REFUND)
ZERO = Decimal("0")
CENT = Decimal("0.01")


def funds_for_staff(user: Any) -> QuerySet[Fund]:
    if not may_view_funds(user):
        return Fund.objects.none()
    return Fund.objects.visible_to(user)


def hosts_for_staff(user: Any) -> QuerySet[Host]:
    """The hosts of the user's district (a host serves the district's communities)."""
    if not may_view_funds(user):
        return Host.objects.none()
    prefix = scope_prefix(user)
    if prefix is None:
        return Host.objects.none()
    return Host.objects.filter(region__code__startswith=prefix[:6])


def movements_for_staff(user: Any) -> QuerySet[Movement]:
    if not may_view_funds(user):
        return Movement.objects.none()
    return Movement.objects.visible_to(user)


def spendings_for_staff(user: Any) -> QuerySet[Spending]:
    if not may_view_funds(user):
        return Spending.objects.none()
    return Spending.objects.visible_to(user)


def access_fund(user: Any, pk: Any, *, for_write: bool = False) -> Fund:
    """A fund in the staff member's scope (for_write: and they may manage); else NotFound."""
    if not str(pk).isdigit() or (for_write and not may_manage_funds(user)):
        raise NotFound(FUND_NOT_FOUND)
    found = funds_for_staff(user).select_related("region", "host").filter(pk=pk).first()
    if found is None:
        raise NotFound(FUND_NOT_FOUND)
    return found


def access_spending(user: Any, pk: Any, *, for_write: bool = False) -> Spending:
    if not str(pk).isdigit() or (for_write and not may_manage_funds(user)):
        raise NotFound(SPENDING_NOT_FOUND)
    found = spendings_for_staff(user).select_related("fund", "region", "item").filter(pk=pk).first()
    if found is None:
        raise NotFound(SPENDING_NOT_FOUND)
    return found


def month_bounds(value: str | date) -> tuple[date, date] | None:
    """The first and last day of a month given as YYYY-MM (or any date in it)."""
    if isinstance(value, date):
        start = value.replace(day=1)
    else:
        try:
            year, month = (int(part) for part in str(value).split("-", 1))
            start = date(year, month, 1)
        except (TypeError, ValueError):
            return None
    following = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    return start, following - timedelta(days=1)


def _span(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, the day after end 00:00) in local time."""
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=tz),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz),
    )


def ledger(qs: QuerySet[Movement], params: Any) -> QuerySet[Movement]:
    """The ledger's filters: kind, month (YYYY-MM) or from/to dates, donor (text)."""
    get = params.get
    if (kind := get("kind") or "") in MovementKind.values:
        qs = qs.filter(kind=kind)
    if (bounds := month_bounds((get("month") or "").strip())) is not None:
        low, high = _span(*bounds)
        qs = qs.filter(occurred_at__gte=low, occurred_at__lt=high)
    for key, op in (("start", "gte"), ("end", "lt")):
        raw = str(get(key) or "").strip()
        try:
            day = date.fromisoformat(raw) if raw else None
        except ValueError:
            day = None
        if day is not None:
            low, high = _span(day, day)
            qs = qs.filter(**{f"occurred_at__{op}": low if op == "gte" else high})
    if donor := str(get("donor") or "").strip()[:40]:
        qs = qs.filter(donor_name__icontains=donor)
    return qs.select_related("item", "spending").order_by("-occurred_at", "-pk")


def spending_queue(user: Any, status: str = "") -> QuerySet[Spending]:
    """待审议 and 待支付 spendings (or one status) in the user's scope, oldest first."""
    qs = spendings_for_staff(user).select_related("fund", "region", "item")
    if status in SpendingStatus.values:
        return qs.filter(status=status).order_by("requested_at", "pk")
    return qs.filter(status__in=(SpendingStatus.REQUESTED, SpendingStatus.APPROVED)).order_by(
        "requested_at", "pk"
    )


def public_name(name: str, kind: str, anonymous: bool) -> str:
    """A donor's name as the public sees it: anonymous donors are 爱心人士, a person's name is
    masked (张**), an organization's or a merchant's is shown (their recognition)."""
    if anonymous or not name:
        return ANONYMOUS
    return mask_name(name) if kind == DonorKind.PERSON else name


def shown_donor(line: Any) -> str:
    return public_name(line.donor_name, line.donor_kind, line.anonymous)


def _month_after(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def _sums(fund: Fund, first: date, stop: date | None) -> dict[str, tuple[Decimal, int]]:
    """The fund's movements on the days [first, stop) (stop None: until now) summed per kind:
    {kind: (total, count)}. Whole months are read from the month totals (``MonthTotal``, kept
    by every action that posts a line); only the days of a part month are summed over the
    movements, on the index (fund, occurred_at, kind, amount)."""
    found: dict[str, tuple[Decimal, int]] = {}

    def add(rows: Any) -> None:
        for kind, total, n in rows:
            was = found.get(kind, (ZERO, 0))
            # SQLite sums decimals as floats: back to cents.
            found[kind] = (was[0] + Decimal(total or ZERO).quantize(CENT), was[1] + int(n or 0))

    def movements(low: date, high: date | None) -> None:
        span = Q(occurred_at__gte=_span(low, low)[0])
        if high is not None:
            span &= Q(occurred_at__lt=_span(high, high)[0])
        add(
            Movement.objects.filter(span, fund=fund)
            .order_by()
            .values("kind")
            .annotate(total=Sum("amount"), n=Count("id"))
            .values_list("kind", "total", "n")
        )

    whole_from = first if first.day == 1 else _month_after(first)
    whole_to = None if stop is None else stop.replace(day=1)  # exclusive
    if whole_to is not None and whole_from >= whole_to:
        movements(first, stop)
        return found
    if first < whole_from:
        movements(first, whole_from)
    months = MonthTotal.objects.filter(fund=fund, month__gte=whole_from)
    if whole_to is not None:
        months = months.filter(month__lt=whole_to)
    add(
        months.order_by()
        .values("kind")
        .annotate(total=Sum("amount"), n=Sum("count"))
        .values_list("kind", "total", "n")
    )
    if stop is not None and whole_to is not None and whole_to < stop:
        movements(whole_to, stop)
    return found


def period_summary(fund: Fund, start: date, end: date) -> dict[str, Any]:
    """What a disclosure shows for [start, end]: income by kind, spending by project, the cash
    balance at the end, the in-kind items received and used (anonymous donors as 爱心人士).
    The sums come from the month totals (``_sums``), so a month of a busy fund costs a few rows."""
    low, high = _span(start, end)
    rows = Movement.objects.filter(fund=fund, occurred_at__gte=low, occurred_at__lt=high)
    day_after = end + timedelta(days=1)
    by_kind = _sums(fund, start, day_after)

    def total(*kinds: str, of: dict[str, tuple[Decimal, int]] = by_kind) -> Decimal:
        return sum((of.get(k, (ZERO, 0))[0] for k in kinds), ZERO)

    # The balance at the end: today's balance less the net cash moved after the period (the
    # running balance of the fund row is the truth; a backdated line keeps this exact).
    after = _sums(fund, day_after, None)
    balance = Fund.objects.filter(pk=fund.pk).values_list("cash_balance", flat=True).first() or ZERO
    balance = balance - total(*CASH_IN_KINDS, of=after) + total(MovementKind.CASH_OUT, of=after)
    # Spending by project: the fund's paid spendings whose payment falls in the period.
    spending = list(
        Spending.objects.filter(
            fund=fund, status=SpendingStatus.PAID, movement__occurred_at__gte=low,
            movement__occurred_at__lt=high,
        )
        .order_by()
        .values("title")
        .annotate(total=Sum("movement__amount"), people=Sum("beneficiaries"), n=Count("id"))
        .order_by("-total")
    )  # fmt: skip
    items = list(
        rows.filter(item__isnull=False)
        .order_by("occurred_at", "pk")
        .values(
            "kind",
            "item__name",
            "item__unit",
            "quantity",
            "amount",
            "donor_name",
            "donor_kind",
            "anonymous",
        )[:200]
    )
    donors = list(
        rows.filter(kind__in=RESOURCE_KINDS)
        .order_by("occurred_at", "pk")
        .values("kind", "donor_name", "donor_kind", "anonymous", "amount", "receipt_no")[:500]
    )
    return {
        "start": start, "end": end,
        "income": [
            {"kind": k, "label": MovementKind(k).label, "total": str(v[0] or ZERO), "count": v[1]}
            for k, v in sorted(by_kind.items()) if k in (*RESOURCE_KINDS, MovementKind.REFUND)
        ],
        "cash_in": total(MovementKind.CASH_IN, MovementKind.REFUND),
        "cash_out": total(MovementKind.CASH_OUT),
        "goods_in": total(MovementKind.GOODS_IN, MovementKind.EXCHANGE_IN),
        "goods_out": total(MovementKind.GOODS_OUT),
        "balance": balance,
        "spending": [
            {"title": s["title"], "total": str(s["total"]), "people": s["people"] or 0}
            for s in spending
        ],
        "items": [
            {"kind": MovementKind(i["kind"]).label, "name": i["item__name"],
             "unit": i["item__unit"], "quantity": str(i["quantity"]), "value": str(i["amount"]),
             "donor": public_name(i["donor_name"], i["donor_kind"], i["anonymous"])}
            for i in items
        ],
        "donors": [
            {"kind": MovementKind(d["kind"]).label, "value": str(d["amount"]),
             "donor": public_name(d["donor_name"], d["donor_kind"], d["anonymous"]),
             "receipt_no": d["receipt_no"]}
            for d in donors
        ],
    }  # fmt: skip


# --- the numbers (docs/metrics.md) ------------------------------------------------------------


def resources(funds: QuerySet[Fund]) -> dict[str, Any]:
    """整合资源: income entries (cash, goods, 资源置换) of ``funds``: count and value, and per
    kind (read from the month totals, which sum every movement)."""
    rows = MonthTotal.objects.filter(fund__in=funds, kind__in=RESOURCE_KINDS).order_by()
    per_kind = {
        r["kind"]: {"count": r["n"], "value": r["value"]}
        for r in rows.values("kind").annotate(n=Sum("count"), value=Sum("amount"))
    }
    return {
        "count": sum(v["count"] for v in per_kind.values()),
        "value": sum((v["value"] or ZERO for v in per_kind.values()), ZERO),
        "per_kind": per_kind,
    }


def _paid(funds: QuerySet[Fund]) -> QuerySet[Spending]:
    return Spending.objects.filter(fund__in=funds, status=SpendingStatus.PAID).order_by()


def projects_landed(funds: QuerySet[Fund]) -> int:
    """落地公益项目: distinct projects paid (a linked project once; another one once per title)."""
    paid = _paid(funds)
    linked = 0
    for target, field in (
        (SpendingTarget.GRANT, "project"), (SpendingTarget.ACTION_ITEM, "action_item"),
        (SpendingTarget.STANDING_ORDER, "standing_order"),
    ):  # fmt: skip
        linked += paid.filter(target=target).values(field).distinct().count()
    other = paid.filter(target=SpendingTarget.OTHER).values("title").distinct().count()
    return linked + other


def beneficiaries(funds: QuerySet[Fund]) -> int:
    """惠及人次: the sum of beneficiaries over paid spendings."""
    return int(_paid(funds).aggregate(n=Coalesce(Sum("beneficiaries"), 0))["n"])


def monthly(funds: QuerySet[Fund], months: int = 12) -> list[dict[str, Any]]:
    """Income (cash and in-kind value) and spending per month, the last ``months`` months (from
    the month totals)."""
    today = timezone.localdate()
    first = (today.replace(day=1) - timedelta(days=31 * (months - 1))).replace(day=1)
    rows = (
        MonthTotal.objects.filter(fund__in=funds, month__gte=first)
        .order_by()
        .values("month")
        .annotate(
            income=Coalesce(
                Sum("amount", filter=Q(kind__in=(*RESOURCE_KINDS, MovementKind.REFUND))), ZERO
            ),
            spending=Coalesce(
                Sum("amount", filter=Q(kind__in=(MovementKind.CASH_OUT, MovementKind.GOODS_OUT))),
                ZERO,
            ),
        )
        .order_by("month")
    )
    return [
        {"month": r["month"].strftime("%Y-%m"), "income": r["income"], "spending": r["spending"]}
        for r in rows
    ]


def headline(funds: QuerySet[Fund]) -> dict[str, Any]:
    """ "整合资源超百项，落地公益项目9个，惠及1.8万人次" for ``funds``: one dict."""
    found = resources(funds)
    return {
        "resources": found["count"], "resources_value": found["value"],
        "projects": projects_landed(funds), "beneficiaries": beneficiaries(funds),
        "balance": funds.aggregate(b=Coalesce(Sum("cash_balance"), ZERO))["b"],
    }  # fmt: skip


def dormant(qs: QuerySet[Fund], days: int, now: datetime | None = None) -> QuerySet[Fund]:
    """Active funds with no movement for ``days`` days (never moved: since they were set up)."""
    limit = (now or timezone.now()) - timedelta(days=days)
    return qs.filter(status=FundStatus.ACTIVE).filter(
        Q(last_movement_at__lt=limit) | Q(last_movement_at__isnull=True, created_at__lt=limit)
    )


def flagged(user: Any) -> QuerySet[Fund]:
    """Funds flagged dormant and still active (the to-do of their managers)."""
    return funds_for_staff(user).filter(status=FundStatus.ACTIVE, dormant_flagged_at__isnull=False)


def public_funds(region_prefix: str = "") -> QuerySet[Fund]:
    """Funds the public sees: active, winding up or closed (not those being prepared)."""
    qs = Fund.objects.exclude(status=FundStatus.PREPARING).select_related("region", "host")
    if region_prefix:
        qs = qs.filter(region__code__startswith=region_prefix)
    return qs.order_by("region_id", "name")


def public_items(fund: Fund) -> QuerySet[Item]:
    return fund.items.order_by("-received_on", "-pk")


def open_pledges(fund: Fund) -> QuerySet[Pledge]:
    return fund.pledges.order_by("-recorded_at")


def disclosures_of(fund: Fund) -> QuerySet[Disclosure]:
    return fund.disclosures.order_by("-period_start", "-pk")
