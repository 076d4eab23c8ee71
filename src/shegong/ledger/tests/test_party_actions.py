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
