"""Benchmark: approving volunteer service hours, and the region-by-month hours aggregate.

``shegong bench hours [--size N]`` builds N service records (default 1,000,000) of N/10
volunteers (100,000) in the demo district's communities with bulk inserts — 90 % approved, the
rest pending, served over the last two years, each volunteer's running total and star set from
its approved records — then times, in the same run:

- approving one record with ``hours.approve`` as the district's staff (scope check, lock, status,
  the volunteer's total by an F() update, the star, the audit entry) for ~200 pending records:
  p50/p99 against the floor, the two bare SQL UPDATEs such an approval needs at least (the
  record's status, the volunteer's total) in a transaction of their own; for reference it also
  times the ``SELECT SUM`` of a volunteer's approved hours that the approval avoids. Target:
  approval under 20 ms.
- the region-by-month aggregate of the district's approved hours over the last 12 months
  (``statistics.region_month_hours``, months × communities) against the floor, one raw SQL
  ``SUM(hours)`` over exactly the same rows; median (and best) of 7 runs each. Target: under
  500 ms on SQLite.

WAL checkpoints are the worker's (``core.sqlite.base``): as in production, the approvals commit
with ``wal_autocheckpoint`` at 8,000 pages, and the worker's checkpoint that follows them is
timed on its own (``worker_checkpoint``), off the requests' path. Before that change one approval
in fifty paid for the copy inside its COMMIT (p99 13.9 ms against a 2.3 ms median at 1M records).

It also checks that each approved volunteer's running total still equals the re-summed records.
Like ``ledger_import`` it runs in a child process on a throwaway SQLite file database unless
``in_place=True`` (the test suite, rolled back).
"""

from __future__ import annotations

import os
import random
import statistics as stats
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

APPROVALS = 200
STAFF_PHONE = "13800009996"
SPAN_DAYS = 730


def _support():
    from shegong.cli import load_benchmark

    return load_benchmark("ledger_import")


def _communities() -> list[str]:
    from shegong.core import demo
    from shegong.regions.models import Region

    _support().grids()  # loads the demo regions if missing
    return list(
        Region.objects.subtree(demo.DISTRICT[0][:6])
        .filter(level="community")
        .order_by("code")
        .values_list("pk", flat=True)
    )


def _setup(size: int) -> dict:
    from django.db import connection, transaction
    from django.utils import timezone

    from shegong import testing
    from shegong.accounts.models import User
    from shegong.core import demo
    from shegong.core.bulk import insert_rows
    from shegong.core.perms import Role
    from shegong.ledger.models import Person
    from shegong.regions.models import Region
    from shegong.volunteers.models import ServiceRecord, Team, Volunteer
    from shegong.volunteers.stars import star_for

    rng = random.Random(6)
    communities = _communities()
    district = Region.objects.get(pk=demo.DISTRICT[0])
    staff = User.objects.filter(phone=STAFF_PHONE).first() or testing.user(
        Role.DISTRICT_ADMIN, district, phone=STAFF_PHONE, name="基准区管理员"
    )
    now = timezone.now()
    today = timezone.localdate()
    volunteers = max(size // 10, 10)
    with transaction.atomic():
        teams = [
            Team.objects.create(name=f"基准志愿服务队{i}", region_id=code)
            for i, code in enumerate(communities)
        ]
        first_person = (
            Person.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        ) + 1
        insert_rows(
            Person, ["name", "region_id"],
            ((f"基准志愿者{i}", communities[i % len(communities)]) for i in range(volunteers)),
            fixed={"created_at": now, "updated_at": now}, batch=5000,
        )  # fmt: skip
        people = list(
            Person.objects.filter(pk__gte=first_person)
            .order_by("pk")
            .values_list("pk", "region_id")
        )
        insert_rows(
            Volunteer, ["person_id", "number", "region_id"],
            ((pk, f"BENCH{pk:012d}", region) for pk, region in people),
            fixed={"created_at": now, "consent_version": "bench", "consent_at": now}, batch=5000,
        )  # fmt: skip
        ids = list(
            Volunteer.objects.filter(person_id__gte=first_person)
            .order_by("pk")
            .values_list("pk", "region_id")
        )
        team_of = {t.region_id: t.pk for t in teams}
        totals: dict[int, Decimal] = {}

        def rows():
            for i in range(size):
                volunteer, region = ids[rng.randrange(len(ids))]
                hours = Decimal(rng.randrange(50, 401)) / 100
                approved = i % 10 != 0
                if approved:
                    totals[volunteer] = totals.get(volunteer, Decimal(0)) + hours
                yield (
                    volunteer, team_of[region], region, "manual",
                    "approved" if approved else "pending", "基准服务",
                    today - timedelta(days=rng.randrange(SPAN_DAYS)), hours,
                )  # fmt: skip

        insert_rows(
            ServiceRecord,
            ["volunteer_id", "team_id", "region_id", "kind", "status", "content", "served_on",
             "hours"],
            rows(), fixed={"created_at": now}, batch=5000,
        )  # fmt: skip
        table = connection.ops.quote_name(Volunteer._meta.db_table)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET hours = %s, star = %s WHERE id = %s",  # noqa: S608
                [(str(total), star_for(total), pk) for pk, total in totals.items()],
            )
    pending = list(
        ServiceRecord.objects.filter(status="pending", team__in=teams)
        .order_by("?")
        .values_list("pk", flat=True)[: 2 * APPROVALS]
    )
    return {"staff": staff, "pending": pending, "volunteers": len(ids), "district": district}


def _ms(seconds: list[float]) -> dict:
    ordered = sorted(seconds)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return {
        "p50_ms": round(stats.median(ordered) * 1000, 3),
        "p99_ms": round(p99 * 1000, 3),
        "min_ms": round(ordered[0] * 1000, 3),
        "n": len(ordered),
    }


def run(size: int) -> dict:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from shegong.core.sqlite.base import checkpoint
    from shegong.volunteers.actions import hours
    from shegong.volunteers.models import ServiceRecord, Volunteer
    from shegong.volunteers.queries import hours as hours_queries
    from shegong.volunteers.queries import statistics

    began = time.perf_counter()
    built = _setup(size)
    setup_s = time.perf_counter() - began
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh statistics, as a production database would have
    checkpoint(connection)  # the worker has caught up with the load
    staff = built["staff"]
    pending = built["pending"]
    half = len(pending) // 2
    floor_ids, approve_ids = pending[:half], pending[half:]
    record_table = connection.ops.quote_name(ServiceRecord._meta.db_table)
    volunteer_table = connection.ops.quote_name(Volunteer._meta.db_table)

    # The floor: the two UPDATEs an approval needs at least, in a transaction of their own.
    floor = []
    rows = {
        pk: (volunteer, str(amount))
        for pk, volunteer, amount in ServiceRecord.objects.filter(pk__in=floor_ids).values_list(
            "pk", "volunteer_id", "hours"
        )
    }
    for pk in floor_ids:
        began = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {record_table} SET status = 'approved' WHERE id = %s",  # noqa: S608
                [pk],
            )
            cursor.execute(
                f"UPDATE {volunteer_table} SET hours = hours + %s WHERE id = %s",  # noqa: S608
                [rows[pk][1], rows[pk][0]],
            )
        floor.append(time.perf_counter() - began)

    # For reference: summing a volunteer's approved hours (what the approval does NOT do).
    resum = []
    for volunteer, _amount in list(rows.values())[:50]:
        began = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT SUM(hours) FROM {record_table} "  # noqa: S608
                "WHERE volunteer_id = %s AND status = 'approved'",
                [volunteer],
            )
            cursor.fetchone()
        resum.append(time.perf_counter() - began)

    hours.approve(approve_ids[0], staff)  # warm the caches (URLconf, permissions) once
    approvals = []
    for pk in approve_ids[1:-1]:
        began = time.perf_counter()
        hours.approve(pk, staff)
        approvals.append(time.perf_counter() - began)
    with CaptureQueriesContext(connection) as queries:
        hours.approve(approve_ids[-1], staff)
    began = time.perf_counter()
    worker_checkpoint = checkpoint(connection)
    worker_checkpoint["ms"] = round((time.perf_counter() - began) * 1000, 1)
    approved_volunteers = set(
        ServiceRecord.objects.filter(pk__in=approve_ids).values_list("volunteer_id", flat=True)
    )
    mismatches = sum(
        1
        for v in Volunteer.objects.filter(pk__in=approved_volunteers)
        if Decimal(v.hours).quantize(Decimal("0.01")) != hours_queries.approved_sum(v)
    )

    prefix = built["district"].prefix
    end = timezone.localdate()
    start = end - timedelta(days=365)
    aggregate, raw = [], []
    result: dict = {}
    low, high = prefix, prefix + ":"
    for _ in range(7):
        began = time.perf_counter()
        result = statistics.region_month_hours(prefix, start, end)
        aggregate.append(time.perf_counter() - began)
        began = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT SUM(hours), COUNT(*) FROM {record_table} "  # noqa: S608
                "WHERE status = 'approved' AND served_on >= %s AND served_on <= %s "
                "AND region_id >= %s AND region_id < %s",
                [start, end, low, high],
            )
            raw_sum, raw_rows = cursor.fetchone()
        raw.append(time.perf_counter() - began)
    total = sum(result.values(), Decimal(0))
    approve_p, floor_p = _ms(approvals), _ms(floor)
    aggregate_s, raw_s = stats.median(aggregate), stats.median(raw)
    return {
        "records": size,
        "volunteers": built["volunteers"],
        "setup_s": round(setup_s, 1),
        "approve": approve_p,
        "floor_two_updates": floor_p,
        "reference_resum_one_volunteer": _ms(resum),
        "approve_queries": len(queries.captured_queries),
        "worker_checkpoint": worker_checkpoint,
        "approve_ratio_p50": round(approve_p["p50_ms"] / floor_p["p50_ms"], 1),
        "target_approve_ms": 20,
        "totals_match_resum": mismatches == 0,
        "aggregate_ms": round(aggregate_s * 1000, 1),
        "floor_raw_sum_ms": round(raw_s * 1000, 1),
        "aggregate_min_ms": round(min(aggregate) * 1000, 1),
        "floor_raw_sum_min_ms": round(min(raw) * 1000, 1),
        "aggregate_ratio": round(aggregate_s / raw_s, 2) if raw_s else None,
        "aggregate_cells": len(result),
        "aggregate_rows": raw_rows,
        "aggregate_equals_raw_sum": abs(float(total) - float(raw_sum or 0)) < 0.01,
        "target_aggregate_ms": 500,
        "database": connection.vendor,
        "floor": "two bare UPDATEs in a transaction; raw SQL SUM over the same rows",
    }


def main(size: int = 1_000_000, *, in_place: bool = False) -> dict:
    support = _support()
    if in_place or os.environ.get(support.SANDBOX_ENV):
        return run(size)
    return support.sandboxed(Path(__file__).stem, size)
