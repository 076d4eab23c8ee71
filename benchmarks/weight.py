"""Benchmark: what a page weighs on a cold load, and how long a staff page takes to make.

``shegong bench weight [--size N]`` loads the demo district (``loaddemo --size seed``) into a
throwaway data directory, collects the static files as ``shegong serve`` does (hashed names,
gzip and brotli), starts gunicorn on it and measures, in the same run:

- every H5 page (``H5_PAGES``) and the public maps (``PUBLIC_MAPS``) with Playwright driving
  Debian's chromium, each in a new browser context (an empty cache: a cold load) as the demo
  user a phone would be: the bytes transferred (encoded bodies plus headers, as the network
  panel counts them) of every response until the network is idle, photos (images that are not
  static files) and map tiles (other hosts) counted apart and excluded;
- the floor of the weight: the page's own HTML answer alone (what no asset diet can remove);
- the p50 server time of the staff pages (``STAFF_PAGES``), N requests each (``--size``,
  default 20) through Django's test client in this process as the demo user of the role, and
  its floor: ``/healthz`` through the same client.

Targets (issue 13): every H5 page <= 150 KB before photos, the public case map <= 300 KB before
tiles, staff pages' p50 <= 100 ms. It prints one JSON object with the figures per page, pass or
fail per page, and the database. ``SHEGONG_DATABASE_URL=postgres://…/shegong_bench_weight``
runs it on PostgreSQL (the database is dropped and created again: its name must contain
"bench"); otherwise on SQLite in the data directory.

To add a page: append a ``Page`` to ``H5_PAGES`` (or ``STAFF_PAGES``); ``{name}`` in a path is
filled from ``objects()`` (the demo's own rows).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any, NamedTuple
from urllib.parse import urlsplit

# The static files worth compressing (fonts and images are compressed already).
COMPRESSIBLE = r"text/|application/(javascript|json)|image/svg"
TARGET_H5_KB = 150
TARGET_PUBLIC_MAP_KB = 300
TARGET_STAFF_P50_MS = 100
REQUESTS = 20

# Demo logins (accounts/demo.py).
DISTRICT_ADMIN = "13800000001"
STREET_STAFF = "13800000002"
COMMUNITY_WORKER = "13800000004"
DEPARTMENT_HANDLER = "13800000005"
VOLUNTEER = "13800000009"
RIDER = "13800000010"
RESIDENT = "13800000011"
DISPATCHER = "13800000013"
TEAM_LEADER = "13800000015"


class Page(NamedTuple):
    path: str  # "{name}" is filled from objects()
    login: str | None  # a demo phone; None: anonymous
    label: str


# Every page a phone user reaches (the H5 shell and what it links to).
H5_PAGES = [
    Page("/m/", RESIDENT, "H5首页（居民）"),
    Page("/m/report/", RESIDENT, "随手拍"),
    Page("/m/my-reports/", RESIDENT, "我的随手拍"),
    Page("/m/my-reports/{my_case}/", RESIDENT, "随手拍详情"),
    Page("/m/", RIDER, "H5首页（骑手）"),
    Page("/m/worker/", RIDER, "骑手首页"),
    Page("/m/worker/profile/", RIDER, "骑手档案"),
    Page("/m/visits/", RIDER, "我的签到"),
    Page("/m/my-care/", RIDER, "我的关爱"),
    Page("/m/stations/", None, "附近驿站"),
    Page("/m/volunteer/", VOLUNTEER, "志愿者首页"),
    Page("/m/activities/", VOLUNTEER, "志愿活动"),
    Page("/m/activities/mine/", VOLUNTEER, "我的活动"),
    Page("/m/activities/{activity}/", VOLUNTEER, "活动详情"),
    Page("/m/volunteer/hours/", VOLUNTEER, "我的时长"),
    Page("/m/volunteer/certificates/", VOLUNTEER, "我的记录证明"),
    Page("/m/tasks/", COMMUNITY_WORKER, "派给我的工单"),
    Page("/m/inbox/", RIDER, "消息"),
    Page("/m/me/", RIDER, "我的"),
    Page("/m/password/", RIDER, "修改密码"),
]
PUBLIC_MAPS = [
    Page("/public/cases/", None, "公众案件地图"),
    Page("/public/stations/", None, "驿站地图（公众）"),
]
STAFF_PAGES = [
    Page("/", DISTRICT_ADMIN, "工作台（区管理员）"),
    Page("/", STREET_STAFF, "工作台（街道干部）"),
    Page("/", DISPATCHER, "工作台（派单员）"),
    Page("/", DEPARTMENT_HANDLER, "工作台（部门处置员）"),
    Page("/reports/", DISPATCHER, "案件列表"),
    Page("/reports/{case}/", DISPATCHER, "案件详情"),
    Page("/reports/board/", DISTRICT_ADMIN, "数据看板"),
    Page("/regions/", DISTRICT_ADMIN, "区划与网格"),
    Page("/ledger/coverage/", STREET_STAFF, "党建覆盖"),
    Page("/ledger/organizations/", STREET_STAFF, "在营单位"),
    Page("/ledger/people/", STREET_STAFF, "人员台账"),
    Page("/ledger/campaigns/", STREET_STAFF, "回头看"),
    Page("/stations/", STREET_STAFF, "驿站列表"),
    Page("/volunteers/", STREET_STAFF, "志愿者"),
    Page("/volunteers/activities/", TEAM_LEADER, "志愿活动（队长）"),
    Page("/audit/", DISTRICT_ADMIN, "审计日志"),
]


def objects() -> dict[str, Any]:
    """The demo's rows that page paths name."""
    from shegong.accounts.models import User
    from shegong.reports.models import Report
    from shegong.volunteers.models import Activity

    resident = User.objects.get(phone=RESIDENT)
    found = {
        "my_case": Report.objects.filter(reporter=resident).order_by("pk").first(),
        "case": Report.objects.order_by("pk").first(),
        "activity": Activity.objects.filter(status="published").order_by("pk").first(),
    }
    return {name: row.pk for name, row in found.items() if row is not None}


def _fill(page: Page, found: dict[str, Any]) -> str | None:
    try:
        return page.path.format(**found)
    except KeyError:
        return None  # the demo has no such row: reported as skipped


# --- staff pages: server time ---------------------------------------------------------------


def _timed(client: Any, url: str, n: int) -> tuple[list[float], int]:
    client.get(url)  # warm: the URLconf, templates, the session's first touch
    samples = []
    status = 0
    for _ in range(n):
        began = time.perf_counter()
        response = client.get(url)
        samples.append(time.perf_counter() - began)
        status = response.status_code
    return samples, status


def _ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 1)


def staff_times(n: int, pages: list[Page], found: dict[str, Any]) -> dict[str, Any]:
    from shegong import testing
    from shegong.accounts.models import User

    floor, _ = _timed(testing.Client(), "/healthz", n)
    rows = []
    clients: dict[str, Any] = {}
    for page in pages:
        url = _fill(page, found)
        if url is None:
            rows.append({"page": page.label, "path": page.path, "skipped": "演示数据中没有"})
            continue
        if page.login not in clients:
            client = testing.Client()
            client.force_login(User.objects.get(phone=page.login))
            clients[page.login] = client
        samples, status = _timed(clients[page.login], url, n)
        p50 = _ms(samples)
        rows.append({
            "page": page.label, "path": url, "login": page.login, "status": status,
            "p50_ms": p50, "max_ms": round(max(samples) * 1000, 1),
            "pass": status == 200 and p50 <= TARGET_STAFF_P50_MS,
        })  # fmt: skip
    measured = [r for r in rows if "p50_ms" in r]
    return {
        "requests_per_page": n,
        "target_p50_ms": TARGET_STAFF_P50_MS,
        "floor_healthz_p50_ms": _ms(floor),
        "pages": rows,
        "worst_p50_ms": max((r["p50_ms"] for r in measured), default=None),
        "pass": all(r["pass"] for r in measured),
    }


# --- H5 pages and maps: bytes on a cold load ------------------------------------------------


def _log_in(context: Any, base: str, phone: str) -> None:
    """Through the login form, by the context's request API: no page is loaded, so the
    browser's cache stays empty for the page measured next."""
    from shegong.core.demo import PASSWORD

    form = context.request.get(f"{base}/accounts/login/").text()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
    assert token, "no CSRF token on the login page"
    answer = context.request.post(
        f"{base}/accounts/login/",
        form={"csrfmiddlewaretoken": token[1], "username": phone, "password": PASSWORD},
        headers={"Referer": f"{base}/accounts/login/"},
        max_redirects=0,
    )
    assert answer.status == 302, f"login of {phone} answered {answer.status}"


def _weigh(browser: Any, base: str, page: Page, url: str, mobile: bool) -> dict[str, Any]:
    viewport = {"width": 390, "height": 844} if mobile else {"width": 1440, "height": 900}
    context = browser.new_context(base_url=base, viewport=viewport, locale="zh-CN")
    try:
        if page.login:
            _log_in(context, base, page.login)
        tab = context.new_page()
        host = urlsplit(base).netloc
        parts = {"static": 0, "html": 0, "other": 0, "photos": 0, "tiles": 0}
        encodings: dict[str, int] = {}
        requests = 0

        def finished(request: Any) -> None:
            nonlocal requests
            sizes = request.sizes()
            size = sizes["responseBodySize"] + sizes["responseHeadersSize"]
            where = urlsplit(request.url)
            response = request.response()
            if where.netloc != host:
                parts["tiles"] += size  # the only other host a page may use: the tile server
                return
            if request.resource_type == "image" and not where.path.startswith("/static/"):
                parts["photos"] += size
                return
            requests += 1
            if where.path.startswith("/static/"):
                parts["static"] += size
                headers = response.headers if response else {}
                if re.match(COMPRESSIBLE, headers.get("content-type", "")):
                    key = headers.get("content-encoding") or "identity"
                    encodings[key] = encodings.get(key, 0) + 1
            elif request.resource_type == "document":
                parts["html"] += size
            else:
                parts["other"] += size

        tab.on("requestfinished", finished)
        response = tab.goto(url, wait_until="networkidle")
        status = response.status if response else 0
        landed = urlsplit(tab.url).path
    finally:
        context.close()
    total = parts["static"] + parts["html"] + parts["other"]
    return {
        "page": page.label, "path": url, "login": page.login, "status": status,
        "landed": landed, "requests": requests, "kb": round(total / 1024, 1),
        "html_kb": round(parts["html"] / 1024, 1), "static_kb": round(parts["static"] / 1024, 1),
        "other_kb": round(parts["other"] / 1024, 1),
        "photos_kb_excluded": round(parts["photos"] / 1024, 1),
        "tiles_kb_excluded": round(parts["tiles"] / 1024, 1),
        "static_text_encodings": encodings,
    }  # fmt: skip


def page_weights(base: str, groups: dict[str, tuple[list[Page], int]], found: dict) -> dict:
    executable = shutil.which("chromium")
    if executable is None:
        return {"skipped": "chromium is not installed (apt-get install chromium)"}
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    result: dict[str, Any] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run"],
        )  # fmt: skip
        try:
            for name, (pages, target_kb) in groups.items():
                rows = []
                for page in pages:
                    url = _fill(page, found)
                    if url is None:
                        rows.append({"page": page.label, "path": page.path,
                                     "skipped": "演示数据中没有"})  # fmt: skip
                        continue
                    try:
                        row = _weigh(browser, base, page, url, mobile=name == "h5")
                    except Exception as exc:  # a page that fails is a figure too: shown, failed
                        rows.append({"page": page.label, "path": url, "error": str(exc)[:300],
                                     "pass": False})  # fmt: skip
                        continue
                    row["pass"] = (
                        row["status"] == 200
                        and row["landed"] == urlsplit(url).path
                        and row["kb"] <= target_kb
                    )
                    rows.append(row)
                measured = [r for r in rows if "kb" in r]
                result[name] = {
                    "target_kb": target_kb,
                    "pages": rows,
                    "heaviest_kb": max((r["kb"] for r in measured), default=None),
                    "floor_html_only_kb_max": max((r["html_kb"] for r in measured), default=None),
                    "pass": all(r["pass"] for r in rows if "skipped" not in r),
                }
        finally:
            browser.close()
    return result


# --- the run --------------------------------------------------------------------------------


def _support():
    from shegong.cli import load_benchmark

    return load_benchmark("report_intake")


def run(
    n: int = REQUESTS,
    *,
    h5: list[Page] | None = None,
    maps: list[Page] | None = None,
    staff: list[Page] | None = None,
) -> dict[str, Any]:
    """In a prepared data directory (migrated, demo loaded): collect, serve, measure."""
    from django.conf import settings
    from django.db import connection

    from shegong.core.staticfiles import collect, is_current

    began = time.perf_counter()
    collected = collect()
    collect_s = round(time.perf_counter() - began, 1)
    found = objects()
    staff_result = staff_times(n, STAFF_PAGES if staff is None else staff, found)
    connection.close()  # the server's processes open their own
    support = _support()
    port = support._free_port()
    server = support._start_server(port)
    try:
        weights = page_weights(
            f"http://127.0.0.1:{port}",
            {
                "h5": (H5_PAGES if h5 is None else h5, TARGET_H5_KB),
                "public_maps": (PUBLIC_MAPS if maps is None else maps, TARGET_PUBLIC_MAP_KB),
            },
            found,
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    public_case_map = [
        r
        for r in weights.get("public_maps", {}).get("pages", [])
        if r.get("path") == "/public/cases/"
    ]
    return {
        "database": connection.vendor,
        "static": {
            "collected_now": collected,
            "collect_s": collect_s,
            "current": is_current(settings.STATIC_ROOT),
            "served_by": "gunicorn + whitenoise (hashed names, .br/.gz), cold browser contexts",
        },
        "targets": {
            "h5_kb": TARGET_H5_KB,
            "public_case_map_kb": TARGET_PUBLIC_MAP_KB,
            "staff_p50_ms": TARGET_STAFF_P50_MS,
        },
        "summary": {
            "h5_pass": weights.get("h5", {}).get("pass"),
            "h5_heaviest_kb": weights.get("h5", {}).get("heaviest_kb"),
            "public_case_map_kb": public_case_map[0]["kb"] if public_case_map else None,
            "public_case_map_pass": public_case_map[0]["pass"] if public_case_map else None,
            "staff_pass": staff_result["pass"],
            "staff_worst_p50_ms": staff_result["worst_p50_ms"],
            "staff_floor_healthz_p50_ms": staff_result["floor_healthz_p50_ms"],
        },
        **weights,
        "staff": staff_result,
        "floor": "weights: the page's HTML answer alone; staff: /healthz through the same client",
    }


def main(size: int | None = None, **options: Any) -> dict[str, Any]:
    """``size``: requests per staff page (default 20). ``options`` (the tests' tiny run):
    ``demo`` (the demo size, default "seed"), ``h5``/``maps``/``staff`` (lists of page paths
    to measure instead of all), ``static_root`` (a current collection to reuse)."""
    if os.environ.get(_sandbox_support().SANDBOX_ENV):
        return run(size or REQUESTS)
    return sandboxed(size or REQUESTS, **options)


def _pick(pages: list[Page], paths: list[str] | None) -> str:
    chosen = pages if paths is None else [p for p in pages if p.path in paths]
    return repr([(p.path, p.login, p.label) for p in chosen])


def sandboxed(
    n: int,
    *,
    demo: str = "seed",
    h5: list[str] | None = None,
    maps: list[str] | None = None,
    staff: list[str] | None = None,
    static_root: str | None = None,
) -> dict[str, Any]:
    """The run in a child process on a throwaway data directory (its own SQLite file, or the
    PostgreSQL database SHEGONG_DATABASE_URL names)."""
    support = _sandbox_support()
    with tempfile.TemporaryDirectory(prefix="shegong-bench-weight-") as data_dir:
        env = support.sandbox_env(data_dir, SHEGONG_NOTIFY_CHANNELS="")
        if static_root:
            env["SHEGONG_STATIC_ROOT"] = static_root
        cli = [sys.executable, "-m", "shegong.cli"]
        support.migrate_sandbox(env)
        subprocess.run(  # noqa: S603 - our own argv
            [*cli, "loaddemo", "--size", demo], env=env, check=True, capture_output=True
        )
        code = (
            "import json, django; django.setup(); from shegong.cli import load_benchmark; "
            "b = load_benchmark('weight'); P = b.Page; "
            f"print(json.dumps(b.run({int(n)}, h5=[P(*p) for p in {_pick(H5_PAGES, h5)}], "
            f"maps=[P(*p) for p in {_pick(PUBLIC_MAPS, maps)}], "
            f"staff=[P(*p) for p in {_pick(STAFF_PAGES, staff)}]), ensure_ascii=False))"
        )
        out = subprocess.run(  # noqa: S603 - our own argv (its errors go to our stderr)
            [sys.executable, "-c", code], env=env, check=True, stdout=subprocess.PIPE, text=True
        )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _sandbox_support():
    from shegong.cli import load_benchmark

    return load_benchmark("ledger_import")
