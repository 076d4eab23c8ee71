"""The audit trail's integrity: the database refuses to delete a young entry, and a hash chain
over the entries names the first one changed or removed behind the application's back."""

from __future__ import annotations

import importlib
import threading
import zoneinfo
from contextlib import contextmanager
from datetime import UTC, timedelta
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone

from shegong.core import audit, auditchain, checks, scans
from shegong.core.audit import Verb
from shegong.core.models import (
    AuditChainAnchor,
    AuditChainVerification,
    AuditEvent,
    ScanState,
)

MIGRATION = importlib.import_module("shegong.core.migrations.0006_audit_hash_chain")


def raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def refused(sql, params=()):
    """True when the database refuses the statement (rolled back to a savepoint)."""
    try:
        with transaction.atomic():
            raw(sql, params)
    except DatabaseError:
        return True
    return False


@contextmanager
def guards_lifted():
    """What an attacker with rights on the database can do: drop the triggers (inside the
    test's transaction, so they come back when it rolls back)."""
    for sql in MIGRATION.drop_statements(connection.vendor):
        raw(sql)
    yield
    for sql in MIGRATION.CREATE[connection.vendor]:
        raw(sql)


def entries(n, **fields):
    return [
        audit.record(Verb.LOGIN, actor=None, actor_label=f"用户{i}", data={"i": i}, **fields)
        for i in range(n)
    ]


# --- the database refuses a DELETE inside the retention ---------------------------------------


def test_the_database_refuses_a_raw_delete_of_a_fresh_entry(db):
    entry = audit.record(Verb.LOGIN, actor=None)
    assert refused("DELETE FROM core_auditevent WHERE id = %s", [entry.pk])
    assert refused("DELETE FROM core_auditevent")
    assert AuditEvent.objects.filter(pk=entry.pk).exists()


@pytest.mark.parametrize(
    ("age", "deletable"),
    [
        (timedelta(days=200), True),
        (timedelta(days=180, hours=1), True),
        (timedelta(days=179, hours=23), False),
        (timedelta(days=1), False),
        (-timedelta(days=1), False),  # in the future
    ],
)
def test_the_database_lets_only_entries_older_than_180_days_be_deleted(db, age, deletable):
    entry = AuditEvent.objects.create(
        verb=int(Verb.LOGIN), actor_label="某人", at=timezone.now() - age
    )
    assert refused("DELETE FROM core_auditevent WHERE id = %s", [entry.pk]) is not deletable
    assert AuditEvent.objects.filter(pk=entry.pk).exists() is not deletable


@pytest.mark.parametrize(
    ("stored", "deletable"),
    [
        ("{old}", True),  # Django's own format: 'YYYY-MM-DD HH:MM:SS.ffffff'
        ("{old_t}", True),  # ISO with a T, as another client might write it
        ("{young_t}", False),
        ("{young_s}", False),  # no fraction of a second
        ("not a time", False),  # unparseable: refused, not let through
    ],
)
def test_sqlite_compares_times_whatever_their_text_format(db, stored, deletable):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite stores times as text")
    now = timezone.now().astimezone(UTC).replace(tzinfo=None)
    old, young = now - timedelta(days=181), now - timedelta(days=179, hours=23)
    text = stored.format(
        old=str(old),
        old_t=old.isoformat(),
        young_t=young.isoformat(),
        young_s=young.strftime("%Y-%m-%d %H:%M:%S"),
    )
    entry = audit.record(Verb.LOGIN, actor=None)
    with guards_lifted():
        raw("UPDATE core_auditevent SET at = %s WHERE id = %s", [text, entry.pk])
    assert refused("DELETE FROM core_auditevent WHERE id = %s", [entry.pk]) is not deletable


def test_postgresql_refuses_truncate(db):
    if connection.vendor != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL's")
    audit.record(Verb.LOGIN, actor=None)
    assert refused("TRUNCATE core_auditevent")
    assert refused("TRUNCATE core_auditchainanchor")


def test_anchors_are_append_only_at_the_database(db):
    anchor = AuditChainAnchor.objects.create(through_id=7, hash="a" * 64)
    assert refused("UPDATE core_auditchainanchor SET hash = %s", ["b" * 64])
    assert refused("DELETE FROM core_auditchainanchor WHERE id = %s", [anchor.pk])
    assert AuditChainAnchor.objects.get().hash == "a" * 64


def test_the_purge_still_deletes_what_is_older_than_the_retention(db, settings):
    settings.AUDIT_RETENTION_DAYS = 365
    now = timezone.now()
    old = AuditEvent.objects.create(verb=int(Verb.LOGIN), at=now - timedelta(days=400))
    kept = AuditEvent.objects.create(verb=int(Verb.LOGIN), at=now - timedelta(days=300))
    assert audit.purge_expired() == 1
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    # The database would let a 300-day-old entry go; the setting keeps it.
    assert AuditEvent.objects.filter(pk=kept.pk).exists()


def test_the_purge_at_the_legal_floor_agrees_with_the_database(db, settings):
    """Retention set to the floor: what the purge deletes the trigger lets go, and it keeps an
    hour's margin so a clock slightly ahead of the database's never makes the DELETE fail."""
    settings.AUDIT_RETENTION_DAYS = 180
    now = timezone.now()
    gone = AuditEvent.objects.create(verb=100, at=now - timedelta(days=180, hours=2))
    margin = AuditEvent.objects.create(verb=100, at=now - timedelta(days=180, minutes=30))
    assert audit.purge_expired() == 1
    assert not AuditEvent.objects.filter(pk=gone.pk).exists()
    assert AuditEvent.objects.filter(pk=margin.pk).exists()
    assert audit.verify_chain().ok


# --- the hash chain ---------------------------------------------------------------------------


def test_every_writer_links_its_entries_into_one_chain(db, superuser):
    first = audit.record(
        Verb.LOGIN,
        actor=superuser,
        data={
            "说明": '中文 \n\t"引号" 🙂',
            "n": 1.0,
            "x": 0.1,
            "tiny": 1e-7,
            "big": 1e300,
            "bigger": 1.5e300,
            "zero": -0.0,
            "int": 2**70,
            "list": [1, None, True, ("tuple",)],
        },
    )
    with audit.audit_context(ip="2001:db8::ffff:1.2.3.4", via="web"):
        audit.record(Verb.LOGOUT, actor=superuser, target=superuser)
    with audit.audit_context(ip="::ffff:10.0.0.1"):
        audit.record(Verb.LOGIN, actor=None, success=False, data={"k": {"b": 2, "a": 1}})
    shanghai = timezone.now().astimezone(zoneinfo.ZoneInfo("Asia/Shanghai"))
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(verb=int(Verb.REPORT_ESCALATED), actor_label="系统", at=shanghai)
            for _ in range(3)
        ]
    )
    chain = list(AuditEvent.objects.order_by("id").values_list("prev_hash", "hash"))
    assert chain[0] == (auditchain.GENESIS, first.hash)
    assert all(prev == before[1] for (prev, _), before in zip(chain[1:], chain, strict=False))
    assert len({h for _, h in chain}) == 6
    report = audit.verify_chain()
    assert report.ok, report.message
    assert (report.checked, report.last_hash) == (6, chain[-1][1])


def test_a_changed_entry_is_named(db):
    events = entries(5)
    with guards_lifted():
        raw("UPDATE core_auditevent SET actor_label = %s WHERE id = %s", ["别人", events[2].pk])
    report = audit.verify_chain()
    assert report.broken_id == events[2].pk
    assert "被改动" in report.message and f"#{events[2].pk}" in report.message


def test_a_changed_entry_with_its_hash_recomputed_breaks_the_next_link(db):
    events = entries(5)
    values = AuditEvent.objects.filter(pk=events[2].pk).values(*auditchain.FIELDS).get()
    values["data"] = {"i": 99}
    forged = auditchain.entry_hash(events[2].prev_hash, values)
    with guards_lifted():
        raw(
            "UPDATE core_auditevent SET data = %s, hash = %s WHERE id = %s",
            ['{"i": 99}', forged, events[2].pk],
        )
    assert audit.verify_chain().broken_id == events[3].pk


def test_a_removed_entry_is_named_by_the_one_after_it(db):
    events = entries(5)
    with guards_lifted():
        raw("DELETE FROM core_auditevent WHERE id = %s", [events[2].pk])
    report = audit.verify_chain()
    assert report.broken_id == events[3].pk
    assert f"#{events[1].pk}" in report.reason and "删除" in report.reason


def test_an_entry_inserted_behind_the_applications_back_is_named(db):
    events = entries(3)
    raw(
        "INSERT INTO core_auditevent (at, actor_label, verb, target_type, target_id, "
        "target_label, via, success, data, prev_hash, hash) VALUES "
        "(%s, '伪造', 100, '', '', '', 'web', %s, '{}', '', '')",
        [timezone.now(), True],
    )
    forged = AuditEvent.objects.order_by("-id").first()
    assert forged is not None and forged.pk > events[-1].pk
    assert audit.verify_chain().broken_id == forged.pk


def test_removing_the_newest_entries_is_noticed_after_a_verify_scan(db):
    events = entries(4)
    scans.verify_audit_chain()
    assert AuditChainVerification.objects.get().through_id == events[-1].pk
    with guards_lifted():
        raw("DELETE FROM core_auditevent WHERE id >= %s", [events[2].pk])
    report = audit.verify_chain()
    assert report.broken_id == events[-1].pk and "末尾" in report.reason


def test_the_chain_survives_the_purge_and_its_anchor_guards_the_start(db, settings):
    settings.AUDIT_RETENTION_DAYS = 180
    now = timezone.now()
    old = [AuditEvent.objects.create(verb=100, at=now - timedelta(days=400)) for _ in range(3)]
    young = entries(3)
    # Written late with an early time (as an import's entries): waits for its neighbours.
    late = AuditEvent.objects.create(verb=100, at=now - timedelta(days=300))
    assert audit.purge_expired() == 3
    assert AuditEvent.objects.filter(pk=late.pk).exists()
    anchor = AuditChainAnchor.objects.get()
    assert (anchor.through_id, anchor.hash) == (old[-1].pk, old[-1].hash)
    purged = AuditEvent.objects.get(verb=int(Verb.AUDIT_PURGED))
    assert purged.data == {"deleted": 3, "through_id": old[-1].pk, "anchor": old[-1].hash}
    report = audit.verify_chain()
    assert report.ok, report.message
    assert report.last_id == purged.pk
    # The oldest survivor removed behind the application's back: its successor names it.
    with guards_lifted():
        raw("DELETE FROM core_auditevent WHERE id = %s", [young[0].pk])
    assert audit.verify_chain().broken_id == young[1].pk


def test_when_everything_is_purged_the_next_entry_links_to_the_anchor(db):
    old = AuditEvent.objects.create(verb=100, at=timezone.now() - timedelta(days=400))
    # purge_expired records its own entry: so keep the test honest about what links to what.
    assert audit.purge_expired() == 1
    assert AuditEvent.objects.get().prev_hash == old.hash
    assert audit.verify_chain().ok


def test_the_verify_reads_in_batches(db):
    events = entries(7)
    assert audit.verify_chain(batch=3).ok
    with guards_lifted():
        raw("DELETE FROM core_auditevent WHERE id = %s", [events[3].pk])  # 2nd batch's first
    assert audit.verify_chain(batch=3).broken_id == events[4].pk


def test_the_migration_hashes_existing_entries_in_id_order(db):
    entries(4)
    with guards_lifted():
        raw("UPDATE core_auditevent SET prev_hash = '', hash = ''")
    assert not audit.verify_chain().ok
    shim = SimpleNamespace(connection=connection, execute=raw)
    MIGRATION.forwards(apps, shim)
    assert audit.verify_chain().ok
    assert auditchain.missing_guards() == []
    assert refused("UPDATE core_auditevent SET actor_label = 'x'")


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_do_not_fork_the_chain():
    """4 threads × 20 actions, each its own connection and transaction: one unbroken chain."""
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("an in-memory SQLite database is one connection")
    barrier = threading.Barrier(4)
    errors = []

    def work(n):
        try:
            barrier.wait()
            for i in range(20):
                with transaction.atomic():
                    audit.record(Verb.LOGIN, actor=None, data={"thread": n, "i": i})
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    chain = list(AuditEvent.objects.order_by("id").values_list("prev_hash", "hash"))
    assert len(chain) == 80
    assert len({prev for prev, _ in chain}) == 80  # no two entries link to the same one
    report = audit.verify_chain()
    assert report.ok and report.checked == 80, report.message


# --- wired into the scan and `shegong check` --------------------------------------------------


def test_the_verify_scan_fails_and_audits_a_break_once(db):
    events = entries(3)
    with guards_lifted():
        raw("UPDATE core_auditevent SET actor_label = '别人' WHERE id = %s", [events[1].pk])
    ScanState.objects.create(name="audit.verify_chain", next_run_at=timezone.now())
    assert "audit.verify_chain" in scans.run_due_scans()
    error = ScanState.objects.get(name="audit.verify_chain").last_error
    assert f"审计日志哈希链在 #{events[1].pk} 处断开" in error
    ScanState.objects.filter(name="audit.verify_chain").update(next_run_at=timezone.now())
    assert "audit.verify_chain" in scans.run_due_scans()
    found = AuditEvent.objects.filter(verb=int(Verb.AUDIT_CHAIN_BROKEN))
    assert found.count() == 1
    assert found.get().data["entry_id"] == events[1].pk


def test_the_verify_scan_remembers_the_intact_head(db):
    events = entries(2)
    assert "完整" in scans.verify_audit_chain()
    state = AuditChainVerification.objects.get()
    assert (state.through_id, state.hash) == (events[-1].pk, events[-1].hash)
    assert not AuditEvent.objects.filter(verb=int(Verb.AUDIT_CHAIN_BROKEN)).exists()


def test_the_check_names_the_first_broken_entry(db):
    events = entries(3)
    [ok_guards, ok_chain] = checks.check_audit_chain()
    assert not ok_guards.failed and not ok_chain.failed
    with guards_lifted():
        raw("DELETE FROM core_auditevent WHERE id = %s", [events[1].pk])
    [_, broken] = checks.check_audit_chain()
    assert broken.failed and f"#{events[2].pk}" in broken.zh


def test_the_check_reports_a_missing_guard(db):
    if connection.vendor == "sqlite":
        raw("DROP TRIGGER core_auditevent_no_young_delete")
    else:
        raw("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_no_young_delete")
    [guards, _] = checks.check_audit_chain()
    assert guards.failed and "core_auditevent_no_young_delete" in guards.detail
