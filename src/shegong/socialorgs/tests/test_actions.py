"""Social-organization actions: register, edit, status change with its legal basis, charter
versions — each with one audit entry, scope refusal, and bad input that writes nothing."""

from __future__ import annotations

from datetime import date

import pytest

from shegong.core.audit import Verb
from shegong.core.errors import DomainError, IllegalTransition, InvalidInput, NotFound, NotPermitted
from shegong.core.models import AuditEvent
from shegong.ledger.choices import OrgKind, OrgStatus
from shegong.ledger.models import Organization
from shegong.socialorgs import queries
from shegong.socialorgs.actions import records
from shegong.socialorgs.demo import credit_code
from shegong.socialorgs.models import CharterVersion, SocialOrg


def audits(verb):
    return AuditEvent.objects.filter(verb=int(verb))


def test_register_makes_one_ledger_organization_and_its_profile(registrar, org_data, district):
    so = records.register_social_org(org_data(), actor=registrar)
    org = so.organization
    assert org.kind == OrgKind.SOCIAL_ORG and org.name == "东关书法家协会"
    assert org.credit_code.startswith("51") and org.region_id == district["community_a"].code
    assert org.legal_rep == "张三丰" and org.status == OrgStatus.ACTIVE
    assert Organization.objects.count() == 1  # never a copy
    assert so.term_end == date(2026, 6, 1)  # term_start + 5 years (charter default)
    entry = audits(Verb.SOCIAL_ORG_REGISTERED).get()
    assert entry.actor == registrar and entry.target_id == str(so.pk)
    assert AuditEvent.objects.count() == 1  # one action, one audit entry


def test_term_length_comes_from_the_charter(registrar, org_data):
    so = records.register_social_org(org_data(term_years="4"), actor=registrar)
    assert so.term_end == date(2025, 6, 1)


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (credit_code("association", "341271", 2)[:-1] + "0", "校验位"),
        ("91341271MA2N12345W", "51社会团体、52社会服务机构或53基金会"),  # an enterprise's code
        (credit_code("foundation", "341271", 3), "与类型“社会团体”不符"),
    ],
)
def test_credit_code_of_the_wrong_category_is_refused(registrar, org_data, code, words):
    with pytest.raises(InvalidInput) as caught:
        records.register_social_org(org_data(credit_code=code), actor=registrar)
    assert words in caught.value.detail
    assert caught.value.errors[0]["field"] == "credit_code"
    assert not SocialOrg.objects.exists() and not Organization.objects.exists()
    assert not AuditEvent.objects.exists()


def test_bad_input_names_every_field_and_writes_nothing(registrar, org_data):
    with pytest.raises(InvalidInput) as caught:
        records.register_social_org(
            org_data(
                name="", registered_on="2020-13-01", term_years="0", grade="6A",
                public_fundraising="on", legal_rep_phone="123", status="revoked",
            ),
            actor=registrar,
        )  # fmt: skip
    fields = {e["field"] for e in caught.value.errors}
    assert {"name", "registered_on", "term_years", "grade", "public_fundraising",
            "public_fundraising_on", "legal_rep_phone", "status"} <= fields  # fmt: skip
    assert not Organization.objects.exists() and not AuditEvent.objects.exists()


def test_duplicate_registration_number_or_credit_code_is_refused(registrar, org_data):
    records.register_social_org(org_data(), actor=registrar)
    with pytest.raises(InvalidInput, match="登记证号已登记"):
        records.register_social_org(
            org_data(credit_code=credit_code("association", "341271", 9)), actor=registrar
        )
    with pytest.raises(InvalidInput, match="统一社会信用代码已登记"):
        records.register_social_org(org_data(registration_number="X-2"), actor=registrar)
    assert SocialOrg.objects.count() == 1 and Organization.objects.count() == 1


def test_only_registrars_register_and_only_in_their_scope(
    street_a_staff, registrar_b, org_data, district
):
    with pytest.raises(NotPermitted):
        records.register_social_org(org_data(), actor=street_a_staff)
    with pytest.raises(InvalidInput, match="不在您的工作范围内"):
        records.register_social_org(org_data(), actor=registrar_b)
    assert not Organization.objects.exists()


def test_edit_changes_ledger_and_profile_in_one_entry(registrar, org_data):
    so = records.register_social_org(org_data(), actor=registrar)
    so = records.update_social_org(
        so, org_data(name="示范区书法家协会", supervisor="示范区文联", legal_rep="李四"),
        actor=registrar,
    )  # fmt: skip
    assert so.organization.name == "示范区书法家协会" and so.supervisor == "示范区文联"
    entry = audits(Verb.SOCIAL_ORG_UPDATED).get()
    assert entry.data["changed"]["name"] == ["东关书法家协会", "示范区书法家协会"]
    assert entry.data["changed"]["legal_rep"] == ["*", "*"]  # never a name in the trail
    assert not audits(Verb.ORG_UPDATED).exists()


def test_edit_out_of_scope_is_not_found(registrar, registrar_b, org_data):
    so = records.register_social_org(org_data(), actor=registrar)
    with pytest.raises(NotFound):
        records.update_social_org(so, org_data(name="别人的协会"), actor=registrar_b)
    so.organization.refresh_from_db()
    assert so.organization.name == "东关书法家协会"


def test_status_change_needs_a_legal_basis_and_keeps_it_in_the_history(registrar, org_data):
    so = records.register_social_org(org_data(), actor=registrar)
    with pytest.raises(InvalidInput, match="法律依据"):
        records.change_status(so, "suspended", legal_basis="  ", actor=registrar)
    so.refresh_from_db()
    assert so.status == "normal" and not audits(Verb.SOCIAL_ORG_STATUS_CHANGED).exists()
    basis = "《社会团体登记管理条例》第三十条第一款"
    records.change_status(so, "suspended", legal_basis=basis, actor=registrar)
    records.change_status(
        so, "cancelled", legal_basis="撤销登记决定书 示民罚〔2026〕2号", actor=registrar
    )
    so.refresh_from_db()
    assert so.status == "cancelled" and so.organization.status == OrgStatus.CLOSED
    history = list(queries.history(so))
    assert [e.verb for e in history] == [
        Verb.SOCIAL_ORG_STATUS_CHANGED, Verb.SOCIAL_ORG_STATUS_CHANGED, Verb.SOCIAL_ORG_REGISTERED,
    ]  # fmt: skip
    assert history[1].data["legal_basis"] == basis
    assert history[0].data["status"] == ["suspended", "cancelled"]


def test_status_transitions_follow_the_rules(registrar, org_data):
    so = records.register_social_org(org_data(), actor=registrar)
    with pytest.raises(DomainError, match="已是"):
        records.change_status(so, "normal", legal_basis="x", actor=registrar)
    records.change_status(so, "deregistered", legal_basis="注销登记", actor=registrar)
    with pytest.raises(IllegalTransition):
        records.change_status(so, "normal", legal_basis="恢复", actor=registrar)
    with pytest.raises(InvalidInput, match="登记状态"):
        records.change_status(so, "closed", legal_basis="x", actor=registrar)
    so.refresh_from_db()
    assert so.status == "deregistered"


def test_charter_version_with_party_building(registrar, org_data):
    so = records.register_social_org(org_data(), actor=registrar)
    with pytest.raises(InvalidInput, match="党建入章日期"):
        records.add_charter_version(
            so, {"version_date": "2021-06-01", "party_building": True}, actor=registrar
        )
    assert not CharterVersion.objects.exists()
    charter = records.add_charter_version(
        so,
        {"version_date": "2021-06-01", "party_building": "on", "party_building_on": "2021-06-01"},
        actor=registrar,
    )
    assert charter.party_building and charter.party_building_on == date(2021, 6, 1)
    assert audits(Verb.CHARTER_VERSION_ADDED).get().target_id == str(so.pk)


def test_demo_loader_small_is_a_handful(district):
    from shegong.core.demo import DemoContext
    from shegong.socialorgs import demo

    ctx = DemoContext(size="small")
    ctx.region = lambda scope: district["district"]  # type: ignore[method-assign]
    assert demo.load(ctx) == demo.COUNTS["small"]
    assert demo.load(ctx) == 0  # idempotent
    assert SocialOrg.objects.count() == demo.COUNTS["small"]
