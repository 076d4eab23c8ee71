"""`shegong serve` runs the web server and the worker together; a worker that dies is restarted
while the site keeps serving; Ctrl-C or SIGTERM stops both."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request

import pytest

from shegong import testing


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(predicate, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return True
        except Exception:
            pass
        time.sleep(0.3)
    return False


def test_serve_starts_web_and_worker_and_ctrl_c_stops_both(tmp_path, migrated_db, static_root):
    db = tmp_path / "serve.sqlite3"
    shutil.copy(migrated_db, db)
    env = {
        **os.environ,
        "SHEGONG_DATA_DIR": str(tmp_path),
        "SHEGONG_DATABASE_URL": f"sqlite:///{db}",
        "SHEGONG_STATIC_ROOT": str(static_root),
    }
    shegong = [sys.executable, "-m", "shegong.cli"]
    port = _free_port()
    server = subprocess.Popen(
        [*shegong, "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        login = f"http://127.0.0.1:{port}/accounts/login/"
        assert _wait_for(lambda: urllib.request.urlopen(login, timeout=2).status == 200)
        _assert_static_files_hashed_and_compressed(f"http://127.0.0.1:{port}", login)

        def heartbeat() -> bool:
            with sqlite3.connect(db) as conn:
                return conn.execute("SELECT count(*) FROM core_workerheartbeat").fetchone()[0] > 0

        assert _wait_for(heartbeat), "the worker never wrote its heartbeat"
        server.send_signal(signal.SIGINT)
        assert server.wait(timeout=30) == 0
        with pytest.raises(OSError):
            urllib.request.urlopen(login, timeout=2)
        # No child of the process group is left behind.
        with pytest.raises(ProcessLookupError):
            os.killpg(server.pid, 0)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)


def test_serve_refuses_a_database_behind_the_code(tmp_path, migrated_db):
    db = tmp_path / "old.sqlite3"
    shutil.copy(migrated_db, db)
    # The code's last migrations not yet applied, as after an upgrade.
    with sqlite3.connect(db) as conn:
        conn.execute(
            "DELETE FROM django_migrations WHERE app = ? AND name > ?",
            ("volunteers", "0004_training_award"),
        )
    env = {
        **os.environ,
        "SHEGONG_DATA_DIR": str(tmp_path),
        "SHEGONG_DATABASE_URL": f"sqlite:///{db}",
    }
    serve = [sys.executable, "-m", "shegong.cli", "serve", "--port", str(_free_port())]
    done = subprocess.run(
        [*serve, "--workers", "1"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1
    assert "个迁移未执行" in done.stderr and "volunteers.0005_record_evaluation" in done.stderr


def _assert_static_files_hashed_and_compressed(base: str, page: str) -> None:
    """The page links content-hashed static files, served in brotli with an immutable cache."""
    html = urllib.request.urlopen(page, timeout=10).read().decode()
    stylesheets = re.findall(r'href="(/static/[^"]+\.css)"', html)
    assert stylesheets and all(re.search(r"\.[0-9a-f]{12}\.css$", s) for s in stylesheets)
    request = urllib.request.Request(base + stylesheets[0], headers={"Accept-Encoding": "br"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.headers["Content-Encoding"] == "br"
        assert "immutable" in response.headers["Cache-Control"]


@pytest.fixture(scope="module")
def static_root():
    """`serve` collects the static files unless they are current: these tests share one
    collection (testing.collected_static), so serve finds it current and starts at once."""
    return testing.collected_static()


@pytest.fixture(scope="module")
def migrated_db():
    """The suite's migrated SQLite file (testing.migrated_sqlite); each test copies it."""
    return testing.migrated_sqlite()


def _heartbeats(db) -> dict[int, float]:
    """pid → seconds since its last beat, of every worker heartbeat row."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT pid, (julianday('now') - julianday(beat_at)) * 86400 FROM core_workerheartbeat"
        ).fetchall()
    return {pid: age for pid, age in rows}


def test_a_killed_worker_is_restarted_while_the_site_keeps_serving(
    tmp_path, migrated_db, static_root
):
    db = tmp_path / "serve.sqlite3"
    shutil.copy(migrated_db, db)
    env = {
        **os.environ,
        "SHEGONG_DATA_DIR": str(tmp_path),
        "SHEGONG_DATABASE_URL": f"sqlite:///{db}",
        "SHEGONG_STATIC_ROOT": str(static_root),
    }
    port = _free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as stderr:
        server = subprocess.Popen(
            [sys.executable, "-m", "shegong.cli", "serve", "--port", str(port), "--workers", "1",
             "--restart-backoff", "1"],
            env=env, stdout=subprocess.DEVNULL, stderr=stderr, start_new_session=True,
        )  # fmt: skip
    try:
        login = f"http://127.0.0.1:{port}/accounts/login/"
        assert _wait_for(lambda: urllib.request.urlopen(login, timeout=2).status == 200)
        assert _wait_for(lambda: len(_heartbeats(db)) == 1), "the worker never beat"
        (first_pid,) = _heartbeats(db)

        os.kill(first_pid, signal.SIGKILL)
        # The worker is down for at least the 1 s back-off: the site answers all along.
        refused, answered = 0, 0
        for _ in range(30):
            try:
                answered += urllib.request.urlopen(login, timeout=10).status == 200
            except OSError:
                refused += 1
            time.sleep(0.05)
        assert (answered, refused) == (30, 0)

        # A new worker process beats under its own name; the dead one's row stops beating.
        assert _wait_for(lambda: any(pid != first_pid for pid in _heartbeats(db)), timeout=20)
        beats = _heartbeats(db)
        new_pid = next(pid for pid in beats if pid != first_pid)
        assert beats[new_pid] < 5
        with pytest.raises(ProcessLookupError):
            os.kill(first_pid, 0)
        os.kill(new_pid, 0)  # alive
        said = log.read_text()
        assert "后台进程意外退出（被信号 SIGKILL 终止" in said
        assert "worker exited unexpectedly (killed by SIGKILL), restarting in 1 s" in said
        assert f"已重启后台进程（第 1 次，pid {new_pid}）" in said

        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) == 0
        with pytest.raises(OSError):
            urllib.request.urlopen(login, timeout=2)
        with pytest.raises(ProcessLookupError):
            os.killpg(server.pid, 0)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
