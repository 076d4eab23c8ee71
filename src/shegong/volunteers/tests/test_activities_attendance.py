"""Attendance: the rotating QR token, check-in/out within the geofence and the window, the
auto-close scan and the leader's correction."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from shegong import testing
from shegong.core import geo
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, InvalidInput, NotFound
from shegong.core.models import AuditEvent
from shegong.core.scans import SCANS
from shegong.volunteers.actions import attendance
from shegong.volunteers.models import ServiceRecord, Signup

LAT, LON = testing.POINT_A
METRE = 1 / 111_195  # degrees of latitude per metre


def _north(metres: float) -> tuple[float, float]:
    return LAT + metres * METRE, LON


@pytest.fixture
def shift(activities_team, activities_member):
    """A shift that started an hour ago (3 h long), the member confirmed on it."""
    shift = testing.activity(activities_team, title="河道清理").shifts.get()
    Signup.objects.create(shift=shift, volunteer=activities_member, status="confirmed")
    return shift


def _in(shift, volunteer, metres=20.0, **kw):
    lat, lon = _north(metres)
    return attendance.check_in(shift, volunteer, actor=None, lat=lat, lon=lon, **kw)


# --- the token -------------------------------------------------------------------------------


def test_a_token_is_valid_for_its_bucket_and_the_next_only(shift, settings):
    settings.SHEGONG_VOLUNTEER_QR_SECONDS = 60
    now = timezone.now()
    token = attendance.token_for(shift, now)
    assert attendance.shift_from_token(token, now).pk == shift.pk
    assert attendance.shift_from_token(token, now + timedelta(seconds=60)).pk == shift.pk
    with pytest.raises(attendance.QrExpired) as caught:
        attendance.shift_from_token(token, now + timedelta(seconds=125))
    assert caught.value.status == 410 and "过期" in caught.value.detail


def test_a_forged_or_altered_token_names_nothing(shift):
    token = attendance.token_for(shift)
    with pytest.raises(NotFound):
        attendance.shift_from_token(token[:-2] + "xx")
    with pytest.raises(NotFound):
        attendance.shift_from_token("not-a-token")


def test_the_token_is_found_in_a_whole_scanned_url(shift):
    token = attendance.token_for(shift)
    url = f"https://example.org/m/activities/checkin/{token}/?from=wx"
    assert attendance.token_from_text(url) == token


# --- check-in --------------------------------------------------------------------------------


def test_check_in_within_the_fence_opens_a_record(shift, activities_member):
    record = _in(shift, activities_member, metres=120)
    assert record.repeated is False
    assert record.status == "open" and record.kind == "attendance"
    assert record.team_id == shift.activity.team_id
    assert record.region_id == shift.activity.region_id
    assert record.content == "河道清理（社区治理）"
    assert record.served_on == timezone.localdate(shift.starts_at)
    assert record.check_in_distance_m == pytest.approx(120, abs=2)
    assert AuditEvent.objects.filter(verb=Verb.CHECKED_IN).count() == 1


def test_a_double_check_in_returns_the_same_record(shift, activities_member):
    first = _in(shift, activities_member)
    again = _in(shift, activities_member, metres=5000)  # even from far away: nothing new
    assert again.pk == first.pk and again.repeated is True
    assert ServiceRecord.objects.count() == 1


def test_check_in_outside_the_fence_says_how_far(shift, activities_member):
    with pytest.raises(DomainError) as caught:
        _in(shift, activities_member, metres=850)
    assert "您距活动地点约 850 米，需在 300 米内签到" in caught.value.detail
    assert not ServiceRecord.objects.exists()


def test_the_reported_accuracy_widens_the_fence_up_to_a_cap(shift, activities_member):
    with pytest.raises(DomainError, match="约 380 米"):
        _in(shift, activities_member, metres=380, accuracy=50)
    assert _in(shift, activities_member, metres=380, accuracy=90).status == "open"


def test_an_accuracy_beyond_the_cap_does_not_stretch_the_fence(shift, activities_member):
    with pytest.raises(DomainError, match="需在 300 米内"):
        _in(shift, activities_member, metres=600, accuracy=5000)


def test_too_early_says_from_when(activities_team, activities_member, settings):
    settings.SHEGONG_VOLUNTEER_CHECKIN_EARLY_MINUTES = 30
    start = timezone.localtime().replace(second=0, microsecond=0) + timedelta(hours=2)
    shift = testing.activity(activities_team, starts_at=start).shifts.get()
    Signup.objects.create(shift=shift, volunteer=activities_member, status="confirmed")
    opens = start - timedelta(minutes=30)
    with pytest.raises(DomainError) as caught:
        _in(shift, activities_member)
    text = caught.value.detail
    assert f"{start:%H:%M} 开始" in text and f"{opens:%H:%M} 起可签到" in text
    record = _in(shift, activities_member, at=opens + timedelta(minutes=1))
    assert record.status == "open"


def test_after_the_shift_check_in_is_refused(activities_team, activities_member):
    shift = testing.activity(
        activities_team, starts_at=timezone.now() - timedelta(hours=4), hours=2
    ).shifts.get()
    Signup.objects.create(shift=shift, volunteer=activities_member, status="confirmed")
    with pytest.raises(DomainError, match="结束，不能再签到"):
        _in(shift, activities_member)


def test_only_a_confirmed_sign_up_may_check_in(district, shift):
    stranger = testing.volunteer(district["community_a"], name="未报名者")
    with pytest.raises(DomainError, match="没有报名"):
        _in(shift, stranger)
    waiting = testing.volunteer(district["community_a"], name="候补者")
    Signup.objects.create(shift=shift, volunteer=waiting, status="waitlisted")
    with pytest.raises(DomainError, match="候补"):
        _in(shift, waiting)


def test_bad_or_swapped_coordinates_are_refused_clearly(shift, activities_member):
    with pytest.raises(InvalidInput, match="填反"):
        attendance.check_in(shift, activities_member, actor=None, lat=LON, lon=LAT)
    with pytest.raises(InvalidInput, match="纬度"):
        attendance.check_in(shift, activities_member, actor=None, lat="", lon=LON)
    with pytest.raises(InvalidInput, match="定位精度"):
        _in(shift, activities_member, accuracy="abc")


def test_gcj02_positions_are_converted(shift, activities_member):
    g_lon, g_lat = geo.wgs84_to_gcj02(LON, LAT)  # ~500 m off in WGS-84 terms
    record = attendance.check_in(
        shift, activities_member, actor=None, lat=g_lat, lon=g_lon, crs="gcj02"
    )
    assert record.check_in_distance_m < 5


# --- check-out -------------------------------------------------------------------------------


def test_check_out_computes_hours_clipped_to_the_shift(shift, activities_member):
    start = shift.starts_at
    record = _in(shift, activities_member, at=start - timedelta(minutes=20))
    lat, lon = _north(10)
    done = attendance.check_out(
        record, actor=None, lat=lat, lon=lon, at=start + timedelta(hours=1, minutes=30)
    )
    assert done.status == "pending" and done.hours == Decimal("1.50")
    assert AuditEvent.objects.filter(verb=Verb.CHECKED_OUT).count() == 1
    again = attendance.check_out(record, actor=None, lat=lat, lon=lon)
    assert again.repeated is True and again.hours == Decimal("1.50")


def test_check_out_after_the_end_is_clipped_and_after_the_tolerance_refused(
    shift, activities_member, settings
):
    settings.SHEGONG_VOLUNTEER_CHECKOUT_LATE_MINUTES = 30
    record = _in(shift, activities_member, at=shift.starts_at)
    lat, lon = _north(10)
    with pytest.raises(DomainError, match="签退时间已过"):
        attendance.check_out(
            record, actor=None, lat=lat, lon=lon, at=shift.ends_at + timedelta(minutes=31)
        )
    done = attendance.check_out(
        record, actor=None, lat=lat, lon=lon, at=shift.ends_at + timedelta(minutes=20)
    )
    assert done.hours == Decimal("3.00")


def test_check_out_outside_the_fence_says_how_far(shift, activities_member):
    record = _in(shift, activities_member)
    lat, lon = _north(2300)
    with pytest.raises(DomainError, match=r"约 2\.3 公里，需在 300 米内签退"):
        attendance.check_out(record, actor=None, lat=lat, lon=lon)


def test_hours_never_go_negative():
    from shegong.volunteers.models import Shift

    now = timezone.now()
    shift = Shift(starts_at=now, ends_at=now + timedelta(hours=2), quota=1)
    late_in = now + timedelta(hours=3)
    assert attendance.hours_between(late_in, late_in + timedelta(hours=1), shift) == Decimal("0")


# --- the forgotten check-out -----------------------------------------------------------------


def test_the_scan_closes_open_records_at_the_shift_end_and_flags_them(
    activities_team, activities_member, settings
):
    settings.SHEGONG_VOLUNTEER_CHECKOUT_LATE_MINUTES = 30
    shift = testing.activity(
        activities_team, starts_at=timezone.now() - timedelta(hours=5), hours=3
    ).shifts.get()
    Signup.objects.create(shift=shift, volunteer=activities_member, status="confirmed")
    record = ServiceRecord.objects.create(
        volunteer=activities_member, team=activities_team, activity=shift.activity, shift=shift,
        region=activities_team.region, content="x", served_on=timezone.localdate(),
        check_in_at=shift.starts_at + timedelta(minutes=30),
    )  # fmt: skip
    scan = SCANS["volunteers.close_attendance"]
    assert scan.function() == 1
    record.refresh_from_db()
    assert record.auto_closed and record.status == "pending"
    assert record.check_out_at == shift.ends_at and record.hours == Decimal("2.50")
    assert AuditEvent.objects.filter(verb=Verb.ATTENDANCE_AUTO_CLOSED).count() == 1
    assert scan.function() == 0  # idempotent


def test_the_scan_leaves_records_within_the_tolerance_alone(shift, activities_member):
    _in(shift, activities_member)
    assert attendance.close_overdue() == 0


# --- correction ------------------------------------------------------------------------------


def test_a_leader_corrects_times_with_a_reason_and_the_hours_follow(
    shift, activities_member, activities_leader
):
    record = _in(shift, activities_member, at=shift.starts_at + timedelta(hours=1))
    with pytest.raises(InvalidInput, match="更正原因"):
        attendance.correct_attendance(
            record, actor=activities_leader, check_in_at=shift.starts_at,
            check_out_at=shift.starts_at + timedelta(hours=2), reason="",
        )  # fmt: skip
    done = attendance.correct_attendance(
        record, actor=activities_leader, check_in_at=shift.starts_at - timedelta(hours=1),
        check_out_at=shift.starts_at + timedelta(minutes=45), reason="手机没电，现场登记",
    )  # fmt: skip
    assert done.hours == Decimal("0.75") and done.status == "pending"
    event = AuditEvent.objects.get(verb=Verb.ATTENDANCE_CORRECTED)
    assert event.data["reason"] == "手机没电，现场登记" and event.actor == activities_leader


def test_a_leader_does_not_correct_their_own_times(shift, activities_team, activities_leader):
    from shegong.volunteers.models import TeamMember

    own = TeamMember.objects.get(team=activities_team, role="leader").volunteer
    Signup.objects.create(shift=shift, volunteer=own, status="confirmed")
    record = _in(shift, own)
    with pytest.raises(DomainError, match="不能更正本人的签到记录"):
        attendance.correct_attendance(
            record, actor=activities_leader, check_in_at=shift.starts_at - timedelta(hours=2),
            check_out_at=shift.starts_at + timedelta(minutes=30), reason="多算一点",
        )  # fmt: skip
    assert not AuditEvent.objects.filter(verb=Verb.ATTENDANCE_CORRECTED).exists()


def test_an_approved_record_cannot_be_corrected(shift, activities_member, activities_leader):
    record = _in(shift, activities_member)
    ServiceRecord.objects.filter(pk=record.pk).update(status="approved")
    with pytest.raises(DomainError, match="已确认"):
        attendance.correct_attendance(
            record, actor=activities_leader, check_in_at=shift.starts_at,
            check_out_at=shift.starts_at + timedelta(hours=1), reason="更正",
        )  # fmt: skip


def test_another_teams_leader_or_street_gets_404(
    district, shift, activities_member, street_b_staff
):
    record = _in(shift, activities_member)
    stranger = testing.user("volunteer", district["community_a"], name="别队队长")
    testing.team(
        district["community_a"], name="别的队",
        leader=testing.volunteer(district["community_a"], account=stranger),
    )  # fmt: skip
    for actor in (stranger, street_b_staff):
        with pytest.raises(NotFound):
            attendance.correct_attendance(
                record, actor=actor, check_in_at=shift.starts_at,
                check_out_at=shift.starts_at + timedelta(hours=1), reason="更正",
            )  # fmt: skip
