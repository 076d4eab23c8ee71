"""The volunteers admin: read-only, superusers only, personal data masked."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from shegong import testing
from shegong.core.perms import Role
from shegong.volunteers.actions.signups import sign_up
from shegong.volunteers.models import (
    Award,
    Certificate,
    CertificateRequest,
    GuidanceLog,
    Pairing,
    Skill,
    SocialWorker,
    Stationing,
    Team,
    Training,
    TrainingAttendance,
    Volunteer,
    VolunteerSkill,
)

PHONE = "13912345678"
GUARDIAN_PHONE = "13611112222"


def _url(model, view, *args):
    return reverse(f"admin:volunteers_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def rows(district, hours_team, hours_record, people_agency):
    """One row of every volunteers table: a volunteer with an account (so a phone) and a
    guardian, signed up, with a record, a certificate, a training, an award; a social worker."""
    community = district["community_a"]
    today = timezone.localdate()
    account = testing.user(Role.VOLUNTEER, community, name="周小燕", phone=PHONE)
    volunteer = testing.volunteer(
        community, name="周小燕", account=account, guardian_name="周大海",
        guardian_phone=GUARDIAN_PHONE, guardian_relation="父亲",
    )  # fmt: skip
    skill = Skill.objects.create(code="nursing", name="医疗护理", needs_certificate=True)
    VolunteerSkill.objects.create(volunteer=volunteer, skill=skill, certificate_name="护士证")
    activity = testing.activity(
        hours_team, title="敬老院探访", starts_at=timezone.now() + timedelta(days=1)
    )
    sign_up(activity.shifts.get(), volunteer, actor=None)
    record = hours_record(volunteer, status="approved")
    cert = Certificate.objects.create(
        serial="ZY2026000001", volunteer=volunteer, team=hours_team, period_start=today,
        period_end=today, hours=record.hours, records=1, issuer_name=hours_team.name,
        issuer_head="吴队长", issuer_handler="郑经办", issuer_phone="13500001111",
    )  # fmt: skip
    CertificateRequest.objects.create(
        volunteer=volunteer, team=hours_team, period_start=today, period_end=today,
        purpose="升学", status="issued", certificate=cert,
    )  # fmt: skip
    training = Training.objects.create(
        team=hours_team, region=community, title="急救培训", held_on=today,
        hours=Decimal("2.0"), trainer="钱医生",
    )  # fmt: skip
    TrainingAttendance.objects.create(training=training, volunteer=volunteer)
    Award.objects.create(
        volunteer=volunteer, title="优秀志愿者", level="district", awarded_by="区文明办",
        awarded_on=today, region=community,
    )  # fmt: skip
    sw_person = testing.volunteer(community, name="孙社工").person  # a Person with an ID number
    social_worker = SocialWorker.objects.create(
        person=sw_person, qualification="intermediate", certificate_number="SW2026001",
        employer=people_agency, region=district["street_a"],
    )  # fmt: skip
    Stationing.objects.create(social_worker=social_worker, region=community, starts_on=today)
    pairing = Pairing.objects.create(social_worker=social_worker, region=community, starts_on=today)
    GuidanceLog.objects.create(pairing=pairing, on=today, mode="offline", topic="台账规范")
    secrets = [
        PHONE, volunteer.person.id_number, "周小燕", "周大海", GUARDIAN_PHONE, "吴队长", "郑经办",
        "13500001111", "钱医生", "孙社工", sw_person.id_number, "0551-6000001",
    ]  # fmt: skip
    return {"volunteer": volunteer, "social_worker": social_worker, "secrets": secrets}


def test_every_volunteers_table_opens_for_a_superuser(client, rows, superuser):
    client.force_login(superuser)
    models = [m for m in admin.site._registry if m._meta.app_label == "volunteers"]
    assert len(models) == 18
    for model in models:
        row = model._default_manager.first()
        assert row is not None, model  # the fixture made a row of each
        for url in (_url(model, "changelist"), _url(model, "change", row.pk)):
            response = client.get(url)
            assert response.status_code == 200, url
            body = response.content.decode()
            assert not [s for s in rows["secrets"] if s in body], url


def test_volunteers_and_social_workers_are_masked(client, rows, superuser):
    volunteer, social_worker = rows["volunteer"], rows["social_worker"]
    client.force_login(superuser)
    for url in (_url(Volunteer, "changelist"), _url(Volunteer, "change", volunteer.pk)):
        body = client.get(url).content.decode()
        assert PHONE not in body and volunteer.person.id_number not in body
        assert "139****5678" in body and volunteer.person.id_number_masked in body
        assert "周**" in body
    body = client.get(_url(Volunteer, "change", volunteer.pk)).content.decode()
    assert "周** 136****2222" in body  # the guardian
    for url in (_url(SocialWorker, "changelist"), _url(SocialWorker, "change", social_worker.pk)):
        body = client.get(url).content.decode()
        assert social_worker.person.id_number_masked in body and "孙**" in body
    # The volunteer number is an exact search.
    response = client.get(_url(Volunteer, "changelist"), {"q": volunteer.number})
    assert response.context["cl"].result_count == 1
    assert client.get(_url(Volunteer, "changelist"), {"q": "周"}).context["cl"].result_count == 0


def test_the_volunteers_admin_adds_and_deletes_nothing(client, rows, superuser):
    volunteer = rows["volunteer"]
    client.force_login(superuser)
    assert client.get(_url(Volunteer, "add")).status_code == 403
    assert client.get(_url(Team, "add")).status_code == 403
    assert client.get(_url(Volunteer, "delete", volunteer.pk)).status_code == 403
    response = client.post(_url(Volunteer, "change", volunteer.pk), {"status": "paused"})
    assert response.status_code == 403
    volunteer.refresh_from_db()
    assert volunteer.status == "active"


def test_staff_without_superuser_cannot_open_the_volunteers_admin(client, rows, street_a_staff):
    street_a_staff.is_staff = True
    street_a_staff.save()
    client.force_login(street_a_staff)
    assert client.get(_url(Volunteer, "changelist")).status_code in (302, 403)
    assert client.get(_url(Volunteer, "change", rows["volunteer"].pk)).status_code in (302, 403)
