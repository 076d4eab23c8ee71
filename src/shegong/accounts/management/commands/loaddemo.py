"""``shegong loaddemo --size small|seed|large``: the demo district and its logins."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection

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
            # Fresh statistics for the planner now, not when autovacuum gets round to it: the
            # first pages after a load otherwise plan for empty tables (the district admin's
            # workbench on PostgreSQL: 83 ms before, 58 ms after, seed demo).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        else:
            self.stdout.write("演示数据已存在，未重复加载 / demo data already present")
        self.stdout.write("\n演示账号 / demo logins:\n" + format_logins())
