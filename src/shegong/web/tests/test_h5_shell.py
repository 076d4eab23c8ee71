"""The phone shell (/m/): the tiles the apps register, 消息, 我的 and 修改密码 in the shell, with
one bottom navigation and none of the desktop stack."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from shegong import testing
from shegong.core import registry
from shegong.core.models import Notification
from shegong.core.perms import Role
from shegong.core.registry import H5Tile, Registry
from shegong.web.h5 import tiles_for

WEB_TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


def note(user, title, *, read=False):
    from django.utils import timezone

    return Notification.objects.create(
        recipient=user, event="test", title=title, read_at=timezone.now() if read else None
    )


# --- the registry ------------------------------------------------------------------------------


@pytest.fixture
def own_tiles(monkeypatch):
    """An empty H5 registry of this test's own (the apps' tiles stay untouched)."""
    tiles: Registry[H5Tile] = Registry("h5_tiles")
    monkeypatch.setattr(registry, "h5_tiles", tiles)
    return tiles


def test_tiles_come_by_place_visibility_and_order(own_tiles, resident):
    own_tiles.add(
        H5Tile("b", "乙", "m_inbox", "bell", order=20, places=("home", "nav"), nav_label="乙短"),
        H5Tile("a", "甲", "mobile_home", "home", order=10, badge=lambda user: 3),
        H5Tile("hidden", "不见", "m_me", "user", order=5, visible=lambda user: False),
        H5Tile("me", "我的链接", lambda user: f"/m/me/?u={user.pk}", "user", places=("me",)),
        H5Tile("nowhere", "未挂载", "no_such:page", "user"),  # a page this deployment lacks
        H5Tile("zero", "零", "m_me", "user", order=30, badge=lambda user: 0),
    )
    home = tiles_for(resident, "home", "/m/inbox/")
    assert [t["key"] for t in home] == ["a", "b", "zero"]
    assert home[0]["badge"] == 3 and home[2]["badge"] is None  # no badge for nothing to do
    assert home[1]["active"] and not home[0]["active"]
    nav = tiles_for(resident, "nav")
    assert [(t["key"], t["label"]) for t in nav] == [("b", "乙短")]  # the short label
    assert tiles_for(resident, "me")[0]["url"] == f"/m/me/?u={resident.pk}"
    with pytest.raises(ValueError):
        tiles_for(resident, "sidebar")


def test_a_visitor_not_logged_in_sees_no_registered_tile(own_tiles):
    own_tiles.add(H5Tile("a", "甲", "mobile_home", "home", places=("home", "nav", "me")))
    assert tiles_for(AnonymousUser(), "nav") == []


def test_the_apps_registered_their_tiles():
    keys = {tile.key for tile in registry.h5_tiles}
    assert {"report", "my_reports", "nearest", "worker", "worker_profile", "volunteer"} <= keys
    assert {"certificates", "worker_register", "volunteer_register"} <= keys
    nav = [t.key for t in registry.h5_tiles if "nav" in t.places]
    assert nav == ["report", "nearest", "volunteer"]  # 随手拍 · 驿站 · 志愿


def test_the_shell_names_no_app():
    """The H5 home and the shell render what is registered: no app's URL names or models."""
    for name in ["web/mobile_home.html", "web/m_me.html", "h5_base.html", "includes/h5_nav.html"]:
        text = (WEB_TEMPLATES / name).read_text()
        assert not re.search(r"(reports|stations|volunteers)_m:", text), name
        assert "person." not in text and "worker" not in text, name


# --- the pages ---------------------------------------------------------------------------------


def test_the_h5_home_shows_the_registered_tiles_and_the_own_name_in_full(client, resident):
    client.force_login(resident)
    body = client.get(reverse("mobile_home")).content.decode()
    assert "您好，东关居民" in body
    assert 'id="tile-report"' in body and reverse("reports_m:report") in body
    assert 'id="tile-volunteer_register"' in body and 'id="tile-worker_register"' in body
    assert 'id="tile-nearest"' not in body  # 附近驿站 is the rider's
    assert 'id="h5-nav"' in body and "vendor/bootstrap" not in body


def test_the_bottom_navigation_has_home_the_apps_inbox_and_me(client, resident):
    note(resident, "一条未读")
    client.force_login(resident)
    body = client.get(reverse("mobile_home")).content.decode()
    nav = body[body.index('id="h5-nav"') : body.index("</nav>")]
    entries = [re.sub(r"<[^>]+>", " ", a).split() for a in re.findall(r"<a .*?</a>", nav, re.S)]
    assert [words[-1] for words in entries] == ["首页", "随手拍", "消息", "我的"]
    assert 'aria-label="1 条未读"' in nav
    assert f'href="{reverse("m_me")}"' in nav and reverse("password_change") not in nav


def test_the_inbox_in_the_shell_lists_only_ones_own(client, resident, street_b_staff):
    mine = note(resident, "您的上报已受理")
    note(resident, "早先的消息", read=True)
    note(street_b_staff, "别人的消息")
    client.force_login(resident)
    response = client.get(reverse("m_inbox"))
    body = response.content.decode()
    assert response.status_code == 200 and 'id="h5-nav"' in body
    assert "您的上报已受理" in body and "早先的消息" in body and "别人的消息" not in body
    assert "vendor/bootstrap" not in body
    unread = client.get(reverse("m_inbox"), {"show": "unread"}).content.decode()
    assert "您的上报已受理" in unread and "早先的消息" not in unread
    # Marking read from the shell comes back to the shell.
    response = client.post(reverse("inbox:read", args=[mine.pk]), {"h5": "1"})
    assert response.status_code == 302 and response["Location"] == reverse("m_inbox")
    mine.refresh_from_db()
    assert mine.read_at is not None
    response = client.post(reverse("inbox:read_all"), {"h5": "1", "show": "unread"})
    assert response["Location"] == reverse("m_inbox") + "?show=unread"


def test_me_is_a_profile_with_the_own_name_in_full_and_the_phone_masked(client, resident):
    client.force_login(resident)
    response = client.get(reverse("m_me"))
    body = response.content.decode()
    assert response.status_code == 200 and 'id="h5-nav"' in body
    assert '<p class="h5-hello" id="me-name">东关居民</p>' in body
    assert resident.phone not in body and resident.phone[:3] + "****" in body
    assert "东关社区 · 群众" in body
    assert 'name="old_password"' not in body  # a profile, not the password form
    assert reverse("m_password_change") in body and reverse("reports_m:my_reports") in body
    assert re.search(r'<form method="post" action="/accounts/logout/" data-confirm="[^"]+"', body)
    assert "vendor/bootstrap" not in body


def test_me_links_the_workbench_for_staff_only(client, resident, street_a_staff):
    client.force_login(street_a_staff)
    assert 'id="me-workbench"' in client.get(reverse("m_me")).content.decode()
    client.force_login(resident)
    assert 'id="me-workbench"' not in client.get(reverse("m_me")).content.decode()


def test_the_password_is_changed_in_the_shell(client, resident):
    client.force_login(resident)
    page = client.get(reverse("m_password_change"))
    body = page.content.decode()
    assert page.status_code == 200 and 'id="h5-nav"' in body and "vendor/bootstrap" not in body
    new = "Xin#Mima2026"
    response = client.post(
        reverse("m_password_change"),
        {"old_password": testing.PASSWORD, "new_password": new, "new_password2": new},
    )
    assert response.status_code == 302 and response["Location"] == reverse("m_me")
    resident.refresh_from_db()
    assert resident.check_password(new)


def test_a_wrong_old_password_is_refused_in_chinese_and_changes_nothing(client, resident):
    client.force_login(resident)
    response = client.post(
        reverse("m_password_change"),
        {"old_password": "wrong", "new_password": "Xin#Mima2026", "new_password2": "Xin#Mima2026"},
    )
    body = response.content.decode()
    assert response.status_code == 422 and 'class="rp-error"' in body and 'id="h5-nav"' in body
    resident.refresh_from_db()
    assert resident.check_password(testing.PASSWORD)


def test_a_phone_user_who_must_change_the_password_is_sent_to_the_shell(client, district):
    rider = testing.user(
        Role.WORKER, district["community_a"], name="新骑手", must_change_password=True
    )
    client.force_login(rider)
    response = client.get(reverse("mobile_home"))
    assert response["Location"] == reverse("m_password_change") + "?first=1"
    body = client.get(response["Location"]).content.decode()
    assert 'id="first-login"' in body
