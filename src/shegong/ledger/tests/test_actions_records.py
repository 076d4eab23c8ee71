"""Record actions: validation of messy input, scope, audit of exactly what changed."""

import pytest

from shegong.core.audit import Verb
from shegong.core.errors import InvalidInput, NotPermitted
from shegong.core.models import AuditEvent
from shegong.ledger.actions.records import (
    create_organization,
    create_person,
    end_employment,
    set_coverage,
    start_employment,
    update_organization,
    update_person,
)
from shegong.ledger.choices import CoverageMode
from shegong.ledger.models import Coverage, Person
from shegong.ledger.schemas import CoverageIn, OrganizationIn, PersonIn


def _valid_code(seed: str = "91341202MA2N00000") -> str:
    from stdnum.cn import uscc

    return seed + uscc.calc_check_digit(seed)


def org_in(region, **overrides):
    values = dict(
        kind="非公企业", name="阜阳市示范科技有限公司", credit_code=_valid_code(),
        region=region.code, legal_rep="张三", address="示范路1号", industry="I",
        employee_count=12,
    )  # fmt: skip
    values.update(overrides)
    return OrganizationIn(**values)


def test_messy_codes_are_normalised_but_a_bad_checksum_is_refused():
    code = _valid_code()
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isalnum() else c for c in code)
    data = OrganizationIn(kind="enterprise", name="x", credit_code=f" {full_width} ", region="1")
    assert data.credit_code == code
    with pytest.raises(ValueError, match="校验位"):
        OrganizationIn(kind="enterprise", name="x", credit_code=code[:-1] + "0", region="1")
    person = PersonIn(name="李四", id_number="11010519491231002x", region=341271001001.0)
    assert (person.id_number, person.region) == ("11010519491231002X", "341271001001")
    with pytest.raises(ValueError, match="科学计数法"):
        PersonIn(name="李四", id_number=1.10105194912310e17, region="1")


def test_a_street_creates_an_organization_in_its_grid_with_a_coverage_row(district, street_a_staff):
    org = create_organization(org_in(district["grid_a"]), actor=street_a_staff)
    assert org.region_id == district["grid_a"].code
    assert Coverage.objects.get(organization=org).mode == CoverageMode.NONE
    assert AuditEvent.objects.filter(verb=Verb.ORG_CREATED, target_id=str(org.pk)).count() == 1


def test_it_refuses_a_region_outside_the_street_and_a_missing_credit_code(district, street_a_staff):
    with pytest.raises(InvalidInput, match="不在您的工作范围内"):
        create_organization(org_in(district["grid_b"]), actor=street_a_staff)
    with pytest.raises(InvalidInput) as exc:
        create_organization(org_in(district["grid_a"], credit_code=""),
                                    actor=street_a_staff)  # fmt: skip
    assert exc.value.errors[0]["field"] == "credit_code"
    building = create_organization(
        org_in(district["grid_a"], kind="楼宇", credit_code="", name="示范大厦"),
        actor=street_a_staff,
    )
    assert building.credit_code is None


def test_a_duplicate_credit_code_names_the_registered_organization(district, street_a_staff):
    create_organization(org_in(district["grid_a"]), actor=street_a_staff)
    with pytest.raises(InvalidInput, match="已登记：阜阳市示范科技有限公司"):
        create_organization(org_in(district["grid_a"], name="另一家"),
                                    actor=street_a_staff)  # fmt: skip


def test_an_update_audits_exactly_the_changed_fields(district, street_a_staff):
    org = create_organization(org_in(district["grid_a"]), actor=street_a_staff)
    update_organization(org, org_in(district["grid_a"], employee_count=30), actor=street_a_staff)
    event = AuditEvent.objects.get(verb=Verb.ORG_UPDATED)
    assert event.data == {"changed": {"employee_count": [12, 30]}}
    update_organization(org, org_in(district["grid_a"], employee_count=30), actor=street_a_staff)
    assert AuditEvent.objects.filter(verb=Verb.ORG_UPDATED).count() == 1  # nothing changed
    update_organization(
        org, org_in(district["grid_a"], employee_count=30, status="已迁出"), actor=street_a_staff
    )
    assert AuditEvent.objects.filter(verb=Verb.ORG_STATUS_CHANGED).count() == 1


def test_people_are_one_per_id_number_and_their_audit_holds_no_values(district, street_a_staff):
    org = create_organization(org_in(district["grid_a"]), actor=street_a_staff)
    data = PersonIn(
        name="王五", id_number="11010519491231002X", region=district["grid_a"].code,
        political_status="中共党员", organization_credit_code=org.credit_code, position="经理",
        is_manager=True,
    )  # fmt: skip
    person = create_person(data, actor=street_a_staff)
    assert person.employments.get().is_manager
    with pytest.raises(InvalidInput, match="已登记"):
        create_person(data, actor=street_a_staff)
    changed = data.model_copy(update={"phone": "13712345678"})
    update_person(person, changed, actor=street_a_staff)
    event = AuditEvent.objects.get(verb=Verb.PERSON_UPDATED)
    assert event.data == {"changed": ["phone"]}
    assert "13712345678" not in str(AuditEvent.objects.values_list("data", flat=True))
    assert Person.objects.get().sex == "F"


def test_ending_an_employment_twice_is_refused(district, street_a_staff):
    org = create_organization(org_in(district["grid_a"]), actor=street_a_staff)
    person = create_person(
        PersonIn(name="赵六", id_number="440524188001010014", region=district["grid_a"].code),
        actor=street_a_staff,
    )
    job = start_employment(person, org, actor=street_a_staff, position="职员")
    end_employment(job, actor=street_a_staff)
    with pytest.raises(InvalidInput, match="已结束"):
        end_employment(job, actor=street_a_staff)


def test_coverage_needs_a_party_org_and_a_joint_branch_covers_at_most_five(
    district, street_a_staff
):
    from shegong.ledger.models import PartyOrganization

    branch = PartyOrganization.objects.create(
        name="东关联合党支部", type="joint_branch", region=district["grid_a"]
    )
    orgs = []
    for i in range(6):
        data = org_in(
            district["grid_a"], name=f"单位{i}", credit_code=_valid_code(f"91341202MA2N0000{i}")
        )
        orgs.append(create_organization(data, actor=street_a_staff))
    with pytest.raises(InvalidInput, match="须指定党组织"):
        set_coverage(orgs[0], CoverageIn(mode="联合组建"), actor=street_a_staff)
    for org in orgs[:5]:
        set_coverage(org, CoverageIn(mode="joint", party_org_id=branch.pk),
                             actor=street_a_staff)  # fmt: skip
    with pytest.raises(InvalidInput, match="不超过5个"):
        set_coverage(orgs[5], CoverageIn(mode="joint", party_org_id=branch.pk),
                             actor=street_a_staff)  # fmt: skip


def test_a_community_worker_of_another_street_cannot_touch_the_ledger(district, resident):
    with pytest.raises(NotPermitted):
        create_organization(org_in(district["grid_a"]), actor=resident)


def test_a_tenant_keeps_a_building_without_a_credit_code_through_an_edit(
    client, district, street_a_staff
):
    from django.urls import reverse

    from shegong.ledger.forms.records import OrganizationForm

    building = create_organization(
        org_in(district["grid_a"], kind="楼宇", credit_code="", name="示范大厦"),
        actor=street_a_staff,
    )
    tenant = create_organization(
        org_in(district["grid_a"], container_id=building.pk), actor=street_a_staff
    )
    assert tenant.container == building
    client.force_login(street_a_staff)
    form = OrganizationForm.initial_of(tenant)
    data = {k: ("" if v is None else v) for k, v in {**form, "employee_count": 40}.items()}
    data["is_platform"] = ""
    response = client.post(reverse("ledger:organization_edit", args=[tenant.pk]), data)
    assert response.status_code in (200, 302), response.content.decode()[:500]
    tenant.refresh_from_db()
    assert (tenant.employee_count, tenant.container_id) == (40, building.pk)
