"""Party organizations and members: create, update, convert a 临时党支部, members in and out."""

from __future__ import annotations

from datetime import date

import pytest

from shegong import testing
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, InvalidInput, NotPermitted
from shegong.core.models import AuditEvent
from shegong.core.perms import Role
from shegong.ledger.actions.party import (
    add_party_member,
    convert_temporary_branch,
    create_party_org,
    develop_party_member,
    dissolve_temporary_branch,
    extend_term,
    remove_party_member,
    update_party_org,
)
from shegong.ledger.actions.records import set_coverage
from shegong.ledger.models import Coverage, PartyMembership, PartyOrganization
from shegong.ledger.schemas import CoverageIn, PartyOrgIn

from . import records_fixtures as build


def _events(verb: Verb, target) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            verb=verb, target_type="ledger.partyorganization", target_id=str(target.pk)
        )
    )


def test_it_creates_a_party_org_under_a_visible_parent_with_a_secretary(district, street_a_staff):
    parent = build.party_org(district["street_a"], "东城街道党工委", "committee")
    secretary = build.party_member(district["community_a"])
    data = PartyOrgIn(
        name="东关社区党支部", type="党支部", region=district["community_a"].code,
        parent_id=parent.pk, founded_on=date(2024, 1, 1), term_end=date(2027, 1, 1),
    )  # fmt: skip
    branch = create_party_org(data, actor=street_a_staff, secretary=secretary)
    assert branch.parent == parent
    assert branch.secretary == secretary
    assert branch.memberships.get().role == "secretary"
    (event,) = _events(Verb.PARTY_ORG_CREATED, branch)
    assert event.actor == street_a_staff
    assert event.data["parent"] == parent.pk


def test_it_refuses_a_parent_of_another_street(district, street_a_staff):
    parent_b = build.party_org(district["street_b"], "西城街道党工委", "committee")
    data = PartyOrgIn(
        name="东关党支部", type="branch", region=district["community_a"].code, parent_id=parent_b.pk
    )
    with pytest.raises(InvalidInput) as exc:
        create_party_org(data, actor=street_a_staff)
    assert exc.value.errors[0]["field"] == "parent_id"
    assert "不在您的工作范围内" in exc.value.detail


def test_it_refuses_a_region_outside_the_scope(district, street_a_staff):
    data = PartyOrgIn(name="西关党支部", type="branch", region=district["community_b"].code)
    with pytest.raises(InvalidInput) as exc:
        create_party_org(data, actor=street_a_staff)
    assert exc.value.errors[0]["field"] == "region"


def test_it_refuses_a_secretary_who_is_not_a_party_member(district, street_a_staff):
    masses = build.person(district["community_a"], "王群众")
    data = PartyOrgIn(name="东关党支部", type="branch", region=district["community_a"].code)
    with pytest.raises(InvalidInput) as exc:
        create_party_org(data, actor=street_a_staff, secretary=masses)
    assert exc.value.errors[0]["field"] == "secretary"
    assert "群众" in exc.value.detail


def test_it_refuses_a_term_end_before_the_founding_day(district, street_a_staff):
    data = PartyOrgIn(
        name="东关党支部", type="branch", region=district["community_a"].code,
        founded_on=date(2024, 5, 1), term_end=date(2024, 1, 1),
    )  # fmt: skip
    with pytest.raises(InvalidInput, match="届满日期不能早于成立日期"):
        create_party_org(data, actor=street_a_staff)


def test_a_viewer_may_not_create_party_orgs(district):
    viewer = testing.user(Role.PARTY_INSTRUCTOR, district["street_a"])
    data = PartyOrgIn(name="东关党支部", type="branch", region=district["grid_a"].code)
    with pytest.raises(NotPermitted):
        create_party_org(data, actor=viewer)


def test_update_records_exactly_the_changed_fields(district, street_a_staff):
    branch = build.party_org(district["community_a"], "东关党支部")
    data = PartyOrgIn(
        name="东关社区党支部", type="branch", region=district["community_a"].code,
        term_end=date(2027, 6, 30),
    )  # fmt: skip
    update_party_org(branch, data, actor=street_a_staff)
    (event,) = _events(Verb.PARTY_ORG_UPDATED, branch)
    assert event.data["changed"] == {
        "name": ["东关党支部", "东关社区党支部"],
        "term_end": [None, "2027-06-30"],
    }
    # The same record again changes nothing and writes nothing.
    update_party_org(branch, data, actor=street_a_staff)
    assert len(_events(Verb.PARTY_ORG_UPDATED, branch)) == 1


def test_update_refuses_a_parent_inside_its_own_subtree(district, street_a_staff):
    top = build.party_org(district["street_a"], "党工委", "committee")
    child = build.party_org(district["community_a"], "党总支", "general_branch", parent_id=top.pk)
    data = PartyOrgIn(name="党工委", type="committee", region=district["street_a"].code,
                      parent_id=child.pk)  # fmt: skip
    with pytest.raises(InvalidInput, match="不能是它自己或它的下级"):
        update_party_org(top, data, actor=street_a_staff)


def test_update_refuses_to_turn_a_temporary_branch_formal(district, street_a_staff):
    temp = build.party_org(district["community_a"], "项目临时党支部", "temporary_branch")
    data = PartyOrgIn(name="项目党支部", type="branch", region=district["community_a"].code)
    with pytest.raises(InvalidInput, match="转为正式党组织"):
        update_party_org(temp, data, actor=street_a_staff)


def test_converting_a_temporary_branch_moves_members_and_coverage(district, street_a_staff):
    region = district["community_a"]
    secretary = build.party_member(region, "赵书记")
    temp = build.party_org(region, "建设项目临时党支部", "temporary_branch", secretary=secretary,
                           founded_on=date(2024, 1, 1))  # fmt: skip
    member = build.party_member(region, "钱党员")
    add_party_member(temp, member, actor=street_a_staff)
    company = build.org(region, "建设公司")
    set_coverage(company, CoverageIn(mode="standalone", party_org_id=temp.pk), actor=street_a_staff)

    formal = convert_temporary_branch(
        temp, actor=street_a_staff, new_type="branch", converted_on=date(2025, 3, 1)
    )

    temp.refresh_from_db()
    assert formal.name == "建设项目党支部"
    assert formal.type == "branch"
    assert formal.secretary == secretary
    assert (temp.is_active, temp.converted_to, temp.converted_on) == (
        False, formal, date(2025, 3, 1),
    )  # fmt: skip
    assert set(formal.memberships.filter(left_on=None).values_list("person", "role")) == {
        (secretary.pk, "secretary"),
        (member.pk, "member"),
    }
    assert not temp.memberships.filter(left_on=None).exists()
    assert Coverage.objects.get(organization=company).party_org == formal
    (event,) = _events(Verb.PARTY_ORG_CONVERTED, temp)
    assert event.data["to"] == formal.pk and event.data["members"] == 2


def test_only_a_temporary_branch_can_be_converted(district, street_a_staff):
    branch = build.party_org(district["community_a"], "东关党支部", "branch")
    with pytest.raises(DomainError, match="只有临时党支部可以转为正式党组织"):
        convert_temporary_branch(branch, actor=street_a_staff, new_type="committee")


def test_a_temporary_branch_converts_once_and_only_to_a_formal_type(district, street_a_staff):
    temp = build.party_org(district["community_a"], "临时党支部", "temporary_branch")
    with pytest.raises(InvalidInput, match="临时党支部只能转为") as exc:
        convert_temporary_branch(temp, actor=street_a_staff, new_type="functional")
    assert exc.value.errors[0]["field"] == "new_type"
    convert_temporary_branch(temp, actor=street_a_staff, new_type="branch", name="新支部")
    with pytest.raises(DomainError, match="已转建"):
        convert_temporary_branch(temp, actor=street_a_staff, new_type="branch")


def test_only_party_members_can_join(district, street_a_staff):
    branch = build.party_org(district["community_a"])
    league = build.person(district["community_a"], "孙团员", political_status="league")
    with pytest.raises(InvalidInput, match="只有中共党员") as exc:
        add_party_member(branch, league, actor=street_a_staff)
    assert "共青团员" in exc.value.detail
    probationary = build.person(
        district["community_a"], "周预备", political_status="party_probationary"
    )
    assert add_party_member(branch, probationary, actor=street_a_staff).left_on is None


def test_a_person_has_one_current_membership_per_party_org(district, street_a_staff):
    branch = build.party_org(district["community_a"])
    member = build.party_member(district["community_a"])
    add_party_member(branch, member, actor=street_a_staff)
    with pytest.raises(InvalidInput, match="已是该党组织的党员"):
        add_party_member(branch, member, actor=street_a_staff)


def test_a_new_secretary_takes_over_and_the_former_one_stays_a_member(district, street_a_staff):
    first = build.party_member(district["community_a"], "吴书记")
    branch = build.party_org(district["community_a"], secretary=first)
    second = build.party_member(district["community_a"], "郑书记")
    add_party_member(branch, second, actor=street_a_staff, role="secretary")
    branch.refresh_from_db()
    assert branch.secretary == second
    assert branch.memberships.get(person=first).role == "member"
    with pytest.raises(InvalidInput, match="党内职务无效"):
        add_party_member(branch, build.party_member(district["community_a"]),
                                 actor=street_a_staff, role="boss")  # fmt: skip


def test_removing_a_member_keeps_the_row_and_clears_the_secretary(district, street_a_staff):
    secretary = build.party_member(district["community_a"])
    branch = build.party_org(district["community_a"], secretary=secretary)
    membership = branch.memberships.get()
    remove_party_member(membership, actor=street_a_staff, left_on=date.today())
    branch.refresh_from_db()
    assert branch.secretary is None
    assert PartyMembership.objects.get(pk=membership.pk).left_on == date.today()
    assert _events(Verb.PARTY_MEMBER_REMOVED, branch)[0].data["person"] == secretary.pk
    with pytest.raises(InvalidInput, match="该党员已转出"):
        remove_party_member(membership, actor=street_a_staff)


def test_a_converted_branch_takes_no_new_members(district, street_a_staff):
    temp = build.party_org(district["community_a"], "临时党支部", "temporary_branch")
    convert_temporary_branch(temp, actor=street_a_staff, new_type="branch")
    with pytest.raises(DomainError, match="不能再转入党员"):
        add_party_member(
            PartyOrganization.objects.get(pk=temp.pk),
            build.party_member(district["community_a"]),
            actor=street_a_staff,
        )


# --- 临时党支部: no 换届, no member development, dissolves with its body -----------------------


def test_a_temporary_branch_takes_no_term_end(district, street_a_staff):
    data = PartyOrgIn(
        name="项目临时党支部", type="temporary_branch", region=district["community_a"].code,
        term_end=date(2027, 1, 1),
    )  # fmt: skip
    with pytest.raises(InvalidInput) as exc:
        create_party_org(data, actor=street_a_staff)
    assert exc.value.errors[0]["field"] == "term_end"
    assert "临时党支部不实行换届" in exc.value.detail
    assert not PartyOrganization.objects.exists()


def test_a_temporary_branchs_members_keep_their_relation_elsewhere(district, street_a_staff):
    temporary = build.party_org(district["community_a"], "项目临时党支部", "temporary_branch")
    formal = build.party_org(district["community_a"], "东关党支部")
    member = build.party_member(district["community_a"])
    assert not add_party_member(temporary, member, actor=street_a_staff).transferred
    assert add_party_member(formal, member, actor=street_a_staff).transferred
    other = build.party_member(district["community_a"], "王党员")
    moved = add_party_member(temporary, other, actor=street_a_staff, transferred=True)
    assert moved.transferred
    events = _events(Verb.PARTY_MEMBER_ADDED, temporary)
    assert sorted(e.data["transferred"] for e in events) == [False, True]


def test_a_temporary_branch_does_not_develop_members(district, street_a_staff):
    temporary = build.party_org(district["community_a"], "项目临时党支部", "temporary_branch")
    applicant = build.person(district["community_a"], "赵群众")
    with pytest.raises(DomainError) as exc:
        develop_party_member(temporary, applicant, actor=street_a_staff)
    assert "临时党支部不发展党员" in exc.value.detail
    applicant.refresh_from_db()
    assert applicant.political_status == "masses"
    assert not PartyMembership.objects.exists()
    assert not _events(Verb.PARTY_MEMBER_DEVELOPED, temporary)


def test_a_formal_branch_develops_a_probationary_member(district, street_a_staff):
    branch = build.party_org(district["community_a"], "东关党支部")
    applicant = build.person(district["community_a"], "赵群众")
    membership = develop_party_member(
        branch, applicant, actor=street_a_staff, admitted_on=date(2025, 7, 1)
    )
    applicant.refresh_from_db()
    assert applicant.political_status == "party_probationary"
    assert applicant.party_joined_on == date(2025, 7, 1)
    assert membership.transferred and membership.party_org == branch
    (event,) = _events(Verb.PARTY_MEMBER_DEVELOPED, branch)
    assert event.data["previous_status"] == "masses"
    with pytest.raises(InvalidInput) as exc:
        develop_party_member(branch, applicant, actor=street_a_staff)
    assert "已是中共党员" in exc.value.detail


def test_a_temporary_branch_dissolves_with_its_body(district, street_a_staff):
    temporary = build.party_org(
        district["community_a"], "培训班临时党支部", "temporary_branch",
        founded_on=date(2025, 3, 1),
    )  # fmt: skip
    member = build.party_member(district["community_a"])
    add_party_member(temporary, member, actor=street_a_staff)
    unit = build.org(district["grid_a"], "培训项目部")
    set_coverage(unit, CoverageIn(mode="joint", party_org_id=temporary.pk), actor=street_a_staff)
    dissolve_temporary_branch(
        temporary, actor=street_a_staff, reason="培训班结业", dissolved_on=date(2025, 9, 1)
    )
    temporary.refresh_from_db()
    assert not temporary.is_active
    assert temporary.dissolved_on == date(2025, 9, 1)
    assert temporary.memberships.get().left_on == date(2025, 9, 1)
    coverage = Coverage.objects.get(organization=unit)
    assert coverage.mode == "none" and coverage.party_org is None
    assert "培训班结业" in coverage.note
    (event,) = _events(Verb.PARTY_ORG_DISSOLVED, temporary)
    assert event.data == {"on": "2025-09-01", "reason": "培训班结业", "members": 1, "covered": 1}
    with pytest.raises(DomainError):
        dissolve_temporary_branch(temporary, actor=street_a_staff, reason="再次")


def test_dissolving_refuses_a_formal_branch_and_a_missing_reason(district, street_a_staff):
    formal = build.party_org(district["community_a"], "东关党支部")
    with pytest.raises(DomainError) as exc:
        dissolve_temporary_branch(formal, actor=street_a_staff, reason="项目结束")
    assert "只撤销临时党支部" in exc.value.detail
    temporary = build.party_org(district["community_a"], "项目临时党支部", "temporary_branch")
    with pytest.raises(InvalidInput) as exc:
        dissolve_temporary_branch(temporary, actor=street_a_staff, reason="  ")
    assert exc.value.errors[0]["field"] == "reason"
    temporary.refresh_from_db()
    assert temporary.is_active
    assert not _events(Verb.PARTY_ORG_DISSOLVED, temporary)


# --- 延期换届 ---------------------------------------------------------------------------------


def _extend(party_org, actor, extended_to, **extra):
    values = {"approved_by": "东城街道党工委", "document_no": "东街党〔2026〕3号",
              "approved_on": date(2026, 1, 10), **extra}  # fmt: skip
    return extend_term(party_org, actor=actor, extended_to=extended_to, **values)


def test_an_approved_extension_is_recorded_with_its_approval(district, street_a_staff):
    branch = build.party_org(district["community_a"], "东关党支部", term_end=date(2026, 3, 31))
    _extend(branch, street_a_staff, date(2027, 3, 31))
    branch.refresh_from_db()
    assert branch.extended_to == date(2027, 3, 31)
    assert branch.extension_document_no == "东街党〔2026〕3号"
    (event,) = _events(Verb.PARTY_ORG_TERM_EXTENDED, branch)
    assert event.data["extended_to"] == "2027-03-31"
    assert event.data["approved_by"] == "东城街道党工委"


def test_an_extension_beyond_one_year_is_refused(district, street_a_staff):
    branch = build.party_org(district["community_a"], "东关党支部", term_end=date(2026, 3, 31))
    with pytest.raises(InvalidInput) as exc:
        _extend(branch, street_a_staff, date(2027, 4, 1))
    assert exc.value.errors[0]["field"] == "extended_to"
    assert "不超过12个月" in exc.value.detail
    branch.refresh_from_db()
    assert branch.extended_to is None
    assert not _events(Verb.PARTY_ORG_TERM_EXTENDED, branch)


def test_an_extension_needs_its_approval_and_a_term(district, street_a_staff):
    branch = build.party_org(district["community_a"], "东关党支部", term_end=date(2026, 3, 31))
    with pytest.raises(InvalidInput) as exc:
        _extend(branch, street_a_staff, date(2026, 9, 30), document_no="")
    assert exc.value.errors[0]["field"] == "document_no"
    temporary = build.party_org(district["community_a"], "项目临时党支部", "temporary_branch")
    with pytest.raises(DomainError) as exc:
        _extend(temporary, street_a_staff, date(2026, 9, 30))
    assert "临时党支部不实行换届" in exc.value.detail


def test_a_new_term_ends_the_extension(district, street_a_staff):
    branch = build.party_org(district["community_a"], "东关党支部", term_end=date(2026, 3, 31))
    _extend(branch, street_a_staff, date(2026, 9, 30))
    data = PartyOrgIn(
        name="东关党支部", type="branch", region=district["community_a"].code,
        term_end=date(2029, 6, 30),
    )  # fmt: skip
    update_party_org(branch, data, actor=street_a_staff)
    branch.refresh_from_db()
    assert branch.term_end == date(2029, 6, 30)
    assert branch.extended_to is None and branch.extension_document_no == ""
