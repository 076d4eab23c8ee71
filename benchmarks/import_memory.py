"""Benchmark: the peak memory of checking an uploaded spreadsheet, whatever the file.

``shegong bench import_memory [--size N]`` (N = 1,000,000 by default) writes, with xlsxwriter in
constant-memory mode:

- ``at_cap``: a valid organizations workbook of min(N, SHEGONG_IMPORT_MAX_ROWS - 1) rows — the
  largest file of its kind the limits let through, checked in full (every row validated against
  the database, as the import page's check does);
- ``dense``: the same rows with 9 more (numeric) columns, 20 in all: with the defaults a used
  area of exactly SHEGONG_IMPORT_MAX_CELLS and ~87 MB of sheet XML, near every limit at once;
- ``wide`` (only when N is over the row cap): N rows of every organization column — a 1M-row
  file inflates to ~600 MB, refused by SHEGONG_IMPORT_MAX_UNCOMPRESSED_MB;
- ``narrow`` (likewise): N rows of one column, small enough to pass the size cap, so the sheet
  is scanned until the row cap refuses it.

Each check runs in a fresh child process (``import_file(..., dry_run=True)``, what the worker
runs for the page) which reports its own peak RSS (``ru_maxrss``). The floor is the peak RSS of a
child that sets up Django, opens a database connection and does nothing. It prints the peaks,
the limit (500 MB), the floor and the database.

The checks write nothing, but the benchmark loads the demo regions for valid rows, so it runs on
a throwaway data directory: its own SQLite database by default; with SHEGONG_DATABASE_URL set to
PostgreSQL, that database (migrated first; only demo regions are added, once).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SANDBOX_ENV = "SHEGONG_BENCH_SANDBOX"
LIMIT_MB = 500
HEADER = ["类型", "名称", "统一社会信用代码", "所属区划代码", "法定代表人", "负责人电话",
          "地址", "行业门类", "从业人员数", "党员人数", "状态"]  # fmt: skip


def _peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def write_organizations(path: Path, rows: int, grids: list[str], extra: int = 0) -> Path:
    import xlsxwriter
    from stdnum.cn import uscc

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet()
    for col, text in enumerate([*HEADER, *(f"备注{n}" for n in range(extra))]):
        sheet.write_string(0, col, text)
    for i in range(rows):
        for n in range(extra):
            sheet.write_number(i + 1, len(HEADER) + n, i * 100 + n)
        body = f"91341271{i:09d}"
        values = ["非公企业", f"内存基准企业{i}有限公司", body + uscc.calc_check_digit(body),
                  grids[i % len(grids)], f"法人{i % 97}", f"139{i % 100_000_000:08d}",
                  f"示范路{i}号", "制造业"]  # fmt: skip
        for col, value in enumerate(values):
            sheet.write_string(i + 1, col, value)
        sheet.write_number(i + 1, 8, 3 + i % 50)
        sheet.write_number(i + 1, 9, i % 5)
        sheet.write_string(i + 1, 10, "在营")
    book.close()
    return path


def write_narrow(path: Path, rows: int) -> Path:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet()
    sheet.write_string(0, 0, "名称")
    for i in range(rows):
        sheet.write_number(i + 1, 0, i)
    book.close()
    return path


def _child(args: list[str], env: dict[str, str]) -> dict:
    out = subprocess.run(  # noqa: S603 - our own argv
        [sys.executable, __file__, *args], env=env, check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(size: int) -> dict:
    from django.conf import settings
    from django.db import connection

    sys.path.insert(0, str(Path(__file__).parent))
    from ledger_import import grids  # the demo grids, loaded once

    max_rows = settings.SHEGONG_IMPORT_MAX_ROWS
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "shegong.settings"}
    codes = grids()
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="shegong-bench-") as folder:
        at_cap = min(size, max_rows - 1)
        files = {
            "at_cap": (write_organizations, at_cap, 0),
            "dense": (write_organizations, at_cap, 9),
        }
        if size > max_rows - 1:
            files["wide"] = (write_organizations, size, 0)
            files["narrow"] = (write_narrow, size, 0)
        for name, (writer, rows, extra) in files.items():
            began = time.perf_counter()
            path = Path(folder) / f"{name}.xlsx"
            if writer is write_organizations:
                writer(path, rows, codes, extra)
            else:
                writer(path, rows)
            generate_s = time.perf_counter() - began
            measured = _child(["--check", str(path)], env)
            results[name] = {"rows": rows, "file_mb": round(path.stat().st_size / 2**20, 1),
                             "generate_s": round(generate_s, 1), **measured}  # fmt: skip
            path.unlink()
    floor = _child(["--floor"], env)["peak_rss_mb"]
    peak = max(r["peak_rss_mb"] for r in results.values())
    return {
        "size": size,
        "max_rows": max_rows,
        "max_uncompressed_mb": settings.SHEGONG_IMPORT_MAX_UNCOMPRESSED_MB,
        "max_cells": settings.SHEGONG_IMPORT_MAX_CELLS,
        "files": results,
        "peak_rss_mb": peak,
        "limit_mb": LIMIT_MB,
        "within_limit": peak <= LIMIT_MB,
        "floor_rss_mb": floor,
        "floor": "a child that sets up Django and opens a database connection, nothing else",
        "database": connection.vendor,
    }


def check(path: str) -> dict:
    """In a child: the page's check of ``path`` (a dry run of the organizations import)."""
    from shegong.ledger.actions.imports import import_file

    began = time.perf_counter()
    result = import_file("organizations", path, actor=None, dry_run=True)
    return {
        "check_s": round(time.perf_counter() - began, 2),
        "checked_rows": result.rows,
        "would_create": result.created,
        "errors": len(result.errors),
        "first_error": result.errors[0]["message"] if result.errors else "",
        "peak_rss_mb": _peak_mb(),
    }


def floor() -> dict:
    from django.db import connection

    connection.ensure_connection()
    return {"peak_rss_mb": _peak_mb()}


def sandboxed(size: int, extra_env: dict[str, str] | None = None) -> dict:
    """Run ``shegong bench import_memory --size SIZE`` in a child on a throwaway data directory."""
    with tempfile.TemporaryDirectory(prefix="shegong-bench-data-") as data_dir:
        env = {**os.environ, **(extra_env or {}), SANDBOX_ENV: "1", "SHEGONG_DATA_DIR": data_dir}
        if not env.get("SHEGONG_DATABASE_URL", "").startswith("postgres"):
            env["SHEGONG_DATABASE_URL"] = f"sqlite:///{data_dir}/bench.sqlite3"
        for key in ("SHEGONG_PII_KEY", "SHEGONG_PII_INDEX_KEY"):
            env.pop(key, None)  # throwaway keys for throwaway data
        cli = [sys.executable, "-m", "shegong.cli"]
        from shegong.cli import load_benchmark

        load_benchmark("ledger_import").migrate_sandbox(env)
        out = subprocess.run(  # noqa: S603 - our own argv
            [*cli, "bench", Path(__file__).stem, "--size", str(size)],
            env=env, check=True, capture_output=True, text=True,
        )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(size: int = 1_000_000, *, env: dict[str, str] | None = None) -> dict:
    """``env``: extra variables for the run (the tiny test lowers SHEGONG_IMPORT_MAX_ROWS)."""
    if os.environ.get(SANDBOX_ENV):
        return run(size)
    return sandboxed(size, env)


if __name__ == "__main__":
    import django

    django.setup()
    if sys.argv[1] == "--check":
        print(json.dumps(check(sys.argv[2]), ensure_ascii=False))
    else:
        print(json.dumps(floor()))
