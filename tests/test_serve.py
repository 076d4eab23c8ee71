"""`shegong serve` runs the web server and the worker together; Ctrl-C stops both."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request

import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(predicate, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return True
        except Exception:
            pass
        time.sleep(0.3)
    return False


def test_serve_starts_web_and_worker_and_ctrl_c_stops_both(tmp_path):
    db = tmp_path / "serve.sqlite3"
    env = {
        **os.environ,
        "SHEGONG_DATA_DIR": str(tmp_path),
        "SHEGONG_DATABASE_URL": f"sqlite:///{db}",
    }
    shegong = [sys.executable, "-m", "shegong.cli"]
    subprocess.run([*shegong, "migrate", "-v", "0"], env=env, check=True, timeout=120)
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


def test_serve_refuses_a_database_behind_the_code(tmp_path):
    env = {
        **os.environ,
        "SHEGONG_DATA_DIR": str(tmp_path),
        "SHEGONG_DATABASE_URL": f"sqlite:///{tmp_path / 'old.sqlite3'}",
    }
    shegong = [sys.executable, "-m", "shegong.cli"]
    subprocess.run([*shegong, "migrate", "-v", "0"], env=env, check=True, timeout=120)
    # The code's last migration not yet applied, as after an upgrade.
    subprocess.run([*shegong, "migrate", "volunteers", "0004", "-v", "0"], env=env, check=True,
                   timeout=120)  # fmt: skip
    done = subprocess.run(
        [*shegong, "serve", "--port", str(_free_port()), "--workers", "1"],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 1
    assert "个迁移未执行" in done.stderr and "volunteers.0005_record_evaluation" in done.stderr
