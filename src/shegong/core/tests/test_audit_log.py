"""The audit log is append-only everywhere (ORM, admin, database) and purged only when old."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib import admin
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory
from django.utils import timezone

from shegong.core import audit, scans
from shegong.core.audit import Verb
from shegong.core.models import AppendOnlyError, AuditEvent, JobRun, ScanState, WorkerHeartbeat


@pytest.fixture
def entry(db):
    return AuditEvent.objects.create(verb=int(Verb.LOGIN), actor_label="某人")


def test_the_orm_refuses_update_and_delete(entry):
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=entry.pk).update(actor_label="改过")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=entry.pk).delete()
    entry.actor_label = "改过"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    assert AuditEvent.objects.get(pk=entry.pk).actor_label == "某人"


def test_the_database_refuses_a_raw_update(entry):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_auditevent SET actor_label = %s WHERE id = %s", ["改过", entry.pk]
        )
    assert AuditEvent.objects.get(pk=entry.pk).actor_label == "某人"


@pytest.mark.parametrize("model", [WorkerHeartbeat, ScanState, JobRun])
def test_the_admin_offers_no_add_change_or_delete(superuser, model):
    model_admin = admin.site._registry[model]
    request = RequestFactory().get("/admin/")
    request.user = superuser
    assert model_admin.has_view_permission(request)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_non_superuser_staff_cannot_open_the_audit_admin(client, district_admin, entry):
    type(district_admin).objects.filter(pk=district_admin.pk).update(is_staff=True)
    client.force_login(district_admin)
    assert client.get("/admin/core/auditevent/").status_code in (302, 403)


def test_purge_removes_only_entries_older_than_the_retention(db, settings):
    settings.AUDIT_RETENTION_DAYS = 184
    now = timezone.now()
    old = AuditEvent.objects.create(
        verb=int(Verb.LOGIN), actor_label="旧", at=now - timedelta(days=200)
    )
    young = AuditEvent.objects.create(
        verb=int(Verb.LOGIN), actor_label="新", at=now - timedelta(days=100)
    )
    assert audit.purge_expired() == 1
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    assert AuditEvent.objects.filter(pk=young.pk).exists()


def test_purge_never_goes_below_180_days_whatever_the_setting(db, settings):
    settings.AUDIT_RETENTION_DAYS = 30
    young = AuditEvent.objects.create(
        verb=int(Verb.LOGIN), actor_label="新", at=timezone.now() - timedelta(days=100)
    )
    assert audit.purge_expired() == 0
    assert AuditEvent.objects.filter(pk=young.pk).exists()


def test_the_purge_scan_records_what_it_deleted(db):
    AuditEvent.objects.create(
        verb=int(Verb.LOGIN), actor_label="旧", at=timezone.now() - timedelta(days=400)
    )
    assert scans.SCANS["audit.purge"].function() == 1
    purged = AuditEvent.objects.get(verb=int(Verb.AUDIT_PURGED))
    assert purged.data["deleted"] == 1
    assert purged.region_id is None


def test_the_purge_scan_writes_nothing_when_nothing_expired(db):
    AuditEvent.objects.create(verb=int(Verb.LOGIN), actor_label="新")
    assert scans.SCANS["audit.purge"].function() == 0
    assert not AuditEvent.objects.filter(verb=int(Verb.AUDIT_PURGED)).exists()
