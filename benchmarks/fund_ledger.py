"""Benchmark: a community fund's ledger (社区慈善基金, issue 17 "Performance").

``shegong bench fund_ledger [--size N]`` (default 1,000,000) builds one fund with N movements
(cash donations, 资源置换 and payments spread over the last 24 months, with their running
balance), inserted in bulk, then measures:

(a) reading the balance (the fund row's running balance) — p50/p99 over ``READS`` reads;
(b) building the monthly disclosure of last month (``queries.funds.period_summary``: income by
    kind and the balance at the month's end from the month totals, spending by project, items
    and donors) — p50/p99 over ``DISCLOSURES`` builds;
both printed against the floor: a raw SQL SUM (through the cursor) over the same rows — the
month's movements grouped by kind — and, for scale, a raw SUM over the whole ledger (what the
balance would cost without the running balance);
(c) a disbursement's p99 under the running-balance lock: ``PAYS`` approved spendings paid one by
    one through ``actions.spending.pay`` (lock the fund row, F() update, movement, audit).

Targets: (a) and (b) < 100 ms, (c) p99 < 20 ms. Like the other benchmarks it runs in a child
process on a throwaway data directory (a SQLite file, or a fresh PostgreSQL database when
SHEGONG_DATABASE_URL names one containing "bench") unless ``in_place=True`` (the test suite).
"""

from __future__ import annotations

import os
import random
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

READS = 200
DISCLOSURES = 20
PAYS = 200
FLOOR_RUNS = 20
MONTHS = 24
TARGET_READ_MS = 100
TARGET_DISCLOSURE_MS = 100
TARGET_PAY_P99_MS = 20
CENT = Decimal("0.01")


def _support() -> Any:
    from shegong.cli import load_benchmark

    return load_benchmark("ledger_import")


def _fund() -> Any:
    from shegong import testing
    from shegong.core import demo
    from shegong.regions.models import Region

    _support().grids()  # loads the demo regions when absent
    district = Region.objects.get(code=demo.DISTRICT[0])
    community = Region.objects.filter(level="community", code__startswith=district.code[:6])
    return testing.community_fund(
        community.order_by("code").first(), host_region=district, name="基准社区慈善基金"
    )


def _build(fund: Any, size: int, rnd: random.Random) -> dict[str, Any]:
    from django.db import transaction
    from django.utils import timezone

    from shegong.core.bulk import insert_rows
    from shegong.grants.actions import ledger
    from shegong.grants.models import Fund, Item, Movement

    now = timezone.now()
    start = now - timedelta(days=30 * MONTHS)
    step = (now - start) / max(size, 1)
    with transaction.atomic():
        item = Item.objects.create(
            fund=fund, name="基准理发服务", unit="次", is_service=True, unit_value=Decimal("20"),
            quantity=Decimal(size), quantity_left=Decimal(size),
        )  # fmt: skip
        balance = Decimal(fund.cash_balance)
        state = {"balance": balance}

        def rows():
            for i in range(size):
                at = start + step * i
                roll = rnd.random()
                if roll < 0.1:  # 资源置换: valued, the cash balance untouched
                    yield (
                        "exchange_in", at, Decimal("20.00"), state["balance"], item.pk,
                        Decimal("1"), f"基准商户{i % 500}", "merchant", False, "挂牌致谢",
                        f"BJ{i:09d}",
                    )  # fmt: skip
                    continue
                amount = Decimal(rnd.randint(100, 50000)) / 100
                if roll < 0.4 and state["balance"] >= amount:
                    state["balance"] -= amount
                    yield (
                        "cash_out", at, amount, state["balance"], None, Decimal("0"),
                        "基准收款方", "", False, "", "",
                    )  # fmt: skip
                    continue
                state["balance"] += amount
                yield (
                    "cash_in", at, amount, state["balance"], None, Decimal("0"),
                    f"基准捐赠人{i % 2000}", "person", rnd.random() < 0.2, "", f"BJ{i:09d}",
                )  # fmt: skip

        insert_rows(
            Movement,
            ["kind", "occurred_at", "amount", "balance_after", "item_id", "quantity",
             "donor_name", "donor_kind", "anonymous", "recognition", "receipt_no"],
            rows(),
            fixed={"fund_id": fund.pk, "host_id": fund.host_id, "region_id": fund.region_id,
                   "note": "", "recorded_at": now},
            batch=5000,
        )  # fmt: skip
        Fund.objects.filter(pk=fund.pk).update(cash_balance=state["balance"], last_movement_at=now)
    # Loaded in bulk, not through the actions: the month totals are made from the rows.
    ledger.rebuild_month_totals(fund)
    return {"movements": Movement.objects.filter(fund=fund).count(), "balance": state["balance"]}


def _analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _timed(call: Any, runs: int) -> tuple[list[float], Any]:
    times, result = [], None
    for _ in range(runs):
        began = time.perf_counter()
        result = call()
        times.append((time.perf_counter() - began) * 1000)
    return times, result


def _stats(prefix: str, times: list[float]) -> dict[str, float]:
    return {
        f"{prefix}_p50_ms": round(_percentile(times, 0.5), 3),
        f"{prefix}_p99_ms": round(_percentile(times, 0.99), 3),
    }


def _last_month() -> tuple[Any, Any]:
    from django.utils import timezone

    from shegong.grants.queries import funds as fund_queries

    today = timezone.localdate()
    bounds = fund_queries.month_bounds(today.replace(day=1) - timedelta(days=1))
    assert bounds is not None
    return bounds


def _measure_reads(fund: Any) -> dict[str, Any]:
    from shegong.grants.models import Fund
    from shegong.grants.queries import funds as fund_queries

    times, balance = _timed(
        lambda: Fund.objects.filter(pk=fund.pk).values_list("cash_balance", flat=True).get(),
        READS,
    )
    start, end = _last_month()
    fresh = Fund.objects.get(pk=fund.pk)
    built, summary = _timed(lambda: fund_queries.period_summary(fresh, start, end), DISCLOSURES)
    return {
        **_stats("balance", times), **_stats("disclosure", built), "read_balance": str(balance),
        "month": f"{start:%Y-%m}", "month_cash_in": str(summary["cash_in"]),
        "month_cash_out": str(summary["cash_out"]), "month_end_balance": str(summary["balance"]),
    }  # fmt: skip


def _measure_floor(fund: Any) -> dict[str, Any]:
    """Raw SQL through the cursor: the month's rows summed by kind, and the whole ledger's sum."""
    from django.db import connection

    from shegong.grants.models import Movement
    from shegong.grants.queries.funds import _span

    low, high = _span(*_last_month())
    assert Movement._meta.db_table == "grants_movement"
    month_sql = (
        "SELECT kind, SUM(amount), COUNT(*) FROM grants_movement WHERE fund_id = %s "
        "AND occurred_at >= %s AND occurred_at < %s GROUP BY kind"
    )
    full_sql = (
        "SELECT SUM(CASE WHEN kind IN ('cash_in', 'refund') THEN amount "
        "WHEN kind = 'cash_out' THEN -amount ELSE 0 END) FROM grants_movement WHERE fund_id = %s"
    )
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:

        def month() -> Any:
            cursor.execute(month_sql, [fund.pk, adapt(low), adapt(high)])
            return cursor.fetchall()

        def full() -> Any:
            cursor.execute(full_sql, [fund.pk])
            return cursor.fetchone()[0]

        month_times, rows = _timed(month, FLOOR_RUNS)
        full_times, total = _timed(full, max(3, FLOOR_RUNS // 5))
    return {
        **_stats("floor_month_sum", month_times), "floor_month_rows": sum(r[2] for r in rows),
        **_stats("floor_full_sum", full_times), "full_sum_balance": str(total),
    }  # fmt: skip


def _measure_pays(fund: Any) -> dict[str, Any]:
    from django.utils import timezone

    from shegong.core.bulk import insert_rows
    from shegong.grants.actions import spending
    from shegong.grants.models import Spending

    supervisor = fund.committee.get(role="supervisor")
    now = timezone.now()
    insert_rows(
        Spending,
        ["title", "amount"],
        ((f"基准支出{i}", Decimal("1.00")) for i in range(PAYS)),
        fixed={"fund_id": fund.pk, "region_id": fund.region_id, "target": "other",
               "purpose": "基准", "payee": "基准收款方", "status": "approved",
               "resolution": "基准决议", "votes_for": 5, "supervisor_id": supervisor.pk,
               "supervisor_opinion": "同意", "requested_at": now, "decided_at": now},
    )  # fmt: skip
    ids = list(Spending.objects.filter(fund=fund, status="approved").values_list("pk", flat=True))
    times = []
    for pk in ids:
        began = time.perf_counter()
        spending.pay(None, pk)
        times.append((time.perf_counter() - began) * 1000)
    return {"pays": len(times), **_stats("pay", times)}


def run(size: int) -> dict:
    from django.conf import settings
    from django.db import connection

    from shegong.grants.models import Fund

    settings.DEBUG = False
    rnd = random.Random(17)
    fund = _fund()
    began = time.perf_counter()
    built = _build(fund, size, rnd)
    _analyze()
    build_s = time.perf_counter() - began
    reads = _measure_reads(fund)
    floor = _measure_floor(fund)
    pays = _measure_pays(fund)
    final = Fund.objects.get(pk=fund.pk).cash_balance
    return {
        "database": connection.vendor, "size": size, "movements": built["movements"],
        "build_s": round(build_s, 1), **reads, **floor, **pays,
        # SQLite sums decimals as floats: compared in cents.
        "balance_matches_full_sum": Decimal(floor["full_sum_balance"]).quantize(CENT)
        == Decimal(reads["read_balance"]),
        "final_balance": str(final),
        "targets": {"balance_ms": TARGET_READ_MS, "disclosure_ms": TARGET_DISCLOSURE_MS,
                    "pay_p99_ms": TARGET_PAY_P99_MS},
        "pass": reads["balance_p99_ms"] < TARGET_READ_MS
        and reads["disclosure_p99_ms"] < TARGET_DISCLOSURE_MS
        and pays["pay_p99_ms"] < TARGET_PAY_P99_MS,
        "floor": "raw SQL SUM (cursor) of the month's movements by kind; and of the whole ledger",
    }  # fmt: skip


def main(size: int = 1_000_000, *, in_place: bool = False) -> dict:
    support = _support()
    if in_place or os.environ.get(support.SANDBOX_ENV):
        return run(size)
    return support.sandboxed(Path(__file__).stem, size)
