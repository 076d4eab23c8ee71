"""Volunteer actions: register (H5 and staff), ages and guardians, profile, status, sign-up
block, and the skills taxonomy."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.utils import timezone

from shegong import testing
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, IllegalTransition, InvalidInput, NotFound, NotPermitted
from shegong.core.models import AuditEvent, Notification
from shegong.core.perms import Role
from shegong.ledger.models import Person
from shegong.volunteers import consent
from shegong.volunteers.actions import registration, skills
from shegong.volunteers.models import Skill, TeamMember, Volunteer

from .people_fixtures import id_for


def register(actor, *, self_service=True, **extra):
    data = {
        "name": "李志愿", "id_number": id_for(30), "phone": "13800000011",
        "region": "341271001001", "consent": True, "self_service": self_service,
    }  # fmt: skip
    data.update(extra)
    return registration.register_volunteer(actor=actor, **data)


def fields(exc):
    return {e["field"]: e["message"] for e in exc.value.errors}


# --- register -----------------------------------------------------------------------------------


def test_self_service_registration_links_the_account_and_numbers_the_volunteer(people_user):
    volunteer = register(
        people_user,
        skills=["elderly", {"skill": "medical", "certificate_name": "护士执业证书",
                            "certificate_number": "HS-1"}],
        availability={"6": ["pm", "am"], "7": ["eve"]},
    )  # fmt: skip
    person = volunteer.person
    assert person.user == people_user and person.name == "李志愿"
    assert volunteer.number == f"341271{person.pk:08d}"
    assert volunteer.consent_version == consent.CONSENT_VERSION and volunteer.consent_at
    assert volunteer.registered_by is None
    assert volunteer.availability == {"6": ["am", "pm"], "7": ["eve"]}
    rows = {r.skill.code: r for r in volunteer.skill_rows.select_related("skill")}
    assert set(rows) == {"elderly", "medical"}
    assert rows["medical"].certificate_name == "护士执业证书"
    event = AuditEvent.objects.get(verb=Verb.VOLUNTEER_REGISTERED)
    assert event.data["self_service"] is True and event.data["minor"] is False
    assert person.id_number not in str(event.data) and "李志愿" not in str(event.data)
    assert registration.sign_up_block(volunteer) is None


def test_staff_registration_in_scope_and_existing_person(district, street_a_staff):
    number = id_for(40)
    Person.objects.create(name="张三", id_number=number, region=district["grid_a"])
    volunteer = register(
        street_a_staff, self_service=False, name="张三", id_number=number, phone=""
    )
    assert volunteer.registered_by == street_a_staff
    assert volunteer.person.user is None
    assert Person.objects.count() == 1


def test_staff_registration_refused_out_of_scope_and_without_perm(
    district, street_a_staff, resident
):
    with pytest.raises(InvalidInput) as exc:
        register(street_a_staff, self_service=False, region=district["community_b"].code)
    assert "工作范围" in fields(exc)["region"]
    with pytest.raises(NotPermitted):
        register(resident, self_service=False)
    assert not Volunteer.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "text"),
    [
        ({"id_number": "110105194912310021"}, "id_number", "校验"),
        ({"name": ""}, "name", "姓名"),
        ({"phone": "12345"}, "phone", "手机号"),
        ({"region": "999999999999"}, "region", "服务区域"),
        ({"consent": False}, "consent", "告知书"),
        ({"skills": ["no-such"]}, "skills", "不存在"),
        ({"availability": {"8": ["am"]}}, "availability", "周一至周日"),
        ({"availability": {"1": ["noon"]}}, "availability", "周一至周日"),
        ({"skills": [{"skill": "legal", "certificate_number": "X1"}]}, "skills", "证书名称"),
    ],
)
def test_bad_input_is_refused_with_the_field_and_writes_nothing(people_user, changes, field, text):
    with pytest.raises(InvalidInput) as exc:
        register(people_user, **changes)
    assert text in fields(exc)[field]
    assert not Volunteer.objects.exists() and not Person.objects.exists()


def test_an_inactive_skill_cannot_be_chosen(people_user):
    Skill.objects.filter(code="haircut").update(is_active=False)
    with pytest.raises(InvalidInput) as exc:
        register(people_user, skills=["haircut"])
    assert "已停用" in fields(exc)["skills"]


def test_name_must_match_the_existing_person(district, people_user):
    number = id_for(35)
    Person.objects.create(name="王五", id_number=number, region=district["grid_a"])
    with pytest.raises(InvalidInput) as exc:
        register(people_user, name="王六", id_number=number)
    assert "不符" in fields(exc)["name"]


def test_twice_is_refused(district, people_user, street_a_staff):
    number = id_for(33)
    register(people_user, id_number=number)
    with pytest.raises(DomainError, match="已注册"):
        register(people_user, id_number=id_for(34))
    with pytest.raises(InvalidInput) as exc:
        register(street_a_staff, self_service=False, id_number=number)
    assert "已注册为志愿者" in fields(exc)["id_number"]
    assert Volunteer.objects.count() == 1


def test_a_person_linked_to_another_account_cannot_be_claimed(district, people_user):
    other = testing.user(Role.RESIDENT, district["community_a"], name="别人")
    number = id_for(50)
    Person.objects.create(name="李志愿", id_number=number, region=district["grid_a"], user=other)
    with pytest.raises(InvalidInput) as exc:
        register(people_user, id_number=number)
    assert "其他账号" in fields(exc)["id_number"]


# --- ages and guardians -------------------------------------------------------------------------


def test_under_14_cannot_register_themself(people_user):
    with pytest.raises(InvalidInput) as exc:
        register(people_user, id_number=id_for(13))
    assert "未满14周岁" in fields(exc)["id_number"]
    assert not Volunteer.objects.exists()


def test_the_fourteenth_birthday_counts(people_user):
    register(people_user, id_number=id_for(14))  # turns 14 today: may register
    with pytest.raises(InvalidInput):
        register(people_user, id_number=id_for(14, days=1))  # turns 14 tomorrow


def test_under_the_minimum_age_staff_cannot_register_either_even_with_the_guardian(
    street_a_staff,
):
    guardian = {"name": "李妈妈", "phone": "13900001111", "relation": "母亲"}
    for number in (id_for(10), id_for(14, days=1)):  # 10, and 14 tomorrow
        with pytest.raises(InvalidInput) as exc:
            register(
                street_a_staff, self_service=False, id_number=number, guardian=guardian,
                guardian_consent=True,
            )  # fmt: skip
        assert "未满14周岁不能注册为志愿者" in fields(exc)["id_number"]
    assert not Volunteer.objects.exists() and not Person.objects.exists()
    volunteer = register(  # 14 today: registered, the guardian's consent recorded
        street_a_staff, self_service=False, id_number=id_for(14), guardian=guardian,
        guardian_consent=True,
    )  # fmt: skip
    assert volunteer.guardian_consent_at is not None


def test_the_minimum_age_is_a_setting(settings, people_user):
    settings.SHEGONG_VOLUNTEER_MIN_AGE = 16
    with pytest.raises(InvalidInput) as exc:
        register(people_user, id_number=id_for(16, days=1))  # 16 tomorrow
    assert "未满16周岁不能注册为志愿者" in fields(exc)["id_number"]
    assert "未满16周岁" in dict(consent.consent_sections())["六、未成年人"]
    register(people_user, id_number=id_for(16))


def test_the_age_is_counted_on_the_local_date(monkeypatch, people_user):
    # 01:00 on 10 March in Beijing is still 9 March in UTC: born on 10 March 2012, the person
    # turned 14 today, local time, and may register; born a day later, not yet.
    moment = datetime(2026, 3, 9, 17, 0, tzinfo=UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    with pytest.raises(InvalidInput) as exc:
        register(people_user, id_number=testing.id_number("20120311"))
    assert "未满14周岁" in fields(exc)["id_number"]
    volunteer = register(people_user, id_number=testing.id_number("20120310"))
    assert volunteer.person.birth_date == date(2012, 3, 10)


def test_under_14_by_staff_needs_the_guardian_and_consent_where_the_minimum_is_lower(
    settings, street_a_staff
):
    settings.SHEGONG_VOLUNTEER_MIN_AGE = 10
    guardian = {"name": "李妈妈", "phone": "13900001111", "relation": "母亲"}
    with pytest.raises(InvalidInput) as exc:
        register(street_a_staff, self_service=False, id_number=id_for(10), guardian=guardian)
    assert "监护人同意" in fields(exc)["guardian_consent"]
    volunteer = register(
        street_a_staff, self_service=False, id_number=id_for(10), guardian=guardian,
        guardian_consent=True,
    )  # fmt: skip
    assert volunteer.guardian_consent_at is not None and volunteer.guardian_relation == "母亲"
    assert registration.sign_up_block(volunteer) is None
    assert "10至13周岁的，不能自行注册" in dict(consent.consent_sections())["六、未成年人"]


def test_a_minor_registers_but_cannot_sign_up_until_the_guardian_is_recorded(
    people_user, street_a_staff
):
    volunteer = register(
        people_user, id_number=id_for(16),
        guardian={"name": "李爸爸", "phone": "13900002222", "relation": "父亲"},
    )  # fmt: skip
    assert volunteer.guardian_name == "李爸爸" and volunteer.guardian_consent_at is None
    assert "监护人" in registration.sign_up_block(volunteer)
    assert registration.can_sign_up(volunteer)[0] is False
    registration.record_guardian_consent(
        volunteer, actor=street_a_staff, name="李爸爸", phone="13900002222", relation="父亲"
    )
    volunteer.refresh_from_db()
    assert volunteer.guardian_consent_at is not None
    assert registration.sign_up_block(volunteer) is None
    assert registration.can_sign_up(volunteer) == (True, "")
    assert AuditEvent.objects.filter(verb=Verb.GUARDIAN_CONSENT_RECORDED).count() == 1
    assert Notification.objects.filter(recipient=people_user, event="volunteers.guardian_consent")


def test_guardian_consent_checks(district, street_a_staff, street_b_staff, people_volunteer):
    with pytest.raises(DomainError, match="已年满18周岁"):
        registration.record_guardian_consent(
            people_volunteer, actor=street_a_staff, name="某", phone="13900003333", relation="母亲"
        )
    minor = testing.volunteer(district["community_a"], birth=id_for(15)[6:14])
    with pytest.raises(InvalidInput) as exc:
        registration.record_guardian_consent(
            minor, actor=street_a_staff, name="某", phone="123", relation="母亲"
        )
    assert "手机号" in fields(exc)["guardian_phone"]
    with pytest.raises(NotFound):
        registration.record_guardian_consent(
            minor, actor=street_b_staff, name="某", phone="13900003333", relation="母亲"
        )
    minor.refresh_from_db()
    assert minor.guardian_consent_at is None


# --- profile and status -------------------------------------------------------------------------


def test_the_volunteer_edits_their_own_skills_and_availability(people_user):
    volunteer = register(people_user, skills=["elderly"])
    registration.update_volunteer(
        volunteer, actor=people_user, skills=["it"], availability=["3-eve"]
    )
    volunteer.refresh_from_db()
    assert list(volunteer.skill_rows.values_list("skill__code", flat=True)) == ["it"]
    assert volunteer.availability == {"3": ["eve"]}
    event = AuditEvent.objects.get(verb=Verb.VOLUNTEER_UPDATED)
    assert event.data == {"changed": ["skills", "availability"], "self_service": True}
    registration.update_volunteer(volunteer, actor=people_user, skills=["it"])
    assert AuditEvent.objects.filter(verb=Verb.VOLUNTEER_UPDATED).count() == 1  # no change


def test_staff_edit_in_scope_only(street_a_staff, street_b_staff, people_volunteer):
    registration.update_volunteer(people_volunteer, actor=street_a_staff, region="341271001000")
    people_volunteer.refresh_from_db()
    assert people_volunteer.region_id == "341271001000"
    with pytest.raises(NotFound):
        registration.update_volunteer(people_volunteer, actor=street_b_staff, skills=[])
    with pytest.raises(InvalidInput):
        registration.update_volunteer(people_volunteer, actor=street_a_staff, number="1")


def test_status_changes_pause_leave_and_return(district, street_a_staff, people_user, people_team):
    volunteer = register(people_user)
    TeamMember.objects.create(team=people_team, volunteer=volunteer)
    registration.change_status(volunteer, actor=street_a_staff, status="paused", reason="外出")
    volunteer.refresh_from_db()
    assert volunteer.status == "paused"
    assert "暂停服务" in registration.sign_up_block(volunteer)
    assert Notification.objects.filter(recipient=people_user, event="volunteers.status_changed")
    registration.change_status(volunteer, actor=people_user, status="left")
    assert TeamMember.objects.get(volunteer=volunteer).left_on is not None
    with pytest.raises(IllegalTransition):
        registration.change_status(volunteer, actor=street_a_staff, status="paused")
    with pytest.raises(InvalidInput):
        registration.change_status(volunteer, actor=street_a_staff, status="gone")
    registration.change_status(volunteer, actor=people_user, status="active")
    events = AuditEvent.objects.filter(verb=Verb.VOLUNTEER_STATUS_CHANGED).order_by("pk")
    assert [e.data["status"] for e in events] == [
        ["active", "paused"],
        ["paused", "left"],
        ["left", "active"],
    ]
    assert events[1].data["memberships_ended"] == 1


def test_status_by_another_street_is_not_found(street_b_staff, people_volunteer):
    with pytest.raises(NotFound):
        registration.change_status(people_volunteer, actor=street_b_staff, status="paused")


def test_no_consent_blocks_sign_up(people_volunteer):
    Volunteer.objects.filter(pk=people_volunteer.pk).update(consent_at=None)
    people_volunteer.refresh_from_db()
    assert "告知书" in registration.sign_up_block(people_volunteer)


# --- skills taxonomy ------------------------------------------------------------------------------


def test_district_staff_add_rename_reorder_deactivate(district_admin):
    skill = skills.add_skill(actor=district_admin, name="手语翻译", needs_certificate=True)
    assert skill.order == Skill.objects.count() and skill.code
    skills.save_skill(
        skill.pk, actor=district_admin, name="手语", needs_certificate=False, is_active=False
    )
    skill.refresh_from_db()
    assert (skill.name, skill.needs_certificate, skill.is_active) == ("手语", False, False)
    first = Skill.objects.order_by("order").first()
    second = Skill.objects.order_by("order")[1]
    skills.move_skill(second.pk, actor=district_admin, direction="up")
    assert Skill.objects.order_by("order").first() == second
    skills.move_skill(second.pk, actor=district_admin, direction="up")  # already first: no-op
    assert Skill.objects.order_by("order")[1] == first
    assert AuditEvent.objects.filter(verb=Verb.SKILL_SAVED).count() == 3  # not the no-op


def test_skill_names_are_unique_and_street_staff_cannot_change_the_taxonomy(
    district_admin, street_a_staff
):
    with pytest.raises(InvalidInput) as exc:
        skills.add_skill(actor=district_admin, name="理发")
    assert "已有" in fields(exc)["name"]
    with pytest.raises(InvalidInput):
        skills.add_skill(actor=district_admin, name=" ")
    with pytest.raises(NotPermitted, match="区级"):
        skills.add_skill(actor=street_a_staff, name="木工")
    with pytest.raises(NotFound):
        skills.save_skill(999999, actor=district_admin, name="x", needs_certificate=False,
                          is_active=True)  # fmt: skip
