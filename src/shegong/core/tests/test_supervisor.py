"""The supervisor behind ``shegong serve``, with small real child processes."""

from __future__ import annotations

import io
import signal
import sys
import time

from shegong.core.supervisor import Backoff, Child, Supervisor, describe_exit

SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]


def crasher(status: int = 3) -> list[str]:
    return [sys.executable, "-c", f"import sys; sys.exit({status})"]


def drive(supervisor: Supervisor, until, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not until():
        assert time.monotonic() < deadline, "timed out"
        supervisor.step()
        time.sleep(0.02)


def test_the_backoff_doubles_up_to_its_cap():
    backoff = Backoff(first=1, maximum=60)
    assert [backoff.delay(n) for n in range(8)] == [1, 2, 4, 8, 16, 32, 60, 60]
    assert Backoff(first=0.5, maximum=1).delay(1000) == 1


def test_a_crashing_child_is_restarted_with_growing_delays_while_the_other_runs():
    web = Child("网站", "web server", SLEEPER)
    worker = Child("后台进程", "worker", crasher())
    log = io.StringIO()
    supervisor = Supervisor([web, worker], backoff=Backoff(first=0.1, maximum=0.4), log=log)
    try:
        web.start()
        worker.start()
        web_pid = web.pids[0]
        drive(supervisor, lambda: worker.starts == 4)
        # Exits seen: 3 so far, waited 0.1, 0.2, 0.4; the next one waits the cap again.
        drive(supervisor, lambda: worker.failures == 4)
        assert worker.restart_at is not None
        assert web.alive and web.pids == [web_pid]
        assert len(set(worker.pids)) == 4
        said = log.getvalue()
        for delay in ("0.1", "0.2", "0.4"):
            assert f"后台进程意外退出（退出码 3），{delay} 秒后重启" in said
        assert said.count("worker exited unexpectedly (exit status 3), restarting in 0.4 s") == 2
        assert "已重启后台进程（第 3 次" in said and "worker restarted (restart 3" in said
        assert "网站" not in said
    finally:
        supervisor.stop_children()
        supervisor._wait_for_children()
    assert not web.alive


def test_the_backoff_starts_over_once_a_child_stayed_up():
    worker = Child("后台进程", "worker", SLEEPER)
    supervisor = Supervisor([worker], backoff=Backoff(first=0.1, maximum=5, reset_after=0.3))
    supervisor.log_to = io.StringIO()
    try:
        worker.start()
        worker.failures = 5  # a long crash streak before
        time.sleep(0.4)
        worker.process.send_signal(signal.SIGKILL)
        drive(supervisor, lambda: worker.restart_at is not None)
        assert worker.failures == 1
        assert worker.restart_at - time.monotonic() <= 0.1
    finally:
        supervisor.stop_children()
        supervisor._wait_for_children()


def test_a_web_server_that_dies_later_is_restarted():
    web = Child("网站", "web server", SLEEPER, fatal_at_start=True)
    supervisor = Supervisor([web], backoff=Backoff(first=0.1), startup_seconds=0.2)
    supervisor.log_to = io.StringIO()
    try:
        web.start()
        time.sleep(0.3)
        web.process.send_signal(signal.SIGKILL)
        drive(supervisor, lambda: web.starts == 2 and web.alive)
        assert not supervisor.stopping
        assert "网站意外退出（被信号 SIGKILL 终止" in supervisor.log_to.getvalue()
    finally:
        supervisor.stop_children()
        supervisor._wait_for_children()


def test_a_web_server_that_fails_to_start_stops_everything_with_its_status():
    web = Child("网站", "web server", crasher(4), fatal_at_start=True)
    worker = Child("后台进程", "worker", SLEEPER)
    log = io.StringIO()
    supervisor = Supervisor([web, worker], startup_seconds=30, log=log)

    assert supervisor.run() == 4

    assert worker.process.returncode == -signal.SIGTERM
    assert web.starts == 1 and worker.starts == 1
    assert "网站启动失败（退出码 4），全部停止 / web server failed to start (exit status 4)" in (
        log.getvalue()
    )


def test_exits_are_described_in_both_languages():
    assert describe_exit(-9) == ("被信号 SIGKILL 终止", "killed by SIGKILL")
    assert describe_exit(1) == ("退出码 1", "exit status 1")
