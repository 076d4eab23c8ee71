"""Login, lockout, logout and password change pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shegong import testing
from shegong.accounts.models import User
from shegong.core.audit import Verb
from shegong.core.models import AuditEvent
from shegong.core.perms import Role

LOGIN = "/accounts/login/"
GENERIC = "手机号或密码不正确"
LOCKED = "登录失败次数过多，账号已锁定，请15分钟后再试或联系管理员解锁"


def login(client, phone, password):
    return client.post(LOGIN, {"username": phone, "password": password})


def test_the_login_page_is_in_chinese_and_needs_no_login(client, db):
    response = client.get(LOGIN)
    assert response.status_code == 200
    body = response.content.decode()
    assert "手机号" in body and "密码" in body and "登 录" in body


def test_pages_need_login(client, db):
    for url in ("/", "/m/", reverse("accounts:users"), reverse("accounts:tokens")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN)


def test_it_logs_in_with_phone_and_password(client, street_a_staff):
    response = login(client, street_a_staff.phone, testing.PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(verb=Verb.LOGIN, actor=street_a_staff).exists()


def test_a_wrong_password_and_an_unknown_phone_get_the_same_message(client, street_a_staff):
    wrong = login(client, street_a_staff.phone, "Wrong#Pass1")
    unknown = login(client, "13712345678", "Wrong#Pass1")
    for response in (wrong, unknown):
        assert response.status_code == 200
        body = response.content.decode()
        assert body.count(GENERIC) == 1
    assert wrong.context["form"].errors == unknown.context["form"].errors == {"__all__": [GENERIC]}


def test_an_inactive_account_gets_the_generic_message(client, street_a_staff):
    User.objects.filter(pk=street_a_staff.pk).update(is_active=False)
    response = login(client, street_a_staff.phone, testing.PASSWORD)
    assert GENERIC in response.content.decode()
    assert "停用" not in response.content.decode()


def test_five_failures_lock_the_account_even_for_the_right_password(client, street_a_staff):
    for _ in range(4):
        assert login(client, street_a_staff.phone, "Wrong#Pass1").status_code == 200
    fifth = login(client, street_a_staff.phone, "Wrong#Pass1")
    assert fifth.status_code == 429
    assert LOCKED in fifth.content.decode()
    right = login(client, street_a_staff.phone, testing.PASSWORD)
    assert right.status_code == 429
    assert LOCKED in right.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(verb=Verb.LOCKED_OUT).exists()


def test_clearing_the_lockout_lets_the_user_in_again(client, street_a_staff, district):
    from shegong.accounts import actions

    for _ in range(5):
        login(client, street_a_staff.phone, "Wrong#Pass1")
    admin = testing.user(Role.DISTRICT_ADMIN, district["district"], name="区管理员")
    actions.clear_lockout(street_a_staff, actor=admin)
    assert login(client, street_a_staff.phone, testing.PASSWORD).status_code == 302


def test_logout_is_a_post(client, street_a_staff):
    client.force_login(street_a_staff)
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


@pytest.fixture
def new_account(district):
    return testing.user(
        Role.STREET_STAFF, district["street_a"], name="新干部", must_change_password=True
    )


def test_first_login_must_change_the_password(client, new_account):
    response = login(client, new_account.phone, testing.PASSWORD)
    assert response.status_code == 302
    home = client.get("/")
    assert home.status_code == 302
    assert home["Location"] == "/accounts/password/?first=1"
    page = client.get(home["Location"])
    body = page.content.decode()
    assert "首次登录须设置新密码" in body
    assert "至少包含" in body or "至少8位" in body  # the policy is shown

    response = client.post(
        "/accounts/password/",
        {
            "old_password": testing.PASSWORD,
            "new_password": "Fresh#Pass9",
            "new_password2": "Fresh#Pass9",
        },
    )
    assert response.status_code == 302
    new_account.refresh_from_db()
    assert not new_account.must_change_password
    assert new_account.check_password("Fresh#Pass9")
    assert client.get("/").status_code == 200  # still logged in
    assert AuditEvent.objects.filter(verb=Verb.PASSWORD_CHANGED, actor=new_account).exists()


@pytest.mark.parametrize(
    ("old", "new", "again", "field", "message"),
    [
        ("Wrong#Pass1", "Fresh#Pass9", "Fresh#Pass9", "old_password", "原密码不正确"),
        # Django's zh-hans catalogue lacks this message; the length "8" is named either way.
        (testing.PASSWORD, "short1A", "short1A", "new_password", "8"),
        (testing.PASSWORD, "alllowercase", "alllowercase", "new_password", "至少3类"),
        (testing.PASSWORD, testing.PASSWORD, testing.PASSWORD, "new_password", "不能与原密码相同"),
        (testing.PASSWORD, "Fresh#Pass9", "Fresh#Pass8", "new_password2", "两次输入的新密码不一致"),
        (testing.PASSWORD, "", "", "new_password", "必填"),
    ],
)
def test_it_refuses_a_bad_new_password(client, street_a_staff, old, new, again, field, message):
    client.force_login(street_a_staff)
    response = client.post(
        "/accounts/password/",
        {"old_password": old, "new_password": new, "new_password2": again},
    )
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message in " ".join(errors[field])
    street_a_staff.refresh_from_db()
    assert street_a_staff.check_password(testing.PASSWORD)
