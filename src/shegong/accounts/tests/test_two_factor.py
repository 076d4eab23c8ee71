"""The second factor: required for district admins and superusers, optional for the rest."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from shegong import testing
from shegong.accounts import actions
from shegong.core.errors import InvalidInput
from shegong.core.models import AuditEvent
from shegong.core.perms import SEPARATED_ROLES
from shegong.core.verbs import Verb

LOGIN = "/accounts/login/"
VERIFY = "/accounts/login/verify/"
SETUP = "/accounts/2fa/setup/"
MANAGE = "/accounts/2fa/"


def password_login(client, account):
    response = client.post(LOGIN, {"username": account.phone, "password": testing.PASSWORD})
    assert response.status_code == 302
    return client.get("/")


def enrolled(account):
    device = testing.totp_device(account)
    codes = actions._new_recovery_codes(account)
    return device, codes


def verbs(account):
    return list(
        AuditEvent.objects.filter(target_id=str(account.pk), verb__in=[v.value for v in (
            Verb.TOTP_ENROLLED, Verb.TOTP_DISABLED, Verb.RECOVERY_CODE_USED,
            Verb.SECOND_FACTOR_FAILED, Verb.RECOVERY_CODES_REGENERATED,
            Verb.SECOND_FACTOR_VERIFIED,
        )]).order_by("id").values_list("verb", flat=True)
    )  # fmt: skip


def test_a_district_admin_without_a_device_must_enrol_before_anything_else(client, district_admin):
    response = password_login(client, district_admin)
    assert response.status_code == 302 and response["Location"] == SETUP
    for path in ("/accounts/users/", "/accounts/tokens/", "/audit/", "/accounts/password/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith(SETUP), path
    # The API refuses the session too, in Chinese.
    response = client.get("/api/v1/me")
    assert response.status_code == 403 and "两步验证" in response.json()["detail"]


@pytest.mark.parametrize("role", sorted(SEPARATED_ROLES))
def test_the_three_separated_admins_must_enrol_too(client, district, role):
    admin = testing.user(role, district["district"])
    response = password_login(client, admin)
    assert response.status_code == 302 and response["Location"] == SETUP


def test_enrolment_shows_a_local_qr_code_and_the_secret_and_needs_a_right_code(
    client, district_admin
):
    password_login(client, district_admin)
    page = client.get(SETUP)
    html = page.content.decode()
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    assert "<svg" in html
    assert "区管理员、三员（系统、安全、审计管理员）和超级管理员须启用两步验证" in html
    device = TOTPDevice.objects.get(user=district_admin)
    assert not device.confirmed
    assert testing.totp_code(device) not in html  # the page never shows a code itself

    wrong = client.post(
        SETUP, {"code": "000000" if testing.totp_code(device) != "000000" else "111111"}
    )
    assert wrong.status_code == 422 and "验证码不正确" in wrong.content.decode()
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get("/").status_code == 302  # still not in

    device.refresh_from_db()
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    response = client.post(SETUP, {"code": testing.totp_code(device)})
    html = response.content.decode()
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    codes = list(
        StaticToken.objects.filter(device__user=district_admin).values_list("token", flat=True)
    )
    assert len(codes) == 10 and all(code in html for code in codes)
    assert "download=" in html
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert verbs(district_admin) == [Verb.TOTP_ENROLLED]
    assert client.get("/").status_code == 200  # the workbench opens now


def test_an_enrolled_account_types_the_code_after_the_password(client, district_admin):
    device, _ = enrolled(district_admin)
    response = password_login(client, district_admin)
    assert response["Location"] == VERIFY
    response = client.get("/accounts/users/")
    assert response["Location"] == f"{VERIFY}?next=%2Faccounts%2Fusers%2F"
    response = client.post(VERIFY, {"code": testing.totp_code(device), "next": "/accounts/users/"})
    assert response.status_code == 302 and response["Location"] == "/accounts/users/"
    assert client.get("/accounts/users/").status_code == 200
    assert client.get("/api/v1/me").status_code == 200
    assert verbs(district_admin) == [Verb.SECOND_FACTOR_VERIFIED]


def test_the_next_address_after_the_code_stays_on_this_site(client, district_admin):
    device, _ = enrolled(district_admin)
    password_login(client, district_admin)
    response = client.post(
        VERIFY, {"code": testing.totp_code(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_a_wrong_code_is_refused_audited_and_throttled(client, district_admin):
    device, _ = enrolled(district_admin)
    password_login(client, district_admin)
    right = testing.totp_code(device)
    wrong = "000000" if right != "000000" else "111111"
    response = client.post(VERIFY, {"code": wrong})
    assert response.status_code == 422 and "验证码不正确" in response.content.decode()
    assert TOTPDevice.objects.get(pk=device.pk).throttling_failure_count == 1
    # Straight after a failure even the right code waits (django-otp's throttling).
    response = client.post(VERIFY, {"code": right})
    assert response.status_code == 422 and "验证失败次数过多" in response.content.decode()
    assert client.get("/").status_code == 302
    failed = AuditEvent.objects.filter(
        verb=Verb.SECOND_FACTOR_FAILED, target_id=str(district_admin.pk)
    )
    assert failed.count() == 2 and not failed.first().success


def test_the_wait_grows_with_each_failure(district_admin):
    device, _ = enrolled(district_admin)
    for _ in range(3):
        TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
        with pytest.raises(InvalidInput):
            actions.verify_second_factor(district_admin, code="12345")
    device.refresh_from_db()
    assert device.throttling_failure_count == 3
    allowed, info = device.verify_is_allowed()
    assert not allowed and (info["locked_until"] - device.throttling_failure_timestamp).seconds == 4


def test_a_recovery_code_works_once(client, district_admin):
    _, codes = enrolled(district_admin)
    password_login(client, district_admin)
    response = client.post(VERIFY, {"code": codes[0].upper()})
    assert response.status_code == 302
    assert verbs(district_admin) == [Verb.RECOVERY_CODE_USED]
    assert StaticToken.objects.filter(device__user=district_admin).count() == 9

    other = testing.Client()
    password_login(other, district_admin)
    response = other.post(VERIFY, {"code": codes[0]})
    assert response.status_code == 422 and "恢复码不正确或已使用" in response.content.decode()


def test_regenerating_recovery_codes_voids_the_old_ones(client, street_a_staff):
    _, old = enrolled(street_a_staff)
    client.force_login(street_a_staff)
    response = client.post(reverse("otp_regenerate"))
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    new = set(
        StaticToken.objects.filter(device__user=street_a_staff).values_list("token", flat=True)
    )
    assert len(new) == 10 and not new & set(old)
    assert verbs(street_a_staff) == [Verb.RECOVERY_CODES_REGENERATED]


def test_others_may_log_in_without_a_second_factor(client, street_a_staff):
    response = password_login(client, street_a_staff)
    assert response.status_code == 200
    assert "未启用" in client.get(MANAGE).content.decode()


def test_an_optional_user_enrols_and_is_then_asked_at_login(client, street_a_staff):
    client.force_login(street_a_staff)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=street_a_staff)
    assert client.post(SETUP, {"code": testing.totp_code(device)}).status_code == 200
    client.logout()
    assert password_login(client, street_a_staff)["Location"] == VERIFY


def test_an_optional_user_disables_it_with_the_password(client, street_a_staff):
    enrolled(street_a_staff)
    client.force_login(street_a_staff)
    response = client.post(reverse("otp_disable"), {"password": "Wrong#Pass1"})
    assert response.status_code == 422 and "密码不正确" in response.content.decode()
    assert TOTPDevice.objects.filter(user=street_a_staff).exists()
    response = client.post(reverse("otp_disable"), {"password": testing.PASSWORD})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=street_a_staff).exists()
    assert not StaticDevice.objects.filter(user=street_a_staff).exists()
    assert verbs(street_a_staff) == [Verb.TOTP_DISABLED]
    client.logout()
    assert password_login(client, street_a_staff).status_code == 200


def test_a_district_admin_cannot_disable_it(client, district_admin):
    enrolled(district_admin)
    client.force_login(district_admin)
    assert "不能停用" in client.get(MANAGE).content.decode()
    response = client.post(reverse("otp_disable"), {"password": testing.PASSWORD})
    assert response.status_code == 403
    assert TOTPDevice.objects.filter(user=district_admin).exists()


def test_a_superuser_must_enrol_even_for_the_admin_site(client, superuser):
    password_login(client, superuser)
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith(SETUP)


def test_an_api_token_needs_no_second_factor(client, district_admin):
    _, key = actions.create_token(district_admin, actor=district_admin, name="测试")
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200


def test_the_test_client_helper_passes_the_second_factor_unless_asked(client, district_admin):
    client.force_login(district_admin, second_factor=False)
    assert client.get("/").status_code == 302
    client.force_login(district_admin)
    assert client.get("/").status_code == 200


def test_a_code_of_another_time_step_long_ago_is_refused(district_admin):
    device, _ = enrolled(district_admin)
    with pytest.raises(InvalidInput):
        actions.verify_second_factor(
            district_admin, code=testing.totp_code(device, at=time.time() - 600)
        )


def test_the_second_factor_comes_before_the_forced_password_change(client, district):
    from shegong.core.perms import Role

    fresh = testing.user(
        Role.DISTRICT_ADMIN, district["district"], name="新区管理员", must_change_password=True
    )
    assert password_login(client, fresh)["Location"] == SETUP
    assert client.get("/accounts/password/")["Location"].startswith(SETUP)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=fresh)
    assert client.post(SETUP, {"code": testing.totp_code(device)}).status_code == 200
    assert client.get("/")["Location"] == "/accounts/password/?first=1"
    assert client.get("/accounts/password/").status_code == 200
