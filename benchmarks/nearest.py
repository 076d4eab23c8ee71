"""Benchmark: the nearest-station search against a brute-force numpy scan of the same points.

``shegong bench nearest [--size N]`` inserts N open stations (plain rows, a third of them with
饮水 and 充电) spread uniformly over a 4°×4° box (about 440 × 370 km: a province, so the
density grows with N as it would), then runs 1,000 random queries inside the box, each the
nearest 10 within 50 km, and times, in the same run:

- the floor: a brute-force numpy scan of the same points already in memory (vectorised
  haversine over every station, ``argpartition`` for the 10 nearest) — no database at all;
- the search: ``stations.queries.rank`` (one statement: indexed boxes on the open stations'
  ``(lat, lon)``, the haversine ranking in the database → pks and distances);
- the query: ``stations.queries.nearest`` in process (input checks, and the search with the
  winners' full rows and their facilities, still one statement);
- the API round trip: ``GET /api/v1/stations/nearest`` through Django's test Client (the
  whole request: URL routing, ninja validation, the query, serialisation; no socket).

Every query's answer is checked against the brute force (same stations, same distances).
Without ``--size`` it runs 1k, 10k and 100k stations, each in its own sandbox, to show the
growth. Targets (issue 5): the query <= 1 ms at 100k stations, the API p50 <= 5 ms, growth far
slower than linear. Like ``ledger_import`` it runs in a child process on a throwaway data
directory and database (a SQLite file, or a fresh PostgreSQL database when SHEGONG_DATABASE_URL
names one whose name contains "bench") unless ``in_place=True`` (the test suite); the JSON's
``database`` says which it measured.
"""

from __future__ import annotations

import math
import os
import random
import statistics
import time
from pathlib import Path

SIZES = (1_000, 10_000, 100_000)
QUERIES = 1_000
LIMIT = 10
RADIUS_M = 50_000
BOX = (31.0, 35.0, 114.0, 118.0)  # min lat, max lat, min lon, max lon (WGS-84)
EARTH_RADIUS_M = 6371008.8


def _support():
    from shegong.cli import load_benchmark

    return load_benchmark("ledger_import")


def _setup(size: int, rng: random.Random) -> None:
    from django.db import transaction
    from django.utils import timezone

    from shegong.core.bulk import insert_rows
    from shegong.stations.models import Facility, Station

    grid = _support().grids()[0]
    now = timezone.now()
    always = {"always_open": True, "week": {}, "closures": []}
    min_lat, max_lat, min_lon, max_lon = BOX
    rows = (
        (f"基准驿站{i}", f"基准路{i}号", rng.uniform(min_lat, max_lat),
         rng.uniform(min_lon, max_lon), grid, always, "0558-0000000")
        for i in range(size)
    )  # fmt: skip
    with transaction.atomic():
        insert_rows(Station, ["name", "address", "lat", "lon", "region_id", "schedule",
                              "contact_phone"], rows, fixed={"created_at": now,
                              "updated_at": now}, batch=2000)  # fmt: skip
        facilities = list(Facility.objects.filter(code__in=["water", "charging"]).values_list(
            "pk", flat=True))  # fmt: skip
        through = Station.facilities.through
        pks = Station.objects.filter(name__startswith="基准驿站").values_list("pk", flat=True)
        links = ((pk, f) for pk in pks.iterator() if pk % 3 == 0 for f in facilities)
        insert_rows(through, ["station_id", "facility_id"], links, batch=2000)


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, math.ceil(len(ordered) * 0.99) - 1)]
    return {"p50_ms": round(statistics.median(ordered) * 1000, 3), "p99_ms": round(p99 * 1000, 3)}


def run(size: int, queries: int = QUERIES) -> dict:
    import numpy as np
    from django.db import connection
    from django.test import Client

    from shegong.stations import queries as station_queries
    from shegong.stations.choices import StationStatus
    from shegong.stations.models import Station

    rng = random.Random(5)
    began = time.perf_counter()
    _setup(size, rng)
    setup_s = time.perf_counter() - began
    with connection.cursor() as cursor:
        # Fresh statistics and (PostgreSQL, outside the tests' transaction) the visibility map,
        # as autovacuum leaves a production database: the open stations' index then answers
        # the boxes without reading the table.
        vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
        cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")

    # The floor's data: every open station's coordinates in memory (loading them is not timed).
    pks, lats, lons = zip(
        *Station.objects.filter(status=StationStatus.OPEN).values_list("pk", "lat", "lon"),
        strict=True,
    )
    pk_arr = np.array(pks)
    lat_r, lon_r = np.radians(np.array(lats)), np.radians(np.array(lons))
    cos_lat = np.cos(lat_r)

    def brute(lat: float, lon: float) -> list[tuple[float, int]]:
        p, l_ = math.radians(lat), math.radians(lon)
        h = np.sin((lat_r - p) / 2) ** 2 + math.cos(p) * cos_lat * np.sin((lon_r - l_) / 2) ** 2
        d = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(h))
        k = min(LIMIT, len(d))
        idx = np.argpartition(d, k - 1)[:k]
        idx = idx[np.argsort(d[idx])]
        return [(float(d[i]), int(pk_arr[i])) for i in idx if d[i] <= RADIUS_M]

    min_lat, max_lat, min_lon, max_lon = BOX
    points = [
        (rng.uniform(min_lat, max_lat), rng.uniform(min_lon, max_lon)) for _ in range(queries)
    ]

    floor_t, query_t, api_t = [], [], []
    expected = []
    for lat, lon in points:
        began = time.perf_counter()
        expected.append(brute(lat, lon))
        floor_t.append(time.perf_counter() - began)

    search_t = []
    for lat, lon in points:
        began = time.perf_counter()
        station_queries.rank(lat, lon, radius=RADIUS_M, limit=LIMIT)
        search_t.append(time.perf_counter() - began)

    mismatches = 0
    for (lat, lon), want in zip(points, expected, strict=True):
        began = time.perf_counter()
        found = station_queries.nearest(lat, lon, radius=RADIUS_M, limit=LIMIT)
        query_t.append(time.perf_counter() - began)
        got = [(d, s.pk) for s, d in found]
        same_order = [pk for _, pk in got] == [pk for _, pk in want]
        same_distances = len(got) == len(want) and all(
            abs(a[0] - b[0]) < 1e-3 for a, b in zip(got, want, strict=True)
        )  # equal distances in another order: a tie, not an error
        if not (same_distances and (same_order or len(got) == len(want))):
            mismatches += 1

    client = Client()
    client.get("/api/v1/stations/nearest", {"lat": 33, "lon": 116})  # warm the URLconf
    api_errors = api_mismatches = 0
    for (lat, lon), want in zip(points, expected, strict=True):
        began = time.perf_counter()
        response = client.get(
            "/api/v1/stations/nearest",
            {"lat": f"{lat:.6f}", "lon": f"{lon:.6f}", "radius": RADIUS_M, "limit": LIMIT},
        )
        api_t.append(time.perf_counter() - began)
        if response.status_code != 200:
            api_errors += 1
        elif len(response.json()) != len(want):
            api_mismatches += 1  # the API rounds the point to 6 decimals (10 cm): count only

    query, floor, api = _percentiles(query_t), _percentiles(floor_t), _percentiles(api_t)
    search = _percentiles(search_t)
    return {
        "stations": size,
        "queries": queries,
        "limit": LIMIT,
        "radius_m": RADIUS_M,
        "box_deg": "4°×4° (31–35N, 114–118E)",
        "setup_s": round(setup_s, 2),
        "floor_numpy": floor,
        "search": search,
        "query": query,
        "api": api,
        "query_vs_floor_p50": round(query["p50_ms"] / floor["p50_ms"], 2)
        if floor["p50_ms"]
        else None,
        "mismatches_vs_brute_force": mismatches,
        "api_errors": api_errors,
        "api_count_mismatches": api_mismatches,
        "targets": {"query_ms_at_100k": 1, "api_p50_ms": 5},
        "database": connection.vendor,
        "floor": "numpy brute-force haversine over all points in memory + argpartition",
        "search_is": "queries.rank: one statement, indexed boxes and the ranking (pk, distance)",
        "query_is": "queries.nearest: input checks + one statement: the search, the winners' rows "
        "and facilities",
        "api_through": "django.test.Client (in process, no socket)",
    }


def main(size: int | None = None, *, in_place: bool = False, queries: int = QUERIES) -> dict:
    support = _support()
    if in_place or os.environ.get(support.SANDBOX_ENV):
        return run(size or SIZES[1], queries)
    if size is not None:
        return support.sandboxed(Path(__file__).stem, size)
    runs = [support.sandboxed(Path(__file__).stem, n) for n in SIZES]
    first, last = runs[0], runs[-1]
    return {
        "database": last["database"],
        "runs": runs,
        "growth": {
            "stations_x": last["stations"] / first["stations"],
            "search_p50_x": round(last["search"]["p50_ms"] / first["search"]["p50_ms"], 2),
            "query_p50_x": round(last["query"]["p50_ms"] / first["query"]["p50_ms"], 2),
            "api_p50_x": round(last["api"]["p50_ms"] / first["api"]["p50_ms"], 2),
            "floor_p50_x": round(last["floor_numpy"]["p50_ms"] / first["floor_numpy"]["p50_ms"], 2),
        },
    }
