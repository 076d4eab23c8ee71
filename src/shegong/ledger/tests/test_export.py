"""Exports of filtered lists: scoped, masked by role, audited."""

from __future__ import annotations

import io

import openpyxl

from shegong import testing
from shegong.core.audit import Verb
from shegong.core.models import AuditEvent
from shegong.core.perms import Role
from shegong.ledger import excel
from shegong.ledger.models import Organization, Person
from shegong.ledger.tests.records_fixtures import org, person

A, B = "341271001001", "341271002001"


def read(response) -> list[list]:
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]


def test_an_organization_export_is_scoped_masked_and_audited(district):
    worker_b = testing.user(Role.COMMUNITY_WORKER, district["community_b"], name="西关社工")
    org(A, "东城企业", legal_rep="张东城")
    org(B, "西城企业", legal_rep="李西城", legal_rep_phone="13912345678")
    response = excel.export_organizations(Organization.objects.all(), worker_b)
    rows = read(response)
    assert rows[0][:3] == ["类型", "名称", "统一社会信用代码"]
    assert [r[1] for r in rows[1:]] == ["西城企业"]  # never street A
    assert rows[1][4] == "李**" and rows[1][5] == "139****5678"
    entry = AuditEvent.objects.get(verb=Verb.LEDGER_EXPORTED)
    assert entry.data == {"table": "organizations", "rows": 1, "masked": True}
    assert entry.region_id == district["community_b"].code
    assert not AuditEvent.objects.filter(verb=Verb.PII_EXPORTED).exists()


def test_street_b_staff_never_exports_street_a_rows(street_b_staff):
    org(A, "东城企业")
    person(A, "东城人")
    org(B, "西城企业")
    orgs = read(excel.export_organizations(Organization.objects.all(), street_b_staff))
    people = read(excel.export_people(Person.objects.all(), street_b_staff))
    assert [r[1] for r in orgs[1:]] == ["西城企业"] and people[1:] == []


def test_a_people_export_masks_for_a_role_without_pii_reveal(community_a_worker):
    someone = person(A, "王小明", phone="13700001111")
    rows = read(excel.export_people(Person.objects.all(), community_a_worker))
    assert rows[1][0] == "王**" and rows[1][4] == "137****1111"
    assert rows[1][1] == someone.id_number_masked and someone.id_number not in str(rows)
    assert AuditEvent.objects.filter(verb=Verb.LEDGER_EXPORTED).count() == 1
    assert not AuditEvent.objects.filter(verb=Verb.PII_EXPORTED).exists()


def test_an_unmasked_people_export_is_audited_as_personal_data_leaving(district):
    registrar = testing.user(Role.REGISTRAR, district["street_a"], name="登记员")
    someone = person(A, "王小明", phone="13700001111")
    person(B, "西城人")
    rows = read(excel.export_people(Person.objects.all(), registrar))
    assert len(rows) == 2 and rows[1][0] == "王小明" and rows[1][1] == someone.id_number
    assert rows[1][4] == "13700001111"
    entry = AuditEvent.objects.get(verb=Verb.PII_EXPORTED)
    assert entry.data == {"table": "people", "rows": 1, "masked": False}


def test_a_formula_typed_into_a_name_is_exported_as_text(street_a_staff):
    org(A, '=HYPERLINK("http://x")')
    rows = read(excel.export_organizations(Organization.objects.all(), street_a_staff))
    assert rows[1][1] == '=HYPERLINK("http://x")'
