"""A social organization IS a ledger Organization: registering one the ledger already holds
(the census, an import) adopts that row instead of refusing it or copying it; editing the record
keeps what the ledger knows beyond the registration; the registrar's list and worklist of the
ledger's social organizations without a record, and the form filled from one."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shegong import testing
from shegong.core.audit import Verb
from shegong.core.errors import InvalidInput
from shegong.core.models import AuditEvent
from shegong.ledger.choices import OrgKind
from shegong.ledger.models import Organization
from shegong.socialorgs import queries
from shegong.socialorgs.actions import records
from shegong.socialorgs.demo import credit_code
from shegong.socialorgs.models import SocialOrg
from shegong.socialorgs.workbench import worklists

CODE = credit_code("association", "341271", 1)


@pytest.fixture
def ledger_row(district):
    """The census's row of the association, with what only the ledger knows."""
    return Organization.objects.create(
        kind=OrgKind.SOCIAL_ORG, name="东关书法协会（普查）", credit_code=CODE,
        region=district["community_a"], employee_count=7, party_member_count=3,
        party_contact="李四", lat=32.9, lon=115.8, investors="发起人若干",
    )  # fmt: skip


def test_registering_adopts_the_ledgers_row(registrar, org_data, ledger_row):
    so = records.register_social_org(org_data(credit_code=CODE), actor=registrar)
    assert so.organization_id == ledger_row.pk  # the same organization, never a copy
    assert Organization.objects.filter(credit_code=CODE).count() == 1
    org = Organization.objects.get(pk=ledger_row.pk)
    assert org.name == "东关书法家协会" and org.legal_rep == "张三丰"  # the registration's
    assert (org.employee_count, org.party_member_count, org.party_contact) == (7, 3, "李四")
    assert (org.lat, org.lon, org.investors) == (32.9, 115.8, "发起人若干")  # the ledger's kept
    entry = AuditEvent.objects.get(verb=int(Verb.SOCIAL_ORG_REGISTERED))
    assert entry.data["ledger_organization"] == ledger_row.pk


def test_editing_the_record_keeps_what_the_ledger_knows(registrar, org_data, ledger_row):
    so = records.register_social_org(org_data(credit_code=CODE), actor=registrar)
    Organization.objects.filter(pk=so.organization_id).update(employee_count=9, lat=33.0)
    values = {**org_data(credit_code=CODE), "address": "东关路2号"}
    records.update_social_org(SocialOrg.objects.get(pk=so.pk), values, actor=registrar)
    org = Organization.objects.get(pk=so.organization_id)
    assert org.address == "东关路2号"
    assert (org.employee_count, org.lat, org.party_member_count) == (9, 33.0, 3)


def test_a_row_of_another_kind_or_already_registered_is_refused(registrar, org_data, district):
    Organization.objects.create(
        kind=OrgKind.ENTERPRISE, name="东关书法用品公司", credit_code=CODE,
        region=district["community_a"],
    )  # fmt: skip
    with pytest.raises(InvalidInput) as refused:
        records.register_social_org(org_data(credit_code=CODE), actor=registrar)
    assert "在台账中登记为" in str(refused.value) and "更正其类型" in str(refused.value)
    assert not SocialOrg.objects.exists()
    Organization.objects.filter(credit_code=CODE).update(kind=OrgKind.SOCIAL_ORG)
    records.register_social_org(org_data(credit_code=CODE), actor=registrar)
    with pytest.raises(InvalidInput) as again:
        records.register_social_org(
            org_data(credit_code=CODE, registration_number="皖民证字第00002号"), actor=registrar
        )
    assert "已登记为社会组织" in str(again.value)
    assert SocialOrg.objects.count() == 1


def test_another_streets_ledger_row_is_not_adopted(registrar_b, org_data, ledger_row, district):
    data = org_data(credit_code=CODE, region=district["community_b"].code)
    with pytest.raises(InvalidInput) as refused:
        records.register_social_org(data, actor=registrar_b)
    assert "其他辖区" in str(refused.value)
    assert not SocialOrg.objects.exists()


def test_the_worklist_counts_the_list_and_the_form_is_filled_from_the_row(
    client, registrar, org_data, ledger_row, district
):
    Organization.objects.create(
        kind=OrgKind.ENTERPRISE, name="东关商贸公司", region=district["community_a"]
    )
    todo = next(w.todo for w in worklists if w.key == "socialorgs.unregistered")
    assert todo.count(registrar) == queries.unregistered(registrar).count() == 1
    client.force_login(registrar)
    html = client.get(reverse("socialorgs:unregistered")).content.decode()
    assert 'data-sg-total="1"' in html and "东关书法协会（普查）" in html
    bench = client.get(reverse("socialorgs:workbench")).content.decode()
    assert "台账中尚未登记建档的社会组织" in bench
    assert "东关商贸公司" not in html
    form = client.get(reverse("socialorgs:new") + f"?ledger={ledger_row.pk}").content.decode()
    assert 'value="东关书法协会（普查）"' in form and CODE in form
    assert (
        "东关书法协会（普查）"
        not in client.get(reverse("socialorgs:new") + "?ledger=999999").content.decode()
    )
    response = client.post(reverse("socialorgs:new"), org_data(credit_code=CODE))
    assert response.status_code in (302, 303)
    assert not queries.unregistered(registrar).exists()
    html = client.get(reverse("socialorgs:unregistered")).content.decode()
    assert "台账中的社会组织均已登记建档" in html


def test_the_list_is_the_registrars(client, district, ledger_row):
    from shegong.core.perms import Role

    staff = testing.user(Role.STREET_STAFF, district["street_a"])
    client.force_login(staff)
    assert client.get(reverse("socialorgs:unregistered")).status_code in (403, 404)
