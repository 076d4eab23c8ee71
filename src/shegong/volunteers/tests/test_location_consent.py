"""The separate consent to the check-in location (PIPL art. 29): given and withdrawn by the
volunteer (audited), never implied by registration; check-in and check-out read and keep a
position only with it, refuse one sent without it, and otherwise go by the QR code alone."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from shegong import testing
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, NotFound
from shegong.core.models import AuditEvent
from shegong.volunteers import consent
from shegong.volunteers.actions import attendance, registration
from shegong.volunteers.models import ServiceRecord, Signup, Volunteer

from .people_fixtures import id_for

LAT, LON = testing.POINT_A
API = "/api/v1/activities"


@pytest.fixture
def member(district, activities_member_user):
    """A volunteer with an account who has not given the location consent."""
    return testing.volunteer(
        district["community_a"], name="东关志愿者", account=activities_member_user,
        location_consent_at=None,
    )  # fmt: skip


@pytest.fixture
def shift(activities_team, member):
    """A shift under way at POINT_A, ``member`` confirmed on it."""
    shift = testing.activity(activities_team, title="河道清理").shifts.get()
    Signup.objects.create(shift=shift, volunteer=member, status="confirmed")
    return shift


def _post(client, url, body, **headers):
    return client.post(url, body, content_type="application/json", **headers)


# --- giving and withdrawing --------------------------------------------------------------------


def test_giving_the_consent_records_the_version_and_the_time_audited(
    member, activities_member_user
):
    before = timezone.now()
    registration.give_location_consent(member, actor=activities_member_user)
    member.refresh_from_db()
    assert member.location_consent_version == consent.LOCATION_CONSENT_VERSION
    assert member.location_consent_at >= before
    assert registration.has_location_consent(member)
    event = AuditEvent.objects.get(verb=Verb.LOCATION_CONSENT_GIVEN)
    assert event.actor == activities_member_user and event.data["version"] == "2026-L1"
    registration.give_location_consent(member, actor=activities_member_user)  # already given
    assert AuditEvent.objects.filter(verb=Verb.LOCATION_CONSENT_GIVEN).count() == 1


def test_withdrawing_clears_it_audited_at_any_time(member, activities_member_user):
    registration.give_location_consent(member, actor=activities_member_user)
    given_at = Volunteer.objects.get(pk=member.pk).location_consent_at
    registration.withdraw_location_consent(member, actor=activities_member_user)
    member.refresh_from_db()
    assert member.location_consent_at is None and member.location_consent_version == ""
    assert not registration.has_location_consent(member)
    event = AuditEvent.objects.get(verb=Verb.LOCATION_CONSENT_WITHDRAWN)
    assert event.data == {"version": "2026-L1", "given_at": given_at.isoformat()}
    with pytest.raises(DomainError, match="无需撤回"):
        registration.withdraw_location_consent(member, actor=activities_member_user)
    assert AuditEvent.objects.filter(verb=Verb.LOCATION_CONSENT_WITHDRAWN).count() == 1


def test_only_the_volunteer_themself_gives_or_withdraws_it(member, street_a_staff):
    with pytest.raises(NotFound):
        registration.give_location_consent(member, actor=street_a_staff)
    member.refresh_from_db()
    assert member.location_consent_at is None
    assert not AuditEvent.objects.filter(verb=Verb.LOCATION_CONSENT_GIVEN).exists()


def test_a_newer_notice_asks_again(member, activities_member_user):
    Volunteer.objects.filter(pk=member.pk).update(
        location_consent_version="2025-L0", location_consent_at=timezone.now()
    )
    member.refresh_from_db()
    assert not registration.has_location_consent(member)
    registration.give_location_consent(member, actor=activities_member_user)
    event = AuditEvent.objects.get(verb=Verb.LOCATION_CONSENT_GIVEN)
    assert event.data == {"version": "2026-L1", "previous_version": "2025-L0"}


def test_registration_does_not_give_the_location_consent(people_user):
    volunteer = registration.register_volunteer(
        actor=people_user, name="李志愿", id_number=id_for(30), phone="13800000011",
        region="341271001001", consent=True, self_service=True,
    )  # fmt: skip
    assert volunteer.location_consent_at is None and volunteer.location_consent_version == ""
    assert not registration.has_location_consent(volunteer)
    # The registration notice no longer counts the check-in position among what it covers.
    text = "".join(body for _, body in consent.consent_sections())
    assert "签到位置属于敏感个人信息" not in text and "签到签退时间和地点" not in text
    assert "不在本告知书范围内" in text and "单独同意" in text
    assert consent.CONSENT_VERSION == "2026-V2"


# --- check-in and check-out --------------------------------------------------------------------


def test_without_the_consent_the_check_in_goes_by_the_code_and_keeps_no_place(shift, member):
    record = attendance.check_in(shift, member, actor=None, lat=None, lon=None)
    assert record.status == "open" and record.check_in_at is not None
    assert record.check_in_distance_m is None
    event = AuditEvent.objects.get(verb=Verb.CHECKED_IN)
    assert event.data == {"shift": shift.pk, "located": False}
    done = attendance.check_out(record, actor=None, lat="", lon="", accuracy="")
    assert done.status == "pending" and done.check_out_distance_m is None
    assert AuditEvent.objects.get(verb=Verb.CHECKED_OUT).data["located"] is False


def test_without_the_consent_a_position_sent_anyway_is_refused_and_nothing_is_kept(shift, member):
    with pytest.raises(DomainError) as caught:
        attendance.check_in(shift, member, actor=None, lat=LAT, lon=LON, accuracy=10)
    assert caught.value.status == 409 and "单独同意" in caught.value.detail
    assert not ServiceRecord.objects.exists()
    assert not AuditEvent.objects.filter(verb=Verb.CHECKED_IN).exists()


def test_with_the_consent_the_position_is_read_and_the_distance_kept(
    shift, member, activities_member_user
):
    registration.give_location_consent(member, actor=activities_member_user)
    with pytest.raises(DomainError, match="需在 300 米内签到"):
        attendance.check_in(shift, member, actor=None, lat=LAT + 0.02, lon=LON)
    record = attendance.check_in(shift, member, actor=None, lat=LAT, lon=LON, accuracy=10)
    assert record.check_in_distance_m == 0
    assert AuditEvent.objects.get(verb=Verb.CHECKED_IN).data["distance_m"] == 0


def test_a_withdrawal_between_check_in_and_out_stops_the_reading(
    shift, member, activities_member_user
):
    registration.give_location_consent(member, actor=activities_member_user)
    record = attendance.check_in(shift, member, actor=None, lat=LAT, lon=LON)
    registration.withdraw_location_consent(member, actor=activities_member_user)
    with pytest.raises(DomainError, match="单独同意"):
        attendance.check_out(record, actor=None, lat=LAT, lon=LON)
    done = attendance.check_out(record, actor=None, lat=None, lon=None)
    assert done.check_in_distance_m == 0 and done.check_out_distance_m is None


# --- the API -----------------------------------------------------------------------------------


def test_the_api_refuses_a_position_without_the_consent(client, shift, activities_member_user):
    client.force_login(activities_member_user)
    token = attendance.token_for(shift)
    located = {"token": token, "lat": str(LAT), "lon": str(LON), "accuracy": 10}
    refused = _post(client, f"{API}/checkin", located)
    assert refused.status_code == 409
    assert "单独同意" in refused.json()["detail"]
    assert not ServiceRecord.objects.exists()
    plain = _post(client, f"{API}/checkin", {"token": token})
    assert plain.status_code == 201, plain.content
    assert plain.json()["check_in_distance_m"] is None
    out = _post(client, f"{API}/checkout", {"token": token, "lat": str(LAT), "lon": str(LON)})
    assert out.status_code == 409 and "单独同意" in out.json()["detail"]
    out = _post(client, f"{API}/checkout", {"token": token})
    assert out.status_code == 200 and out.json()["check_out_distance_m"] is None


# --- the pages ---------------------------------------------------------------------------------


def test_the_check_in_page_asks_for_the_consent_as_its_own_step(
    client, shift, member, activities_member_user
):
    client.force_login(activities_member_user)
    url = reverse("volunteers_m:checkin", args=[attendance.token_for(shift)])
    body = client.get(url).content.decode()
    assert 'id="va-location-consent"' in body and "签到位置信息处理告知书" in body
    assert 'id="va-checkin-form"' not in body  # no geolocation form without the consent
    assert "不同意，不使用位置签到" in body
    registration.give_location_consent(member, actor=activities_member_user)
    body = client.get(url).content.decode()
    assert 'id="va-location-consent"' not in body and 'id="va-checkin-form"' in body


def test_declining_on_the_page_checks_in_without_a_place(
    client, shift, member, activities_member_user
):
    client.force_login(activities_member_user)
    url = reverse("volunteers_m:checkin", args=[attendance.token_for(shift)])
    response = client.post(url, {"action": "in"})
    assert response.status_code == 302
    record = ServiceRecord.objects.get(volunteer=member)
    assert record.check_in_distance_m is None
    sneaked = client.post(url, {"action": "out", "lat": str(LAT), "lon": str(LON)})
    assert sneaked.status_code == 409 and "单独同意" in sneaked.content.decode()
    record.refresh_from_db()
    assert record.status == "open"


def test_the_consent_page_gives_and_withdraws_and_returns_to_the_check_in(
    client, shift, member, activities_member_user
):
    client.force_login(activities_member_user)
    page = reverse("volunteers_m:location_consent")
    checkin = reverse("volunteers_m:checkin", args=[attendance.token_for(shift)])
    assert "您尚未同意" in client.get(page).content.decode()
    response = client.post(page, {"action": "give", "next": checkin})
    assert response.status_code == 302 and response["Location"] == checkin
    member.refresh_from_db()
    assert registration.has_location_consent(member)
    home = client.get(reverse("volunteers_m:home")).content.decode()
    assert "签到位置信息：已同意" in home and 'id="location-consent-withdraw"' in home
    response = client.post(page, {"action": "withdraw", "next": "https://evil.example/"})
    assert response["Location"] == reverse("volunteers_m:home")
    member.refresh_from_db()
    assert member.location_consent_at is None
    again = client.post(page, {"action": "withdraw"})
    assert again.status_code == 409 and "无需撤回" in again.content.decode()
    bad = client.post(page, {"action": "maybe"})
    assert bad.status_code == 422
    assert AuditEvent.objects.filter(verb=Verb.LOCATION_CONSENT_WITHDRAWN).count() == 1


def test_the_consent_page_is_only_for_a_volunteer(client, resident):
    client.force_login(resident)
    page = reverse("volunteers_m:location_consent")
    assert client.get(page).status_code == 404
    assert client.post(page, {"action": "give"}).status_code == 404


def test_the_roster_shows_a_check_in_without_a_place(client, shift, member, activities_leader):
    attendance.check_in(shift, member, actor=None, lat=None, lon=None)
    client.force_login(activities_leader)
    body = client.get(reverse("volunteers:activity", args=[shift.activity_id])).content.decode()
    assert "未定位" in body
