"""Limits on logging in that hold: the lockout per (account, address) and the per-address
throttle, both kept where every web process sees them (the database), not in process memory."""

from __future__ import annotations

import ipaddress

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from shegong import testing
from shegong.core import limits
from shegong.core.audit import Verb
from shegong.core.models import AuditEvent, RateCount
from shegong.core.net import client_ip
from shegong.core.perms import Role

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
LOCKED = "登录失败次数过多，账号已锁定，请15分钟后再试或联系管理员解锁"
ATTACKER = "203.0.113.7"  # IP A
OWNER = "198.51.100.20"  # IP B
T0 = 1_800_000_000.0  # a multiple of 900: the test starts at the beginning of a window


@pytest.fixture
def clock(monkeypatch):
    """The clock of the shared counters, moved by the test (``clock.at += 5``), never slept."""

    class Clock:
        at = T0

    monkeypatch.setattr(limits, "now", lambda: Clock.at)
    return Clock


@pytest.fixture
def throttle(settings, clock):
    """A small threshold so a test needs few tries; the default (30) is checked on its own."""
    settings.SHEGONG_LOGIN_IP_FAILURE_LIMIT = 3
    settings.SHEGONG_LOGIN_IP_DELAY_SECONDS = 5
    settings.SHEGONG_LOGIN_IP_WINDOW_MINUTES = 15
    return settings


def fresh_process_client(ip: str) -> Client:
    """A client as a freshly started web process sees it: no session, no cache of this one."""
    testing.forget_process_memory()
    return Client(REMOTE_ADDR=ip)


def login(ip: str, phone: str, password: str):
    return fresh_process_client(ip).post(LOGIN, {"username": phone, "password": password})


def failures_from(ip: str) -> int:
    return limits.peek(f"login:ip:{ip}", 900).count


# --- the lockout per (account, address) ------------------------------------------------------


def test_the_lockout_is_shared_by_every_process(street_a_staff):
    """axes keeps attempts as rows: each try below comes as to a fresh process, yet the fifth
    locks the account and the right password is refused after it."""
    statuses = [login(ATTACKER, street_a_staff.phone, "Wrong#Pass1").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    right = login(ATTACKER, street_a_staff.phone, testing.PASSWORD)
    assert right.status_code == 429
    assert LOCKED in right.content.decode()
    assert AccessAttempt.objects.get(username=street_a_staff.phone).ip_address == ATTACKER


def test_an_attacker_cannot_lock_the_superuser_out_from_the_owners_address(superuser):
    for _ in range(5):
        login(ATTACKER, superuser.phone, "Wrong#Pass1")
    assert login(ATTACKER, superuser.phone, testing.PASSWORD).status_code == 429

    client = Client(REMOTE_ADDR=OWNER)
    response = client.post(LOGIN, {"username": superuser.phone, "password": testing.PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(superuser.pk)


def test_the_owners_page_says_the_account_is_locked_somewhere(client, street_a_staff, district):
    """The user's page sums the failures over every address and shows the lock of any one."""
    login(OWNER, street_a_staff.phone, "Wrong#Pass1")
    for _ in range(5):
        login(ATTACKER, street_a_staff.phone, "Wrong#Pass1")
    admin = testing.user(Role.DISTRICT_ADMIN, district["district"], name="区管理员")
    client.force_login(admin)
    body = client.get(reverse("accounts:user", args=[street_a_staff.pk])).content.decode()
    assert "登录已锁定" in body


# --- the throttle per address ----------------------------------------------------------------


@pytest.mark.parametrize("store", ["database", "redis"])
def test_an_address_is_delayed_after_k_failures_and_the_delay_doubles(
    throttle, clock, street_a_staff, store, request
):
    if store == "redis":
        request.getfixturevalue("redis_limits")
    # Three accounts guessed once each: no account is locked, the address has 3 failures.
    for phone in ("13700000001", "13700000002", "13700000003"):
        assert login(ATTACKER, phone, "Wrong#Pass1").status_code == 200
    assert failures_from(ATTACKER) == 3
    assert AuditEvent.objects.filter(verb=Verb.LOGIN_THROTTLED, ip=ATTACKER).count() == 1

    refused = login(ATTACKER, street_a_staff.phone, testing.PASSWORD)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "5"
    assert "登录尝试过于频繁，请 5 秒后再试" in refused.content.decode()
    # Refused before any password was checked: no failure counted, none audited.
    assert failures_from(ATTACKER) == 3
    assert AuditEvent.objects.filter(verb=Verb.LOGIN_FAILED).count() == 3

    clock.at += 2
    assert "请 3 秒后再试" in login(ATTACKER, "13700000004", "x").content.decode()

    clock.at += 3  # the 5 seconds are over: one more try, which fails …
    assert login(ATTACKER, "13700000004", "Wrong#Pass1").status_code == 200
    doubled = login(ATTACKER, street_a_staff.phone, testing.PASSWORD)
    assert "登录尝试过于频繁，请 10 秒后再试" in doubled.content.decode()  # … and doubles the wait
    assert AuditEvent.objects.filter(verb=Verb.LOGIN_THROTTLED).count() == 1  # audited once

    # Another address is not slowed by this one.
    assert login(OWNER, street_a_staff.phone, testing.PASSWORD).status_code == 302

    clock.at += 10  # after the delay, the right password logs in from the throttled address
    client = fresh_process_client(ATTACKER)
    response = client.post(LOGIN, {"username": street_a_staff.phone, "password": testing.PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(street_a_staff.pk)
    assert RateCount.objects.exists() == (store == "database")


def test_the_delay_never_outlasts_the_window(throttle, clock):
    RateCount.objects.create(
        key=f"login:ip:{ATTACKER}", window_start=int(T0), count=40, last_at=T0 + 890,
        expires_at=int(T0) + 900,
    )  # fmt: skip
    clock.at = T0 + 891
    response = login(ATTACKER, "13700000001", "x")
    assert "请 9 秒后再试" in response.content.decode()
    clock.at = T0 + 900  # a new window: the address starts afresh
    assert login(ATTACKER, "13700000001", "Wrong#Pass1").status_code == 200


def test_the_admin_login_is_throttled_too(throttle, clock, superuser):
    for n in range(3):
        fresh_process_client(ATTACKER).post(
            "/admin/login/", {"username": f"1370000000{n}", "password": "Wrong#Pass1"}
        )
    assert failures_from(ATTACKER) == 3  # the admin's failures count as well
    response = fresh_process_client(ATTACKER).post(
        "/admin/login/", {"username": superuser.phone, "password": testing.PASSWORD}
    )
    assert response.status_code == 429
    assert "登录尝试过于频繁" in response.content.decode()


def test_a_street_office_behind_one_address_is_not_slowed_by_its_typos(clock, district):
    """The default threshold is generous: 29 failures from one NAT address delay nobody."""
    staff = [testing.user(Role.STREET_STAFF, district["street_a"]) for _ in range(10)]
    for n in range(29):
        assert login(ATTACKER, staff[n % 10].phone, f"Typo#{n}").status_code == 200
    colleague = testing.user(Role.STREET_STAFF, district["street_a"], name="同事")
    assert login(ATTACKER, colleague.phone, testing.PASSWORD).status_code == 302


def test_the_throttle_page_keeps_the_form(throttle, clock):
    for phone in ("13700000001", "13700000002", "13700000003"):
        login(ATTACKER, phone, "Wrong#Pass1")
    response = login(ATTACKER, "13700000009", "x")
    body = response.content.decode()
    assert 'id="throttle-message"' in body
    assert 'name="username"' in body and 'value="13700000009"' in body
    assert 'name="password"' in body


# --- the client's address behind a proxy ------------------------------------------------------


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        (ATTACKER, "", ATTACKER),
        (ATTACKER, OWNER, ATTACKER),  # not from the proxy: the header is the client's word
        ("127.0.0.1", "", "127.0.0.1"),
        ("127.0.0.1", OWNER, OWNER),
        ("127.0.0.1", f"{OWNER}, {ATTACKER}", ATTACKER),  # the left entry was the client's own
        ("127.0.0.1", f"{ATTACKER}, 10.0.0.5", ATTACKER),  # a second trusted proxy is skipped
        ("127.0.0.1", "not-an-address", "127.0.0.1"),
    ],
)
def test_the_client_address_trusts_forwarded_for_only_from_a_trusted_proxy(
    rf, settings, remote, forwarded, expected
):
    settings.TRUSTED_PROXIES = [ipaddress.ip_network(n) for n in ("127.0.0.1", "10.0.0.0/8")]
    request = rf.get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_behind_the_proxy_each_client_keeps_its_own_lockout(settings, superuser):
    """Behind nginx every request comes from 127.0.0.1: the forwarded address must decide, or
    one attacker would lock the owner out again."""
    settings.TRUSTED_PROXIES = [ipaddress.ip_network("127.0.0.1")]

    def via_proxy(client_address: str, password: str):
        client = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=client_address)
        return client.post(LOGIN, {"username": superuser.phone, "password": password})

    for _ in range(5):
        via_proxy(ATTACKER, "Wrong#Pass1")
    assert via_proxy(ATTACKER, testing.PASSWORD).status_code == 429
    assert via_proxy(OWNER, testing.PASSWORD).status_code == 302
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [ATTACKER]
