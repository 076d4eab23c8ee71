"""A tiny run of the social-organization scan benchmark, so it does not rot (DESIGN.md §4)."""

from __future__ import annotations

from shegong.cli import load_benchmark


def test_the_credit_scan_benchmark_lists_the_missed_and_times_the_worklists(db):
    result = load_benchmark("credit_scan").main(size=200, in_place=True)
    assert result["organizations"] == 200 and result["annual_reports"] == 1000
    credit = result["scans"]["socialorgs.credit_scan"]
    # 2 % miss each year; two look-back years → 8 candidates, each listed once
    assert result["candidates"] == 8
    assert credit["result"]["report_missed"] == 8
    assert credit["result"]["struck_off"] == 1
    assert credit["result"]["unreachable"] == 1 and credit["result"]["rectification_overdue"] == 1
    assert all(v == 0 for v in credit["again"].values())  # the second run finds nothing new
    assert result["worklists"]["socialorgs.credit_recent"]["count"] == 11
    assert all(x["status"] == 200 for x in result["worklists"].values())
    assert result["floor_count_s"] > 0 and credit["scan_s"] > 0
