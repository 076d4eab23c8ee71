"""A tiny run of the dashboard benchmark, so it never rots (DESIGN.md §4): the rollups give the
raw records' figures, the nightly step reads its audit entries and leaves no drift."""

from __future__ import annotations

from shegong.cli import load_benchmark


def test_the_dashboard_benchmark_reads_the_raw_figures_from_the_rollups(db):
    result = load_benchmark("dashboard").main(size=3000, in_place=True)
    dashboard = result["dashboard"]
    assert dashboard["indicators"] >= 3
    assert (
        dashboard["figures_compared"] >= dashboard["indicators"] * 23
    )  # total, 10 streets, 12 months
    assert dashboard["mismatch_count"] == 0, dashboard["mismatches"]
    assert "volunteers.hours" in dashboard["nonzero_figures"]
    # a deadline passing while the raw side is counted re-rolls that figure before its count
    assert "reports.response_due" in dashboard["clock_dependent"]
    assert "reports.response_rate" in dashboard["clock_dependent"]
    assert "volunteers.hours" not in dashboard["clock_dependent"]
    assert dashboard["clock_rerolls"] >= len(dashboard["clock_dependent"]) * 23
    assert dashboard["read_ms"] > 0 and dashboard["raw_ms"] > 0
    nightly = result["nightly"]
    assert nightly["audit_entries"] >= nightly["service_records"] + nightly["cases"]
    assert nightly["events_read"] >= nightly["audit_entries"]
    assert nightly["days_rolled"] > 0 and nightly["cells_written"] > 0
    assert nightly["drift_cells"] == 0
    assert result["brief"]["status"] in ("ok", "skipped")
    assert result["communities"] == 200 and result["streets"] == 10
