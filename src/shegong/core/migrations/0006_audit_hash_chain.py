"""The audit trail's hash chain (core.auditchain), and the database refusing to DELETE a young entry.

The floor is baked into the triggers as a number, 180 days, not read from the setting: it is the
legal minimum (网络安全法: network logs kept six months or more), the setting may only raise it,
and a number in the trigger has nothing to keep in sync and no table an UPDATE could lower. A
longer configured retention is kept by ``purge_expired``, the only deleting code. SQLite compares
with julianday() so any time format parses, and refuses a row whose time does not parse.

PostgreSQL also refuses TRUNCATE (it fires no row trigger). Anchors are append-only entirely.
Adding the columns remakes the table on SQLite, which drops 0002's UPDATE trigger: every guard is
(re)created here. The tests' flush lifts them around its DELETE/TRUNCATE (conftest.py).
"""

import django.utils.timezone
from django.db import migrations, models

BATCH = 5000

CREATE = {
    "sqlite": [
        "CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent "
        "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END",
        "CREATE TRIGGER core_auditevent_no_young_delete BEFORE DELETE ON core_auditevent "
        "WHEN julianday(old.at) IS NULL OR julianday(old.at) > julianday('now', '-180 days') "
        "BEGIN SELECT RAISE(ABORT, 'audit events younger than 180 days cannot be deleted'); END",
        "CREATE TRIGGER core_auditchainanchor_no_update BEFORE UPDATE ON core_auditchainanchor "
        "BEGIN SELECT RAISE(ABORT, 'audit chain anchors are append-only'); END",
        "CREATE TRIGGER core_auditchainanchor_no_delete BEFORE DELETE ON core_auditchainanchor "
        "BEGIN SELECT RAISE(ABORT, 'audit chain anchors are append-only'); END",
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION core_auditevent_refuse_update() RETURNS trigger AS $$ "
        "BEGIN RAISE EXCEPTION 'audit events are append-only'; END; $$ LANGUAGE plpgsql",
        "CREATE OR REPLACE FUNCTION core_auditevent_refuse_young_delete() RETURNS trigger AS $$ "
        "BEGIN IF old.at IS NULL OR old.at > now() - interval '180 days' THEN "
        "RAISE EXCEPTION 'audit events younger than 180 days cannot be deleted'; END IF; "
        "RETURN old; END; $$ LANGUAGE plpgsql",
        "CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent "
        "FOR EACH ROW EXECUTE FUNCTION core_auditevent_refuse_update()",
        "CREATE TRIGGER core_auditevent_no_young_delete BEFORE DELETE ON core_auditevent "
        "FOR EACH ROW EXECUTE FUNCTION core_auditevent_refuse_young_delete()",
        "CREATE TRIGGER core_auditevent_no_truncate BEFORE TRUNCATE ON core_auditevent "
        "FOR EACH STATEMENT EXECUTE FUNCTION core_auditevent_refuse_update()",
        "CREATE TRIGGER core_auditchainanchor_no_change BEFORE UPDATE OR DELETE "
        "ON core_auditchainanchor FOR EACH ROW EXECUTE FUNCTION core_auditevent_refuse_update()",
        "CREATE TRIGGER core_auditchainanchor_no_truncate BEFORE TRUNCATE "
        "ON core_auditchainanchor FOR EACH STATEMENT EXECUTE FUNCTION core_auditevent_refuse_update()",
    ],
}
TRIGGERS = {
    "sqlite": [
        ("core_auditevent", "core_auditevent_no_update"),
        ("core_auditevent", "core_auditevent_no_young_delete"),
        ("core_auditchainanchor", "core_auditchainanchor_no_update"),
        ("core_auditchainanchor", "core_auditchainanchor_no_delete"),
    ],
    "postgresql": [
        ("core_auditevent", "core_auditevent_no_update"),
        ("core_auditevent", "core_auditevent_no_young_delete"),
        ("core_auditevent", "core_auditevent_no_truncate"),
        ("core_auditchainanchor", "core_auditchainanchor_no_change"),
        ("core_auditchainanchor", "core_auditchainanchor_no_truncate"),
    ],
}


def drop_statements(vendor):
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {name}" for _, name in TRIGGERS["sqlite"]]
    return [f"DROP TRIGGER IF EXISTS {name} ON {table}" for table, name in TRIGGERS.get(vendor, [])]


def backfill(apps, connection):
    """Hash the entries written before the chain existed, in id order (no UPDATE trigger now)."""
    from shegong.core import auditchain

    prev = auditchain.GENESIS
    columns = ("id", *auditchain.FIELDS)
    AuditEvent = apps.get_model("core", "AuditEvent")
    after = 0
    while True:
        chunk = list(
            AuditEvent.objects.filter(id__gt=after).order_by("id").values_list(*columns)[:BATCH]
        )
        updates = []
        for row in chunk:
            digest = auditchain.entry_hash(prev, dict(zip(auditchain.FIELDS, row[1:], strict=True)))
            updates.append((prev, digest, row[0]))
            prev = digest
        with connection.cursor() as cursor:
            cursor.executemany(
                "UPDATE core_auditevent SET prev_hash = %s, hash = %s WHERE id = %s", updates
            )
        if len(chunk) < BATCH:
            return
        after = chunk[-1][0]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in drop_statements(vendor):
        schema_editor.execute(sql)
    backfill(apps, schema_editor.connection)
    for sql in CREATE.get(vendor, []):
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in drop_statements(vendor):
        schema_editor.execute(sql)
    if vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS core_auditevent_refuse_young_delete()")


def restore_0002(apps, schema_editor):
    """Unapplied last (after the columns are gone, which remakes the table on SQLite): back to
    0002's guard, UPDATE refused."""
    vendor = schema_editor.connection.vendor
    if vendor in CREATE:
        schema_editor.execute(CREATE[vendor][0])
        if vendor == "postgresql":
            schema_editor.execute(CREATE[vendor][2])


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_rate_counts"),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, restore_0002),
        migrations.CreateModel(
            name="AuditChainAnchor",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("through_id", models.BigIntegerField(verbose_name="清理至")),
                ("hash", models.CharField(max_length=64, verbose_name="哈希")),
                (
                    "at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="时间"),
                ),
            ],
            options={
                "verbose_name": "审计日志链锚点",
                "verbose_name_plural": "审计日志链锚点",
            },
        ),
        migrations.CreateModel(
            name="AuditChainVerification",
            fields=[
                (
                    "name",
                    models.CharField(
                        default="chain", max_length=20, primary_key=True, serialize=False
                    ),
                ),
                ("through_id", models.BigIntegerField(default=0)),
                ("hash", models.CharField(blank=True, max_length=64)),
                ("verified_at", models.DateTimeField(null=True)),
                ("reported_break", models.CharField(blank=True, max_length=300)),
            ],
        ),
        migrations.AddField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name="哈希"),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(
                blank=True, editable=False, max_length=64, verbose_name="前一条哈希"
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
