"""The audit trail of an import: one entry per file, and still "who changed this record"."""

from __future__ import annotations

from django.urls import reverse

from shegong import testing
from shegong.core import audit
from shegong.core.audit import Verb
from shegong.core.models import AuditEvent, AuditTarget
from shegong.core.perms import Role
from shegong.ledger.actions.imports import import_file
from shegong.ledger.models import Organization, Person
from shegong.ledger.tests.records_fixtures import credit_code, id_number
from shegong.ledger.tests.test_import_files import ORG_HEADER, PEOPLE_HEADER, write_xlsx
from shegong.web.queries import AuditFilter, search_audit

A = "341271001001"  # community A (street A)


def _import(tmp_path, actor):
    orgs = [ORG_HEADER, *[["非公企业", f"导入企业{i}", credit_code(500 + i), A, "张三", 10]
                          for i in range(3)]]  # fmt: skip
    assert import_file("organizations", write_xlsx(tmp_path / "o.xlsx", orgs), actor=actor).ok
    people = [PEOPLE_HEADER, ["赵六", id_number(31), "13900000031", "群众", A, credit_code(500)],
              ["钱七", id_number(32), "13900000032", "群众", A, credit_code(500)]]  # fmt: skip
    assert import_file("people", write_xlsx(tmp_path / "p.xlsx", people), actor=actor).ok
    return Organization.objects.get(name="导入企业0"), Person.objects.order_by("pk").first()


def test_one_entry_per_file_chains_and_pins_its_rows(tmp_path, district, street_a_staff):
    _import(tmp_path, street_a_staff)
    entries = AuditEvent.objects.filter(verb=Verb.LEDGER_IMPORTED).order_by("id")
    assert [e.data["targets"] for e in entries] == [3, 4]  # 3 organizations; 2 people, 2 jobs
    assert AuditEvent.objects.count() == 2  # nothing per row
    assert all(audit.verify_targets(e) for e in entries)
    assert audit.verify_chain().ok
    # A row changed behind the application's back no longer matches its entry's digest.
    AuditTarget.objects.filter(target_type="ledger.person").update(target_id="999999")
    assert not audit.verify_targets(entries[1])
    assert audit.verify_targets(entries[0])


def test_a_records_history_names_the_import_that_created_it(
    client, tmp_path, district, street_a_staff, community_a_worker
):
    org, person = _import(tmp_path, street_a_staff)
    # The community worker sees the street's import on a record of the community.
    client.force_login(community_a_worker)
    body = client.get(reverse("ledger:organization", args=[org.pk])).content.decode()
    history = body[body.index('id="history"') :]
    actor = AuditEvent.objects.filter(verb=Verb.LEDGER_IMPORTED).first().actor_label
    assert "新建组织" in history and actor in history and "导入台账" in history
    # Both jobs the one import started at this organization.
    assert history.count("登记任职") == 2 and f"人员编号 {person.pk}" in history
    assert f"人员编号 {person.pk + 1}" in history
    body = client.get(reverse("ledger:person", args=[person.pk])).content.decode()
    history = body[body.index('id="history"') :]
    assert "新建人员" in history and actor in history


def test_the_audit_search_finds_the_import_by_the_record(tmp_path, district, street_a_staff):
    org, person = _import(tmp_path, street_a_staff)
    auditor = testing.user(Role.AUDIT_ADMIN, district["district"], name="审计员")
    imported = AuditEvent.objects.filter(verb=Verb.LEDGER_IMPORTED)
    orgs_entry, people_entry = imported.order_by("id")
    for keyword, expected in [("导入企业1", {orgs_entry}), (str(person), {people_entry})]:
        found = set(search_audit(auditor, AuditFilter(target=keyword)))
        assert found & set(imported) == expected, keyword
    assert people_entry in search_audit(auditor, AuditFilter(target=str(person.pk)))
    assert orgs_entry in search_audit(auditor, AuditFilter(target=str(org.pk)))
