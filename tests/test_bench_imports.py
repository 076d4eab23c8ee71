"""A tiny run of the import-memory benchmark, so it does not rot (DESIGN.md §4)."""

from __future__ import annotations

from shegong.cli import load_benchmark


def test_the_import_memory_benchmark_reports_its_figures():
    result = load_benchmark("import_memory").main(size=300, env={"SHEGONG_IMPORT_MAX_ROWS": "100"})
    files = result["files"]
    assert set(files) == {"at_cap", "dense", "wide", "narrow"}
    for name in ("at_cap", "dense"):
        assert files[name]["rows"] == 99 and files[name]["would_create"] == 99
        assert files[name]["errors"] == 0
    for name in ("wide", "narrow"):
        assert files[name]["checked_rows"] == 0
        assert files[name]["first_error"].startswith("文件超过 100 行的上限")
    assert 0 < result["floor_rss_mb"] <= result["peak_rss_mb"]
    assert result["limit_mb"] == 500 and result["within_limit"]
    assert result["database"] in ("sqlite", "postgresql")
