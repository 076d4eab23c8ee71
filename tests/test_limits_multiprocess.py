"""Limits hold across real web processes: `shegong serve --workers 2`, one failed login per
connection, and the login throttle still counts every failure of the address."""

from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import signal
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request

from shegong import testing
from tests.test_serve import _free_port, _wait_for


def _failed_login(base: str) -> int:
    """A fresh connection and session: load the form, post a wrong password; the status."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/accounts/login/", timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token, "no CSRF token on the login page"
    body = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token.group(1), "username": "13700000001", "password": "x"}
    ).encode()
    try:
        return opener.open(f"{base}/accounts/login/", data=body, timeout=10).status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_two_web_processes_share_the_login_throttle(tmp_path):
    env = {
        **os.environ,
        "SHEGONG_DATA_DIR": str(tmp_path),
        "SHEGONG_DATABASE_URL": f"sqlite:///{tmp_path / 'limits.sqlite3'}",
        "SHEGONG_LOGIN_IP_FAILURE_LIMIT": "4",
        "SHEGONG_LOGIN_IP_WINDOW_MINUTES": "1440",  # real time: no window ends mid-test
        "SHEGONG_LOGIN_FAILURE_LIMIT": "100",  # the per-account lock must not answer first
        # serve collects the static files unless current: the suite's shared collection is.
        "SHEGONG_STATIC_ROOT": str(testing.collected_static()),
    }
    env.pop("SHEGONG_REDIS_URL", None)
    shegong = [sys.executable, "-m", "shegong.cli"]
    shutil.copy(testing.migrated_sqlite(), tmp_path / "limits.sqlite3")
    port = _free_port()
    server = subprocess.Popen(
        [*shegong, "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        login = f"{base}/accounts/login/"
        assert _wait_for(lambda: urllib.request.urlopen(login, timeout=2).status == 200)
        statuses = [_failed_login(base) for _ in range(12)]
        # Four failures cost nothing; every later attempt waits (5 s after the latest failure).
        assert statuses == [200] * 4 + [429] * 8
    finally:
        os.killpg(server.pid, signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
