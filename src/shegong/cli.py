"""The ``shegong`` command: demo, serve, worker, setup and maintenance in one place.

Subcommands it does not know fall through to Django (``shegong shell``, ``shegong
makemigrations`` …). Before anything runs, malformed environment variables are printed (in
Chinese and English) and the command exits with status 2; ``shegong check`` reports them as
failed checks instead.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import sys
from typing import Any

from shegong.core import supervisor

# The web processes ``shegong serve`` starts unless told otherwise.
WEB_WORKERS = 2

COMMANDS = {
    "demo": "首次运行：迁移、加载演示区、打印账号并启动 / first run: migrate, demo data, serve",
    "serve": "启动网站和后台进程 / run the web server and the worker",
    "worker": "只启动后台进程 / run the background worker",
    "migrate": "执行数据库迁移 / apply database migrations",
    "createadmin": "创建超级管理员 / create a superuser",
    "loaddemo": "加载演示区数据 / load the demo district",
    "import": "导入数据文件（区划、组织、人员、党组织、党建覆盖、指导走访） / import a data file",
    "bench": "运行基准测试 / run a benchmark",
    "check": "部署自检 / deployment self-check",
    "rollup": "重建数据看板汇总（指定日期段或全部） / rebuild the dashboard's rollups",
    "brief": "生成工作简报（docx、md 或 pdf） / write a region's work brief",
    "indicators": "列出看板指标口径，或写入 docs/indicators.md / print or write docs/indicators.md",
    "pii-rotate": "用当前密钥重新加密个人信息 / re-encrypt personal data with the current key",
    "apikey": "Open311 接口密钥：创建、列出、吊销 / Open311 API keys: create, list, revoke",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="shegong",
        description="社工 · 基层社会工作平台 / shegong, a platform for grassroots social work",
        epilog="其他子命令交给 Django 处理（如 shell、makemigrations） / "
        "other subcommands are Django's (shell, makemigrations …)",
    )
    sub = parser.add_subparsers(dest="command", metavar="命令 / command")

    def add(name: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=COMMANDS[name], description=COMMANDS[name])

    for name in ("demo", "serve"):
        p = add(name)
        p.add_argument("--host", default="127.0.0.1", help="监听地址 / bind address")
        p.add_argument("--port", type=int, default=8000, help="端口 / port")
        p.add_argument("--workers", type=int, default=WEB_WORKERS, help="网站进程数 / web workers")
        p.add_argument("--restart-backoff", type=float, metavar="SECONDS",
                       default=supervisor.BACKOFF_FIRST_SECONDS,
                       help="进程意外退出后首次重启的等待秒数，之后逐次加倍 / "
                       "first restart delay after a crash, doubled each time")  # fmt: skip
        p.add_argument("--restart-backoff-max", type=float, metavar="SECONDS",
                       default=supervisor.BACKOFF_MAX_SECONDS,
                       help="重启等待的上限秒数 / longest restart delay")  # fmt: skip
    p = add("worker")
    p.add_argument("--name", help="进程名 / worker name (default worker@host:pid)")
    p.add_argument("--interval", type=float, default=1.0, help="轮询间隔秒数 / poll seconds")
    p.add_argument("--once", action="store_true", help="只运行一轮 / one iteration")
    add("migrate")
    p = add("createadmin")
    p.add_argument("--phone", required=True, help="手机号（登录名） / mobile number (login)")
    p.add_argument("--password", required=True, help="密码 / password")
    p.add_argument("--name", default="系统管理员", help="姓名 / name")
    p = add("loaddemo")
    p.add_argument("--size", choices=("small", "seed", "large"), default="seed")
    p = add("import")
    p.add_argument(
        "what",
        choices=("regions", "organizations", "people", "party-orgs", "coverage", "visits"),
        help="数据类型 / kind of data",
    )  # fmt: skip
    p.add_argument("file", help="CSV 或 xlsx 文件 / CSV or xlsx file")
    p.add_argument("--dry-run", action="store_true", help="只检查不写入 / check, write nothing")
    p.add_argument("--as", dest="as_phone", metavar="PHONE",
                   help="以该用户的范围和权限导入 / import with this user's scope")  # fmt: skip
    p.add_argument("--map", dest="maps", action="append", default=[], metavar="表头=字段",
                   help="列对应，字段写英文名或中文名，- 为不导入（可重复） / map a header to a "
                        "field (name or label), - ignores it; repeatable")  # fmt: skip
    p.add_argument("--set", dest="sets", action="append", default=[], metavar="字段=值",
                   help="文件中没有的字段对所有行统一填写（可重复） / a constant for a field the "
                        "file lacks; repeatable")  # fmt: skip
    p = add("bench")
    p.add_argument("name", help="benchmarks/<NAME>.py")
    p.add_argument("--size", type=int, default=None, help="数据量 / rows")
    p.add_argument("--regions", choices=("seed", "city"), default=None,
                   help="区划树规模（bench pages）：city 为10街道×20社区×10网格 / "
                        "region tree (bench pages): city is 10 x 20 x 10")  # fmt: skip
    add("check")
    p = add("rollup")
    p.add_argument(
        "--from",
        dest="start",
        metavar="YYYY-MM-DD",
        help="起始日期（默认每项指标最早的记录） / first day (default: the first record)",
    )
    p.add_argument("--to", dest="end", metavar="YYYY-MM-DD", help="截止日期（默认今天） / last day")
    p.add_argument(
        "--indicator",
        action="append",
        metavar="CODE",
        help="只汇总该指标，可重复 / only this indicator (repeatable)",
    )
    p.add_argument(
        "--check",
        action="store_true",
        help="只核对汇总与原始记录，不写入 / compare with the raw records, write nothing",
    )
    p = add("brief")
    p.add_argument("--region", required=True, metavar="CODE", help="区划代码 / region code")
    p.add_argument("--from", dest="start", metavar="YYYY-MM-DD",
                   help="起始日期（默认上月第一天） / first day (default: last month)")  # fmt: skip
    p.add_argument("--to", dest="end", metavar="YYYY-MM-DD",
                   help="截止日期（默认上月末） / last day (default: last month)")  # fmt: skip
    p.add_argument("--kind", default="月报", help="月报、季度总结、年度总结或专项简报 / kind")
    p.add_argument("--format", dest="fmt", default="docx", help="docx、md 或 pdf / format")
    p.add_argument("--output", metavar="FILE",
                   help="输出文件（默认以标题命名） / output file (default: title)")  # fmt: skip
    p = add("indicators")
    p.add_argument("--write", action="store_true",
                   help="写入 docs/indicators.md / write docs/indicators.md")  # fmt: skip
    add("pii-rotate")
    p = add("apikey")
    keys = p.add_subparsers(dest="action", metavar="create | list | revoke")
    k = keys.add_parser("create", help="创建密钥并打印一次 / create a key, print it once")
    k.add_argument("--name", default="", help="用途，如 12345热线对接 / what the key is for")
    keys.add_parser("list", help="列出密钥 / list keys")
    k = keys.add_parser("revoke", help="吊销密钥 / revoke a key")
    k.add_argument("prefix", help="密钥前缀（list 所示） / the key's prefix, as listed")
    return parser


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shegong.settings")
    import django

    django.setup()


def _start_errors() -> list[str]:
    from django.conf import settings

    from shegong.core import channels

    return [*settings.ENV_ERRORS, *channels.config_errors()]


def _fail(messages: list[str], status: int = 1) -> int:
    for message in messages:
        print(f"错误 / error: {message}", file=sys.stderr)
    return status


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    args = argv[1:]
    command = args[0] if args else None
    if command is None:
        build_parser().print_help()
        return 0
    if command not in COMMANDS and command not in ("-h", "--help"):
        return _django(args)
    if command == "migrate" and not ({"-h", "--help"} & set(args)):
        return _django(args)
    options = build_parser().parse_args(args)
    _setup()
    if options.command == "check":
        from shegong.core import checks

        return checks.report()
    errors = _start_errors()
    if errors:
        print("环境变量有误，无法启动 / invalid environment, not starting:", file=sys.stderr)
        return _fail(errors, status=2)
    from shegong.core.audit import audit_context

    with audit_context(via="cli"):
        return HANDLERS[options.command](options)


def _django(args: list[str]) -> int:
    _setup()
    errors = _start_errors()
    if errors:
        print("环境变量有误，无法启动 / invalid environment, not starting:", file=sys.stderr)
        return _fail(errors, status=2)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["shegong", *args])
    return 0


# --- handlers --------------------------------------------------------------------------------


def cmd_worker(options: Any) -> int:
    from shegong.core.worker import Worker

    Worker(name=options.name, interval=max(options.interval, 0.0)).run(once=options.once)
    return 0


def cmd_loaddemo(options: Any) -> int:
    from django.core.management import call_command

    call_command("loaddemo", size=options.size)
    return 0


def cmd_createadmin(options: Any) -> int:
    from shegong.accounts.actions import create_superuser
    from shegong.core.errors import InvalidInput

    labels = {"phone": "手机号", "name": "姓名", "password": "密码"}
    try:
        create_superuser(
            actor=None, phone=options.phone, name=options.name, password=options.password
        )
    except InvalidInput as exc:
        return _fail([f"{labels.get(e['field'], e['field'])}：{e['message']}" for e in exc.errors])
    print(f"已创建超级管理员 / superuser created: {options.phone}")
    return 0


def cmd_import(options: Any) -> int:
    if options.what != "regions":
        return _import_ledger(options)
    from shegong.regions.importer import import_file

    created, errors = import_file(options.file)
    if errors:
        print(f"导入失败，未写入任何数据 / nothing imported ({len(errors)}):", file=sys.stderr)
        for line in errors:
            print(line, file=sys.stderr)
        return 1
    print(f"已导入{created}个区划 / imported {created} regions")
    return 0


def _import_ledger(options: Any) -> int:
    """``shegong import organizations|people|party-orgs|coverage|visits FILE [--dry-run]
    [--as PHONE] [--map HEADER=FIELD ...] [--set FIELD=VALUE ...]``.

    With ``--map``/``--set`` the headers are matched by name and alias as in the wizard, the
    flags change or complete that, and the resolved mapping is printed before any row is read.
    Without them the headers must follow the template. Saved mappings (the wizard's) are not
    used here: a script says what it means."""
    from shegong.accounts.models import User
    from shegong.core.errors import NotPermitted
    from shegong.ledger.actions.imports import import_file

    actor = None
    if options.as_phone:
        actor = User.objects.filter(phone=options.as_phone, is_active=True).first()
        if actor is None:
            return _fail([f"找不到该用户 / no such active user: {options.as_phone}"])
    mapping = None
    if options.maps or options.sets:
        mapping, problems = _cli_mapping(options)
        if problems:
            return _fail(problems)
    try:
        result = import_file(options.what, options.file, actor=actor, dry_run=options.dry_run,
                             mapping=mapping)  # fmt: skip
    except NotPermitted as exc:
        return _fail([f"{exc.detail} / not permitted"])
    if result.errors:
        print(f"导入失败，未写入任何数据 / nothing imported: {len(result.errors)} 处错误 / errors",
              file=sys.stderr)  # fmt: skip
        for error in result.errors[:50]:
            where = f"第{error['row']}行" if error["row"] else "文件"
            column = f"「{error['label']}」" if error.get("label") else ""
            print(f"  {where}{column}：{error['message']}", file=sys.stderr)
        if len(result.errors) > 50:
            print(f"  ……另有{len(result.errors) - 50}处 / more", file=sys.stderr)
        if result.error_workbook:
            print(f"错误工作簿 / error workbook: {result.error_workbook}", file=sys.stderr)
        return 1
    prefix = "试运行，未写入 / dry run, nothing written: " if result.dry_run else ""
    r = result
    print(f"{prefix}新增 {r.created}，更新 {r.updated}，未变 {r.unchanged} / "
          f"created {r.created}, updated {r.updated}, unchanged {r.unchanged}")  # fmt: skip
    return 0


def _cli_mapping(options: Any) -> tuple[Any, list[str]]:
    """The mapping ``--map``/``--set`` make of the file's guessed one, printed; or the reasons
    it cannot be used."""
    from shegong.ledger import excel

    table = excel.IMPORTABLE[options.what]
    try:
        sheet = excel.open_sheet(options.file, table, strict=False)
    except excel.FileError as exc:
        return None, [str(exc)]
    columns = list(sheet.guesses)
    constants: dict[str, str] = {}
    problems: list[str] = []
    fields = "、".join(f"{f.name}（{f.label}）" for f in table.fields)
    keys = [excel.header_key(h) for h in sheet.headers]
    for item in options.maps:
        header, sep, target = item.rpartition("=")
        if not sep or excel.header_key(header) not in keys:
            shown = "、".join(h for h in sheet.headers if h)
            problems.append(f"--map {item}：文件中没有列「{header or item}」（表头：{shown}）")
            continue
        name = None if target.strip() == excel.IGNORED else excel.resolve_field(table, target)
        if name is None and target.strip() != excel.IGNORED:
            problems.append(f"--map {item}：没有字段「{target}」，可用：{fields}")
            continue
        columns[keys.index(excel.header_key(header))] = name
    for item in options.sets:
        target, sep, value = item.partition("=")
        name = excel.resolve_field(table, target)
        if not sep or name is None:
            problems.append(f"--set {item}：没有字段「{target}」，可用：{fields}")
            continue
        constants[name] = value.strip()
    mapping = excel.Mapping(tuple(sheet.headers), tuple(columns), constants)
    print("列对应 / column mapping:")
    for header, name in zip(sheet.headers, columns, strict=True):
        if header:
            shown = f"{table.field(name).label}（{name}）" if name else "不导入 / ignored"
            print(f"  {header} → {shown}")
    for name, value in constants.items():
        print(f"  {table.field(name).label}（{name}）= {value}（统一值 / constant）")
    return mapping, problems + mapping.problems(table)


def load_benchmark(name: str) -> Any:
    """The module ``benchmarks/<name>.py`` of the repository, loaded by path; None if absent."""
    from django.conf import settings

    path = settings.REPO_DIR / "benchmarks" / f"{name}.py"
    if not re.fullmatch(r"[A-Za-z0-9_]+", name) or not path.is_file():
        return None
    spec = importlib.util.spec_from_file_location(f"shegong_benchmarks_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def cmd_bench(options: Any) -> int:
    module = load_benchmark(options.name)
    if module is None:
        return _fail([f"找不到基准测试 / no such benchmark: benchmarks/{options.name}.py"])
    kwargs = {} if options.regions is None else {"regions": options.regions}
    result = module.main(**kwargs) if options.size is None else module.main(options.size, **kwargs)
    print(json.dumps(result, ensure_ascii=False))
    return 0


def cmd_pii_rotate(options: Any) -> int:
    from shegong.core.rekey import rekey_pii

    counts = rekey_pii(actor=None)
    total = sum(counts.values())
    print(f"已用当前密钥重新加密{total}行 / re-encrypted {total} rows")
    for label, count in counts.items():
        print(f"  {label}: {count}")
    return 0


def _unapplied_migrations() -> list[str]:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _ in plan]


def web_command(host: str, port: int, workers: int) -> list[str]:
    """The argv of the web server ``shegong serve`` runs (``benchmarks/pages.py`` runs the same)."""
    return [
        sys.executable, "-m", "gunicorn", "shegong.wsgi:application",
        "--bind", f"{host}:{port}", "--workers", str(workers),
        "--access-logfile", "-", "--graceful-timeout", "10",
        # Secrets in a URL (an Open311 api_key) are hidden in the access log.
        "--logger-class", "shegong.core.accesslog.RedactingLogger",
    ]  # fmt: skip


def cmd_serve(options: Any) -> int:
    """gunicorn and the worker as children in this process group, watched by
    ``core.supervisor``: a child that dies is restarted with back-off while the other keeps
    running (the site stays up while the worker is down); a signal stops both. Refuses to start
    on a database behind the code (after an upgrade, before ``shegong migrate``): every page
    touching a new column would be a 500. Collects the static files first unless the collection
    is current (``core.staticfiles``): hashed names, gzip and brotli, a long cache."""
    from shegong.core.supervisor import Backoff, Child, Supervisor

    if options.workers < 1:
        return _fail(["--workers 至少为1 / must be >= 1"])
    if not 0 < options.restart_backoff <= options.restart_backoff_max:
        return _fail(["--restart-backoff 须大于0且不大于 --restart-backoff-max / "
                      "need 0 < --restart-backoff <= --restart-backoff-max"])  # fmt: skip
    pending = _unapplied_migrations()
    if pending:
        shown = "、".join(pending[:5]) + (" …" if len(pending) > 5 else "")
        return _fail([
            f"数据库还有 {len(pending)} 个迁移未执行（{shown}），请先运行 shegong migrate / "
            f"{len(pending)} unapplied migration(s): run `shegong migrate` first"
        ])  # fmt: skip
    from shegong.core.staticfiles import collect

    print("正在检查静态文件 / collecting static files …", flush=True)
    collect()
    web = web_command(options.host, options.port, options.workers)
    worker = [sys.executable, "-m", "shegong.cli", "worker"]
    supervisor = Supervisor(
        [
            Child("网站", "web server", web, fatal_at_start=True),
            Child("后台进程", "worker", worker),
        ],
        backoff=Backoff(first=options.restart_backoff, maximum=options.restart_backoff_max),
    )
    print(f"网站 / web: http://{options.host}:{options.port}/  （Ctrl-C 停止 / to stop）")
    return supervisor.run()


def cmd_demo(options: Any) -> int:
    from django.core.management import call_command

    from shegong.accounts.demo import format_logins
    from shegong.core import demo
    from shegong.regions.models import Region

    print("正在准备数据库 / preparing the database …")
    call_command("migrate", interactive=False, verbosity=0)
    # A fresh database gets the demo district; a demo database gets what later loaders add.
    # A database holding a real deployment's regions is left alone.
    if not Region.objects.exists() or Region.objects.filter(code=demo.DISTRICT[0]).exists():
        print("正在加载演示区 / loading the demo district …")
        demo.load("seed")
    print("\n演示账号 / demo logins:\n" + format_logins() + "\n")
    return cmd_serve(options)


def cmd_apikey(options: Any) -> int:
    """``shegong apikey create --name NAME | list | revoke PREFIX`` (Open311 ``api_key``)."""
    from shegong.reports.actions.keys import create_api_key, revoke_api_key
    from shegong.reports.models import ApiKey

    if options.action == "create":
        if not options.name.strip():
            return _fail(["请用 --name 填写密钥用途 / --name is required"])
        api_key, plaintext = create_api_key(actor=None, name=options.name)
        print(f"已创建 Open311 接口密钥「{api_key.name}」，只显示这一次，请妥善保存 / "
              "created; shown only once:")  # fmt: skip
        print(plaintext)
        return 0
    if options.action == "list":
        from django.utils.timezone import localtime

        keys = list(ApiKey.objects.all())
        if not keys:
            print("还没有接口密钥 / no keys yet")
        for key in keys:
            used = f"{localtime(key.last_used_at):%Y-%m-%d %H:%M}" if key.last_used_at else "从未"
            state = "已吊销 / revoked" if key.revoked_at else "有效 / active"
            created = f"{localtime(key.created_at):%Y-%m-%d}"
            print(f"{key.prefix}…  {key.name}  {created}  {used}  {state}")
        return 0
    if options.action == "revoke":
        matches = list(ApiKey.objects.filter(prefix=options.prefix, revoked_at=None))
        if len(matches) != 1:
            found = "找不到" if not matches else "有多个"
            return _fail([f"{found}前缀为 {options.prefix} 的有效密钥 / no single active key"])
        revoke_api_key(matches[0], actor=None)
        print(f"已吊销「{matches[0].name}」 / revoked")
        return 0
    return _fail(["请指定 create、list 或 revoke / choose create, list or revoke"])


def cmd_rollup(options: Any) -> int:
    """``shegong rollup [--from D] [--to D] [--indicator CODE …] [--check]``: without dates,
    every indicator from its first record (the backfill, after which the worker goes on from the
    audit trail's head); with dates, that range again (idempotent)."""
    from datetime import date

    from django.utils import timezone

    from shegong.core import registry
    from shegong.dashboard import rollup

    today = timezone.localdate()
    days: dict[str, date | None] = {}
    for name, label in (("start", "起始日期"), ("end", "截止日期")):
        text = getattr(options, name)
        try:
            days[name] = date.fromisoformat(text) if text else None
        except ValueError:
            return _fail([f"{label}格式应为 YYYY-MM-DD：{text} / bad date"])
    start, end = days["start"], days["end"]
    if start and end and start > end:
        return _fail(["起始日期晚于截止日期 / the period ends before it starts"])
    if (start and start > today) or (end and end > today):
        return _fail(["日期不能晚于今天 / the period lies in the future"])
    codes = options.indicator
    unknown = [c for c in codes or () if c not in registry.indicators]
    if unknown:
        return _fail([f"没有该指标 / no such indicator: {'、'.join(unknown)}"])
    if options.check:
        found = rollup.drift(start or today.replace(day=1), end or today, codes)
        for d in found[:50]:
            where = f"{d.region} {d.dim}".strip()
            print(f"{d.indicator} {d.day} {where}: 汇总 {d.stored:g} ≠ 原始 {d.raw:g}")
        print(f"不一致 {len(found)} 处 / {len(found)} drifted cells")
        return 1 if found else 0
    if start is None and end is None and not codes:
        written = rollup.backfill()
    else:
        written = rollup.roll_range(start, end, codes)
    print(f"已汇总 {len(written)} 项指标，{sum(written.values())} 行 / "
          f"rolled {len(written)} indicators, {sum(written.values())} day rows")  # fmt: skip
    return 0


def cmd_brief(options: Any) -> int:
    """``shegong brief --region CODE [--from D] [--to D] [--kind K] [--format F] [--output
    FILE]``: the region's work brief over the period (default: last month), from the rollups.
    The document is made whole in memory before the file is written."""
    from datetime import date
    from pathlib import Path

    from django.utils import timezone

    from shegong.core.errors import DomainError
    from shegong.dashboard import actions, brief
    from shegong.regions.models import Region

    start, end = brief.last_month(timezone.localdate())
    days = {"start": start, "end": end}
    for name, label in (("start", "起始日期"), ("end", "截止日期")):
        text = getattr(options, name)
        try:
            if text:
                days[name] = date.fromisoformat(text)
        except ValueError:
            return _fail([f"{label}格式应为 YYYY-MM-DD：{text} / bad date"])
    region = Region.objects.filter(code=options.region).first()
    if region is None:
        return _fail([f"没有区划代码为 {options.region} 的区划 / no such region"])
    try:
        period = brief.check_period(days["start"], days["end"])
        brief.check_format(options.fmt)
        made = brief.compose(region, period, options.kind)
        content = brief.render(made, options.fmt)
    except DomainError as exc:
        return _fail([exc.detail])
    output = Path(options.output or brief.filename(made, options.fmt))
    partial = output.with_name(output.name + ".part")
    try:
        partial.write_bytes(content)
        partial.replace(output)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        return _fail([f"无法写入 {output}：{exc.strerror} / cannot write the file"])
    actions.record_generated(made, options.fmt, actor=None)
    print(f"已生成「{made.title}」：{output}（{len(made.notes)} 个数字） / written")
    return 0


def cmd_indicators(options: Any) -> int:
    """``shegong indicators [--write]``: the indicators' page (docs/indicators.md) from the
    registry, printed or stored in the repository."""
    from django.conf import settings

    from shegong.dashboard import docs

    if not options.write:
        print(docs.render(), end="")
        return 0
    path = docs.write(settings.REPO_DIR)
    print(f"已写入 / written: {path}")
    return 0


HANDLERS = {
    "demo": cmd_demo,
    "serve": cmd_serve,
    "worker": cmd_worker,
    "createadmin": cmd_createadmin,
    "loaddemo": cmd_loaddemo,
    "import": cmd_import,
    "bench": cmd_bench,
    "pii-rotate": cmd_pii_rotate,
    "apikey": cmd_apikey,
    "rollup": cmd_rollup,
    "brief": cmd_brief,
    "indicators": cmd_indicators,
}


if __name__ == "__main__":
    sys.exit(main())
