"""``shegong loaddemo --size small|seed|large``: the demo district and its logins."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from shegong.accounts.demo import format_logins
from shegong.core import demo


class Command(BaseCommand):
    help = "加载演示区（示范区）数据 / load the demo district"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--size", choices=demo.SIZES, default="seed",
            help="small（测试用）、seed（默认）、large（压测用） / data size",
        )  # fmt: skip

    def handle(self, *args: Any, size: str, **options: Any) -> None:
        created = demo.load(size)
        if any(created.values()):
            summary = "，".join(f"{name} {count}" for name, count in created.items())
            self.stdout.write(f"演示数据已加载 / demo data loaded（{size}）：{summary}")
        else:
            self.stdout.write("演示数据已存在，未重复加载 / demo data already present")
        self.stdout.write("\n演示账号 / demo logins:\n" + format_logins())
