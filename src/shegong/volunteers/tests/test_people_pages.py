"""Volunteer pages: H5 register/home/edit, the mobile-home card; the staff list, filters,
export, registration, detail, edit, status, guardian consent; the skills taxonomy page."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from shegong import testing
from shegong.core.audit import Verb
from shegong.core.models import AuditEvent
from shegong.volunteers.actions import registration
from shegong.volunteers.models import Skill, Volunteer, VolunteerSkill

from .people_fixtures import h5_data, id_for

# --- H5 ---------------------------------------------------------------------------------------


def test_h5_register_page_prefills_and_shows_the_notice(client, people_user):
    client.force_login(people_user)
    response = client.get(reverse("volunteers_m:register"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "13900000021" in body  # the account's phone
    assert "志愿者个人信息处理告知书" in body and "志愿服务条例》第二十条" in body
    assert "医疗护理" in body and 'name="avail"' in body and 'value="6-pm"' in body
    assert "东关社区" in body and "西关社区" in body  # the whole district to choose from


def test_h5_register_then_home(client, people_user):
    client.force_login(people_user)
    data = h5_data()
    response = client.post(reverse("volunteers_m:register"), data)
    assert response.status_code == 302 and response["Location"] == reverse("volunteers_m:home")
    volunteer = Volunteer.objects.get()
    assert volunteer.person.user == people_user
    assert volunteer.availability == {"6": ["am", "pm"], "7": ["am"]}
    cert = VolunteerSkill.objects.get(volunteer=volunteer, skill__code="medical")
    assert cert.certificate_name == "护士执业证书"
    body = client.get(reverse("volunteers_m:home")).content.decode()
    assert volunteer.number in body and "0.00 小时" in body and "医疗护理" in body
    # One's own name in full (masking is for others); the ID number is never shown.
    assert data["id_number"] not in body and "李志愿" in body
    # Registering again goes home.
    response = client.get(reverse("volunteers_m:register"))
    assert response["Location"] == reverse("volunteers_m:home")


def test_h5_bad_input_shows_the_message_beside_the_field(client, people_user):
    client.force_login(people_user)
    response = client.post(
        reverse("volunteers_m:register"), h5_data(id_number="110105194912310021", consent="")
    )
    body = response.content.decode()
    assert response.status_code == 422
    assert "校验" in body and "请阅读并同意志愿者个人信息处理告知书" in body
    assert 'value="6-pm" checked' in body  # the ticks survive
    assert not Volunteer.objects.exists()


def test_h5_under_the_minimum_age_is_refused_with_the_age(client, people_user):
    client.force_login(people_user)
    response = client.post(reverse("volunteers_m:register"), h5_data(id_number=id_for(12)))
    assert response.status_code == 422
    assert "未满14周岁不能注册为志愿者" in response.content.decode()
    assert not Volunteer.objects.exists()


def test_h5_under_14_is_told_to_come_with_a_guardian_where_the_minimum_is_lower(
    settings, client, people_user
):
    settings.SHEGONG_VOLUNTEER_MIN_AGE = 10
    client.force_login(people_user)
    response = client.post(reverse("volunteers_m:register"), h5_data(id_number=id_for(12)))
    assert response.status_code == 422
    assert "监护人陪同" in response.content.decode()


def test_h5_minor_sees_the_guardian_block_on_home(client, people_user):
    client.force_login(people_user)
    client.post(
        reverse("volunteers_m:register"),
        h5_data(id_number=id_for(15), guardian_name="李妈妈", guardian_phone="13900001234",
                guardian_relation="母亲"),
    )  # fmt: skip
    body = client.get(reverse("volunteers_m:home")).content.decode()
    assert 'id="signup-block"' in body and "监护人" in body


def test_h5_edit_skills_and_availability(client, people_user):
    client.force_login(people_user)
    client.post(reverse("volunteers_m:register"), h5_data())
    page = client.get(reverse("volunteers_m:edit")).content.decode()
    assert 'value="medical" checked' in page and "护士执业证书" in page
    response = client.post(
        reverse("volunteers_m:edit"),
        {"skill": ["it"], "avail": ["1-eve"], "region": "341271001000"},
    )
    assert response.status_code == 302
    volunteer = Volunteer.objects.get()
    assert list(volunteer.skill_rows.values_list("skill__code", flat=True)) == ["it"]
    assert volunteer.availability == {"1": ["eve"]} and volunteer.region_id == "341271001000"
    response = client.post(reverse("volunteers_m:edit"), {"avail": ["9-am"], "region": ""})
    assert response.status_code == 422 and "服务区域" in response.content.decode()


def test_h5_pages_send_a_non_volunteer_to_register(client, people_user):
    client.force_login(people_user)
    assert client.get(reverse("volunteers_m:home"))["Location"] == reverse("volunteers_m:register")
    assert client.get(reverse("volunteers_m:edit"))["Location"] == reverse("volunteers_m:register")


def test_mobile_home_card(client, people_user):
    client.force_login(people_user)
    body = client.get(reverse("mobile_home")).content.decode()
    assert 'id="tile-volunteer_register"' in body and reverse("volunteers_m:register") in body
    client.post(reverse("volunteers_m:register"), h5_data())
    body = client.get(reverse("mobile_home")).content.decode()
    assert "我的志愿服务" in body and Volunteer.objects.get().number in body
    assert 'id="tile-volunteer_register"' not in body
    me = client.get(reverse("m_me")).content.decode()
    assert "我的记录证明" in me and reverse("volunteers_m:certificates") in me


def test_h5_home_lists_teams_and_links_the_leader_to_the_team_page(
    client, people_team, people_leader_user
):
    client.force_login(people_leader_user)
    body = client.get(reverse("volunteers_m:home")).content.decode()
    assert "东关助老服务队" in body and reverse("volunteers:team", args=[people_team.pk]) in body


# --- the staff list and export ------------------------------------------------------------------


@pytest.fixture
def some_volunteers(district):
    a1 = testing.volunteer(district["community_a"], name="张一", star=2)
    VolunteerSkill.objects.create(volunteer=a1, skill=Skill.objects.get(code="legal"))
    a2 = testing.volunteer(district["grid_a"], name="王二", status="paused")
    b1 = testing.volunteer(district["community_b"], name="西城志愿者")
    return a1, a2, b1


def test_list_is_scoped_masked_and_filtered(client, street_a_staff, some_volunteers):
    a1, a2, b1 = some_volunteers
    client.force_login(street_a_staff)
    body = client.get(reverse("volunteers:list")).content.decode()
    assert a1.number in body and a2.number in body and b1.number not in body
    assert "张*" in body and "张一" not in body
    assert "共 2 人" in body
    for query, expected in [
        ({"skill": "legal"}, a1), ({"status": "paused"}, a2), ({"star": "2"}, a1),
        ({"q": "王"}, a2), ({"q": a1.number[:14]}, a1), ({"region": "341271001001"}, None),
    ]:  # fmt: skip
        body = client.get(reverse("volunteers:list"), query).content.decode()
        if expected is not None:
            other = a2 if expected == a1 else a1
            assert expected.number in body and other.number not in body, query
        else:
            assert a1.number in body and a2.number in body  # the grid is inside community A


def test_list_filter_by_team(client, street_a_staff, some_volunteers, people_team):
    from shegong.volunteers.models import TeamMember

    a1, a2, _ = some_volunteers
    TeamMember.objects.create(team=people_team, volunteer=a2)
    client.force_login(street_a_staff)
    body = client.get(reverse("volunteers:list"), {"team": people_team.pk}).content.decode()
    assert a2.number in body and a1.number not in body


def test_list_needs_the_permission(client, resident):
    client.force_login(resident)
    assert client.get(reverse("volunteers:list")).status_code == 403


def test_export_is_masked_filtered_and_audited(client, street_a_staff, some_volunteers):
    a1, _, _ = some_volunteers
    client.force_login(street_a_staff)
    response = client.get(reverse("volunteers:list_export"), {"status": "active"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "志愿者编号"
    assert [r[0] for r in rows[1:]] == [a1.number]
    assert rows[1][1] == "张*" and "*" in rows[1][5] and rows[1][8] == "法律咨询"
    event = AuditEvent.objects.get(verb=Verb.VOLUNTEERS_EXPORTED)
    assert event.data["rows"] == 1 and event.data["masked"] is True
    assert event.data["filters"] == {"status": "active"}


# --- registration, detail, edit, status, guardian by staff --------------------------------------


def test_staff_registers_a_volunteer(client, street_a_staff):
    client.force_login(street_a_staff)
    page = client.get(reverse("volunteers:volunteer_new")).content.decode()
    assert "监护人" in page and "西关社区" not in page  # only their scope to choose from
    number = id_for(45)
    response = client.post(reverse("volunteers:volunteer_new"), {
        "name": "孙七", "id_number": number, "phone": "13800000077", "region": "341271001001",
        "consent": "1", "skill": ["rescue"], "cert_name_rescue": "红十字救护员证",
        "avail": ["2-eve"],
    })  # fmt: skip
    volunteer = Volunteer.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("volunteers:volunteer", args=[volunteer.pk])
    assert volunteer.registered_by == street_a_staff
    body = client.get(response["Location"]).content.decode()
    assert "红十字救护员证" in body and "周二 晚上" in body and number not in body
    assert "孙*" in body and "代登记" in body


def test_staff_registration_errors_stay_on_the_form(client, street_a_staff):
    client.force_login(street_a_staff)
    response = client.post(reverse("volunteers:volunteer_new"), {
        "name": "孙七", "id_number": id_for(9), "region": "341271001001", "consent": "",
        "avail": ["2-eve"],
    })  # fmt: skip
    body = response.content.decode()
    assert response.status_code == 422
    assert "请确认已向本人告知并取得同意" in body and "未满14周岁" in body
    assert 'value="2-eve" aria-label="周二晚上" checked' in body
    assert not Volunteer.objects.exists()


def test_detail_edit_and_status(client, street_a_staff, people_volunteer):
    client.force_login(street_a_staff)
    url = reverse("volunteers:volunteer", args=[people_volunteer.pk])
    body = client.get(url).content.decode()
    assert people_volunteer.number in body and people_volunteer.person.id_number not in body
    assert 'id="status-form"' in body and 'id="guardian-form"' not in body  # an adult
    response = client.post(
        reverse("volunteers:volunteer_edit", args=[people_volunteer.pk]),
        {"region": "341271001000", "skill": ["arts"], "avail": ["5-pm"]},
    )
    assert response.status_code == 302
    people_volunteer.refresh_from_db()
    assert people_volunteer.region_id == "341271001000"
    response = client.post(
        reverse("volunteers:volunteer_status", args=[people_volunteer.pk]),
        {"status": "paused", "reason": "生病"},
    )
    assert response.status_code == 302
    people_volunteer.refresh_from_db()
    assert people_volunteer.status == "paused"
    body = client.get(url).content.decode()
    assert "已变更为「暂停服务」" in body and 'id="signup-block"' in body


def test_guardian_consent_page_flow(client, district, street_a_staff):
    minor = testing.volunteer(district["community_a"], birth=id_for(16)[6:14])
    client.force_login(street_a_staff)
    url = reverse("volunteers:volunteer", args=[minor.pk])
    body = client.get(url).content.decode()
    assert 'id="guardian-form"' in body and "未登记" in body
    guardian_url = reverse("volunteers:volunteer_guardian", args=[minor.pk])
    response = client.post(guardian_url, {"name": "周妈妈", "phone": "1390", "relation": "母亲"})
    minor.refresh_from_db()
    assert response.status_code == 302 and minor.guardian_consent_at is None
    client.post(guardian_url, {"name": "周妈妈", "phone": "13900004444", "relation": "母亲"})
    minor.refresh_from_db()
    assert minor.guardian_consent_at is not None
    body = client.get(url).content.decode()
    assert "周*（母亲）" in body and "13900004444" not in body
    assert registration.sign_up_block(minor) is None


def test_pages_of_another_street_are_404(client, street_b_staff, people_volunteer):
    client.force_login(street_b_staff)
    for name in ("volunteer", "volunteer_edit"):
        url = reverse(f"volunteers:{name}", args=[people_volunteer.pk])
        assert client.get(url).status_code == 404
    url = reverse("volunteers:volunteer_status", args=[people_volunteer.pk])
    assert client.post(url, {"status": "left"}).status_code == 404
    people_volunteer.refresh_from_db()
    assert people_volunteer.status == "active"


# --- skills taxonomy ----------------------------------------------------------------------------


def test_skills_page_add_rename_move(client, district_admin):
    client.force_login(district_admin)
    url = reverse("volunteers:skills")
    body = client.get(url).content.decode()
    assert "医疗护理" in body and 'id="skill-add-form"' in body
    response = client.post(url, {"op": "add", "name": "手语翻译", "needs_certificate": "1"})
    assert response.status_code == 302
    skill = Skill.objects.get(name="手语翻译")
    assert skill.needs_certificate
    client.post(url, {"op": "save", "skill": skill.pk, "name": "手语", "is_active": ""})
    skill.refresh_from_db()
    assert skill.name == "手语" and not skill.is_active and not skill.needs_certificate
    client.post(url, {"op": "up", "skill": skill.pk})
    assert Skill.objects.order_by("order").reverse()[1] == skill
    response = client.post(url, {"op": "add", "name": "理发"})
    assert response.status_code == 422 and "已有名为「理发」的技能" in response.content.decode()


def test_skills_page_is_read_only_for_street_staff(client, street_a_staff):
    client.force_login(street_a_staff)
    url = reverse("volunteers:skills")
    body = client.get(url).content.decode()
    assert 'id="skills-readonly"' in body and 'id="skill-add-form"' not in body
    assert client.post(url, {"op": "add", "name": "木工"}).status_code == 403
    assert not Skill.objects.filter(name="木工").exists()
