"""Tiny runs of the reports benchmarks, so neither rots (DESIGN.md §4)."""

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
def test_the_intake_benchmark_drives_a_real_server(db):
    result = load_benchmark("report_intake").main(size=1)
    assert result["server_errors"] == 0
    assert result["submit_json"]["ok"] > 0 and result["submit_photo"]["ok"] > 0
    assert result["cases_created"] == result["cases_expected"]
    assert result["floor_healthz"]["rate"] > 0 and result["floor_pillow_one_process"]["rate"] > 0
