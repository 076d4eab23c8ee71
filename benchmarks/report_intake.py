"""Benchmark: 随手拍 submissions through the real HTTP server.

``shegong bench report_intake [--size SECONDS]`` starts gunicorn (2 processes × 4 threads, a
throwaway data directory and database: see ``ledger_import.sandbox_env``) and drives it with 50
concurrent clients, each on its own keep-alive connection and its own account, for SECONDS per
phase (default 10):

(a) the floor: ``GET /healthz`` (a bare JSON answer on the same server, no database);
    then submissions without photos, ``POST /api/v1/reports`` (JSON, an Idempotency-Key per
    request as the mobile clients send) — target >= 0.25× the floor's rate, p99 < 100 ms;
(b) the floor: decoding and re-encoding the same 2 MB photo with Pillow in one process (the
    work ``core.photos`` does for every upload); then submissions with that photo (multipart)
    — target >= 0.7× the floor's rate.

It prints rates, p50 and p99 per phase, the ratios, how many requests failed (any 5xx fails
the run) and checks that the database holds exactly one case per successful submission.
The clients are Python threads in this process: the same clients measure the floor and the
submissions, so the ratio holds even though the clients share the machine's two cores.
"""

from __future__ import annotations

import http.client
import io
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid

CLIENTS = 50
PHONE_BASE = 13800007000


def _support():
    from shegong.cli import load_benchmark

    return load_benchmark("ledger_import")


def photo_bytes(target: int = 2 * 1024 * 1024) -> bytes:
    """A JPEG of about ``target`` bytes (a phone photo's size; noise does not compress)."""
    import random

    from PIL import Image

    rng = random.Random(4)
    side = 1200
    while True:
        pixels = bytes(rng.getrandbits(8) for _ in range(side * side * 3 // 16))
        tile = Image.frombytes("RGB", (side // 4, side // 4), pixels)
        img = tile.resize((side * 4 // 3, side))
        buffer = io.BytesIO()
        img.save(buffer, "JPEG", quality=92)
        if buffer.tell() >= target * 0.9 or side > 4000:
            return buffer.getvalue()
        side = int(side * (target / buffer.tell()) ** 0.5) + 16


def _setup() -> tuple[str, list[str], tuple[float, float]]:
    """A routed category and CLIENTS rider accounts with API tokens; returns their tokens."""
    from shegong import testing
    from shegong.accounts.actions import create_token
    from shegong.accounts.models import Department, Membership, User
    from shegong.core.perms import Role
    from shegong.regions.models import Region
    from shegong.reports.models import Category

    grids = _support().grids()
    grid = Region.objects.get(pk=grids[0])
    district = Region.objects.get(pk=grids[0][:6] + "000000")
    department, _ = Department.objects.get_or_create(
        code="bench-intake", defaults={"name": "基准测试城管", "region": district}
    )
    category = Category.objects.filter(service_code="bench-intake").first()
    if category is None:
        category = testing.report_category("bench-intake", "基准测试井盖")
        testing.routing_rule(category, district, department)
    tokens = []
    for i in range(CLIENTS):
        phone = str(PHONE_BASE + i)
        user = User.objects.filter(phone=phone).first()
        if user is None:  # no password: these accounts only use tokens (and hashing is slow)
            user = User.objects.create_user(phone=phone, password=None, name=f"基准骑手{i}")
            Membership.objects.create(user=user, role=Role.WORKER, region=grid)
        _, key = create_token(user, actor=user, name="基准测试")
        tokens.append(key)
    box = grid.boundary["coordinates"][0]
    lat = (box[0][1] + box[2][1]) / 2
    lon = (box[0][0] + box[2][0]) / 2
    return category.service_code, tokens, (lat, lon)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_server(port: int) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "gunicorn", "shegong.wsgi:application",
           "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "4",
           "--worker-class", "gthread", "--log-level", "warning"]  # fmt: skip
    server = subprocess.Popen(cmd, env=os.environ.copy())  # noqa: S603 - our own argv
    deadline = time.monotonic() + 120  # a loaded machine takes long to import Django twice
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


def _drive(port: int, seconds: float, make_request, clients: int) -> dict:
    """``clients`` threads, each sending ``make_request(i)`` → (method, path, body, headers)
    on a keep-alive connection until the time is up."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds
    barrier = threading.Barrier(clients)

    def client(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine: list[float] = []
        seen: dict[int, int] = {}
        barrier.wait()
        while time.monotonic() < stop_at:
            method, path, body, headers = make_request(i)
            began = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                status = 599
            mine.append(time.perf_counter() - began)
            seen[status] = seen.get(status, 0) + 1
        conn.close()
        with lock:
            latencies.extend(mine)
            for status, count in seen.items():
                statuses[status] = statuses.get(status, 0) + count

    began = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    ok = sum(c for s, c in statuses.items() if s < 400)
    latencies.sort()
    return {
        "requests": len(latencies),
        "ok": ok,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "rate": round(ok / elapsed, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 1) if latencies else None,
    }


def _multipart(fields: dict[str, str], photo: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
            .encode()
        )  # fmt: skip
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="photos"; filename="p.jpg"\r\n'
        f"Content-Type: image/jpeg\r\n\r\n".encode()
        + photo
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _pillow_floor(photo: bytes, seconds: float) -> dict:
    from shegong.core.photos import process_photos

    class Upload(io.BytesIO):
        name = "p.jpg"
        size = len(photo)

    done = 0
    began = time.perf_counter()
    while time.perf_counter() - began < seconds or done == 0:
        process_photos([Upload(photo)])
        done += 1
    elapsed = time.perf_counter() - began
    return {"photos": done, "rate": round(done / elapsed, 2)}


def run(seconds: float, clients: int = CLIENTS) -> dict:
    from django.db import connection

    from shegong.reports.models import Report

    code, tokens, (lat, lon) = _setup()
    photo = photo_bytes()
    before = Report.objects.count()
    connection.close()  # the server processes open their own
    port = _free_port()
    server = _start_server(port)
    try:
        floor = _drive(port, seconds, lambda i: ("GET", "/healthz", None, {}), clients)

        def submit(i: int):
            body = json.dumps({"category": code, "description": "井盖缺失，夜间危险",
                               "lat": lat, "lon": lon}, ensure_ascii=False).encode()  # fmt: skip
            return "POST", "/api/v1/reports", body, {
                "Authorization": f"Bearer {tokens[i]}", "Content-Type": "application/json",
                "Idempotency-Key": str(uuid.uuid4()),
            }  # fmt: skip

        plain = _drive(port, seconds, submit, clients)
        pillow = _pillow_floor(photo, seconds)

        def submit_photo(i: int):
            body, content_type = _multipart(
                {"category": code, "description": "井盖缺失（附照片）", "lat": str(lat),
                 "lon": str(lon)}, photo)  # fmt: skip
            return "POST", "/api/v1/reports", body, {
                "Authorization": f"Bearer {tokens[i]}", "Content-Type": content_type,
                "Idempotency-Key": str(uuid.uuid4()),
            }  # fmt: skip

        with_photo = _drive(port, seconds, submit_photo, clients)
    finally:
        server.terminate()
        server.wait(timeout=30)
    created = Report.objects.count() - before
    server_errors = sum(
        c for phase in (floor, plain, with_photo) for s, c in phase["statuses"].items()
        if int(s) >= 500
    )  # fmt: skip
    return {
        "clients": clients,
        "seconds_per_phase": seconds,
        "floor_healthz": floor,
        "submit_json": plain,
        "ratio_json": round(plain["rate"] / floor["rate"], 3) if floor["rate"] else None,
        "target_ratio_json": 0.25,
        "target_p99_ms": 100,
        "floor_pillow_one_process": pillow,
        "photo_bytes": len(photo),
        "submit_photo": with_photo,
        "ratio_photo": round(with_photo["rate"] / pillow["rate"], 3) if pillow["rate"] else None,
        "target_ratio_photo": 0.7,
        "cases_created": created,
        "cases_expected": plain["ok"] + with_photo["ok"],
        "server_errors": server_errors,
        "database": connection.vendor,
    }


def burst(count: int = 200, clients: int = CLIENTS) -> dict:
    """Reliability, not speed: ``count`` submissions at once from ``clients`` threads, each
    sent with an Idempotency-Key and every other one sent AGAIN with the same key (a phone that
    lost the answer and retried). Returns the statuses and how many cases the database holds —
    which must be exactly ``count``, with no 5xx and every retry answered with the original."""
    import queue

    from django.db import connection

    from shegong.reports.models import Report

    code, tokens, (lat, lon) = _setup()
    before = Report.objects.count()
    connection.close()
    port = _free_port()
    server = _start_server(port)
    jobs: queue.Queue = queue.Queue()
    for i in range(count):
        jobs.put(i)
    statuses: dict[int, int] = {}
    mismatched: list[int] = []
    lock = threading.Lock()
    barrier = threading.Barrier(clients)

    def client(c: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        barrier.wait()
        while True:
            try:
                i = jobs.get_nowait()
            except queue.Empty:
                break
            body = json.dumps({"category": code, "description": f"并发测试{i}", "lat": lat,
                               "lon": lon}, ensure_ascii=False).encode()  # fmt: skip
            headers = {
                "Authorization": f"Bearer {tokens[i % len(tokens)]}",
                "Content-Type": "application/json",
                "Idempotency-Key": f"burst-{i}",
            }
            answers = []
            for _attempt in range(2 if i % 2 else 1):
                conn.request("POST", "/api/v1/reports", body=body, headers=headers)
                response = conn.getresponse()
                answers.append((response.status, response.read()))
            with lock:
                for status, _ in answers:
                    statuses[status] = statuses.get(status, 0) + 1
                if len({a for a in answers}) > 1:
                    mismatched.append(i)
        conn.close()

    try:
        threads = [threading.Thread(target=client, args=(c,)) for c in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {
        "submissions": count,
        "requests": sum(statuses.values()),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "cases_created": Report.objects.count() - before,
        "retries_answered_differently": mismatched,
    }


def main(size: float = 10, *, in_place: bool = False) -> dict:
    """``size`` is the number of seconds per phase."""
    support = _support()
    if os.environ.get(support.SANDBOX_ENV):
        return run(float(size))
    if in_place:
        raise ValueError("report_intake needs its own database file (the server is a separate "
                         "process); run it sandboxed")  # fmt: skip
    return _sandboxed(size)


def sandboxed_smoke(count: int = 200) -> dict:
    """For the test suite, in one child process on a throwaway data directory and database: a
    one-second run of the benchmark with 10 clients, then ``burst(count)``."""
    code = (
        "import json, django; django.setup(); from shegong.cli import load_benchmark; "
        "b = load_benchmark('report_intake'); "
        f"print(json.dumps({{'bench': b.run(1, clients=10), 'burst': b.burst({int(count)})}}))"
    )
    return _in_sandbox([sys.executable, "-c", code])


def _sandboxed(size: float) -> dict:
    cli = [sys.executable, "-m", "shegong.cli"]
    return _in_sandbox([*cli, "bench", "report_intake", "--size", str(size)])


def _in_sandbox(argv: list[str]) -> dict:
    with tempfile.TemporaryDirectory(prefix="shegong-bench-data-") as data_dir:
        env = _support().sandbox_env(
            data_dir, SHEGONG_REPORTS_RATE_LIMIT="100000000", SHEGONG_NOTIFY_CHANNELS=""
        )
        _support().migrate_sandbox(env)
        out = subprocess.run(  # noqa: S603 - our own argv; its errors go to our stderr
            argv, env=env, check=True, stdout=subprocess.PIPE, text=True
        )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])
