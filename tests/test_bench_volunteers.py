"""A tiny run of the volunteer-hours benchmark, so it does not rot (DESIGN.md §4)."""

from __future__ import annotations

from shegong.cli import load_benchmark


def test_the_hours_benchmark_approves_keeps_totals_and_aggregates(db):
    result = load_benchmark("hours").main(size=1000, in_place=True)
    assert result["records"] == 1000 and result["volunteers"] == 100
    assert result["totals_match_resum"] is True
    assert result["aggregate_equals_raw_sum"] is True and result["aggregate_cells"] > 0
    for part in ("approve", "floor_two_updates", "reference_resum_one_volunteer"):
        assert 0 < result[part]["p50_ms"] <= result[part]["p99_ms"]
    assert result["approve"]["n"] > 10
    assert result["aggregate_ms"] > 0 and result["floor_raw_sum_ms"] > 0
