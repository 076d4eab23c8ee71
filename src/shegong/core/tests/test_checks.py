"""`shegong check`: one line per check, non-zero exit on any failure."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.utils import timezone

from shegong.core import checks
from shegong.core.models import WorkerHeartbeat

KEY = "k1:" + base64.b64encode(b"k" * 32).decode()


@pytest.fixture
def production(settings, tmp_path, db):
    """A configuration that passes every check."""
    settings.ENV_ERRORS = []
    settings.DEBUG = False
    settings.SECRET_KEY_FROM_ENV = True
    settings.ALLOWED_HOSTS = ["shegong.example.gov.cn"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PII_KEY = KEY
    settings.NOTIFY_CHANNELS = ""
    WorkerHeartbeat.objects.create(name="worker@web1:42")
    return settings


def failures(results):
    return [r for r in results if r.failed]


def test_a_production_configuration_passes(production, capsys):
    assert failures(checks.run()) == []
    assert checks.report() == 0
    out = capsys.readouterr().out
    assert "✓ 后台进程运行中 / worker heartbeat recent — worker@web1:42" in out
    assert "全部通过" in out


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"ENV_ERRORS": ["SHEGONG_DEBUG='maybe': 应为布尔值"]}, "SHEGONG_DEBUG"),
        ({"DEBUG": True}, "调试模式已开启"),
        ({"SECRET_KEY_FROM_ENV": False}, "生产环境须设置 SHEGONG_SECRET_KEY"),
        ({"ALLOWED_HOSTS": []}, "未设置允许的主机名"),
        ({"ALLOWED_HOSTS": ["*"]}, "允许的主机名不能为 *"),
        ({"PII_KEY": "k1:not-base64!"}, "个人信息密钥格式错误"),
        ({"NOTIFY_CHANNELS": '[{"name": "群", "kind": "wecom"}]'}, "通知通道配置错误"),
    ],
)
def test_each_problem_fails_its_check(production, change, expected, capsys):
    for name, value in change.items():
        setattr(production, name, value)
    assert checks.report() == 1
    out = capsys.readouterr().out
    assert any(line.startswith("✗") and expected in line for line in out.splitlines()), out


def test_a_stale_worker_heartbeat_fails(production):
    WorkerHeartbeat.objects.update(beat_at=timezone.now() - timedelta(minutes=10))
    (result,) = checks.check_worker()
    assert result.failed
    assert "没有运行中的后台进程" in result.zh
    assert "最近心跳" in result.detail


def test_no_worker_at_all_fails(production):
    WorkerHeartbeat.objects.all().delete()
    assert checks.check_worker()[0].failed


def test_an_unwritable_media_dir_fails(production, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    production.MEDIA_ROOT = blocker / "media"
    (result,) = checks.check_media()
    assert result.failed and "上传目录不可写" in result.zh


def test_a_generated_pii_key_file_is_only_a_warning(production, capsys):
    production.PII_KEY = ""
    (result,) = checks.check_pii_key()
    assert result.warning and not result.failed
    assert checks.report() == 0
    assert "! 个人信息密钥使用自动生成的文件" in capsys.readouterr().out


def test_unapplied_migrations_fail(production, monkeypatch):
    from django.db.migrations.executor import MigrationExecutor

    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: ["x"])
    results = checks.check_database()
    assert results[0].ok
    assert results[1].failed and "有1个数据库迁移未执行" in results[1].zh


def _run_cli(*args, tmp_path, **env):
    environment = {**os.environ, "SHEGONG_DATA_DIR": str(tmp_path), **env}
    environment.pop("SHEGONG_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "shegong.cli", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
    )


def test_start_up_names_a_malformed_variable_and_exits_2(tmp_path):
    done = _run_cli("worker", "--once", tmp_path=tmp_path, SHEGONG_DEBUG="maybe")
    assert done.returncode == 2
    assert "SHEGONG_DEBUG='maybe'" in done.stderr
    assert "应为布尔值" in done.stderr and "expected a boolean" in done.stderr

    done = _run_cli("shell", "-c", "print(1)", tmp_path=tmp_path, SHEGONG_DEBUG="maybe")
    assert done.returncode == 2  # Django's own commands are guarded too

    done = _run_cli("check", tmp_path=tmp_path, SHEGONG_DEBUG="maybe")
    assert done.returncode == 1
    assert "✗ 环境变量格式错误 / malformed environment variable — SHEGONG_DEBUG" in done.stdout


@pytest.mark.django_db  # entered calendar years are read from the database
def test_the_check_warns_when_next_years_holiday_calendar_is_missing():
    from datetime import date

    from shegong.core.checks import check_holiday_calendar

    # chinese-calendar 1.11 covers 2004–2026.
    assert check_holiday_calendar(date(2026, 6, 1))[0].ok
    late = check_holiday_calendar(date(2026, 11, 29))[0]
    assert not late.ok and late.warning and not late.failed
    assert "2027" in late.zh


def test_the_limits_check_names_the_store(production, redis_limits):
    [line] = [r for r in checks.run() if "rate limits" in r.en]
    assert line.ok and "Redis" in line.zh


def test_an_unreachable_redis_fails_the_check(production, redis_limits, settings):
    settings.SHEGONG_REDIS_URL = "redis://127.0.0.1:1/0"
    settings.CACHES = {
        **settings.CACHES,
        "limits": {**settings.CACHES["limits"], "LOCATION": "redis://127.0.0.1:1/0"},
    }
    [failure] = failures(checks.run())
    assert failure.zh == "无法连接 Redis"


def test_behind_https_without_a_trusted_proxy_the_check_warns(production):
    production.SESSION_COOKIE_SECURE = True
    production.TRUSTED_PROXIES = []
    warnings = [r.zh for r in checks.run() if r.warning]
    assert "未设置 SHEGONG_TRUSTED_PROXIES" in warnings
    assert failures(checks.run()) == []


def test_a_broken_audit_chain_fails_the_check(production, capsys):
    from django.db import connection

    from shegong.core import audit

    entries = [audit.record(audit.Verb.LOGIN, actor=None) for _ in range(3)]
    assert checks.report() == 0
    assert "✓ 审计日志哈希链完整：核验3条" in capsys.readouterr().out
    with connection.cursor() as cursor:  # an attacker with rights on the database
        on_table = " ON core_auditevent" if connection.vendor == "postgresql" else ""
        cursor.execute(f"DROP TRIGGER core_auditevent_no_update{on_table}")
        cursor.execute("UPDATE core_auditevent SET ip = '10.0.0.9' WHERE id = %s", [entries[0].pk])
    assert checks.report() == 1
    out = capsys.readouterr().out
    assert f"✗ 审计日志哈希链在 #{entries[0].pk} 处断开：内容与哈希不符，记录被改动" in out
    assert "✗ 审计日志的数据库保护触发器缺失" in out


def test_static_files_not_collected_are_a_warning_and_a_collection_passes(settings, tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    (source / "site.css").write_text("body { margin: 0 }\n" * 50)
    settings.STATICFILES_DIRS = [source]
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    settings.STATIC_ROOT = tmp_path / "root"
    (result,) = checks.check_static()
    assert result.warning and not result.failed
    assert "静态文件未收集或已过期" in result.line

    from shegong.core.staticfiles import collect

    collect()
    (result,) = checks.check_static()
    assert result.ok
