"""三员: system, security and audit administrators, never two in one account; nobody grants
themselves a role."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shegong import testing
from shegong.accounts import actions
from shegong.accounts.models import Membership
from shegong.core.audit import Verb
from shegong.core.errors import InvalidInput, NotPermitted
from shegong.core.models import AuditEvent
from shegong.core.perms import Role


@pytest.fixture
def security_admin(district):
    return testing.user(Role.SECURITY_ADMIN, district["district"], name="安全管理员")


@pytest.fixture
def system_admin(district):
    return testing.user(Role.SYSTEM_ADMIN, district["district"], name="系统管理员")


@pytest.mark.parametrize("first", [Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN])
def test_an_account_holds_at_most_one_of_the_three(district, superuser, first):
    account = testing.user(first, district["district"])
    for second in {Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN} - {first}:
        for region in (district["district"], district["street_a"]):
            with pytest.raises(InvalidInput) as refused:
                actions.grant_membership(account, actor=superuser, role=second, region=region)
            assert "不能由同一账号兼任" in refused.value.detail
    assert list(account.memberships.values_list("role", flat=True)) == [first]
    assert not AuditEvent.objects.filter(verb=Verb.MEMBERSHIP_ADDED).exists()
    # The same role in another region, or an ordinary role, is fine.
    actions.grant_membership(account, actor=superuser, role=first, region=district["street_a"])
    actions.grant_membership(
        account, actor=superuser, role=Role.RESIDENT, region=district["community_a"]
    )


@pytest.mark.parametrize("role", [Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.COMMUNITY_WORKER])
def test_nobody_grants_themselves_a_role(district, superuser, security_admin, role):
    for actor in (superuser, security_admin):
        with pytest.raises(NotPermitted) as refused:
            actions.grant_membership(actor, actor=actor, role=role, region=district["street_a"])
        assert "不能给自己授予角色" in refused.value.detail
    assert not Membership.objects.filter(
        region=district["street_a"], user__in=[superuser, security_admin]
    ).exists()


def test_the_security_admin_grants_the_three_roles_and_others_cannot(
    district, security_admin, system_admin, district_admin, street_a_staff
):
    account = testing.user(Role.RESIDENT, district["community_a"])
    actions.grant_membership(
        account, actor=security_admin, role=Role.AUDIT_ADMIN, region=district["district"]
    )
    assert account.memberships.filter(role=Role.AUDIT_ADMIN).exists()
    other = testing.user(Role.RESIDENT, district["community_a"])
    for actor in (district_admin, street_a_staff):
        with pytest.raises(NotPermitted):
            actions.grant_membership(
                other, actor=actor, role=Role.SECURITY_ADMIN, region=district["street_a"]
            )
    # The system admin opens accounts but grants no role afterwards.
    with pytest.raises(NotPermitted):
        actions.grant_membership(
            other, actor=system_admin, role=Role.VOLUNTEER, region=district["community_a"]
        )
    with pytest.raises(NotPermitted):
        actions.create_user(
            actor=system_admin, phone="13711110000", name="新审计", password="Temp#2026pass",
            role=Role.AUDIT_ADMIN, region=district["district"],
        )  # fmt: skip
    created = actions.create_user(
        actor=system_admin, phone="13711110001", name="新社工", password="Temp#2026pass",
        role=Role.COMMUNITY_WORKER, region=district["community_a"],
    )  # fmt: skip
    assert created.memberships.get().role == Role.COMMUNITY_WORKER


def test_the_security_admin_clears_lockouts_and_resets_a_lost_authenticator(
    client, district, security_admin
):
    from axes.models import AccessAttempt
    from django_otp.plugins.otp_totp.models import TOTPDevice

    account = testing.user(Role.STREET_STAFF, district["street_a"])
    testing.totp_device(account)
    AccessAttempt.objects.create(
        username=account.phone, failures_since_start=9, ip_address="127.0.0.1",
        user_agent="x", get_data="", post_data="", http_accept="", path_info="/",
    )  # fmt: skip
    client.force_login(security_admin)
    page = client.get(reverse("accounts:user", args=[account.pk])).content.decode()
    assert 'id="target-2fa"' in page and "已启用" in page
    assert "重置两步验证" in page and "解除登录锁定" in page
    assert "重置密码" not in page  # the system admin's duty
    client.post(reverse("accounts:user_action", args=[account.pk, "clear_lockout"]))
    assert not AccessAttempt.objects.filter(username=account.phone).exists()
    client.post(reverse("accounts:user_action", args=[account.pk, "reset_2fa"]))
    assert not TOTPDevice.objects.filter(user=account).exists()
    assert AuditEvent.objects.get(verb=Verb.TOTP_DISABLED).data == {"reset": True}


def test_the_account_page_refuses_a_second_separated_role_in_chinese(
    client, district, security_admin
):
    account = testing.user(Role.SYSTEM_ADMIN, district["district"])
    client.force_login(security_admin)
    response = client.post(
        reverse("accounts:user_grant", args=[account.pk]),
        {"grant-role": "audit_admin", "grant-region": district["district"].code},
    )
    assert response.status_code == 422
    errors = " ".join(response.context["grant_form"].errors["role"])
    assert "系统管理员、安全管理员、审计管理员不能由同一账号兼任" in errors
    assert not account.memberships.filter(role=Role.AUDIT_ADMIN).exists()


def test_the_account_page_offers_no_grant_on_ones_own_account_and_refuses_one(
    client, district, security_admin
):
    client.force_login(security_admin)
    page = client.get(reverse("accounts:user", args=[security_admin.pk])).content.decode()
    assert 'name="grant-role"' not in page
    response = client.post(
        reverse("accounts:user_grant", args=[security_admin.pk]),
        {"grant-role": "audit_admin", "grant-region": district["district"].code},
    )
    assert response.status_code == 403
    assert security_admin.memberships.count() == 1


def test_a_superuser_cannot_give_themselves_a_role_in_the_admin(client, superuser, district):
    client.force_login(superuser)
    url = f"/admin/accounts/user/{superuser.pk}/change/"
    form = {
        "phone": superuser.phone, "name": superuser.name, "is_active": "on",
        "is_staff": "on", "is_superuser": "on", "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
        "memberships-TOTAL_FORMS": "1", "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0", "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-role": "audit_admin", "memberships-0-region": district["district"].pk,
        "memberships-0-user": superuser.pk,
    }  # fmt: skip
    response = client.post(url, form)
    assert response.status_code == 200
    assert "不能给自己授予或修改角色" in response.content.decode()
    assert not superuser.memberships.exists()


def test_the_admin_refuses_two_separated_roles_on_one_account(client, superuser, district):
    account = testing.user(Role.SYSTEM_ADMIN, district["district"], name="某管理员")
    existing = account.memberships.get()
    client.force_login(superuser)
    url = f"/admin/accounts/user/{account.pk}/change/"
    form = {
        "phone": account.phone, "name": account.name, "is_active": "on",
        "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00",
        "memberships-TOTAL_FORMS": "2", "memberships-INITIAL_FORMS": "1",
        "memberships-MIN_NUM_FORMS": "0", "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-id": existing.pk, "memberships-0-user": account.pk,
        "memberships-0-role": "system_admin", "memberships-0-region": district["district"].pk,
        "memberships-1-role": "audit_admin", "memberships-1-region": district["district"].pk,
        "memberships-1-user": account.pk,
    }  # fmt: skip
    response = client.post(url, form)
    assert response.status_code == 200
    assert "不能由同一账号兼任" in response.content.decode()
    assert account.memberships.count() == 1


def test_the_database_refuses_a_second_separated_role_written_directly(district):
    from django.db import IntegrityError, transaction

    account = testing.user(Role.AUDIT_ADMIN, district["district"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            user=account, role=Role.SECURITY_ADMIN, region=district["street_a"]
        )
    street = Membership.objects.create(
        user=account, role=Role.RESIDENT, region=district["street_a"]
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.filter(pk=street.pk).update(role=Role.SYSTEM_ADMIN)
    Membership.objects.create(user=account, role=Role.AUDIT_ADMIN, region=district["street_b"])
    assert sorted(account.memberships.values_list("role", flat=True)) == [
        "audit_admin", "audit_admin", "resident",
    ]  # fmt: skip
