"""A tiny run of every benchmark, so none rots (DESIGN.md §4)."""

from __future__ import annotations

from shegong.cli import load_benchmark
from shegong.core.models import JobRun

KEYS = {"rows", "scoped_ms", "unscoped_ms", "ratio", "queries_per_page", "floor"}


def test_the_scope_benchmark_reports_its_figures_and_cleans_up(db):
    scope = load_benchmark("scope")
    small = scope.main(size=50)
    result = scope.main(size=200)
    assert KEYS <= set(result)
    assert result["rows"] == 200
    assert result["floor"] == "unscoped query"
    assert result["scoped_ms"] > 0 and result["unscoped_ms"] > 0
    assert 0 < result["visible_rows"] < 200 // 4  # one street's share of one status
    # The query count of a list page does not grow with the number of rows.
    assert result["queries_per_page"] == small["queries_per_page"] <= 4
    assert not JobRun.objects.filter(kind="bench.scope").exists()


def test_the_bench_command_prints_one_json_object(db, capsys):
    import json

    from shegong import cli

    assert cli.main(["shegong", "bench", "scope", "--size", "30"]) == 0
    assert json.loads(capsys.readouterr().out)["rows"] == 30
