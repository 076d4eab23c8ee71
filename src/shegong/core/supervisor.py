"""The process supervisor behind ``shegong serve``: gunicorn and the worker as children.

A child that dies while we are not stopping is started again after a back-off delay (1 s, 2 s,
4 s … capped; back to the first delay once a child has stayed up ``reset_after`` seconds), and
each exit and restart is logged in Chinese and English on stderr. The other child keeps running
meanwhile: the site stays up while the worker is down, and the worker's heartbeat goes stale
(red on the system page) until its replacement beats.

A child marked ``fatal_at_start`` (gunicorn) that exits within ``startup_seconds`` of its first
start stops everything with its status instead: a port already taken or a broken configuration
is not fixed by restarting, and whoever started ``shegong serve`` must see the failure. SIGINT
and SIGTERM stop both children (SIGTERM, then SIGKILL after ``grace`` seconds).

No Django here: the supervisor only starts and watches processes.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from types import FrameType
from typing import TextIO

# Back-off defaults (``shegong serve --restart-backoff`` / ``--restart-backoff-max``).
BACKOFF_FIRST_SECONDS = 1.0
BACKOFF_MAX_SECONDS = 60.0
# A child that stayed up this long starts again from the first delay after its next exit.
BACKOFF_RESET_SECONDS = 60.0
# A fatal_at_start child exiting this soon after its first start stops everything.
STARTUP_SECONDS = 5.0
# SIGTERM → SIGKILL when stopping.
STOP_GRACE_SECONDS = 15.0


@dataclass(frozen=True)
class Backoff:
    first: float = BACKOFF_FIRST_SECONDS
    maximum: float = BACKOFF_MAX_SECONDS
    reset_after: float = BACKOFF_RESET_SECONDS

    def delay(self, failures: int) -> float:
        """The wait before restart number ``failures + 1`` of a crash streak."""
        return min(self.first * 2 ** min(failures, 30), max(self.maximum, self.first))


@dataclass
class Child:
    zh: str  # "后台进程"
    en: str  # "worker"
    argv: Sequence[str]
    fatal_at_start: bool = False
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    starts: int = 0
    failures: int = 0  # exits in the current streak (reset after a long enough uptime)
    restart_at: float | None = None
    pids: list[int] = field(default_factory=list)

    def start(self) -> None:
        self.process = subprocess.Popen(self.argv)  # noqa: S603 - our own argv
        self.started_at = time.monotonic()
        self.starts += 1
        self.restart_at = None
        self.pids.append(self.process.pid)

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None


def describe_exit(returncode: int) -> tuple[str, str]:
    """How a child ended, in Chinese and in English."""
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = str(-returncode)
        return f"被信号 {name} 终止", f"killed by {name}"
    return f"退出码 {returncode}", f"exit status {returncode}"


class Supervisor:
    def __init__(
        self,
        children: Sequence[Child],
        *,
        backoff: Backoff | None = None,
        startup_seconds: float = STARTUP_SECONDS,
        grace: float = STOP_GRACE_SECONDS,
        poll: float = 0.2,
        log: TextIO | None = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.children = list(children)
        self.backoff = backoff or Backoff()
        self.startup_seconds = startup_seconds
        self.grace = grace
        self.poll = poll
        self.log_to = log
        self.clock = clock
        self.stopping = False
        self.status = 0

    def log(self, message: str) -> None:
        print(f"[shegong serve] {message}", file=self.log_to or sys.stderr, flush=True)

    # --- one pass -----------------------------------------------------------------------------

    def step(self) -> None:
        """Notice exited children, schedule their restart, start those whose delay is over."""
        now = self.clock()
        for child in self.children:
            if self.stopping:
                return
            process = child.process
            if process is not None and process.poll() is not None:
                self._exited(child, process.returncode, now)
            elif process is None and child.restart_at is not None and now >= child.restart_at:
                child.start()
                n, pid = child.starts - 1, child.pids[-1]
                self.log(f"已重启{child.zh}（第 {n} 次，pid {pid}） / "
                         f"{child.en} restarted (restart {n}, pid {pid})")  # fmt: skip

    def _exited(self, child: Child, returncode: int, now: float) -> None:
        uptime = now - child.started_at
        zh, en = child.zh, child.en
        how_zh, how_en = describe_exit(returncode)
        child.process = None
        if child.fatal_at_start and child.starts == 1 and uptime < self.startup_seconds:
            self.log(f"{zh}启动失败（{how_zh}），全部停止 / "
                     f"{en} failed to start ({how_en}), stopping")  # fmt: skip
            self.status = returncode if returncode > 0 else 1
            self.stop_children()
            return
        if uptime >= self.backoff.reset_after:
            child.failures = 0
        delay = self.backoff.delay(child.failures)
        child.failures += 1
        child.restart_at = now + delay
        self.log(f"{zh}意外退出（{how_zh}），{delay:g} 秒后重启 / "
                 f"{en} exited unexpectedly ({how_en}), restarting in {delay:g} s")  # fmt: skip

    # --- the loop -----------------------------------------------------------------------------

    def stop(self, signum: int, frame: FrameType | None) -> None:
        self.stop_children()

    def stop_children(self) -> None:
        self.stopping = True
        for child in self.children:
            if child.alive:
                child.process.send_signal(signal.SIGTERM)  # type: ignore[union-attr]

    def run(self) -> int:
        """Start every child and watch them until a signal (status 0) or a failed start."""
        previous = {sig: signal.signal(sig, self.stop) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            for child in self.children:
                child.start()
            while not self.stopping:
                self.step()
                if not self.stopping:
                    time.sleep(self.poll)
            self._wait_for_children()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        return self.status

    def _wait_for_children(self) -> None:
        self.stop_children()  # again: one may have been (re)started as the signal came
        deadline = time.monotonic() + self.grace
        while any(c.alive for c in self.children) and time.monotonic() < deadline:
            time.sleep(0.1)
        for child in self.children:
            if child.alive:
                child.process.kill()  # type: ignore[union-attr]
            if child.process is not None:
                child.process.wait()
