"""Benchmark: the public accountability page (议事厅 · 落地实事公开) of a district.

``shegong bench accountability [--size N]`` (default 10,000) builds a district with N action
items (落地实事) and 5·N timeline entries, one topic per item and a thematic meeting per
community, all inserted in bulk, then requests ``/public/deliberation/?region=<district>`` with
the test client ``REQUESTS`` (100) times and prints p50/p99 in ms, the number of SQL queries a
request makes (each section is one query: no N+1), and, in the same run, the floor: the page's
item rows and its category breakdown read with raw SQL through the cursor (no ORM, no template).

The district: one community per ``PER_COMMUNITY`` (100) items, 100 communities to a street; the
items spread over the ten default categories, 90 % public, a third done, the rest planned or in
progress, owners a person (shown as 社区居委会), a department or an organization by name.

Like the other benchmarks it runs in a child process on a throwaway data directory (a SQLite
file, or a fresh PostgreSQL database when SHEGONG_DATABASE_URL names one containing "bench")
unless ``in_place=True`` (the test suite).
"""

from __future__ import annotations

import os
import random
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

PER_COMMUNITY = 100
UPDATES_PER_ITEM = 5
COMMUNITIES_PER_STREET = 100
REQUESTS = 100
FLOOR_RUNS = 100
TARGET_P50_MS = 200
STREET_BASE = 850  # synthetic streets 850…: far from the demo's codes


def _support() -> Any:
    from shegong.cli import load_benchmark

    return load_benchmark("ledger_import")


def _district() -> Any:
    from shegong.core import demo
    from shegong.regions.models import Region

    _support().grids()  # loads the demo regions when absent
    return Region.objects.get(code=demo.DISTRICT[0])


def _community_code(district: str, c: int) -> str:
    street, community = divmod(c, COMMUNITIES_PER_STREET)
    return f"{district[:6]}{STREET_BASE + street:03d}{community + 1:03d}"


def _add_communities(district: Any, count: int) -> list[str]:
    from shegong.core.bulk import insert_rows
    from shegong.regions.models import Region

    streets = {
        f"{district.code[:6]}{STREET_BASE + s:03d}000": f"基准街道{s:03d}"
        for s in range(-(-count // COMMUNITIES_PER_STREET))
    }
    have = set(Region.objects.filter(code__in=list(streets)).values_list("code", flat=True))
    insert_rows(
        Region, ["code", "name", "level", "parent_id"],
        [(code, name, "street", district.pk) for code, name in streets.items() if code not in have],
    )  # fmt: skip
    codes = [_community_code(district.code, c) for c in range(count)]
    insert_rows(
        Region, ["code", "name", "level", "parent_id"],
        ((code, f"基准社区{c:05d}", "community", code[:9] + "000") for c, code in enumerate(codes)),
        batch=2000,
    )  # fmt: skip
    return codes


def _build(district: Any, size: int, rnd: random.Random) -> dict[str, int]:
    from django.db import transaction
    from django.utils import timezone

    from shegong.core.bulk import insert_rows
    from shegong.deliberation.categories import install_defaults
    from shegong.deliberation.models import ActionItem, ActionUpdate, Meeting, Topic, TopicCategory

    install_defaults(TopicCategory)
    categories = list(TopicCategory.objects.values_list("pk", flat=True))
    now = timezone.now()
    today = timezone.localdate()
    count = -(-size // PER_COMMUNITY)
    with transaction.atomic():
        codes = _add_communities(district, count)
        insert_rows(
            Topic, ["region_id", "category_id", "title", "body", "status", "support_count"],
            ((codes[i // PER_COMMUNITY], categories[i % len(categories)], f"基准议题{i}", "内容",
              rnd.choice(["adopted", "adopted", "delivered", "pending"]), rnd.randint(0, 40))
             for i in range(size)),
            fixed={"created_at": now}, batch=2000,
        )  # fmt: skip
        insert_rows(
            Meeting, ["region_id", "kind", "title", "starts_at", "place", "status"],
            ((code, "thematic", "基准专题议事", now - timedelta(days=30), "会议室", "closed")
             for code in codes),
            fixed={"created_at": now},
        )  # fmt: skip

        def items():
            for i in range(size):
                status = rnd.choices(
                    ["done", "in_progress", "planned", "cancelled"], [33, 45, 20, 2]
                )[0]
                progress = (
                    100 if status == "done" else rnd.randint(0, 95) if status != "planned" else 0
                )
                kind = rnd.choice(["person", "department", "organization"])
                yield (
                    codes[i // PER_COMMUNITY], categories[i % len(categories)], f"基准实事{i}",
                    kind, {"person": "某责任人", "department": "城建办",
                           "organization": "某物业公司"}[kind],
                    today + timedelta(days=rnd.randint(-60, 180)), status, progress,
                    rnd.random() < 0.9, now - timedelta(days=rnd.randint(0, 90))
                    if status == "done" else None,
                )  # fmt: skip

        insert_rows(
            ActionItem,
            ["region_id", "category_id", "title", "owner_kind", "owner_name", "due_on", "status",
             "progress", "public", "done_at"],
            items(), fixed={"created_at": now, "updated_at": now}, batch=2000,
        )  # fmt: skip
        ids = ActionItem.objects.values_list("pk", flat=True).order_by("pk").iterator(5000)
        insert_rows(
            ActionUpdate, ["action_id", "kind", "progress", "text", "at"],
            ((pk, "progress", 20 * (j + 1) - 10, f"第{j + 1}次进展", now - timedelta(days=j))
             for pk in ids for j in range(UPDATES_PER_ITEM)),
            fixed={"photos": []}, batch=5000,
        )  # fmt: skip
    return {
        "communities": count, "items": ActionItem.objects.count(),
        "timeline_entries": ActionUpdate.objects.count(),
    }  # fmt: skip


def _analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _measure_page(district: Any) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client

    client = Client()
    url = f"/public/deliberation/?region={district.code}"
    first = client.get(url)
    assert first.status_code == 200, first.status_code
    captured: list[str] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        captured.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):  # (the query log is reset by each request)
        client.get(url)
    times = []
    for n in range(REQUESTS):
        page = f"{url}&page={n % 5 + 1}"
        began = time.perf_counter()
        response = client.get(page)
        times.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200
    return {
        "p50_ms": round(_percentile(times, 0.5), 2), "p99_ms": round(_percentile(times, 0.99), 2),
        "queries_per_request": len(captured),
        "shows_total": 'data-sg-total="' in first.content.decode(),
    }  # fmt: skip


def _measure_floor(district: Any) -> dict[str, Any]:
    """The same rows through the cursor: the page of items and the category breakdown."""
    from django.db import connection

    from shegong.deliberation.queries import public

    f = public.parse_filter({"region": district.code})
    rows_sql, rows_params = (
        public.public_items(f).order_by("status", "due_on", "id")
        .values(*public.LIST_FIELDS)[: public.PAGE_SIZE].query.sql_with_params()
    )  # fmt: skip
    agg_qs = public.public_items(f).values("category_id")
    from django.db.models import Avg, Count, Q

    agg_sql, agg_params = (
        agg_qs.annotate(total=Count("id"), done=Count("id", filter=Q(status="done")),
                        progress=Avg("progress")).order_by("category_id").query.sql_with_params()
    )  # fmt: skip
    times, found = [], 0
    with connection.cursor() as cursor:
        for _ in range(FLOOR_RUNS):
            began = time.perf_counter()
            cursor.execute(rows_sql, rows_params)
            found = len(cursor.fetchall())
            cursor.execute(agg_sql, agg_params)
            cursor.fetchall()
            times.append((time.perf_counter() - began) * 1000)
    return {"floor_p50_ms": round(_percentile(times, 0.5), 2), "floor_rows": found}


def run(size: int) -> dict:
    from django.conf import settings
    from django.db import connection

    settings.DEBUG = False
    rnd = random.Random(16)
    district = _district()
    began = time.perf_counter()
    built = _build(district, size, rnd)
    _analyze()
    build_s = time.perf_counter() - began
    page = _measure_page(district)
    floor = _measure_floor(district)
    return {
        "database": connection.vendor, "size": size, **built, "build_s": round(build_s, 1),
        "requests": REQUESTS, **page, **floor,
        "over_floor": round(page["p50_ms"] / max(floor["floor_p50_ms"], 1e-3), 1),
        "targets": {"p50_ms": TARGET_P50_MS}, "pass": page["p50_ms"] < TARGET_P50_MS,
        "floor": "raw SQL (cursor) of the page's item rows and its category breakdown",
    }  # fmt: skip


def main(size: int = 10_000, *, in_place: bool = False) -> dict:
    support = _support()
    if in_place or os.environ.get(support.SANDBOX_ENV):
        return run(size)
    return support.sandboxed(Path(__file__).stem, size)
