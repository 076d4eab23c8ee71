"""Record pages: organization, person and party-organization lists, details and forms."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shegong.core.audit import Verb
from shegong.core.models import AuditEvent
from shegong.ledger.actions.records import start_employment
from shegong.ledger.models import Coverage, Employment, Organization, PartyOrganization

from . import records_fixtures as build


def _org_form(district, **overrides):
    return {
        "kind": "enterprise", "name": "东关新材料有限公司", "credit_code": build.credit_code(),
        "region": district["grid_a"].code, "status": "active", **overrides,
    }  # fmt: skip


# --- organization list -----------------------------------------------------------------------


def test_the_list_shows_the_callers_street_only(client, district, street_a_staff, street_b_staff):
    build.org(district["grid_a"], "东关面馆")
    build.org(district["grid_b"], "西关超市")
    client.force_login(street_a_staff)
    body = client.get(reverse("ledger:organizations")).content.decode()
    assert "东关面馆" in body and "西关超市" not in body
    client.force_login(street_b_staff)
    body = client.get(reverse("ledger:organizations") + "?q=东关").content.decode()
    assert "没有符合条件的组织" in body


def test_the_list_filters_by_kind_party_members_and_credit_code(client, district, street_a_staff):
    shop = build.org(district["grid_a"], "东关面馆")
    factory = build.org(district["grid_a"], "东关工厂", kind="enterprise")
    build.org(district["grid_a"], "东关大厦", kind="building", credit_code="")
    start_employment(build.party_member(district["grid_a"]), factory, actor=None)
    client.force_login(street_a_staff)
    url = reverse("ledger:organizations")
    body = client.get(url + "?kind=building").content.decode()
    assert "东关大厦" in body and "东关面馆" not in body
    body = client.get(url + "?has_party_members=1").content.decode()
    assert "东关工厂" in body and "东关面馆" not in body
    body = client.get(url + f"?q={shop.credit_code[-8:]}").content.decode()
    assert "东关面馆" in body and "东关工厂" not in body


def test_the_list_refuses_a_region_of_another_street(client, district, street_a_staff):
    client.force_login(street_a_staff)
    response = client.get(reverse("ledger:organizations") + f"?region={district['grid_b'].code}")
    assert "所选区划不在您的工作范围内" in response.content.decode()


def test_the_list_filters_by_completeness(client, district, street_a_staff):
    build.org(district["grid_a"], "东关面馆")
    client.force_login(street_a_staff)
    url = reverse("ledger:organizations")
    assert "东关面馆" in client.get(url + "?completeness=incomplete").content.decode()
    assert "东关面馆" not in client.get(url + "?completeness=complete").content.decode()


def test_the_list_exports_what_it_shows_as_xlsx(client, district, street_a_staff):
    build.org(district["grid_a"], "东关面馆")
    client.force_login(street_a_staff)
    response = client.get(reverse("ledger:organizations") + "?format=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert AuditEvent.objects.filter(verb=Verb.LEDGER_EXPORTED, actor=street_a_staff).exists()


def test_export_needs_the_import_export_permission(client, district, community_a_worker):
    client.force_login(community_a_worker)
    body = client.get(reverse("ledger:organizations")).content.decode()
    assert "format=xlsx" not in body
    assert client.get(reverse("ledger:organizations") + "?format=xlsx").status_code == 403
    assert client.get(reverse("ledger:people") + "?format=xlsx").status_code == 403


def _count_queries(client, url: str) -> int:
    client.get(url)  # count a steady request, not whatever the first one of a session does
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", ["ledger:organizations", "ledger:people", "ledger:party_orgs"])
def test_list_pages_take_the_same_queries_for_5_or_50_rows(client, district, street_a_staff, name):
    def add(n: int) -> None:
        for i in range(n):
            org = build.org(district["grid_a"], f"企业{i}")
            member = build.party_member(district["grid_a"])
            start_employment(member, org, actor=None)
            build.party_org(district["grid_a"], f"党支部{i}", secretary=member)

    client.force_login(street_a_staff)
    url = reverse(name)
    add(5)
    few = _count_queries(client, url)
    add(45)
    assert _count_queries(client, url) == few


# --- organization detail and forms ------------------------------------------------------------


def test_an_outsider_gets_404_for_the_detail_and_its_forms(client, district, street_b_staff):
    org = build.org(district["grid_a"], "东关面馆")
    client.force_login(street_b_staff)
    assert client.get(reverse("ledger:organization", args=[org.pk])).status_code == 404
    assert client.get(reverse("ledger:organization_edit", args=[org.pk])).status_code == 404
    response = client.post(reverse("ledger:organization_coverage", args=[org.pk]), {})
    assert response.status_code == 404


def test_staff_creates_an_organization_on_the_page(client, district, street_a_staff):
    client.force_login(street_a_staff)
    response = client.post(reverse("ledger:organization_create"), _org_form(district))
    org = Organization.objects.get(name="东关新材料有限公司")
    assert response.status_code == 302
    assert response["Location"] == reverse("ledger:organization", args=[org.pk])
    assert AuditEvent.objects.filter(verb=Verb.ORG_CREATED, target_id=str(org.pk)).exists()


def test_a_bad_credit_code_is_shown_next_to_its_field(client, district, street_a_staff):
    client.force_login(street_a_staff)
    data = _org_form(district, credit_code="91341200000000001X")
    response = client.post(reverse("ledger:organization_create"), data)
    assert response.status_code == 422
    form = response.context["form"]
    assert form.errors["credit_code"]
    assert "is-invalid" in form.fields["credit_code"].widget.attrs["class"]
    assert not Organization.objects.exists()


def test_a_duplicate_credit_code_names_the_registered_organization(
    client, district, street_a_staff
):
    existing = build.org(district["grid_a"], "东关面馆")
    client.force_login(street_a_staff)
    data = _org_form(district, credit_code=existing.credit_code)
    response = client.post(reverse("ledger:organization_create"), data)
    assert response.status_code == 422
    assert response.context["form"].errors["credit_code"] == ["统一社会信用代码已登记：东关面馆"]


def test_a_region_outside_the_scope_is_refused(client, district, street_a_staff):
    client.force_login(street_a_staff)
    data = _org_form(district, region=district["grid_b"].code)
    response = client.post(reverse("ledger:organization_create"), data)
    assert response.status_code == 422
    assert response.context["form"].errors["region"] == ["所选区划不在您的工作范围内"]


def test_history_shows_the_fields_an_edit_changed(client, district, street_a_staff):
    org = build.org(district["grid_a"], "东关面馆", employee_count=5)
    client.force_login(street_a_staff)
    data = {**_org_form(district, credit_code=org.credit_code), "name": "东关面馆（总店）",
            "employee_count": "8"}  # fmt: skip
    response = client.post(reverse("ledger:organization_edit", args=[org.pk]), data)
    assert response.status_code == 302
    body = client.get(reverse("ledger:organization", args=[org.pk])).content.decode()
    history = body[body.index('id="history"') :]
    assert "修改组织" in history
    assert "名称" in history and "东关面馆（总店）" in history
    assert "从业人员数" in history and "5" in history and "8" in history
    assert history.index("修改组织") < history.index("新建组织")  # newest first


def test_a_viewer_sees_no_edit_button_and_may_not_edit(client, district):
    from shegong import testing
    from shegong.core.perms import Role

    org = build.org(district["grid_a"], "东关面馆")
    instructor = testing.user(Role.PARTY_INSTRUCTOR, district["street_a"])
    client.force_login(instructor)
    body = client.get(reverse("ledger:organization", args=[org.pk])).content.decode()
    assert reverse("ledger:organization_edit", args=[org.pk]) not in body
    assert client.get(reverse("ledger:organization_edit", args=[org.pk])).status_code == 403


def test_staff_adds_and_ends_a_job_by_id_number(client, district, street_a_staff):
    org = build.org(district["grid_a"], "东关面馆")
    worker = build.person(district["grid_a"], "王师傅")
    client.force_login(street_a_staff)
    url = reverse("ledger:organization_employ", args=[org.pk])
    response = client.post(url, {"job-id_number": build.id_number(), "job-position": "厨师"})
    assert response.status_code == 422
    assert "未找到该身份证号的人员" in response.context["employment_form"].errors["id_number"][0]
    number = " " + worker.id_number.lower() + " "
    response = client.post(url, {"job-id_number": number, "job-position": "厨师"})
    assert response.status_code == 302
    job = Employment.objects.get(organization=org, person=worker, ended_on=None)
    body = client.get(reverse("ledger:organization", args=[org.pk])).content.decode()
    assert "王**" in body and "厨师" in body and "王师傅" not in body
    response = client.post(url, {"job-id_number": worker.id_number})
    assert "此人已在该单位任职" in response.content.decode()
    end = reverse("ledger:organization_employment_end", args=[org.pk, job.pk])
    client.post(end, {})
    job.refresh_from_db()
    assert job.ended_on == date.today()


def test_staff_sets_the_coverage_on_the_organization_page(client, district, street_a_staff):
    org = build.org(district["grid_a"], "东关面馆")
    branch = build.party_org(district["community_a"], "东关联合党支部", "joint_branch")
    client.force_login(street_a_staff)
    url = reverse("ledger:organization_coverage", args=[org.pk])
    response = client.post(url, {"coverage-mode": "joint"})
    assert response.status_code == 422
    assert "须指定党组织" in response.context["coverage_form"].errors["party_org_id"][0]
    client.post(url, {"coverage-mode": "joint", "coverage-party_org_id": str(branch.pk)})
    assert Coverage.objects.get(organization=org).party_org == branch
    body = client.get(reverse("ledger:party_org", args=[branch.pk])).content.decode()
    assert "东关面馆" in body


def test_a_tenant_shows_on_its_building(client, district, street_a_staff):
    building = build.org(district["grid_a"], "东关大厦", kind="building")
    build.org(district["grid_a"], "东关律所", container_credit_code=building.credit_code)
    client.force_login(street_a_staff)
    body = client.get(reverse("ledger:organization", args=[building.pk])).content.decode()
    assert "入驻单位（1）" in body and "东关律所" in body


# --- people ----------------------------------------------------------------------------------


def test_people_are_masked_and_scoped(client, district, street_a_staff, street_b_staff):
    person = build.person(district["grid_a"], "张小明", phone="13912345678")
    client.force_login(street_a_staff)
    body = client.get(reverse("ledger:people")).content.decode()
    assert "张**" in body and "张小明" not in body and "139****5678" in body
    assert person.id_number not in body
    body = client.get(reverse("ledger:people") + f"?id_number={person.id_number}").content.decode()
    assert "共 1 人" in body
    client.force_login(street_b_staff)
    assert client.get(reverse("ledger:person", args=[person.pk])).status_code == 404
    assert "共 0 人" in client.get(reverse("ledger:people")).content.decode()


def test_reveal_shows_the_id_number_and_writes_an_audit_entry(client, district, street_a_staff):
    person = build.person(district["grid_a"], "张小明")
    client.force_login(street_a_staff)
    body = client.get(reverse("ledger:person", args=[person.pk])).content.decode()
    assert person.id_number not in body and "查看明文" in body
    response = client.post(reverse("ledger:person_reveal", args=[person.pk]))
    assert person.id_number in response.content.decode()
    event = AuditEvent.objects.get(verb=Verb.PII_REVEALED)
    assert (event.actor, event.target_id, event.data) == (
        street_a_staff, str(person.pk), {"field": "id_number"}
    )  # fmt: skip


def test_reveal_needs_the_permission(client, district, community_a_worker):
    person = build.person(district["grid_a"], "张小明")
    client.force_login(community_a_worker)
    body = client.get(reverse("ledger:person", args=[person.pk])).content.decode()
    assert "查看明文" not in body
    response = client.post(reverse("ledger:person_reveal", args=[person.pk]), follow=True)
    assert person.id_number not in response.content.decode()
    assert "没有此操作的权限" in response.content.decode()
    assert not AuditEvent.objects.filter(verb=Verb.PII_REVEALED).exists()


def test_staff_creates_and_edits_a_person(client, district, street_a_staff):
    client.force_login(street_a_staff)
    number = build.id_number()
    data = {"name": "李四", "id_number": number, "region": district["grid_a"].code,
            "occupation": "delivery_rider", "political_status": "masses"}  # fmt: skip
    response = client.post(reverse("ledger:person_create"), {**data, "id_number": "123"})
    assert response.status_code == 422
    assert response.context["form"].errors["id_number"] == ["身份证号应为18位"]
    response = client.post(reverse("ledger:person_create"), data)
    assert response.status_code == 302
    response = client.post(reverse("ledger:person_create"), data)
    assert response.context["form"].errors["id_number"] == ["该身份证号已登记"]
    from shegong.ledger.models import Person

    person = Person.objects.get()
    edit = {k: v for k, v in data.items() if k != "id_number"}
    client.post(reverse("ledger:person_edit", args=[person.pk]), {**edit, "phone": "13912345678"})
    person.refresh_from_db()
    assert person.phone == "13912345678"
    body = client.get(reverse("ledger:person", args=[person.pk])).content.decode()
    assert "修改人员" in body and "手机号" in body and "13912345678" not in body


# --- party organizations ---------------------------------------------------------------------


def test_the_tree_nests_children_and_flags_an_expired_term(client, district, street_a_staff):
    top = build.party_org(district["street_a"], "东城街道党工委", "committee")
    build.party_org(district["community_a"], "东关社区党委", "committee", parent_id=top.pk,
                    term_end=date.today() - timedelta(days=1))  # fmt: skip
    build.party_org(district["community_b"], "西关社区党委", "committee")
    client.force_login(street_a_staff)
    body = client.get(reverse("ledger:party_orgs")).content.decode()
    assert body.index("东城街道党工委") < body.index("东关社区党委")
    assert "已到期·待换届" in body and "西关社区党委" not in body


def test_staff_creates_a_party_org_with_a_secretary_by_id_number(client, district, street_a_staff):
    secretary = build.party_member(district["community_a"], "赵书记")
    client.force_login(street_a_staff)
    data = {"name": "东关社区党委", "type": "committee", "region": district["community_a"].code}
    response = client.post(reverse("ledger:party_org_create"), {**data, "secretary": "1" * 18})
    assert response.context["form"].errors["secretary"]
    response = client.post(
        reverse("ledger:party_org_create"), {**data, "secretary": secretary.id_number}
    )
    assert response.status_code == 302
    assert PartyOrganization.objects.get().secretary == secretary


def test_members_are_added_and_removed_on_the_page(client, district, street_a_staff):
    branch = build.party_org(district["community_a"], "东关党支部")
    member = build.party_member(district["community_a"], "钱党员")
    masses = build.person(district["community_a"], "孙群众")
    client.force_login(street_a_staff)
    url = reverse("ledger:party_org_member_add", args=[branch.pk])
    response = client.post(url, {"member-id_number": masses.id_number, "member-role": "member"})
    assert response.status_code == 422
    assert "只有中共党员" in response.context["member_form"].errors["id_number"][0]
    response = client.post(url, {"member-id_number": member.id_number, "member-role": "member"})
    assert response.status_code == 302
    membership = branch.memberships.get()
    client.post(reverse("ledger:party_org_member_remove", args=[branch.pk, membership.pk]), {})
    membership.refresh_from_db()
    assert membership.left_on == date.today()


def test_a_temporary_branch_is_converted_on_its_page(client, district, street_a_staff):
    temp = build.party_org(district["community_a"], "项目临时党支部", "temporary_branch")
    branch = build.party_org(district["community_a"], "东关党支部")
    client.force_login(street_a_staff)
    body = client.get(reverse("ledger:party_org", args=[branch.pk])).content.decode()
    assert "转为正式党组织" not in body
    response = client.post(
        reverse("ledger:party_org_convert", args=[temp.pk]), {"convert-new_type": "branch"}
    )
    formal = PartyOrganization.objects.get(converted_from=temp)
    assert response["Location"] == reverse("ledger:party_org", args=[formal.pk])
    body = client.get(reverse("ledger:party_org", args=[temp.pk])).content.decode()
    assert "已转建" in body and formal.name in body
    response = client.post(
        reverse("ledger:party_org_convert", args=[branch.pk]),
        {"convert-new_type": "committee"},
        follow=True,
    )
    assert "只有临时党支部可以转为正式党组织" in response.content.decode()


def test_an_extension_is_recorded_and_shown_on_the_party_org_page(client, district, street_a_staff):
    today = date.today()
    branch = build.party_org(
        district["community_a"], "东关党支部", term_end=today - timedelta(days=10)
    )
    client.force_login(street_a_staff)
    body = client.get(reverse("ledger:party_org", args=[branch.pk])).content.decode()
    assert "已到期·待换届" in body and "登记延期批准" in body
    url = reverse("ledger:party_org_extend", args=[branch.pk])
    form = {"extend-approved_by": "东城街道党工委", "extend-document_no": "东街党〔2026〕3号",
            "extend-approved_on": today.isoformat()}  # fmt: skip
    too_far = (today + timedelta(days=400)).isoformat()
    response = client.post(url, {**form, "extend-extended_to": too_far})
    assert response.status_code == 422
    assert "延期换届最长不超过12个月" in response.content.decode()
    branch.refresh_from_db()
    assert branch.extended_to is None
    new_date = today + timedelta(days=60)
    response = client.post(url, {**form, "extend-extended_to": new_date.isoformat()})
    assert response.status_code == 302
    body = client.get(reverse("ledger:party_org", args=[branch.pk])).content.decode()
    assert "已批准延期换届" in body and "东街党〔2026〕3号" in body
    assert "已到期·待换届" not in body


def test_a_temporary_branch_page_says_no_re_election_and_dissolves(
    client, district, street_a_staff
):
    temp = build.party_org(district["community_a"], "项目临时党支部", "temporary_branch")
    client.force_login(street_a_staff)
    body = client.get(reverse("ledger:party_org", args=[temp.pk])).content.decode()
    assert "临时党支部不实行换届" in body and "登记延期批准" not in body
    url = reverse("ledger:party_org_dissolve", args=[temp.pk])
    response = client.post(url, {"dissolve-reason": ""})
    assert response.status_code == 422
    temp.refresh_from_db()
    assert temp.is_active
    response = client.post(url, {"dissolve-reason": "项目结束"})
    assert response.status_code == 302
    temp.refresh_from_db()
    assert not temp.is_active and temp.dissolved_on == date.today()
    body = client.get(reverse("ledger:party_org", args=[temp.pk])).content.decode()
    assert "已撤销" in body and "项目结束" in body


def test_a_member_joins_a_temporary_branch_with_the_relation_not_transferred(
    client, district, street_a_staff
):
    temp = build.party_org(district["community_a"], "项目临时党支部", "temporary_branch")
    member = build.party_member(district["community_a"])
    client.force_login(street_a_staff)
    body = client.get(reverse("ledger:party_org", args=[temp.pk])).content.decode()
    assert 'name="member-transferred"' in body
    client.post(
        reverse("ledger:party_org_member_add", args=[temp.pk]),
        {"member-id_number": member.id_number, "member-role": "member"},
    )
    assert not temp.memberships.get().transferred
    body = client.get(reverse("ledger:party_org", args=[temp.pk])).content.decode()
    assert "未转接" in body


def test_a_formal_branch_develops_a_member_on_its_page(client, district, street_a_staff):
    branch = build.party_org(district["community_a"], "东关党支部")
    applicant = build.person(district["community_a"], "孙群众")
    member = build.party_member(district["community_a"], "钱党员")
    client.force_login(street_a_staff)
    body = client.get(reverse("ledger:party_org", args=[branch.pk])).content.decode()
    assert "登记接收预备党员" in body
    url = reverse("ledger:party_org_develop", args=[branch.pk])

    response = client.post(url, {"develop-id_number": "110105194912310021"})
    assert response.status_code == 422
    assert "未找到该身份证号的人员" in response.content.decode()
    response = client.post(url, {"develop-id_number": member.id_number})
    assert response.status_code == 422 and "已是中共党员" in response.content.decode()
    future = (date.today() + timedelta(days=1)).isoformat()
    response = client.post(
        url, {"develop-id_number": applicant.id_number, "develop-admitted_on": future}
    )
    assert response.status_code == 422 and "不能晚于今天" in response.content.decode()
    assert not branch.memberships.exists()

    response = client.post(url, {"develop-id_number": applicant.id_number})
    assert response.status_code == 302
    applicant.refresh_from_db()
    assert applicant.political_status == "party_probationary"
    assert branch.memberships.get().person == applicant
    assert AuditEvent.objects.filter(verb=Verb.PARTY_MEMBER_DEVELOPED).count() == 1

    temporary = build.party_org(district["community_a"], "项目临时党支部", "temporary_branch")
    body = client.get(reverse("ledger:party_org", args=[temporary.pk])).content.decode()
    assert "登记接收预备党员" not in body
