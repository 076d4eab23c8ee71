"""Tiny runs of the reports benchmarks, so neither rots (DESIGN.md §4), and the burst test."""

from __future__ import annotations

import pytest
from django.db import connection

from shegong.cli import load_benchmark


def test_the_sla_scan_benchmark_escalates_the_overdue_hundredth(db):
    result = load_benchmark("sla_scan").main(size=500, in_place=True)
    assert result["open_cases"] == 500
    assert result["overdue"] == result["escalated"] == 5
    assert result["escalated_again"] == 0
    assert result["scan_s"] > 0 and result["floor_count_s"] > 0


@pytest.mark.skipif(connection.vendor != "sqlite", reason="runs its own SQLite sandbox anyway")
def test_intake_through_a_live_server_and_200_concurrent_submissions_make_200_cases():
    """gunicorn on a real database file (the in-memory test database cannot take concurrent
    writers). The burst retries every other submission with the same Idempotency-Key."""
    result = load_benchmark("report_intake").sandboxed_smoke(200)
    bench = result["bench"]
    assert bench["server_errors"] == 0
    assert bench["submit_json"]["ok"] > 0 and bench["submit_photo"]["ok"] > 0
    assert bench["cases_created"] == bench["cases_expected"]
    assert bench["floor_healthz"]["rate"] > 0 and bench["floor_pillow_one_process"]["rate"] > 0
    burst = result["burst"]
    assert burst["cases_created"] == 200
    assert burst["statuses"] == {"201": 300}  # 200 + 100 retries, every one answered, no 5xx
    assert burst["retries_answered_differently"] == []
