"""Idle timeout: the session is renewed as it is used (at most one write a minute) and dies
after 30 idle minutes."""

from datetime import timedelta

from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from shegong.testing import PASSWORD


def test_each_request_renews_the_session_for_the_idle_period(client, settings, street_a_staff):
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_MINUTES * 60 == 30 * 60
    client.post(reverse("login"), {"username": street_a_staff.phone, "password": PASSWORD})
    response = client.get(reverse("home"))
    assert response.status_code == 200
    session = Session.objects.get()
    remaining = session.expire_date - timezone.now()
    assert timedelta(minutes=29) < remaining <= timedelta(minutes=30)


def test_an_idle_session_is_sent_back_to_the_login_page(client, street_a_staff):
    client.post(reverse("login"), {"username": street_a_staff.phone, "password": PASSWORD})
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_logout_ends_the_session_and_is_audited(client, street_a_staff):
    from shegong.core.audit import Verb
    from shegong.core.models import AuditEvent

    client.post(reverse("login"), {"username": street_a_staff.phone, "password": PASSWORD})
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302
    assert AuditEvent.objects.filter(verb=Verb.LOGOUT, actor=street_a_staff).exists()


def test_the_session_is_renewed_at_most_once_a_minute(client, street_a_staff):
    from shegong.accounts.middleware import TOUCH_KEY

    client.post(reverse("login"), {"username": street_a_staff.phone, "password": PASSWORD})
    client.get(reverse("home"))
    first = Session.objects.get().expire_date
    client.get(reverse("home"))  # within the minute: no write
    assert Session.objects.get().expire_date == first
    session = client.session
    session[TOUCH_KEY] = int(session[TOUCH_KEY]) - 61  # a minute later…
    session.save()
    Session.objects.update(expire_date=timezone.now() + timedelta(minutes=5))
    client.get(reverse("home"))
    remaining = Session.objects.get().expire_date - timezone.now()
    assert remaining > timedelta(minutes=29)  # …the next request renews it
