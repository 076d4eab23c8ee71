"""``shegong check``: the rollups agree with the raw records (the last 31 days)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from shegong.core.checks import Result


def rollup_drift() -> list[Result]:
    from . import rollup
    from .models import RollupState
    from .scans import DRIFT_DAYS

    today = timezone.localdate()
    if not RollupState.objects.filter(name="changes").exists():
        return [
            Result(
                False, "数据看板尚未汇总：请运行 shegong rollup", "dashboard rollups never built",
                "首次部署或导入数据后运行一次 shegong rollup（之后后台进程每5分钟增量汇总）",
                warning=True,
            )
        ]  # fmt: skip
    found = rollup.drift(today - timedelta(days=DRIFT_DAYS - 1), today)
    if not found:
        return [Result(True, f"数据看板汇总与原始记录一致（近{DRIFT_DAYS}天）", "rollups agree")]
    names = sorted({d.indicator for d in found})
    return [
        Result(
            False,
            f"数据看板汇总与原始记录不一致：{len(found)}处（{'、'.join(names[:5])}）",
            "rollups drifted from the raw records",
            "运行 shegong rollup --from 日期 --to 日期 重新汇总；后台进程每晚也会自动核对并修正",
            warning=True,
        )
    ]
