"""A tiny run of the fund ledger benchmark, so it does not rot (issue 17, "Performance")."""

from __future__ import annotations

from shegong.cli import load_benchmark


def test_the_fund_ledger_benchmark_times_balance_disclosure_and_pays(db):
    result = load_benchmark("fund_ledger").main(size=2000, in_place=True)
    assert result["size"] == 2000 and result["movements"] == 2000
    assert result["balance_matches_full_sum"] is True
    assert 0 < result["balance_p50_ms"] <= result["balance_p99_ms"]
    assert 0 < result["disclosure_p50_ms"] and result["floor_month_sum_p50_ms"] > 0
    assert result["floor_month_rows"] > 0
    assert result["pays"] == 200 and result["pay_p99_ms"] > 0
    assert result["database"] in ("sqlite", "postgresql") and isinstance(result["pass"], bool)
