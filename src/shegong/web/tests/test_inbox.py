"""The inbox: one's own notifications only, unread first, mark one or all read."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shegong.core import actions
from shegong.core.errors import NotPermitted
from shegong.core.models import AuditEvent, Notification
from shegong.web import queries


def note(user, title, *, read=False, link=""):
    from django.utils import timezone

    return Notification.objects.create(
        recipient=user,
        event="test",
        title=title,
        link=link,
        read_at=timezone.now() if read else None,
    )


@pytest.fixture
def mail(street_a_staff, street_b_staff):
    return {
        "unread": note(street_a_staff, "东城未读"),
        "read": note(street_a_staff, "东城已读", read=True),
        "other": note(street_b_staff, "西城通知"),
    }


def test_it_shows_only_the_users_own_notifications(client, street_a_staff, mail):
    client.force_login(street_a_staff)
    page = client.get(reverse("inbox:list")).content.decode()
    assert "东城未读" in page and "东城已读" in page
    assert "西城通知" not in page


def test_unread_come_first_and_can_be_shown_alone(client, street_a_staff, mail):
    note(street_a_staff, "更新的已读", read=True)
    client.force_login(street_a_staff)
    page = client.get(reverse("inbox:list")).content.decode()
    assert page.index("东城未读") < page.index("更新的已读")
    unread = client.get(reverse("inbox:list"), {"show": "unread"}).content.decode()
    assert "东城未读" in unread and "东城已读" not in unread


def test_marking_one_read(client, street_a_staff, mail):
    client.force_login(street_a_staff)
    response = client.post(reverse("inbox:read", args=[mail["unread"].pk]))
    assert response.status_code == 302
    mail["unread"].refresh_from_db()
    assert mail["unread"].read_at is not None


def test_it_refuses_to_mark_another_users_notification(client, street_a_staff, mail):
    client.force_login(street_a_staff)
    assert client.post(reverse("inbox:read", args=[mail["other"].pk])).status_code == 404
    mail["other"].refresh_from_db()
    assert mail["other"].read_at is None


def test_marking_all_read_touches_only_ones_own(client, street_a_staff, mail):
    client.force_login(street_a_staff)
    before = AuditEvent.objects.count()
    response = client.post(reverse("inbox:read_all"), follow=True)
    assert "已将 1 条消息标记为已读" in response.content.decode()
    assert queries.unread_count(street_a_staff) == 0
    mail["other"].refresh_from_db()
    assert mail["other"].read_at is None
    assert AuditEvent.objects.count() == before  # not an audited event (see the action)


def test_a_read_notification_keeps_its_first_read_time(street_a_staff, mail):
    first = mail["read"].read_at
    assert (
        actions.mark_notifications_read(street_a_staff, [mail["read"].pk], actor=street_a_staff)
        == 0
    )
    mail["read"].refresh_from_db()
    assert mail["read"].read_at == first


def test_the_action_ignores_other_users_ids_and_refuses_other_actors(
    street_a_staff, street_b_staff, mail
):
    ids = [mail["unread"].pk, mail["other"].pk]
    assert actions.mark_notifications_read(street_a_staff, ids, actor=street_a_staff) == 1
    with pytest.raises(NotPermitted) as exc:
        actions.mark_notifications_read(street_b_staff, None, actor=street_a_staff)
    assert exc.value.detail == "只能标记自己的消息"


def test_the_unread_count(street_a_staff, street_b_staff, mail):
    from django.contrib.auth.models import AnonymousUser

    assert queries.unread_count(street_a_staff) == 1
    assert queries.unread_count(street_b_staff) == 1
    assert queries.unread_count(AnonymousUser()) == 0


def test_opening_a_notification_follows_its_link_on_this_site_only(client, street_a_staff):
    inside = note(street_a_staff, "站内", link="/regions/")
    outside = note(street_a_staff, "站外", link="https://evil.example/")
    client.force_login(street_a_staff)
    response = client.post(reverse("inbox:read", args=[inside.pk]), {"go": "1"})
    assert response["Location"] == "/regions/"
    response = client.post(reverse("inbox:read", args=[outside.pk]), {"go": "1"})
    assert response["Location"] == reverse("inbox:list")
    outside.refresh_from_db()
    assert outside.read_at is not None


def test_field_users_have_an_inbox_too(client, resident):
    note(resident, "您的诉求已办结")
    client.force_login(resident)
    assert "您的诉求已办结" in client.get(reverse("inbox:list")).content.decode()


def test_the_workbench_unread_figure_links_to_the_unread_list_of_that_length(
    client, street_a_staff, mail
):
    """The card's 未读 figure is the inbox's 未读 tab: the same query, counted (issue 13)."""
    note(street_a_staff, "东城第二条未读")
    client.force_login(street_a_staff)
    home = client.get("/").content.decode()
    url = f"{reverse('inbox:list')}?show=unread"
    assert f'href="{url}" data-sg-count="2"' in home
    assert 'data-sg-total="2"' in client.get(url).content.decode()
