"""Benchmark: the staff list pages under load, against /healthz on the same server.

``shegong bench pages [--size SECONDS] [--regions city]`` loads the demo district
(``loaddemo --size seed``) into a throwaway data directory and database (see
``ledger_import.sandbox_env``: SQLite there, or the PostgreSQL database SHEGONG_DATABASE_URL
names, whose name must contain "bench"), starts the web server as ``shegong serve`` does with
its defaults (``cli.web_command``: gunicorn, ``cli.WEB_WORKERS`` sync workers, the access log),
and drives it over loopback with ``CLIENTS`` concurrent keep-alive clients (Python threads,
``report_intake._drive``), each page for SECONDS (default 5) as the demo user of its role
(a session cookie):

- the floor: ``GET /healthz`` (a bare JSON answer, no database), measured in the same run by
  the same clients;
- each page of ``PATHS`` (the issue-20 list; the logins are the weight benchmark's).

Targets (issue 20): every page >= 0.25x the floor's rate and p50 < 50 ms at 10 clients. With
``--regions city`` the demo district's tree is then filled up to 10 streets x 20 communities x
10 grids (``city_tree``) and every page is measured again: the cost of a page must not grow
with the tree. It prints one JSON object: per tree size the floor and per page req/s, p50, p99,
the ratio to the floor, the statuses and pass or fail; and ``database``.
"""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import tempfile
import time
from typing import Any

CLIENTS = 10
SECONDS = 5
TARGET_RATIO = 0.25
TARGET_P50_MS = 50
# The staff list pages of issue 20, in its order.
PATHS = [
    "/reports/",
    "/reports/board/",
    "/ledger/organizations/",
    "/ledger/coverage/",
    "/volunteers/",
    "/stations/",
]
CITY = {"streets": 10, "communities": 20, "grids": 10}  # per district / street / community


def _load(name: str) -> Any:
    from shegong.cli import load_benchmark

    return load_benchmark(name)


def pages(paths: list[str] | None = None) -> list[Any]:
    """The weight benchmark's staff pages (path, login, label) of ``paths``, in that order."""
    staff = _load("weight").STAFF_PAGES
    wanted = PATHS if paths is None else paths
    return [next(p for p in staff if p.path == path) for path in wanted]


def tree_size() -> dict[str, int]:
    from shegong.core import demo
    from shegong.regions.models import Region

    subtree = Region.objects.subtree(demo.DISTRICT[0][:6])
    return {level: subtree.filter(level=level).count() for level in ("street", "community", "grid")}


def city_tree() -> dict[str, int]:
    """Fill the demo district up to CITY (the demo's streets and communities are kept and
    topped up), through the regions' import action; returns the tree's size."""
    from shegong.core import demo
    from shegong.regions.actions import RegionRow, import_regions
    from shegong.regions.models import Region

    district = demo.DISTRICT[0]
    existing = set(Region.objects.subtree(district[:6]).values_list("pk", flat=True))
    rows: list[RegionRow] = []

    def add(code: str, name: str, level: str, parent: str) -> None:
        if code not in existing:
            rows.append(RegionRow(code=code, name=name, level=level, parent_code=parent))

    for s in range(1, CITY["streets"] + 1):
        street = f"{district[:6]}{s:03d}000"
        add(street, f"基准街道{s}", "street", district)
        for c in range(1, CITY["communities"] + 1):
            community = f"{street[:9]}{c:03d}"
            add(community, f"基准{s}-{c}社区", "community", street)
            for g in range(1, CITY["grids"] + 1):
                add(f"{community}{g:03d}", f"基准{s}-{c}社区第{g}网格", "grid", community)
    if rows:
        import_regions(rows, actor=None, source="bench:pages")
    return tree_size()


def _cookies(staff: list[Any]) -> dict[str, str]:
    """A session per login (the second factor passed), as its Cookie header."""
    from django.conf import settings

    from shegong import testing
    from shegong.accounts.models import User

    cookies = {}
    for page in staff:
        if page.login in cookies:
            continue
        client = testing.Client()
        client.force_login(User.objects.get(phone=page.login))
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        cookies[page.login] = f"{settings.SESSION_COOKIE_NAME}={session}"
    return cookies


def _start_server(port: int) -> subprocess.Popen:
    """The web server as ``shegong serve`` starts it (its access log discarded)."""
    from shegong.cli import WEB_WORKERS, web_command

    server = subprocess.Popen(  # noqa: S603 - our own argv
        web_command("127.0.0.1", port, WEB_WORKERS),
        env=os.environ.copy(), stdout=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 120  # the workers import Django: slow on a busy machine
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("gunicorn did not start")


def measure(port: int, seconds: float, staff: list[Any], cookies: dict[str, str]) -> dict:
    """The floor, then every page, by the same CLIENTS clients on the running server."""
    drive = _load("report_intake")._drive
    floor = drive(port, seconds, lambda i: ("GET", "/healthz", None, {}), CLIENTS)
    rows = []
    for page in staff:
        headers = {"Cookie": cookies[page.login]}
        # One request first: the workers' first touch of the page (URLconf, templates) is
        # not what the page costs.
        drive(port, 0.5, lambda i, p=page.path, h=headers: ("GET", p, None, h), 2)
        got = drive(port, seconds, lambda i, p=page.path, h=headers: ("GET", p, None, h), CLIENTS)
        ratio = round(got["rate"] / floor["rate"], 3) if floor["rate"] else None
        rows.append({
            "page": page.label, "path": page.path, "login": page.login, **got,
            "ratio": ratio,
            "pass": set(got["statuses"]) == {"200"} and ratio is not None
            and ratio >= TARGET_RATIO and got["p50_ms"] is not None
            and got["p50_ms"] < TARGET_P50_MS,
        })  # fmt: skip
    return {
        "floor_healthz": floor,
        "pages": rows,
        "worst_ratio": min((r["ratio"] or 0 for r in rows), default=None),
        "worst_p50_ms": max((r["p50_ms"] or 0 for r in rows), default=None),
        "pass": all(r["pass"] for r in rows),
    }


def run(seconds: float, *, city: bool = False, paths: list[str] | None = None) -> dict:
    """In a prepared data directory (migrated, demo loaded): serve and measure; with ``city``,
    again after filling the tree up to CITY."""
    from django.db import connection

    from shegong.core.staticfiles import collect

    collect()  # as shegong serve does (a current collection is kept)
    staff = pages(paths)
    cookies = _cookies(staff)
    trees = {"seed": tree_size()}
    if city:
        trees["city"] = None  # filled between the two runs
    result: dict[str, Any] = {
        "database": connection.vendor,
        "clients": CLIENTS,
        "seconds_per_page": seconds,
        "targets": {"ratio_to_healthz": TARGET_RATIO, "p50_ms": TARGET_P50_MS},
        "server": "shegong serve's web server: gunicorn, 2 sync workers (cli.web_command)",
    }
    port = _load("report_intake")._free_port()
    for name in trees:
        if name == "city":
            trees[name] = city_tree()
        connection.close()  # the server's processes open their own
        server = _start_server(port)
        try:
            result[name] = {"tree": trees[name], **measure(port, seconds, staff, cookies)}
        finally:
            server.terminate()
            server.wait(timeout=30)
    result["table"] = [
        {"tree": name, "page": row["path"], "req_s": row["rate"], "p50_ms": row["p50_ms"],
         "p99_ms": row["p99_ms"], "floor_req_s": result[name]["floor_healthz"]["rate"],
         "ratio": row["ratio"], "pass": row["pass"]}
        for name in trees for row in result[name]["pages"]
    ]  # fmt: skip
    result["pass"] = all(result[name]["pass"] for name in trees)
    return result


def main(size: float | None = None, *, regions: str = "seed", **options: Any) -> dict:
    """``size``: seconds per page (default 5); ``regions="city"`` measures the city tree too.
    ``options`` (the tests' tiny run): ``paths`` (pages to measure instead of all),
    ``static_root`` (a current collection to reuse)."""
    seconds = SECONDS if size is None else size
    support = _load("ledger_import")
    if os.environ.get(support.SANDBOX_ENV):
        return run(float(seconds), city=regions == "city", paths=options.get("paths"))
    return sandboxed(float(seconds), city=regions == "city", **options)


def sandboxed(
    seconds: float,
    *,
    city: bool = False,
    paths: list[str] | None = None,
    static_root: str | None = None,
) -> dict:
    """The run in a child process on a throwaway data directory and database."""
    support = _load("ledger_import")
    with tempfile.TemporaryDirectory(prefix="shegong-bench-pages-") as data_dir:
        env = support.sandbox_env(data_dir, SHEGONG_NOTIFY_CHANNELS="")
        if static_root:
            env["SHEGONG_STATIC_ROOT"] = static_root
        support.migrate_sandbox(env)
        cli = [sys.executable, "-m", "shegong.cli"]
        subprocess.run(  # noqa: S603 - our own argv
            [*cli, "loaddemo", "--size", "seed"], env=env, check=True, capture_output=True
        )
        code = (
            "import json, django; django.setup(); from shegong.cli import load_benchmark; "
            f"print(json.dumps(load_benchmark('pages').run({seconds!r}, city={city!r}, "
            f"paths={paths!r}), ensure_ascii=False))"
        )
        out = subprocess.run(  # noqa: S603 - our own argv (its errors go to our stderr)
            [sys.executable, "-c", code], env=env, check=True, stdout=subprocess.PIPE, text=True
        )
    return json.loads(out.stdout.strip().splitlines()[-1])
