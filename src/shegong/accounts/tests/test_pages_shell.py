"""The workbench shell: home cards per role, scope switcher, mobile home, tokens, error pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from shegong import testing
from shegong.accounts.middleware import SCOPE_SESSION_KEY
from shegong.accounts.models import ApiToken, Membership
from shegong.core.audit import Verb
from shegong.core.models import AuditEvent, Notification, WorkerHeartbeat
from shegong.core.perms import Role


def test_the_workbench_shows_the_menu_scope_and_counts(client, street_a_staff):
    Notification.objects.create(recipient=street_a_staff, event="test", title="待办")
    client.force_login(street_a_staff)
    response = client.get("/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "工作台" in body and "东城街道" in body
    assert "账号管理" in body  # menu entry from the permission table
    assert "运行状态" not in body  # street staff lack SYSTEM_VIEW
    cards = _cards(response)
    assert dict(cards["regions"]["counts"]) == {"社区/村": 1, "网格": 1}
    assert cards["inbox"]["unread"] == 1
    assert 'id="card-workers"' not in body
    # One's own name in full, in the top bar and the greeting: masking is for others.
    assert body.count(street_a_staff.name) >= 2 and f"您好，{street_a_staff.name}" in body


def test_district_admins_see_a_red_card_when_no_worker_runs(client, district_admin):
    client.force_login(district_admin)
    body = client.get("/").content.decode()
    assert 'id="card-workers"' in body
    assert "后台进程未运行" in body


def test_a_stale_worker_is_red_and_a_fresh_one_green(client, district_admin):
    WorkerHeartbeat.objects.create(name="worker-old", beat_at=timezone.now() - timedelta(hours=1))
    WorkerHeartbeat.objects.create(name="worker-new")
    client.force_login(district_admin)
    body = client.get("/").content.decode()
    assert "心跳超时" in body and "运行中" in body


def test_admins_see_recent_audit_entries_in_scope(client, street_a_staff, street_b_staff, district):
    from shegong.core import audit

    audit.record(Verb.USER_UPDATED, actor=street_a_staff, region=district["street_a"])
    audit.record(Verb.USER_UPDATED, actor=street_b_staff, region=district["street_b"])
    client.force_login(street_a_staff)
    events = _cards(client.get("/"))["audit"]["events"]
    assert {e.region_id for e in events} == {district["street_a"].code}


def test_field_users_are_sent_to_the_mobile_home(client, resident):
    client.force_login(resident)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/m/"
    page = client.get("/m/")
    body = page.content.decode()
    assert page.status_code == 200
    assert 'id="h5-nav"' in body and "东关社区 · 群众" in body
    assert f"您好，{resident.name}" in body  # one's own name in full


@pytest.fixture
def two_scopes(street_a_staff, district):
    """Street A staff who is also a community worker in street B's community."""
    return Membership.objects.create(
        user=street_a_staff, role=Role.COMMUNITY_WORKER, region=district["community_b"]
    )


def test_the_scope_switcher_changes_what_the_user_sees(client, street_a_staff, two_scopes):
    client.force_login(street_a_staff)
    before = client.get("/").content.decode()
    assert "西关社区 · 社区工作者" in before  # offered in the switcher
    response = client.post(
        reverse("accounts:switch_scope"),
        {"membership_id": two_scopes.pk, "next": "/accounts/users/"},
    )
    assert response.status_code == 302 and response["Location"] == "/accounts/users/"
    assert client.session[SCOPE_SESSION_KEY] == two_scopes.pk
    after = client.get("/")
    assert after.context["membership"] == two_scopes
    assert "账号管理" in after.content.decode()  # community workers may view accounts
    assert AuditEvent.objects.filter(verb=Verb.SCOPE_SWITCHED, actor=street_a_staff).exists()


def test_it_refuses_to_switch_to_someone_elses_membership(client, street_a_staff, street_b_staff):
    client.force_login(street_a_staff)
    foreign = street_b_staff.memberships.get()
    response = client.post(
        reverse("accounts:switch_scope"), {"membership_id": foreign.pk}, follow=True
    )
    # Back to the page, with a message: not the 404 page (NotFound is no DomainError).
    assert response.redirect_chain == [("/", 302)] and response.status_code == 200
    assert "未找到该工作范围" in response.content.decode()
    assert SCOPE_SESSION_KEY not in client.session


def test_switching_refuses_garbage_and_external_redirects(client, street_a_staff):
    client.force_login(street_a_staff)
    response = client.post(
        reverse("accounts:switch_scope"), {"membership_id": "abc", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"
    assert client.get(reverse("accounts:switch_scope")).status_code == 405


def test_an_unknown_page_gets_the_chinese_404(client, street_a_staff):
    client.force_login(street_a_staff)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "未找到您要访问的页面或对象" in response.content.decode()


def test_an_unknown_api_route_gets_json_problem_details(client, street_a_staff):
    client.force_login(street_a_staff)
    response = client.get("/api/no-such-thing/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 404


def test_the_500_page_is_chinese_and_standalone(client, rf):
    from shegong.web.views.home import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "服务器出了点问题" in response.content.decode()


def test_tokens_are_shown_once_and_can_be_revoked(client, street_a_staff):
    client.force_login(street_a_staff)
    response = client.post(reverse("accounts:tokens"), {"name": "网格员App"})
    key = response.context["plaintext"]
    assert key.startswith("sg_") and key in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    token = ApiToken.objects.get(user=street_a_staff)
    assert token.key_hash == ApiToken.hash(key)
    listing = client.get(reverse("accounts:tokens")).content.decode()
    assert key not in listing and "网格员App" in listing
    client.post(reverse("accounts:token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(verb=Verb.TOKEN_REVOKED).exists()


@pytest.mark.parametrize(
    ("name", "message"), [("", "请填写令牌用途"), ("长" * 61, "令牌用途不超过60字")]
)
def test_it_refuses_a_bad_token_name(client, street_a_staff, name, message):
    client.force_login(street_a_staff)
    response = client.post(reverse("accounts:tokens"), {"name": name})
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not ApiToken.objects.exists()


def test_one_cannot_revoke_another_users_token(client, street_a_staff, street_b_staff):
    from shegong.accounts import actions

    token, _ = actions.create_token(street_b_staff, actor=street_b_staff, name="西城")
    client.force_login(street_a_staff)
    assert client.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_user_without_roles_sees_a_notice(client, db):
    from shegong.accounts.models import User

    lonely = User.objects.create_user(phone="13511112222", password=testing.PASSWORD, name="无角色")
    client.force_login(lonely)
    assert "尚未分配角色" in client.get("/").content.decode()


def test_the_home_page_shows_ledger_counts_in_scope_only(client, district, street_a_staff):
    from shegong.ledger.models import Organization

    Organization.objects.create(kind="enterprise", name="东关甲公司", region=district["grid_a"])
    Organization.objects.create(kind="enterprise", name="西关乙公司", region=district["grid_b"])
    client.force_login(street_a_staff)
    response = client.get("/")
    assert _cards(response)["ledger"]["organizations"] == 1
    assert 'id="card-ledger"' in response.content.decode()


def _cards(response):
    """The workbench cards on the home page, by name: {name: the card's context}."""
    return {card["name"]: card["data"] for card in response.context["cards"]}
