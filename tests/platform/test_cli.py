"""The `shegong` command, run in-process."""

from __future__ import annotations

import base64

import pytest
from django.db import connection

from shegong import cli
from shegong.accounts.models import User
from shegong.core import pii
from shegong.core.audit import Verb
from shegong.core.models import AuditEvent
from shegong.regions.models import Region


def run(*args):
    return cli.main(["shegong", *args])


def test_help_lists_the_subcommands_in_chinese_and_english(capsys):
    assert run() == 0
    out = capsys.readouterr().out
    for name in cli.COMMANDS:
        assert name in out
    assert "部署自检 / deployment self-check" in out


def test_createadmin_creates_an_audited_superuser(db, capsys):
    assert run("createadmin", "--phone", "13912345678", "--password", "Admin#2026x") == 0
    user = User.objects.get(phone="13912345678")
    assert user.is_superuser and user.check_password("Admin#2026x")
    assert not user.must_change_password
    assert AuditEvent.objects.get(verb=Verb.USER_CREATED).target_id == str(user.pk)


@pytest.mark.parametrize(
    ("phone", "password", "message"),
    [
        ("12345", "Admin#2026x", "手机号：手机号应为以1开头的11位数字"),
        ("13912345678", "short1", "密码："),
        ("13912345678", "alllowercaseletters", "密码："),
    ],
)
def test_createadmin_refuses_bad_input_in_chinese(db, capsys, phone, password, message):
    assert run("createadmin", "--phone", phone, "--password", password) == 1
    assert message in capsys.readouterr().err
    assert not User.objects.exists()


def test_createadmin_refuses_a_registered_phone(superuser, capsys):
    assert run("createadmin", "--phone", superuser.phone, "--password", "Admin#2026x") == 1
    assert "该手机号已注册" in capsys.readouterr().err


def test_import_regions_reports_every_bad_row_and_writes_nothing(district, tmp_path, capsys):
    path = tmp_path / "regions.csv"
    path.write_text(
        "代码,名称,层级,上级代码\n"
        "341271001002,南关社区,社区,341271001000\n"
        "341271001002,北关社区,社区,341271001000\n"
        "34127100100,短码社区,社区,341271001000\n",
        encoding="utf-8",
    )
    before = Region.objects.count()
    assert run("import", "regions", str(path)) == 1
    err = capsys.readouterr().err
    assert "第3行 字段 code：代码与第2行重复：341271001002" in err
    assert "第4行 字段 code：社区/村的代码应为12位数字：34127100100" in err
    assert Region.objects.count() == before


def test_import_regions_imports_a_good_file(district, tmp_path, capsys):
    path = tmp_path / "regions.csv"
    path.write_text("code,name,level,parent_code\n341271001002,南关社区,街道,341271001000\n")
    assert run("import", "regions", str(path)) == 1  # 街道 under a street is the wrong level
    assert "第2行 字段 level" in capsys.readouterr().err
    path.write_text("code,name,level,parent_code\n341271001002,南关社区,社区,341271001000\n")
    assert run("import", "regions", str(path)) == 0
    assert "已导入1个区划" in capsys.readouterr().out
    assert AuditEvent.objects.get(verb=Verb.REGIONS_IMPORTED).via == "cli"


def test_bench_refuses_an_unknown_benchmark(db, capsys):
    assert run("bench", "nosuch") == 1
    assert "找不到基准测试" in capsys.readouterr().err
    assert run("bench", "../etc/passwd") == 1


def test_unknown_subcommands_fall_through_to_django(db, capsys):
    assert run("showmigrations", "regions") == 0
    assert "0001_initial" in capsys.readouterr().out


@pytest.fixture
def two_keys(settings):
    old = "k1:" + base64.b64encode(b"1" * 32).decode()
    new = "k2:" + base64.b64encode(b"2" * 32).decode()
    settings.PII_KEY = old
    pii.keyring.cache_clear()
    yield old, new
    pii.keyring.cache_clear()


def _stored_id(user):
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number FROM accounts_user WHERE id = %s", [user.pk])
        return cursor.fetchone()[0]


def test_pii_rotate_re_encrypts_under_the_current_key(db, settings, two_keys, capsys):
    old, new = two_keys
    person = User.objects.create_user(
        phone="13912340000", password="x", name="赵示范", id_number="11010519491231002X"
    )
    assert _stored_id(person).startswith("v1:k1:")

    settings.PII_KEY = f"{new},{old}"
    pii.keyring.cache_clear()
    assert run("pii-rotate") == 0

    assert _stored_id(person).startswith("v1:k2:")
    person.refresh_from_db()
    assert person.id_number == "11010519491231002X"
    assert User.objects.filter(id_number_index=pii.blind_index("11010519491231002X")).exists()
    event = AuditEvent.objects.get(verb=Verb.PII_REKEYED)
    assert event.data["rows"]["accounts.User"] == 1
    assert "re-encrypted 1 rows" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv",
    [
        ["--restart-backoff", "0"],
        ["--restart-backoff", "-1"],
        ["--restart-backoff", "10", "--restart-backoff-max", "5"],
    ],
)
def test_serve_refuses_a_back_off_that_is_not_positive_and_below_its_cap(db, capsys, argv):
    assert cli.main(["shegong", "serve", *argv]) == 1
    assert "--restart-backoff 须大于0且不大于 --restart-backoff-max" in capsys.readouterr().err


def test_check_exits_non_zero_naming_the_first_broken_audit_entry(db, capsys):
    from shegong.core import audit

    entries = [audit.record(Verb.LOGIN, actor=None, actor_label=f"用户{i}") for i in range(3)]
    run("check")
    assert "✓ 审计日志哈希链完整" in capsys.readouterr().out
    with connection.cursor() as cursor:  # an attacker with rights on the database
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER core_auditevent_no_young_delete")
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [entries[1].pk])
    assert run("check") == 1
    out = capsys.readouterr().out
    assert f"✗ 审计日志哈希链在 #{entries[2].pk} 处断开" in out
    assert f"与前一条（#{entries[0].pk}）衔接不上" in out
