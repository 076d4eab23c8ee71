"""A tiny run of the ledger benchmarks, so neither rots (DESIGN.md §4)."""

from __future__ import annotations

from shegong.cli import load_benchmark


def test_the_import_benchmark_reports_its_figures(db):
    result = load_benchmark("ledger_import").main(size=300, in_place=True)
    assert result["organizations"] == 300 and result["people"] == 900
    assert result["rows_read"] == 300 + 900 + 2
    assert result["raw_read_s"] > 0 and result["import_s"] > 0 and result["ratio"] > 0
    assert result["peak_rss_mb"] > 0


def test_the_export_benchmark_reports_its_figures(db):
    result = load_benchmark("ledger_export").main(size=300, in_place=True)
    assert result["exported_rows"] == 300
    assert result["export_s"] > 0 and result["raw_write_s"] > 0 and result["ratio"] > 0
