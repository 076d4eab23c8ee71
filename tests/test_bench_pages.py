"""A tiny run of the pages benchmark, so it does not rot (DESIGN.md §4): every staff list page
of issue 20 under load for a moment, on the seed demo and on the city-size region tree."""

from __future__ import annotations

import pytest
from django.db import connection

from shegong import testing
from shegong.cli import load_benchmark


@pytest.mark.skipif(connection.vendor != "sqlite", reason="runs its own SQLite sandbox anyway")
def test_the_pages_benchmark_loads_every_staff_list_page_against_healthz_on_both_trees():
    bench = load_benchmark("pages")
    result = bench.main(1, regions="city", static_root=str(testing.collected_static()))
    assert result["database"] == "sqlite"
    assert result["targets"] == {"ratio_to_healthz": 0.25, "p50_ms": 50}
    # Topped up: a demo street or community with more than the city's share keeps its own.
    assert result["seed"]["tree"]["grid"] < 10 * 20 * 10 <= result["city"]["tree"]["grid"]
    assert result["city"]["tree"]["street"] == 10
    assert result["city"]["tree"]["community"] >= 10 * 20
    for tree in ("seed", "city"):
        run = result[tree]
        assert run["floor_healthz"]["statuses"] == {"200": run["floor_healthz"]["requests"]}
        assert [p["path"] for p in run["pages"]] == bench.PATHS
        for page in run["pages"]:
            # Every request of every page answered 200 (not a redirect to the login page).
            assert page["requests"] > 0 and page["statuses"] == {"200": page["requests"]}, page
            assert page["ratio"] == round(page["rate"] / run["floor_healthz"]["rate"], 3)
            assert page["pass"] == (page["ratio"] >= 0.25 and page["p50_ms"] < 50)
    assert len(result["table"]) == 2 * len(bench.PATHS)
    assert result["pass"] == (result["seed"]["pass"] and result["city"]["pass"])
