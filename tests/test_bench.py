"""A tiny run of every benchmark, so none rots (DESIGN.md §4)."""

from __future__ import annotations

import re

from django.conf import settings
from django.db import connection

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


def _benchmark_names() -> set[str]:
    return {p.stem for p in (settings.REPO_DIR / "benchmarks").glob("*.py") if p.stem[0] != "_"}


def test_every_benchmark_has_a_tiny_run_in_the_tests():
    """A new file in benchmarks/ without a tiny run here fails (DESIGN.md §4): the names that
    ``load_benchmark("…")`` is called with across the tests are every benchmark's."""
    called: set[str] = set()
    for root in (settings.REPO_DIR / "tests", settings.REPO_DIR / "src"):
        for path in root.rglob("test_*.py"):
            called |= set(re.findall(r"load_benchmark\(\s*[\"'](\w+)[\"']", path.read_text()))
    assert _benchmark_names() - called == set()


def test_every_benchmark_prints_the_database_it_ran_on():
    """Each benchmark's JSON says which database it measured (``connection.vendor``), so a
    PostgreSQL run that silently measured SQLite shows."""
    for name in sorted(_benchmark_names()):
        source = (settings.REPO_DIR / "benchmarks" / f"{name}.py").read_text()
        assert re.search(r"[\"']database[\"']: connection\.vendor", source), name


def test_the_scope_benchmark_runs_on_the_configured_database(db):
    assert load_benchmark("scope").main(size=30)["database"] == connection.vendor
