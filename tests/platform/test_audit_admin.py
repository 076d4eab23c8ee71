"""The Django admin: superusers only, no plaintext ID numbers, changes audited."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import RequestFactory

from shegong.accounts import actions as account_actions
from shegong.accounts.models import User
from shegong.core.audit import Verb
from shegong.core.models import AuditEvent

ID_NUMBER = "11010519491231002X"


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def test_every_registered_changelist_opens(admin_client, district, street_a_staff):
    for model in admin.site._registry:
        meta = model._meta
        response = admin_client.get(f"/admin/{meta.app_label}/{meta.model_name}/")
        # The audit log is the audit administrator's (三员), a superuser's no more.
        assert response.status_code == (403 if model is AuditEvent else 200), meta.label


def test_the_user_admin_never_shows_an_id_number_in_plaintext(admin_client, street_a_staff):
    street_a_staff.id_number = ID_NUMBER
    street_a_staff.save()
    listing = admin_client.get("/admin/accounts/user/").content.decode()
    detail = admin_client.get(f"/admin/accounts/user/{street_a_staff.pk}/change/").content.decode()
    for html in (listing, detail):
        assert ID_NUMBER not in html
        assert "1101**********002X" in html


def test_creating_a_user_in_the_admin_is_audited_and_needs_a_new_password(admin_client, superuser):
    response = admin_client.post(
        "/admin/accounts/user/add/",
        {
            "phone": "13712345678",
            "name": "新同事",
            "password1": "Temp#Pass2026",
            "password2": "Temp#Pass2026",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(phone="13712345678")
    assert user.must_change_password
    event = AuditEvent.objects.get(verb=Verb.USER_CREATED, target_id=str(user.pk))
    assert event.actor_id == superuser.pk and event.data == {"via": "admin"}


def test_a_bad_phone_is_refused_in_chinese(admin_client):
    response = admin_client.post(
        "/admin/accounts/user/add/",
        {
            "phone": "12345",
            "name": "某人",
            "password1": "Temp#Pass2026",
            "password2": "Temp#Pass2026",
        },
    )
    assert response.status_code == 200
    assert "手机号应为以1开头的11位数字" in response.content.decode()
    assert not User.objects.filter(phone="12345").exists()


def test_a_password_set_in_the_admin_is_audited_and_temporary(admin_client, street_a_staff):
    response = admin_client.post(
        f"/admin/accounts/user/{street_a_staff.pk}/password/",
        {"password1": "Other#Pass2026", "password2": "Other#Pass2026"},
    )
    assert response.status_code == 302
    street_a_staff.refresh_from_db()
    assert street_a_staff.must_change_password
    assert AuditEvent.objects.filter(
        verb=Verb.PASSWORD_RESET, target_id=str(street_a_staff.pk)
    ).exists()


def test_the_token_admin_shows_no_hash(admin_client, street_a_staff):
    token, _ = account_actions.create_token(street_a_staff, actor=street_a_staff, name="巡查App")
    html = admin_client.get(f"/admin/accounts/apitoken/{token.pk}/change/").content.decode()
    assert "巡查App" in html
    assert token.key_hash not in html


def test_a_district_admin_with_a_staff_flag_still_cannot_use_the_admin(client, district_admin):
    User.objects.filter(pk=district_admin.pk).update(is_staff=True)
    client.force_login(district_admin)
    assert client.get("/admin/accounts/user/").status_code in (302, 403)


@pytest.fixture
def auditor(district):
    """An audit administrator (三员) whom a superuser let into the admin site."""
    from shegong import testing
    from shegong.core.perms import Role

    user = testing.user(Role.AUDIT_ADMIN, district["district"], name="审计员")
    type(user).objects.filter(pk=user.pk).update(is_staff=True)
    user.refresh_from_db()
    return user


def test_only_the_audit_admin_reads_the_log_in_the_admin_and_nobody_deletes(
    client, superuser, auditor, district
):
    entry = AuditEvent.objects.create(verb=Verb.LOGIN, actor_label="某人")
    client.force_login(superuser)
    assert client.get("/admin/core/auditevent/").status_code == 403
    assert client.get(f"/admin/core/auditevent/{entry.pk}/change/").status_code == 403

    client.force_login(auditor)
    assert client.get("/admin/core/auditevent/").status_code == 200
    page = client.get(f"/admin/core/auditevent/{entry.pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert (
        client.post(f"/admin/core/auditevent/{entry.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert AuditEvent.objects.filter(pk=entry.pk).exists()
    model_admin = admin.site._registry[AuditEvent]
    request = RequestFactory().get("/admin/")
    request.user = auditor
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
