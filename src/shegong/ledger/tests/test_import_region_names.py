"""Ledger files that name the community, street or grid instead of giving its code (issue 18 B):
the name is resolved within the importer's scope, and a name that cannot be is an error on its
row and column, with nothing written."""

from __future__ import annotations

import pytest

from shegong import testing
from shegong.core.audit import Verb
from shegong.core.models import AuditEvent, AuditTarget
from shegong.ledger import excel
from shegong.ledger.actions.imports import import_file, import_organizations, preview_rows
from shegong.ledger.models import Organization, PartyOrganization, Person
from shegong.ledger.tests.records_fixtures import credit_code, id_number
from shegong.ledger.tests.test_import_files import write_xlsx

A, GRID_A, STREET_A = "341271001001", "341271001001001", "341271001000"
GULOU, DONGGUAN_B = "341271001002", "341271002002"


@pytest.fixture
def namesakes(district):
    return testing.add_namesakes(district)


def orgs(*regions: object, start: int = 100) -> list[list[object]]:
    header = ["类型", "名称", "统一社会信用代码", "所在社区"]
    rows = [["非公企业", f"企业{i}", credit_code(start + i), r] for i, r in enumerate(regions)]
    return [header, *rows]


def test_organizations_named_by_community_street_or_grid_are_filed_under_their_codes(
    tmp_path, namesakes, district_admin
):
    rows = orgs("鼓楼社区", "东城街道东关社区", "东关社区第一网格", "西城街道 东关社区",
                "东城街道", "鼓楼社区居委会", A, 341271001001.0)  # fmt: skip
    path = write_xlsx(tmp_path / "orgs.xlsx", rows)
    dry = import_file("organizations", path, actor=district_admin, dry_run=True)
    assert (dry.created, dry.errors) == (8, [])
    assert not Organization.objects.exists()

    result = import_file("organizations", path, actor=district_admin)
    assert (result.created, result.errors) == (8, [])
    regions = dict(Organization.objects.values_list("name", "region_id"))
    assert regions == {
        "企业0": GULOU, "企业1": A, "企业2": GRID_A, "企业3": DONGGUAN_B, "企业4": STREET_A,
        "企业5": GULOU, "企业6": A, "企业7": A,
    }  # fmt: skip
    created = AuditTarget.objects.filter(verb=Verb.ORG_CREATED).values_list("target_id", flat=True)
    assert set(created) == {str(pk) for pk in Organization.objects.values_list("pk", flat=True)}


def test_a_region_name_that_cannot_be_resolved_is_an_error_on_its_row_and_nothing_is_written(
    tmp_path, namesakes, district_admin
):
    rows = orgs("鼓楼社区", "东关社区", "鼓搂社区", "清河社区", "示范区")
    path = write_xlsx(tmp_path / "orgs.xlsx", rows)
    for dry_run in (True, False):
        result = import_file("organizations", path, actor=district_admin, dry_run=dry_run)
        found = [(e["row"], e["column"], e["label"], e["message"]) for e in result.errors]
        assert found == [
            (
                3,
                "region",
                "所在社区",
                "「东关社区」有2个：东城街道东关社区、西城街道东关社区，请写明街道",
            ),
            (4, "region", "所在社区", "找不到「鼓搂社区」，是否为：鼓楼社区？"),
            (5, "region", "所在社区", "「清河社区」不在您的工作范围内"),
            # A name of a level the ledger does not file under: the code's own check.
            (6, "region", "所在社区", "台账须登记到街道、社区或网格"),
        ]
        assert result.error_workbook
    assert not Organization.objects.exists()
    assert not AuditEvent.objects.filter(verb=Verb.LEDGER_IMPORTED).exists()


def test_a_name_is_resolved_within_the_importers_street(tmp_path, namesakes, street_a_staff):
    """东关社区 is two communities in the district, one in 东城街道: for its staff, that one."""
    path = write_xlsx(tmp_path / "orgs.xlsx", orgs("东关社区", "西城街道东关社区"))
    result = import_file("organizations", path, actor=street_a_staff)
    assert [(e["row"], e["message"]) for e in result.errors] == [
        (3, "「西城街道东关社区」不在您的工作范围内")
    ]
    del_rows = orgs("东关社区")
    result = import_file("organizations", write_xlsx(tmp_path / "ok.xlsx", del_rows),
                         actor=street_a_staff)  # fmt: skip
    assert result.errors == [] and Organization.objects.get().region_id == A


def test_people_and_party_organizations_take_region_names(tmp_path, namesakes, street_a_staff):
    people = [
        ["姓名", "身份证号", "所属社区"],
        ["郑一", id_number(61), "东关社区"],
        ["王二", id_number(62), "鼓楼居委会"],
    ]
    result = import_file("people", write_xlsx(tmp_path / "p.xlsx", people), actor=street_a_staff)
    assert (result.created, result.errors) == (2, [])
    assert sorted(Person.objects.values_list("region_id", flat=True)) == [A, GULOU]

    party = [
        ["党组织名称", "党组织类型", "所属街道"],
        ["东城街道非公企业综合党委", "党委", "东城街道办事处"],
        ["东关社区党支部", "党支部", "东城街道/东关社区"],
        ["错处党支部", "党支部", "火星社区"],
    ]
    path = write_xlsx(tmp_path / "po.xlsx", party)
    result = import_file("party-orgs", path, actor=street_a_staff)
    assert [(e["row"], e["label"]) for e in result.errors] == [(4, "所属街道")]
    assert result.errors[0]["message"].startswith("找不到「火星社区」")
    assert not PartyOrganization.objects.exists()
    del party[3]
    result = import_file("party-orgs", write_xlsx(tmp_path / "po2.xlsx", party),
                         actor=street_a_staff)  # fmt: skip
    assert (result.created, result.errors) == (2, [])
    assert dict(PartyOrganization.objects.values_list("name", "region_id")) == {
        "东城街道非公企业综合党委": STREET_A, "东关社区党支部": A,
    }  # fmt: skip


def test_a_malformed_row_with_a_region_name_out_of_scope_gets_both_errors(
    tmp_path, namesakes, street_a_staff
):
    rows = [["类型", "名称", "统一社会信用代码", "社区"],
            ["非公企业", "坏企业", "91341200ABC", "西关社区"]]  # fmt: skip
    result = import_file("organizations", write_xlsx(tmp_path / "o.xlsx", rows),
                         actor=street_a_staff, dry_run=True)  # fmt: skip
    found = {e["column"]: e["message"] for e in result.errors}
    assert found["region"] == "「西关社区」不在您的工作范围内"
    assert "credit_code" in found


@pytest.mark.parametrize("header", ["所在社区", "所属社区", "社区", "街道", "所在网格", "区划",
                                    "所属区划", "所属区划代码", "区划代码"])  # fmt: skip
def test_the_region_column_is_found_under_the_names_offices_give_it(
    tmp_path, namesakes, district_admin, header
):
    rows = [["类型", "名称", "统一社会信用代码", header],
            ["非公企业", "甲", credit_code(7), "鼓楼社区"]]  # fmt: skip
    result = import_file("organizations", write_xlsx(tmp_path / "o.xlsx", rows),
                         actor=district_admin, dry_run=True)  # fmt: skip
    assert (result.created, result.errors) == (1, [])


def test_the_names_are_loaded_once_per_import(namesakes, district_admin):
    """One query reads the regions in scope for the whole file, however many rows name one
    (each distinct code is then checked as before)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    names = ["鼓楼社区", "东城街道东关社区", "东关社区第一网格", "鼓楼居委会"]
    rows = ((i + 2, {"kind": "非公企业", "name": f"企业{i}", "credit_code": credit_code(i),
                     "region": names[i % 4]}) for i in range(300))  # fmt: skip
    with CaptureQueriesContext(connection) as context:
        result = import_organizations(rows, actor=district_admin, dry_run=True)
    assert result.errors == [] and result.created == 300
    tree = [q for q in context.captured_queries
            if '"regions_region"."parent_id" AS' in q["sql"]]  # fmt: skip
    assert len(tree) == 1


def test_the_templates_say_the_region_may_be_named():
    from shegong.ledger.tests.test_templates import load

    for table in (excel.ORGANIZATIONS, excel.PEOPLE, excel.PARTY_ORGS):
        sheet = load(table).worksheets[0]
        column = [c.value for c in sheet[1]].index("所属区划代码*")
        note = sheet.cell(1, column + 1).comment.text
        assert "区划代码（12位）或名称，如 东关社区 或 东城街道东关社区" in note


def test_the_preview_shows_the_region_a_name_resolves_to(tmp_path, namesakes, street_a_staff):
    path = write_xlsx(tmp_path / "o.xlsx", orgs("东关社区", "鼓楼居委会", "东城街道/鼓楼社区"))
    shown = preview_rows(excel.open_sheet(path, excel.ORGANIZATIONS), actor=street_a_staff)
    # The file's header beside the field it fills (the mapping step's preview).
    column = shown["headers"].index("所在社区 → 所属区划")
    assert [cells[column] for _, cells in shown["rows"]] == ["东关社区", "鼓楼社区", "鼓楼社区"]
