"""A tiny run of the accountability benchmark, so it does not rot (issue 16, "Performance")."""

from __future__ import annotations

from shegong.cli import load_benchmark


def test_the_accountability_benchmark_times_the_public_page_against_raw_sql(db):
    result = load_benchmark("accountability").main(size=200, in_place=True)
    assert result["size"] == 200 and result["items"] == 200 and result["communities"] == 2
    assert result["timeline_entries"] == 1000
    assert result["requests"] == 100 and result["shows_total"] is True
    assert 0 < result["p50_ms"] <= result["p99_ms"]
    assert result["floor_p50_ms"] > 0 and result["floor_rows"] > 0
    # each section one query, whatever the size: no N+1 (sessionless public page)
    assert 0 < result["queries_per_request"] <= 12
    assert result["targets"] == {"p50_ms": 200} and isinstance(result["pass"], bool)
    assert result["database"] in ("sqlite", "postgresql")
