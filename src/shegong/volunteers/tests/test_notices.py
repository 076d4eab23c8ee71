"""Volunteer lists published as 公示: new stars and issued certificates (issue 17 §3)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from shegong import testing
from shegong.core.audit import Verb
from shegong.core.errors import InvalidInput
from shegong.core.models import AuditEvent
from shegong.core.registry import notice_kinds
from shegong.notices.models import Notice
from shegong.volunteers.actions import notices
from shegong.volunteers.models import Certificate

pytestmark = pytest.mark.django_db


@pytest.fixture
def stars(district):
    now = timezone.now()
    east = testing.volunteer(
        district["community_a"], name="王小明", star=3, hours=Decimal("612.50"), star_reached_at=now
    )
    team = testing.team(district["community_a"], name="东关助老队", leader=east)
    west = testing.volunteer(
        district["community_b"], name="李西关", star=1, hours=Decimal("120"), star_reached_at=now
    )
    old = testing.volunteer(
        district["community_a"], name="赵旧星", star=2, hours=Decimal("400"),
        star_reached_at=now - timedelta(days=90),
    )  # fmt: skip
    return {"east": east, "west": west, "old": old, "team": team}


@pytest.fixture
def issued(district, stars):
    today = timezone.localdate()
    return Certificate.objects.create(
        serial="ZMTEST0001", volunteer=stars["east"], team=stars["team"],
        period_start=today - timedelta(days=60), period_end=today, hours=Decimal("36.00"),
        records=5, issuer_name="东关助老队",
    )  # fmt: skip


def _period():
    today = timezone.localdate()
    return {"since": today - timedelta(days=30), "until": today}


def test_kinds_are_registered_with_their_windows():
    assert notice_kinds.get("volunteers.stars").days == 10
    assert notice_kinds.get("volunteers.certificates").days == 7
    assert notice_kinds.get("volunteers.stars").names == "masked"


def test_the_star_notice_lists_new_stars_of_the_region_masked(stars, street_a_staff, district):
    notice = notices.publish_star_notice(
        actor=street_a_staff, region=district["street_a"].code, **_period()
    )
    assert notice.kind == "volunteers.stars" and notice.status == "published"
    assert notice.region_id == district["street_a"].code
    assert "王**" in notice.body and "三星志愿者" in notice.body and "612.50 小时" in notice.body
    assert "东关助老队" in notice.body
    assert "王小明" not in notice.body and "李" not in notice.body  # other street, masked
    assert "赵" not in notice.body  # reached before the period
    assert stars["east"].number not in notice.body
    assert (notice.ends_at - notice.starts_at).days == 10
    event = AuditEvent.objects.get(verb=int(Verb.VOLUNTEER_STARS_NOTICED))
    assert event.data["count"] == 1 and event.target_id == str(notice.pk)


def test_bad_input_writes_nothing(stars, street_a_staff, district):
    today = timezone.localdate()
    cases = [
        {"region": district["street_b"].code, **_period()},  # not in scope
        {"region": district["street_a"].code, "since": today, "until": today - timedelta(1)},
        {"region": district["street_a"].code, "since": today, "until": today + timedelta(1)},
        {"region": district["street_a"].code, "since": today - timedelta(300),
         "until": today - timedelta(200)},  # nobody in the period
    ]  # fmt: skip
    for case in cases:
        with pytest.raises(InvalidInput):
            notices.publish_star_notice(actor=street_a_staff, **case)
    assert not Notice.objects.exists()
    assert not AuditEvent.objects.filter(verb=int(Verb.VOLUNTEER_STARS_NOTICED)).exists()


def test_the_certificate_notice_lists_issued_certificates(issued, street_a_staff, district):
    notice = notices.publish_certificate_notice(
        actor=street_a_staff, region=district["community_a"].code, **_period()
    )
    assert notice.kind == "volunteers.certificates"
    assert "王**" in notice.body and "36.00 小时" in notice.body and "东关助老队" in notice.body
    assert "王小明" not in notice.body and issued.serial not in notice.body
    assert (notice.ends_at - notice.starts_at).days == 7
    issued.revoked_at = timezone.now()
    issued.save()
    with pytest.raises(InvalidInput):  # a revoked certificate is not listed: nothing left
        notices.publish_certificate_notice(
            actor=street_a_staff, region=district["community_a"].code, **_period()
        )


def test_the_star_page_previews_and_publishes(client, stars, street_a_staff, district):
    client.force_login(street_a_staff)
    listing = client.get(reverse("volunteers:list"))
    assert 'id="star-notice-button"' in listing.content.decode()
    url = reverse("volunteers:star_notice")
    period = {k: v.isoformat() for k, v in _period().items()}
    data = {"region": district["street_a"].code, **period}
    preview = client.get(url, data)
    html = preview.content.decode()
    assert preview.status_code == 200 and "王**" in html and "王小明" not in html
    assert 'id="notice-publish-form"' in html and "data-confirm" in html
    done = client.post(url, data)
    assert done.status_code == 302 and Notice.objects.filter(kind="volunteers.stars").count() == 1
    bad = client.post(url, {**data, "until": period["since"], "since": period["until"]})
    assert bad.status_code == 422 and "截止日期不能早于起始日期" in bad.content.decode()
    other = client.post(url, {**data, "region": district["street_b"].code})
    assert other.status_code == 422  # not a choice in scope
    assert Notice.objects.count() == 1


def test_the_certificate_page_publishes(client, issued, street_a_staff, district):
    client.force_login(street_a_staff)
    assert (
        'id="certificate-notice-button"'
        in client.get(reverse("volunteers:certificates")).content.decode()
    )
    period = {k: v.isoformat() for k, v in _period().items()}
    done = client.post(
        reverse("volunteers:certificate_notice"), {"region": district["community_a"].code, **period}
    )
    assert done.status_code == 302
    assert Notice.objects.get().kind == "volunteers.certificates"


def test_without_the_permission_the_page_is_refused(client, resident):
    client.force_login(resident)
    assert client.get(reverse("volunteers:star_notice")).status_code == 403
