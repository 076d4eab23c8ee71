"""A tiny run of the nearest-station benchmark, so it does not rot (DESIGN.md §4)."""

from __future__ import annotations

from django.db import connection

from shegong.cli import load_benchmark


def test_the_nearest_benchmark_agrees_with_the_brute_force_and_reports_its_figures(db):
    result = load_benchmark("nearest").main(size=200, in_place=True, queries=50)
    assert result["stations"] == 200 and result["queries"] == 50
    assert result["mismatches_vs_brute_force"] == 0
    assert result["api_errors"] == 0 and result["api_count_mismatches"] == 0
    assert result["database"] == connection.vendor
    for part in ("floor_numpy", "query", "api"):
        assert 0 < result[part]["p50_ms"] <= result[part]["p99_ms"]
