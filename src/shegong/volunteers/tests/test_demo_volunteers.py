"""The demo's volunteer service (small size): counts, the invariants the actions keep, the logins,
idempotency, the public new-star page and a certificate that verifies."""

from __future__ import annotations

import time
from collections import Counter
from decimal import Decimal

import pytest
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone

from shegong.accounts.models import User
from shegong.core import demo
from shegong.core.pii import mask_name, validate_id_number
from shegong.volunteers import demo as volunteers_demo
from shegong.volunteers import stars
from shegong.volunteers.actions import registration
from shegong.volunteers.models import (
    Activity,
    Certificate,
    GuidanceLog,
    Pairing,
    ServiceRecord,
    Shift,
    Signup,
    SocialWorker,
    Stationing,
    Team,
    TeamMember,
    Volunteer,
)
from shegong.volunteers.queries import access
from shegong.volunteers.queries import hours as hours_queries
from shegong.volunteers.queries import people as people_queries
from shegong.volunteers.queries import socialwork as socialwork_queries
from shegong.volunteers.queries import training as training_queries

pytestmark = pytest.mark.django_db
SIZE = volunteers_demo.SIZES["small"]


@pytest.fixture
def ctx(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    ctx = demo.DemoContext(size="small")
    for name in ("regions", "departments", "users", "ledger"):
        dict(demo.loaders())[name](ctx)
    reverse("volunteers_public:stars")  # the URLconf is imported once, not timed below
    return ctx


@pytest.fixture
def loaded(ctx):
    started = time.perf_counter()
    created = volunteers_demo.load(ctx)
    assert time.perf_counter() - started < 5
    return created


def test_the_demo_has_volunteers_teams_social_workers_activities_and_certificates(ctx, loaded):
    assert loaded == Volunteer.objects.count() == SIZE.volunteers + 2  # and the two logins
    assert ctx.created["volunteers.certificates"] == Certificate.objects.count()
    statuses = Counter(Volunteer.objects.values_list("status", flat=True))
    assert statuses["active"] > 0.9 * loaded and statuses["paused"] and statuses["left"]
    assert Volunteer.objects.filter(skill_rows__isnull=False).distinct().count() > loaded / 2
    assert Volunteer.objects.exclude(availability={}).count() == loaded
    minors = [v for v in Volunteer.objects.select_related("person") if registration.is_minor(v)]
    assert any(v.guardian_consent_at for v in minors)
    # Nobody under the minimum age (SHEGONG_VOLUNTEER_MIN_AGE, 14): the demo keeps the rule too.
    assert min(registration.age_of(v) for v in minors) >= 14
    # Teams: incubating and incubated, with dates in order.
    assert Team.objects.count() == SIZE.teams
    incubation = Counter(Team.objects.values_list("incubation", flat=True))
    assert incubation["incubating"] == SIZE.incubating
    assert incubation["incubated"] == SIZE.incubated
    for team in Team.objects.filter(incubation="incubated"):
        assert team.incubation_started_on < team.incubated_on < timezone.localdate()
    # Social workers: stationed, the senior ones paired with guidance logs.
    assert SocialWorker.objects.count() == SIZE.social_workers
    assert SocialWorker.objects.filter(qualification="senior").count() == SIZE.senior
    assert all(sw.employer is not None for sw in SocialWorker.objects.all())
    assert (
        socialwork_queries.current(Stationing.objects.all()).values("region").distinct().count()
        >= 2
    )
    assert Pairing.objects.count() == SIZE.senior and GuidanceLog.objects.count() >= 3 * SIZE.senior
    # Activities: past ones, one under way, upcoming published, and every other state.
    now = timezone.now()
    published = Activity.objects.filter(status="published")
    assert published.filter(ends_at__lt=now).count() == SIZE.past
    assert published.filter(starts_at__gt=now).count() == SIZE.upcoming
    assert published.filter(starts_at__lte=now, ends_at__gte=now).count() == 1
    states = Counter(Activity.objects.values_list("status", flat=True))
    assert states["pending"] == 2 and states["draft"] == states["rejected"] == 1
    assert states["cancelled"] == 1
    assert Activity.objects.filter(risky=True).exclude(insurance_note="").exists()
    assert not Activity.objects.filter(risky=True, insurance_note="").exists()
    assert Activity.objects.annotate(n=Count("shifts")).filter(n__gt=1).exists()
    assert Activity.objects.filter(required_skills__isnull=False).exists()
    signups = Counter(Signup.objects.values_list("status", flat=True))
    assert signups["confirmed"] and signups["waitlisted"] and signups["cancelled"]
    # Records: most approved, some pending for the review queue, a few auto-closed, open now.
    records = Counter(ServiceRecord.objects.values_list("kind", "status"))
    assert records["attendance", "approved"] > 5 * records["attendance", "pending"] > 0
    assert records["attendance", "open"] and records["transfer", "approved"]
    assert records["manual", "pending"] and records["adjustment", "approved"] == 2
    assert ServiceRecord.objects.filter(auto_closed=True, status="approved").exists()
    assert Volunteer.objects.filter(star__gt=0).count() >= SIZE.new_stars
    assert Certificate.objects.count() == SIZE.certificates + 1  # one revoked, issued again
    assert Certificate.objects.filter(revoked_at__isnull=False).count() == 1
    from shegong.volunteers.models import CertificateRequest

    requests = CertificateRequest.objects.values_list("status", flat=True)
    assert "requested" in requests and list(requests).count("declined") == 1
    # 民发〔2015〕149号: every certificate answers a request whose internal 公示 ended before it
    # was issued, and the 公示 was approved after the request was made.
    for cert in Certificate.objects.all():
        req = CertificateRequest.objects.get(certificate=cert)
        assert req.status == "issued" and req.volunteer_id == cert.volunteer_id
        assert req.created_at < req.approved_at < req.publicity_ends_at < cert.issued_at


def test_the_demo_keeps_the_invariants_of_the_actions(loaded):
    now = timezone.now()
    for volunteer in Volunteer.objects.select_related("person"):
        assert volunteer.hours == hours_queries.approved_sum(volunteer), volunteer.number
        assert volunteer.star == stars.star_for(volunteer.hours)
        assert (volunteer.star_reached_at is not None) == (volunteer.star > 0)
        assert volunteer.star_reached_at is None or volunteer.star_reached_at <= now
        # Every star held was awarded (星级认定): its application is 已认定, for that star.
        awarded = volunteer.star_awards.filter(status="awarded").values_list("star", flat=True)
        assert list(awarded) == ([volunteer.star] if volunteer.star else [])
        person = volunteer.person
        assert validate_id_number(person.id_number).startswith(demo.ID_COUNTY)
        assert volunteer.number == registration.volunteer_number(volunteer.region, person)
        assert volunteer.consent_at and volunteer.consent_version
    for team in Team.objects.all():
        leaders = TeamMember.objects.filter(
            team=team, role="leader", left_on=None, volunteer__status="active"
        )
        assert leaders.exists(), team.name
    # Attendance: one record per shift and volunteer, from a confirmed sign-up, within limits.
    attendance = ServiceRecord.objects.filter(kind="attendance").select_related("shift")
    confirmed = set(Signup.objects.filter(status="confirmed").values_list("shift", "volunteer"))
    for record in attendance:
        assert (record.shift_id, record.volunteer_id) in confirmed
        assert record.served_on == timezone.localdate(record.shift.starts_at)
        if record.status != "open":
            span = record.shift.ends_at - record.shift.starts_at
            assert 0 < record.hours <= Decimal(span.total_seconds() / 3600)
    assert (
        not Shift.objects.annotate(n=Count("signups", filter=Q(signups__status="confirmed")))
        .filter(n__gt=F("quota"))
        .exists()
    )
    reviewed = ServiceRecord.objects.filter(status__in=["approved", "declined"])
    assert not reviewed.filter(Q(reviewed_by=None) | Q(reviewed_at=None)).exists()
    # A minor without the guardian's consent has signed up for nothing.
    for volunteer in Volunteer.objects.select_related("person"):
        if registration.needs_guardian(volunteer) or volunteer.status != "active":
            assert (
                not volunteer.signups.filter(
                    status__in=["confirmed", "waitlisted"], created_at__gt=volunteer.created_at
                )
                .exclude(shift__starts_at__lt=now)
                .exists()
            )


def test_the_logins_have_their_volunteer_and_social_worker_profiles(client, loaded):
    member = User.objects.get(phone=volunteers_demo.VOLUNTEER_PHONE)
    leader = User.objects.get(phone=volunteers_demo.LEADER_PHONE)
    worker = User.objects.get(phone=volunteers_demo.SOCIAL_WORKER_PHONE)
    volunteer = access.volunteer_of(member)
    assert volunteer.hours > 0 and volunteer.certificates.filter(revoked_at=None).exists()
    assert volunteer.signups.filter(status="waitlisted", shift__starts_at__gt=timezone.now())
    led = access.teams_run_by(leader)
    assert list(led.values_list("name", flat=True)) == ["东关社区助老志愿服务队"]
    assert hours_queries.queue(leader).exists()  # the last days' records wait for him
    sw = SocialWorker.objects.get(person__user=worker)
    assert sw.qualification == "senior" and sw.region_id == "341271001001"
    assert sw.stationings.filter(region_id="341271001001").exists()
    assert GuidanceLog.objects.filter(pairing__social_worker=sw, recorded_by=worker).exists()
    client.force_login(member)
    body = client.get(reverse("volunteers_m:hours")).content.decode()
    assert volunteer.certificates.first().serial in body
    client.force_login(leader)
    assert client.get(reverse("volunteers:records")).status_code == 200


def test_the_public_pages_show_the_new_stars_and_verify_a_certificate(client, loaded):
    recent = list(people_queries.new_stars())
    assert len(recent) >= SIZE.new_stars
    body = client.get(reverse("volunteers_public:stars")).content.decode()
    for volunteer in recent:
        assert mask_name(volunteer.person.name) in body
    assert recent[0].person.name not in body and recent[0].number not in body
    valid = Certificate.objects.filter(revoked_at=None).select_related("volunteer__person").first()
    response = client.get(reverse("volunteers_public:certificate", args=[valid.serial]))
    body = response.content.decode()
    assert response.status_code == 200 and valid.volunteer.person.name_masked in body
    assert valid.issuer_name in body and valid.volunteer.person.name not in body
    revoked = Certificate.objects.get(revoked_at__isnull=False)
    response = client.get(reverse("volunteers_public:certificate", args=[revoked.serial]))
    assert response.status_code == 410 and "已作废" in response.content.decode()


def test_the_demo_has_trainings_and_awards_and_the_login_one_of_each(client, ctx, loaded):
    from datetime import timedelta

    from shegong.volunteers.models import Award, Training, TrainingAttendance

    today = timezone.localdate()
    trainings = Training.objects.all()
    assert trainings.count() == 2 * SIZE.incubated == ctx.created["volunteers.trainings"]
    assert set(trainings.values_list("team__incubation", flat=True)) == {"incubated"}
    assert not trainings.filter(held_on__gt=today).exists()
    assert not trainings.filter(held_on__lt=today - timedelta(days=366)).exists()
    assert trainings.filter(trainer__contains="社会工作师").exists()  # given by social workers
    per_training = Counter(TrainingAttendance.objects.values_list("training", flat=True))
    assert set(per_training) == set(trainings.values_list("pk", flat=True))
    assert max(per_training.values()) <= 61
    assert ctx.created["volunteers.training_attendances"] == sum(per_training.values())
    assert Award.objects.count() == SIZE.awards == ctx.created["volunteers.awards"]
    (revoked,) = Award.objects.filter(revoked_at__isnull=False)
    assert revoked.revoked_reason
    levels = Counter(Award.objects.values_list("level", flat=True))
    assert levels["community"] + levels["street"] > SIZE.awards / 2
    assert not Award.objects.filter(level="team", team__isnull=True).exists()
    member = User.objects.get(phone=volunteers_demo.VOLUNTEER_PHONE)
    volunteer = access.volunteer_of(member)
    assert training_queries.totals_of(volunteer)[0] == 1
    (award,) = volunteer.awards.all()
    assert award.revoked_at is None and award.title == "优秀志愿者"
    client.force_login(member)
    body = client.get(reverse("volunteers_m:hours")).content.decode()
    assert "我的培训与表彰" in body and award.awarded_by in body


def test_loading_twice_adds_nothing(ctx):
    assert volunteers_demo.load(ctx) > 0
    counts = [m.objects.count() for m in (Volunteer, Team, Activity, ServiceRecord, Certificate)]
    created = dict(ctx.created)
    assert volunteers_demo.load(ctx) == 0
    assert [m.objects.count() for m in (Volunteer, Team, Activity, ServiceRecord, Certificate)] == (
        counts
    )
    assert ctx.created == created


def test_the_loader_is_registered_after_the_workers():
    names = [name for name, _ in demo.loaders()]
    assert names.index("volunteers") == names.index("workers") + 1
