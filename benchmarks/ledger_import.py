"""Benchmark: importing the ledger from Excel against the raw read of the same files.

``shegong bench ledger_import [--size N]`` writes an organizations workbook of N rows and a people
workbook of 3×N rows (valid credit codes and ID numbers, people employed by the organizations),
then times, in the same run:

- the floor: python-calamine reading every row of both files, nothing else;
- the import: ``shegong import organizations`` then ``people`` (read + validate with the API
  schemas + cross-row checks + write + audit, in one transaction each).

It prints the ratio (target <= 6) and the peak RSS of the process (target <= 1024 MB).

The import writes hundreds of thousands of rows and their append-only audit entries, which no
cleanup may delete; so by default the benchmark runs in a child process on a throwaway data
directory (its own SQLite database and keys, or a fresh PostgreSQL database when
SHEGONG_DATABASE_URL names one whose name contains "bench") that is removed afterwards.
``in_place=True`` runs in the current database instead (the test suite's, which is rolled back).
"""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

SANDBOX_ENV = "SHEGONG_BENCH_SANDBOX"


def credit_code(i: int) -> str:
    from stdnum.cn import uscc

    body = f"91341271{i:09d}"
    return body + uscc.calc_check_digit(body)


def id_number(i: int) -> str:
    from stdnum.cn import ric

    born = date(1960, 1, 1) + timedelta(days=i // 900)
    body = f"341271{born:%Y%m%d}{i % 900 + 100:03d}"
    return body + ric.calc_check_digit(body + "0")


def grids() -> list[str]:
    from shegong.core import demo
    from shegong.regions.demo import load_regions
    from shegong.regions.models import Region

    if not Region.objects.filter(code=demo.DISTRICT[0]).exists():
        load_regions(demo.DemoContext(size="seed"))
    return list(
        Region.objects.subtree(demo.DISTRICT[0][:6])
        .filter(level="grid")
        .values_list("pk", flat=True)
    )


def write_files(folder: Path, size: int, grids: list[str]) -> tuple[Path, Path]:
    import xlsxwriter

    kinds = ["非公企业"] * 8 + ["个体工商户", "社会组织"]
    industries = ["制造业", "批发和零售业", "住宿和餐饮业", "信息传输、软件和信息技术服务业"]
    orgs = folder / "organizations.xlsx"
    book = xlsxwriter.Workbook(str(orgs), {"constant_memory": True})
    sheet = book.add_worksheet()
    header = ["类型", "名称", "统一社会信用代码", "所属区划代码", "法定代表人", "负责人电话",
              "地址", "行业门类", "从业人员数", "党员人数", "状态"]  # fmt: skip
    for col, text in enumerate(header):
        sheet.write_string(0, col, text)
    for i in range(size):
        row = [kinds[i % 10], f"基准测试企业{i}有限公司", credit_code(i), grids[i % len(grids)],
               f"法人{i % 97}", f"139{i % 100_000_000:08d}", f"示范路{i}号",
               industries[i % 4]]  # fmt: skip
        for col, value in enumerate(row):
            sheet.write_string(i + 1, col, value)
        sheet.write_number(i + 1, 8, 3 + i % 50)
        sheet.write_number(i + 1, 9, i % 5)
        sheet.write_string(i + 1, 10, "在营")
    book.close()

    statuses = ["群众"] * 6 + ["中共党员", "共青团员", "中共预备党员", "群众"]
    occupations = ["企业职工"] * 7 + ["外卖骑手", "快递员", "经营管理人员"]
    people = folder / "people.xlsx"
    book = xlsxwriter.Workbook(str(people), {"constant_memory": True})
    sheet = book.add_worksheet()
    header = ["姓名", "身份证号", "手机号", "职业", "政治面貌", "所属区划代码",
              "所在单位信用代码", "职务"]  # fmt: skip
    for col, text in enumerate(header):
        sheet.write_string(0, col, text)
    for i in range(3 * size):
        employer = i // 3
        row = [f"员工{i % 9973}", id_number(i), f"137{i % 100_000_000:08d}", occupations[i % 10],
               statuses[i % 10], grids[employer % len(grids)], credit_code(employer),
               "职员"]  # fmt: skip
        for col, value in enumerate(row):
            sheet.write_string(i + 1, col, value)
    book.close()
    return orgs, people


def raw_read(path: Path) -> int:
    """The floor: python-calamine reading every row into Python, nothing else."""
    from python_calamine import CalamineWorkbook

    count = 0
    for _row in CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).iter_rows():
        count += 1
    return count


def run(size: int) -> dict:
    from django.db import connection

    from shegong.ledger.actions.imports import import_file

    codes = grids()
    with tempfile.TemporaryDirectory(prefix="shegong-bench-") as folder:
        began = time.perf_counter()
        orgs, people = write_files(Path(folder), size, codes)
        generate_s = time.perf_counter() - began

        began = time.perf_counter()
        read_rows = raw_read(orgs) + raw_read(people)
        raw_s = time.perf_counter() - began

        began = time.perf_counter()
        result_orgs = import_file("organizations", orgs, actor=None)
        orgs_s = time.perf_counter() - began
        began = time.perf_counter()
        result_people = import_file("people", people, actor=None)
        people_s = time.perf_counter() - began
    for result in (result_orgs, result_people):
        if result.errors:
            raise RuntimeError(f"benchmark file had errors: {result.errors[:3]}")
    import_s = orgs_s + people_s
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "rows": size,
        "organizations": result_orgs.created,
        "people": result_people.created,
        "rows_read": read_rows,
        "generate_s": round(generate_s, 2),
        "raw_read_s": round(raw_s, 3),
        "import_s": round(import_s, 3),
        "import_organizations_s": round(orgs_s, 3),
        "import_people_s": round(people_s, 3),
        "ratio": round(import_s / raw_s, 2) if raw_s else None,
        "target_ratio": 6,
        "peak_rss_mb": round(peak_mb, 1),
        "target_peak_rss_mb": 1024,
        "database": connection.vendor,
        "floor": "python-calamine raw read of both files",
    }


def sandbox_env(data_dir: str, **extra: str) -> dict[str, str]:
    """The environment of a benchmark's child process: the throwaway data directory and keys,
    and its own database: a SQLite file in ``data_dir``, or, when SHEGONG_DATABASE_URL names
    PostgreSQL, that database dropped and created afresh (its name must contain "bench")."""
    env = {**os.environ, SANDBOX_ENV: "1", "SHEGONG_DATA_DIR": data_dir,
           "DJANGO_SETTINGS_MODULE": "shegong.settings", **extra}  # fmt: skip
    database = os.environ.get("SHEGONG_DATABASE_URL", "")
    if database.startswith("postgres"):
        fresh_postgres(database)
    else:
        env["SHEGONG_DATABASE_URL"] = f"sqlite:///{data_dir}/bench.sqlite3"
    for key in ("SHEGONG_PII_KEY", "SHEGONG_PII_INDEX_KEY"):
        env.pop(key, None)  # throwaway keys for throwaway data
    return env


def migrate_sandbox(env: dict[str, str]) -> None:
    """Bring the sandbox's database to the code's migrations: a SQLite file is a copy of the
    run's migrated file (``testing.migrated_sqlite``: migrating one takes 30-45 s), PostgreSQL
    is migrated by a child process."""
    url = env["SHEGONG_DATABASE_URL"]
    if url.startswith("sqlite:///"):
        from shegong import testing

        shutil.copy(testing.migrated_sqlite(), url.removeprefix("sqlite:///"))
        return
    cli = [sys.executable, "-m", "shegong.cli"]
    subprocess.run([*cli, "migrate", "-v", "0"], env=env, check=True)  # noqa: S603


def fresh_postgres(url: str) -> None:
    """Drop and create the benchmark's PostgreSQL database (its name must say "bench")."""
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    if "bench" not in name or not re.fullmatch(r"\w+", name):
        raise ValueError(f"refusing to drop {name!r}: a benchmark database's name contains 'bench'")
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def sandboxed(name: str, size: int, **extra: str) -> dict:
    """Run ``shegong bench NAME --size SIZE`` in a child on a throwaway data directory (and
    database: see ``sandbox_env``); ``extra``: more environment for the child."""
    with tempfile.TemporaryDirectory(prefix="shegong-bench-data-") as data_dir:
        env = sandbox_env(data_dir, **extra)
        cli = [sys.executable, "-m", "shegong.cli"]
        migrate_sandbox(env)
        # The child's stderr is passed through: a failing run shows its traceback.
        out = subprocess.run(  # noqa: S603 - our own argv
            [*cli, "bench", name, "--size", str(size)],
            env=env, check=True, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def import_limits(size: int) -> dict[str, str]:
    """The import limits of the child, raised to fit the people file (3×size rows of 8 cells:
    300k rows at --size 100000, above the default 100k) unless the environment sets them."""
    wanted = {"SHEGONG_IMPORT_MAX_ROWS": 3 * size + 10,
              "SHEGONG_IMPORT_MAX_CELLS": 12 * (3 * size + 10),
              "SHEGONG_IMPORT_MAX_UNCOMPRESSED_MB": max(100, size // 250)}  # fmt: skip
    return {key: str(value) for key, value in wanted.items() if key not in os.environ}


def main(size: int = 100_000, *, in_place: bool = False) -> dict:
    if in_place or os.environ.get(SANDBOX_ENV):
        return run(size)
    return sandboxed(Path(__file__).stem, size, **import_limits(size))
