"""A tiny run of the coverage-summary benchmark, so it does not rot (DESIGN.md §4)."""

from __future__ import annotations

from shegong.cli import load_benchmark
from shegong.ledger.models import Organization
from shegong.regions.models import Region


def test_the_coverage_benchmark_reports_its_figures_and_cleans_up(db):
    bench = load_benchmark("ledger_coverage")
    small = bench.main(size=40)
    result = bench.main(size=100)
    assert {"orgs", "summary_ms", "floor_ms", "queries", "floor"} <= set(result)
    assert result["orgs"] == 100
    assert result["streets"] == 6
    assert 0 < result["active_units"] + result["containers"] <= 100
    assert result["employees"] > result["orgs"]
    assert result["summary_ms"] > 0 and result["floor_ms"] > 0
    # The summary is a fixed number of queries, whatever the number of organizations.
    assert result["queries"] == small["queries"] <= 5
    assert not Organization.objects.filter(name__startswith="基准单位").exists()
    assert not Region.objects.filter(code__startswith="341298").exists()
