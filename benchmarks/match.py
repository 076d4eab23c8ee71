"""Benchmark: the matching engine's shortlist against a brute-force scoring of every offer.

``shegong bench match [--size N]`` (default 100,000) builds a district's supply list and orders
and times, in the same run:

- ``queries.shortlist(order, k=10)`` — the dispatcher's explained top 10, everything included
  (settings, the order's skills and exclusions, the one candidate look-up, the skills of the
  candidates, the engine) — per order, over a sample of ``SAMPLE`` orders: p50 and p99;
- the floor it is compared with: ``engine.rank_all`` over EVERY offer of the district (all
  loaded once, before timing), i.e. what matching costs without the index — per order, for a
  few orders (it is linear in N).

The district: one community per ``PER_COMMUNITY`` (300) offers — ~N/300 communities, 100 to a
street, about 3 km apart — each with 30 offers in each of the 10 categories of the default
catalogue (70 % volunteers', 20 % teams', 10 % organizations'; 90 % approved, the rest new or
paused) with 1–2 of the category's skills, weekly slots (60 %) or any time, a point within a
kilometre of the community's centre and a 2–5 km radius, a load under the weekly capacity,
ratings and a last assignment; and one order per ``OFFERS_PER_ORDER`` (10) offers, 30 per
community — 10,000 orders for 100,000 offers — waiting for dispatch in the next two weeks.
The offers' providers are not created as volunteer/team rows: the matching path reads the
offer only (one candidate table, see ``matching.models``).

Growth: the same district built in three steps — N/10, N, 10·N offers (10k, 100k, 1M for the
default), inserted in bulk — timed at each step. The shortlist reads one community's offers of
one category through the partial index ``offer_candidates`` (region, category) WHERE approved,
so its time must stay flat while the brute force grows linearly; the plan of that look-up is
printed (EXPLAIN) and checked to use the index.

Like the other benchmarks it runs in a child process on a throwaway data directory (a SQLite
file, or a fresh PostgreSQL database when SHEGONG_DATABASE_URL names one containing "bench")
unless ``in_place=True`` (the test suite).
"""

from __future__ import annotations

import os
import random
import statistics
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

PER_COMMUNITY = 300
OFFERS_PER_ORDER = 10
COMMUNITIES_PER_STREET = 100
SAMPLE = 1000  # orders timed through the shortlist per step
BRUTE_OFFERS = 2_000_000  # offer-scorings of the brute force per step (≈ orders × N)
TARGET_P50_MS, TARGET_P99_MS = 50, 200
STREET_BASE = 800  # synthetic streets 800…: far from the demo's codes
CENTRE = (23.02, 113.75)
SPACING = 0.03  # degrees between community centres (~3 km)


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


def _centre(c: int) -> tuple[float, float]:
    return CENTRE[0] + (c // 60) * SPACING, CENTRE[1] + (c % 60) * SPACING


def _add_communities(district: Any, start: int, stop: int) -> list[str]:
    from shegong.core.bulk import insert_rows
    from shegong.regions.models import Region

    streets = {
        f"{district.code[:6]}{STREET_BASE + s:03d}000": f"基准街道{s:03d}"
        for s in range(start // COMMUNITIES_PER_STREET, -(-stop // COMMUNITIES_PER_STREET))
    }
    have = set(Region.objects.filter(code__in=list(streets)).values_list("code", flat=True))
    new_streets = [
        (code, name, "street", district.pk) for code, name in streets.items() if code not in have
    ]
    insert_rows(Region, ["code", "name", "level", "parent_id"], new_streets)
    codes = [_community_code(district.code, c) for c in range(start, stop)]
    insert_rows(
        Region,
        ["code", "name", "level", "parent_id", "centroid_lat", "centroid_lon"],
        (
            (code, f"基准社区{c:05d}", "community", code[:9] + "000", *_centre(c))
            for c, code in zip(range(start, stop), codes, strict=True)
        ),
        batch=2000,
    )
    return codes


def _grow(district: Any, offers_before: int, offers_after: int, rnd: random.Random) -> None:
    """Add the offers (and their skills, communities and orders) from ``offers_before`` to
    ``offers_after``."""
    from django.db import transaction
    from django.utils import timezone

    from shegong.core.bulk import insert_rows
    from shegong.matching.choices import CATEGORY_SKILLS
    from shegong.matching.models import Category, Offer, Order
    from shegong.volunteers.models import Skill

    categories = list(Category.objects.order_by("order", "code"))
    skill_ids = dict(Skill.objects.values_list("code", "pk"))
    skills_of = {
        c.pk: [skill_ids[s] for s in CATEGORY_SKILLS.get(c.code, ()) if s in skill_ids]
        or list(skill_ids.values())[:3]
        for c in categories
    }
    now = timezone.now()
    first_c = -(-offers_before // PER_COMMUNITY)
    last_c = -(-offers_after // PER_COMMUNITY)
    parts = ["am", "pm", "eve"]

    def offer_rows():
        for i in range(offers_before, offers_after):
            c, j = divmod(i, PER_COMMUNITY)
            category = categories[j % len(categories)]
            lat, lon = _centre(c)
            kind = rnd.choices(["volunteer", "team", "organization"], [7, 2, 1])[0]
            slots = (
                {str(d): rnd.sample(parts, rnd.randint(1, 3))
                 for d in rnd.sample(range(1, 8), rnd.randint(3, 6))}
                if rnd.random() < 0.6 else {}
            )  # fmt: skip
            capacity = rnd.randint(3, 10)
            rated = rnd.randint(0, 20)
            yield (
                _community_code(district.code, c), category.pk, f"{category.name}服务{i}",
                kind, f"基准服务方{i:07d}", capacity, slots,
                lat + rnd.uniform(-0.009, 0.009), lon + rnd.uniform(-0.009, 0.009),
                rnd.choice([2000, 3000, 5000]), rnd.random() < 0.3,
                rnd.choices(["approved", "new", "paused"], [18, 1, 1])[0],
                rnd.randint(0, capacity - 1), rated * rnd.randint(3, 5), rated,
                now - timedelta(days=rnd.randint(0, 30)) if rnd.random() < 0.7 else None,
            )  # fmt: skip

    def order_rows():
        for c in range(first_c, last_c):
            lat, lon = _centre(c)
            for j in range(PER_COMMUNITY // OFFERS_PER_ORDER):
                n = c * PER_COMMUNITY + j
                start = (now + timedelta(days=rnd.randint(1, 13))).replace(
                    hour=rnd.randint(8, 19), minute=0, second=0, microsecond=0
                )
                category = categories[rnd.randrange(len(categories))]
                yield (
                    f"BM{n:012d}", _community_code(district.code, c), category.pk, "staff",
                    "基准需求", rnd.random() < 0.1, start,
                    start + timedelta(hours=rnd.randint(1, 3)),
                    lat + rnd.uniform(-0.005, 0.005), lon + rnd.uniform(-0.005, 0.005),
                )  # fmt: skip

    with transaction.atomic():
        _add_communities(district, first_c, last_c)
        top = Offer.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        insert_rows(
            Offer,
            ["region_id", "category_id", "title", "provider_kind", "provider_name",
             "capacity_per_week", "availability", "lat", "lon", "radius_m", "risky_ok", "status",
             "load", "rating_sum", "rating_count", "last_assigned_at"],
            offer_rows(), fixed={"created_at": now}, batch=2000,
        )  # fmt: skip
        new = Offer.objects.filter(pk__gt=top).values_list("pk", "category_id").iterator(5000)
        insert_rows(
            Offer.skills.through,
            ["offer_id", "skill_id"],
            (
                (pk, skill)
                for pk, category_id in new
                for skill in rnd.sample(
                    skills_of[category_id], min(len(skills_of[category_id]), rnd.randint(1, 2))
                )
            ),
            batch=5000,
        )
        insert_rows(
            Order,
            ["number", "region_id", "category_id", "channel", "description", "risky",
             "window_start", "window_end", "lat", "lon"],
            order_rows(), fixed={"status": "waiting", "created_at": now, "waiting_since": now},
            batch=2000,
        )  # fmt: skip


def _analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh statistics, as a production database would have


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _plan() -> dict[str, Any]:
    """The plan of the one candidate look-up (EXPLAIN), for a real category and community."""
    from shegong.matching import queries
    from shegong.matching.models import Order

    order = Order.objects.order_by("pk").only("category_id", "region_id").first()
    assert order is not None
    text = queries.candidate_rows(order.category_id, order.region_id).explain()
    # One community's rows, by an index: the partial index (SQLite takes it), or the community's
    # own index with the category and status filtered among that community's few hundred rows
    # (PostgreSQL's choice, from its statistics; as fast, and flat as N grows).
    by_community = "offer_candidates" in text or "Index Cond: ((region_id)" in text
    return {
        "plan": text, "uses_offer_candidates": "offer_candidates" in text,
        "one_community_by_index": by_community,
    }  # fmt: skip


def _all_candidates() -> list[Any]:
    """Every approved offer of the district as the engine's candidates, loaded once."""
    from shegong.matching import queries
    from shegong.matching.models import Offer

    out: list[Any] = []
    rows = Offer.objects.filter(status="approved").only(*queries.CANDIDATE_FIELDS)
    chunk: list[Any] = []
    for offer in rows.order_by("pk").iterator(5000):
        chunk.append(offer)
        if len(chunk) == 5000:
            out.extend(queries.as_candidates(chunk))
            chunk = []
    out.extend(queries.as_candidates(chunk))
    return out


def _measure(offers: int, rnd: random.Random) -> dict[str, Any]:
    from django.db import reset_queries

    from shegong.matching import engine, queries
    from shegong.matching.models import Offer, Order

    ids = list(Order.objects.values_list("pk", flat=True))
    sample = rnd.sample(ids, min(SAMPLE, len(ids)))
    loaded = list(Order.objects.filter(pk__in=sample[:5000]).select_related("category"))
    times, found = [], 0
    for order in loaded:
        began = time.perf_counter()
        top = queries.shortlist(order, k=10)
        times.append((time.perf_counter() - began) * 1000)
        found += len(top)
        reset_queries()
    candidates = _all_candidates()
    brute_n = max(2, min(20, BRUTE_OFFERS // max(len(candidates), 1)))
    brute, same_top = [], 0
    for order in loaded[:brute_n]:
        request = queries.request_of(order)
        weights = queries.weights_of(queries.settings_of(order.region_id))
        began = time.perf_counter()
        ranked = engine.rank_all(request, candidates, weights=weights)
        brute.append((time.perf_counter() - began) * 1000)
        # The brute force over everything sees the offers of neighbouring communities too;
        # restricted to the order's own list it must agree with the shortlist.
        own = {o.pk for o in queries.candidate_rows(order.category_id, order.region_id)}
        mine = [m.offer_id for m in ranked if m.offer_id in own][:10]
        same_top += mine == [m.offer_id for m in queries.shortlist(order, k=10)]
    del candidates
    return {
        "offers": Offer.objects.count(),
        "orders": len(ids),
        "timed_orders": len(times),
        "p50_ms": round(_percentile(times, 0.5), 2),
        "p99_ms": round(_percentile(times, 0.99), 2),
        "mean_candidates_shown": round(found / max(len(times), 1), 1),
        "brute_force_orders": len(brute),
        "brute_force_p50_ms": round(statistics.median(brute), 1),
        "brute_force_agrees": same_top == len(brute),
    }


def run(size: int) -> dict:
    from django.conf import settings
    from django.db import connection

    settings.DEBUG = False  # no query log
    rnd = random.Random(15)
    district = _district()
    steps = sorted({max(size // 10, PER_COMMUNITY // 10), size, size * 10})
    growth: dict[str, Any] = {}
    before = 0
    main: dict[str, Any] = {}
    for step in steps:
        began = time.perf_counter()
        _grow(district, before, step, rnd)
        _analyze()
        built_s = time.perf_counter() - began
        before = step
        result = {**_measure(step, rnd), "build_s": round(built_s, 1), **_plan()}
        growth[str(step)] = {k: v for k, v in result.items() if k != "plan"}
        if step == size:
            main = result
    first, last = growth[str(steps[0])], growth[str(steps[-1])]
    ratio = steps[-1] / steps[0]
    passed = (
        main["p50_ms"] <= TARGET_P50_MS
        and main["p99_ms"] <= TARGET_P99_MS
        and all(g["one_community_by_index"] for s, g in growth.items() if int(s) >= size)
    )
    return {
        "database": connection.vendor,
        "size": size,
        "offers": main["offers"],
        "orders": main["orders"],
        "communities": -(-size // PER_COMMUNITY),
        "timed_orders": main["timed_orders"],
        "p50_ms": main["p50_ms"],
        "p99_ms": main["p99_ms"],
        "brute_force_p50_ms": main["brute_force_p50_ms"],
        "brute_force_agrees": main["brute_force_agrees"],
        "speedup_p50": round(main["brute_force_p50_ms"] / max(main["p50_ms"], 1e-3), 1),
        "targets": {"p50_ms": TARGET_P50_MS, "p99_ms": TARGET_P99_MS},
        "pass": passed,
        "plan": main["plan"],
        "growth": growth,
        "growth_factor": {
            "offers": ratio,
            "shortlist_p50": round(last["p50_ms"] / max(first["p50_ms"], 1e-3), 2),
            "brute_force_p50": round(
                last["brute_force_p50_ms"] / max(first["brute_force_p50_ms"], 1e-3), 1
            ),
        },
        "floor": "engine.rank_all over every approved offer of the district, loaded once",
    }


def main(size: int = 100_000, *, in_place: bool = False) -> dict:
    support = _support()
    if in_place or os.environ.get(support.SANDBOX_ENV):
        return run(size)
    return support.sandboxed(Path(__file__).stem, size)
