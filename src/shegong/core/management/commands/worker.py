"""``shegong worker``: run the background worker (tasks, periodic scans, heartbeat)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from shegong.core.worker import Worker


class Command(BaseCommand):
    help = "运行后台进程（任务、定时扫描、心跳） / run the background worker"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--name", help="进程名 / worker name (default worker@host:pid)")
        parser.add_argument(
            "--interval", type=float, default=1.0, help="空闲时的轮询间隔秒数 / idle poll seconds"
        )
        parser.add_argument("--once", action="store_true", help="只运行一轮 / one iteration")

    def handle(self, *args: Any, name: str | None, interval: float, once: bool, **opts: Any):
        Worker(name=name, interval=max(interval, 0.0)).run(once=once)
