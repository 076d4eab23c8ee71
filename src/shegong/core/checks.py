"""``shegong check``: a deployment self-check, one line per check in Chinese and English."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings

from . import registry
from .registry import Check


@dataclass(frozen=True)
class Result:
    ok: bool
    zh: str
    en: str
    detail: str = ""
    warning: bool = False  # shown, but does not fail the check

    @property
    def mark(self) -> str:
        if self.ok:
            return "✓"
        return "!" if self.warning else "✗"

    @property
    def line(self) -> str:
        detail = f" — {self.detail}" if self.detail else ""
        return f"{self.mark} {self.zh} / {self.en}{detail}"

    @property
    def failed(self) -> bool:
        return not self.ok and not self.warning


def check_env() -> list[Result]:
    errors = list(settings.ENV_ERRORS)
    if not errors:
        return [Result(True, "环境变量格式正确", "environment variables parse")]
    return [Result(False, "环境变量格式错误", "malformed environment variable", e) for e in errors]


def check_secret_key() -> list[Result]:
    if settings.SECRET_KEY_FROM_ENV:
        return [Result(True, "密钥由 SHEGONG_SECRET_KEY 配置", "secret key set via environment")]
    if settings.DEBUG:
        return [
            Result(
                False,
                "密钥使用自动生成的文件（仅限开发）",
                "secret key from generated file",
                "生产环境请设置 SHEGONG_SECRET_KEY",
                warning=True,
            )
        ]
    return [
        Result(
            False,
            "生产环境须设置 SHEGONG_SECRET_KEY",
            "set SHEGONG_SECRET_KEY in production",
            "当前使用 var/ 下自动生成的密钥文件 / using the generated key file",
        )
    ]


def check_debug() -> list[Result]:
    if settings.DEBUG:
        return [Result(False, "调试模式已开启", "DEBUG is on", "设置 SHEGONG_DEBUG=false")]
    return [Result(True, "调试模式已关闭", "DEBUG is off")]


def check_allowed_hosts() -> list[Result]:
    hosts = list(settings.ALLOWED_HOSTS)
    if not hosts:
        return [
            Result(False, "未设置允许的主机名", "ALLOWED_HOSTS is empty", "SHEGONG_ALLOWED_HOSTS")
        ]
    if "*" in hosts:
        return [Result(False, "允许的主机名不能为 *", "ALLOWED_HOSTS must not contain *")]
    return [Result(True, "允许的主机名已设置", "ALLOWED_HOSTS set", ", ".join(hosts))]


def check_database() -> list[Result]:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    try:
        connection.ensure_connection()
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as exc:  # any driver error means "not reachable" here
        return [Result(False, "无法连接数据库", "database unreachable", str(exc)[:200])]
    reachable = Result(True, "数据库可以连接", "database reachable", connection.vendor)
    if plan:
        return [
            reachable,
            Result(
                False,
                f"有{len(plan)}个数据库迁移未执行",
                "migrations not applied",
                "运行 shegong migrate",
            ),
        ]
    return [reachable, Result(True, "数据库迁移已全部执行", "migrations applied")]


def check_limits() -> list[Result]:
    """Where the rate limits are counted (core.limits), and whose address they count."""
    results = []
    if settings.SHEGONG_REDIS_URL:
        from django.core.cache import caches

        from .limits import REDIS_CACHE

        try:
            cache = caches[REDIS_CACHE]
            cache.set("check", 1, timeout=5)
            if cache.get("check") != 1:
                raise ValueError("the value written was not read back")
        except Exception as exc:  # any client error means "not reachable" here
            results.append(Result(False, "无法连接 Redis", "Redis unreachable", str(exc)[:200]))
        else:
            results.append(Result(True, "频率限制计数保存在 Redis", "rate limits counted in Redis"))
    else:
        results.append(
            Result(True, "频率限制计数保存在数据库", "rate limits counted in the database")
        )
    if settings.SESSION_COOKIE_SECURE and not settings.TRUSTED_PROXIES:
        results.append(
            Result(
                False,
                "未设置 SHEGONG_TRUSTED_PROXIES",
                "no trusted proxy",
                "经反向代理访问时，所有用户的地址都是代理的地址，登录限速和锁定将按代理地址计算 / "
                "behind a proxy every client would share its address",
                warning=True,
            )
        )
    return results


def check_audit_chain() -> list[Result]:
    """The database guards of the audit trail are in place and its hash chain is intact (the
    full walk: 100,000 entries took 9 s on SQLite, 13 s on PostgreSQL on a busy 2-core box)."""
    from shegong.core import audit, auditchain

    try:
        missing = auditchain.missing_guards()
        report = audit.verify_chain()
    except Exception as exc:  # no database, or not migrated: check_database says which
        return [Result(False, "无法核验审计日志", "cannot verify the audit trail", str(exc)[:200])]
    results = []
    if missing:
        results.append(
            Result(
                False,
                "审计日志的数据库保护触发器缺失",
                "audit trail database triggers missing",
                "、".join(missing),
            )
        )
    else:
        results.append(
            Result(True, "审计日志的数据库保护触发器齐全", "audit trail database triggers present")
        )
    if report.ok:
        results.append(Result(True, report.message, "audit hash chain intact"))
    else:
        results.append(Result(False, report.message, "audit hash chain broken"))
    return results


def check_media() -> list[Result]:
    media = Path(settings.MEDIA_ROOT)
    try:
        media.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=media, prefix=".check-"):
            pass
    except OSError as exc:
        return [Result(False, "上传目录不可写", "media directory not writable", f"{media}: {exc}")]
    return [Result(True, "上传目录可写", "media directory writable", str(media))]


def check_static() -> list[Result]:
    from .staticfiles import is_current

    root = settings.STATIC_ROOT
    if is_current(root):
        return [Result(True, "静态文件已收集（哈希文件名、gzip 与 brotli）",
                       "static files collected (hashed, gzip and brotli)", str(root))]  # fmt: skip
    return [
        Result(
            False, "静态文件未收集或已过期：页面暂用未压缩的文件、短缓存",
            "static files not collected or stale: served uncompressed, short cache",
            "shegong serve 启动时会收集；或运行 shegong collectstatic --noinput", warning=True,
        )
    ]  # fmt: skip


def check_pii_key() -> list[Result]:
    from shegong.core import pii

    if settings.PII_KEY:
        try:
            pii.parse_key_setting(settings.PII_KEY)
        except Exception as exc:
            return [Result(False, "个人信息密钥格式错误", "SHEGONG_PII_KEY malformed", str(exc))]
        return [Result(True, "个人信息密钥由环境变量配置", "PII key set via environment")]
    return [
        Result(
            False,
            "个人信息密钥使用自动生成的文件",
            "PII key from generated file",
            f"{settings.DATA_DIR / 'pii_keys.json'}：请备份，生产环境建议设置 SHEGONG_PII_KEY",
            warning=True,
        )
    ]


def check_channels() -> list[Result]:
    from shegong.core import channels

    errors = channels.config_errors()
    if errors:
        return [Result(False, "通知通道配置错误", "notify channel config", e) for e in errors]
    names = "、".join(c.name for c in channels.configured()) or "仅站内消息 / inbox only"
    return [Result(True, "通知通道配置正确", "notify channels parse", names)]


def check_worker() -> list[Result]:
    from shegong.core.models import WorkerHeartbeat

    try:
        beats = list(WorkerHeartbeat.objects.order_by("-beat_at"))
    except Exception as exc:
        return [
            Result(False, "无法读取后台进程心跳", "cannot read worker heartbeat", str(exc)[:200])
        ]
    live = [b for b in beats if not b.is_stale]
    if live:
        names = "、".join(b.name for b in live)
        return [Result(True, "后台进程运行中", "worker heartbeat recent", names)]
    detail = f"最近心跳 / last beat: {beats[0].beat_at:%Y-%m-%d %H:%M:%S}" if beats else ""
    return [
        Result(
            False,
            "没有运行中的后台进程（shegong worker）",
            "no recent worker heartbeat",
            detail,
        )
    ]


def check_holiday_calendar(today: date | None = None) -> list[Result]:
    """Working-day deadlines need the State Council's holiday calendar of this year and, from
    1 November (when next year's is announced), of next year: ``chinese-calendar`` carries one
    year at a time, so a year neither the package knows nor the administrators entered
    (/system/calendar/, confirmed complete) silently counts Monday–Friday only."""
    from django.db import DatabaseError
    from django.utils import timezone

    from shegong.core.workdays import calendar_covers, package_covers

    today = today or timezone.localdate()
    years = [today.year] + ([today.year + 1] if today.month >= 11 else [])
    try:
        missing = [y for y in years if not calendar_covers(y)]
    except DatabaseError:  # not migrated yet (the database check says so): the package alone
        missing = [y for y in years if not package_covers(y)]
    if not missing:
        return [
            Result(True, "节假日日历已覆盖", "holiday calendar covers", "、".join(map(str, years)))
        ]
    return [
        Result(
            False,
            f"节假日日历缺少 {'、'.join(map(str, missing))} 年（工作日时限按周一至周五计算）",
            "holiday calendar missing a year: enter it on /system/calendar/ or upgrade "
            "chinesecalendar",
            "国务院每年11–12月公布次年安排：区管理员在“系统管理 › 节假日日历”录入并确认完整，"
            "或升级内置的节假日日历包",
            warning=True,
        )
    ]


# The platform's own checks, registered by CoreConfig.ready(); apps register theirs beside them.
CHECKS = [
    Check(function.__name__.removeprefix("check_"), function, order=index)
    for index, function in enumerate(
        [
            check_env,
            check_secret_key,
            check_debug,
            check_allowed_hosts,
            check_database,
            check_limits,
            check_audit_chain,
            check_media,
            check_static,
            check_pii_key,
            check_channels,
            check_worker,
            check_holiday_calendar,
        ]
    )
]


def run() -> list[Result]:
    results: list[Result] = []
    for check in registry.checks:
        try:
            results.extend(registry.resolve(check.function)())
        except Exception as exc:  # a check must never crash the report
            results.append(Result(False, f"检查出错：{check.name}", "check crashed", str(exc)))
    return results


def report(write: Callable[[str], object] = print) -> int:
    """Print every check; return the exit status (1 when any check failed)."""
    results = run()
    for result in results:
        write(result.line)
    failed = sum(r.failed for r in results)
    write(f"\n{failed}项未通过 / {failed} failed" if failed else "\n全部通过 / all checks passed")
    return 1 if failed else 0
