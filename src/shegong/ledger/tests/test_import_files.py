"""Importing messy real-world files: every item of the issue's "Bad input" list, and the happy
paths (create, re-import unchanged, one change, dry run). Files are built in the tests."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter

from shegong.core import audit
from shegong.core.audit import Verb
from shegong.core.models import AuditEvent, AuditTarget
from shegong.ledger.actions.imports import import_file
from shegong.ledger.models import Coverage, Employment, Organization, Person
from shegong.ledger.tests.records_fixtures import credit_code, id_number, org

ORG_HEADER = ["类型", "名称", "统一社会信用代码", "所属区划代码", "法定代表人", "从业人员数"]
PEOPLE_HEADER = ["姓名", "身份证号", "手机号", "政治面貌", "所属区划代码", "所在单位信用代码"]
A = "341271001001"  # community A
B = "341271002001"  # community B


def write_xlsx(path: Path, rows: list[list[Any]], *, merge: tuple | None = None) -> Path:
    """Cells as given: str → text, int/float → number (as Excel would store a typed number)."""
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet()
    if merge:
        sheet.merge_range(*merge)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, int | float):
                sheet.write_number(r, c, value)
            else:
                sheet.write_string(r, c, value)
    workbook.close()
    return path


def write_csv(path: Path, rows: list[list[Any]], encoding: str) -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def org_rows(n: int, region: str = A, start: int = 100) -> list[list[Any]]:
    return [["非公企业", f"企业{i}", credit_code(start + i), region, "张三", 10] for i in range(n)]


def messages(result) -> list[tuple[int, str, str]]:
    return [(e["row"], e["label"], e["message"]) for e in result.errors]


# --- happy paths ---------------------------------------------------------------------------


def test_it_creates_then_reimport_is_unchanged_then_one_cell_updates(tmp_path, district):
    rows = [ORG_HEADER, *org_rows(3)]
    path = write_xlsx(tmp_path / "orgs.xlsx", rows)
    first = import_file("organizations", path, actor=None)
    assert (first.created, first.updated, first.unchanged, first.errors) == (3, 0, 0, [])
    assert Organization.objects.count() == 3
    assert Coverage.objects.filter(mode="none").count() == 3
    org1 = Organization.objects.get(name="企业0")
    # One entry for the file; each record it created is a row of that entry's detail.
    assert not AuditEvent.objects.filter(verb=Verb.ORG_CREATED).exists()
    summary = AuditEvent.objects.get(verb=Verb.LEDGER_IMPORTED)
    assert summary.data["created"] == 3 and summary.data["table"] == "organizations"
    created = AuditTarget.objects.get(target_type="ledger.organization", target_id=str(org1.pk))
    assert (created.event_id, created.verb, created.target_label) == (
        summary.pk,
        Verb.ORG_CREATED,
        "企业0",
    )
    assert summary.data["targets"] == 3 and audit.verify_targets(summary)

    again = import_file("organizations", path, actor=None)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)

    rows[2][5] = 99
    path = write_xlsx(tmp_path / "orgs2.xlsx", rows)
    changed = import_file("organizations", path, actor=None)
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 2)
    org2 = Organization.objects.get(name="企业1")
    assert org2.employee_count == 99
    update = AuditEvent.objects.get(verb=Verb.ORG_UPDATED, target_id=str(org2.pk))
    assert update.data["changed"] == {"employee_count": [10, 99]}


def test_a_dry_run_counts_but_writes_nothing(tmp_path, district):
    path = write_xlsx(tmp_path / "orgs.xlsx", [ORG_HEADER, *org_rows(4)])
    result = import_file("organizations", path, actor=None, dry_run=True)
    assert (result.created, result.errors, result.dry_run) == (4, [], True)
    assert not Organization.objects.exists()
    assert not AuditEvent.objects.exists()


def test_people_are_created_with_derived_facts_and_jobs_and_audited_without_values(
    tmp_path, district
):
    employer = org(A, "雇主公司")
    number = id_number(7)
    rows = [PEOPLE_HEADER, ["王五", number, "13900000001", "中共党员", A, employer.credit_code]]
    result = import_file("people", write_xlsx(tmp_path / "p.xlsx", rows), actor=None)
    assert (result.created, result.errors) == (1, [])
    person = Person.objects.get()
    assert person.id_number == number and person.birth_date is not None and person.sex
    assert person.political_status == "party_full"
    assert Employment.objects.get().organization == employer
    assert AuditTarget.objects.filter(
        verb=Verb.EMPLOYMENT_STARTED, target_id=str(employer.pk), detail=str(person.pk)
    ).exists()
    assert AuditTarget.objects.filter(verb=Verb.PERSON_CREATED, target_id=str(person.pk)).exists()

    rows[1][2] = "13900000002"
    result = import_file("people", write_xlsx(tmp_path / "p2.xlsx", rows), actor=None)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
    entry = AuditEvent.objects.get(verb=Verb.PERSON_UPDATED)
    assert entry.data["changed"] == ["phone"]
    assert "13900000002" not in str(entry.data)
    again = import_file("people", write_xlsx(tmp_path / "p3.xlsx", rows), actor=None)
    assert (again.updated, again.unchanged) == (0, 1)
    # The import's batched INSERT links its entries into the audit hash chain.
    assert audit.verify_chain().ok


def test_a_header_in_another_order_and_english_names_are_read(tmp_path, district):
    code = credit_code(5)
    rows = [["region", "credit_code", "名称", "kind"], [A, code, "倒序企业", "enterprise"]]
    result = import_file("organizations", write_xlsx(tmp_path / "o.xlsx", rows), actor=None)
    assert result.errors == [] and Organization.objects.get().credit_code == code


def test_a_title_row_merged_header_cells_and_blank_rows_keep_excel_row_numbers(tmp_path, district):
    rows = [
        ["东城街道非公企业台账（2024年）"],  # title row, merged across the table
        ORG_HEADER,
        *org_rows(1),
        [],  # blank row 4
        ["非公企业", "坏代码企业", "913412000000000000", A, "", 5],  # row 5
    ]
    path = write_xlsx(tmp_path / "o.xlsx", rows, merge=(0, 0, 0, 5, rows[0][0]))
    result = import_file("organizations", path, actor=None)
    assert messages(result) == [(5, "统一社会信用代码", "统一社会信用代码校验位不正确")]
    assert not Organization.objects.exists()


# --- bad input -------------------------------------------------------------------------------


def test_full_width_digits_spaces_and_lowercase_x_are_normalised(tmp_path, district):
    number = next(id_number(n) for n in range(1000, 2000) if id_number(n).endswith("X"))
    messy_id = (number[:6] + " " + number[6:-1]).translate(
        str.maketrans("0123456789", "０１２３４５６７８９")
    ) + "x"
    code = credit_code(11)
    messy_code = " ".join([code[:9], code[9:]]).replace("9", "９")
    rows = [PEOPLE_HEADER[:5], ["赵六", messy_id, "", "群众", A]]
    result = import_file("people", write_xlsx(tmp_path / "p.xlsx", rows), actor=None)
    assert result.errors == []
    assert Person.objects.get().id_number == number
    rows = [ORG_HEADER[:4], ["非公企业", "全角企业", messy_code, A]]
    result = import_file("organizations", write_xlsx(tmp_path / "o.xlsx", rows), actor=None)
    assert result.errors == [] and Organization.objects.get().credit_code == code


def test_codes_excel_turned_into_numbers_are_read_back(tmp_path, district):
    rows = [ORG_HEADER[:4], ["非公企业", "数字区划企业", credit_code(12), 341271001001.0]]
    result = import_file("organizations", write_xlsx(tmp_path / "o.xlsx", rows), actor=None)
    assert result.errors == [] and Organization.objects.get().region_id == A


def test_an_id_number_in_scientific_notation_is_an_error_never_a_guess(tmp_path, district):
    rows = [
        PEOPLE_HEADER[:5],
        ["钱七", 3.41202e17, "", "群众", A],
        ["孙八", "3.41202E+17", "", "", A],
    ]
    result = import_file("people", write_xlsx(tmp_path / "p.xlsx", rows), actor=None)
    assert [(e["row"], e["label"]) for e in result.errors] == [(2, "身份证号"), (3, "身份证号")]
    assert all("科学计数法" in e["message"] for e in result.errors)
    assert not Person.objects.exists()


def test_an_invalid_checksum_stays_an_error(tmp_path, district):
    good = id_number(20)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    rows = [PEOPLE_HEADER[:5], ["周九", bad, "", "", A]]
    result = import_file("people", write_xlsx(tmp_path / "p.xlsx", rows), actor=None)
    assert messages(result) == [(2, "身份证号", "身份证号校验位不正确")]


def test_the_same_person_twice_in_one_file_names_the_first_row(tmp_path, district):
    number = id_number(30)
    rows = [PEOPLE_HEADER[:5], ["吴十", number, "", "", A], ["吴十", number.lower(), "", "", A]]
    result = import_file("people", write_xlsx(tmp_path / "p.xlsx", rows), actor=None)
    assert messages(result) == [(3, "身份证号", "与第2行是同一人（身份证号相同）")]
    assert not Person.objects.exists()


def test_the_same_credit_code_twice_names_the_first_row(tmp_path, district):
    code = credit_code(40)
    rows = [ORG_HEADER[:4], ["非公企业", "甲", code, A], ["非公企业", "乙", code, A]]
    result = import_file("organizations", write_xlsx(tmp_path / "o.xlsx", rows), actor=None)
    assert messages(result) == [(3, "统一社会信用代码", "与第2行的统一社会信用代码重复")]


def test_a_row_outside_the_importers_scope_is_refused_and_nothing_is_written(
    tmp_path, street_b_staff
):
    rows = [ORG_HEADER[:4], *[r[:4] for r in org_rows(1, region=B)],
            *[r[:4] for r in org_rows(1, region=A, start=300)]]  # fmt: skip
    path = write_xlsx(tmp_path / "o.xlsx", rows)
    result = import_file("organizations", path, actor=street_b_staff)
    assert [(e["row"], e["label"]) for e in result.errors] == [(3, "所属区划代码")]
    assert "不在您的工作范围内" in result.errors[0]["message"]
    assert not Organization.objects.exists()


def test_an_existing_record_of_another_street_is_not_overwritten(tmp_path, street_b_staff):
    theirs = org(A, "东城企业")
    rows = [ORG_HEADER[:4], ["非公企业", "改名", theirs.credit_code, B]]
    result = import_file("organizations", write_xlsx(tmp_path / "o.xlsx", rows),
                         actor=street_b_staff)  # fmt: skip
    assert [e["label"] for e in result.errors] == ["统一社会信用代码"]
    assert "东城企业" not in result.errors[0]["message"]
    theirs.refresh_from_db()
    assert theirs.name == "东城企业" and theirs.region_id == A


def test_an_unregistered_employer_is_an_error(tmp_path, district):
    rows = [PEOPLE_HEADER, ["郑一", id_number(50), "", "", A, credit_code(51)]]
    result = import_file("people", write_xlsx(tmp_path / "p.xlsx", rows), actor=None)
    assert [e["label"] for e in result.errors] == ["所在单位信用代码"]
    assert "未登记" in result.errors[0]["message"]


def test_a_zero_byte_file_is_one_clear_error(tmp_path, district):
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    result = import_file("organizations", path, actor=None)
    assert [(e["row"], e["message"]) for e in result.errors] == [
        (0, "文件是空的（0 字节），请检查是否上传了正确的文件")
    ]
    assert result.error_workbook == ""


def test_an_old_xls_renamed_xlsx_is_one_clear_error(tmp_path, district):
    path = tmp_path / "old.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    result = import_file("organizations", path, actor=None)
    assert len(result.errors) == 1 and ".xls" in result.errors[0]["message"]
    assert "另存为" in result.errors[0]["message"]


@pytest.mark.parametrize("content", [b"%PDF-1.4 not a sheet", b"PK\x03\x04broken zip"])
def test_a_file_that_is_not_a_spreadsheet_is_one_clear_error(tmp_path, district, content):
    path = tmp_path / "x.xlsx"
    path.write_bytes(content)
    result = import_file("organizations", path, actor=None)
    assert len(result.errors) == 1 and result.errors[0]["row"] == 0
    assert "xlsx" in result.errors[0]["message"]
    assert not Organization.objects.exists()


def test_a_gbk_csv_is_read(tmp_path, district):
    code = credit_code(60)
    rows = [ORG_HEADER[:4], ["非公企业", "国标编码企业", code, A]]
    path = write_csv(tmp_path / "o.csv", rows, "gbk")
    result = import_file("organizations", path, actor=None)
    assert result.errors == [] and Organization.objects.get().name == "国标编码企业"


def test_a_utf8_csv_with_bom_is_read(tmp_path, district):
    rows = [ORG_HEADER[:4], ["非公企业", "带BOM企业", credit_code(61), A]]
    result = import_file("organizations", write_csv(tmp_path / "o.csv", rows, "utf-8-sig"),
                         actor=None)  # fmt: skip
    assert result.errors == [] and Organization.objects.count() == 1


def test_a_file_without_the_header_says_which_columns_it_expects(tmp_path, district):
    path = write_xlsx(tmp_path / "o.xlsx", [["甲", "乙"], ["1", "2"]])
    result = import_file("organizations", path, actor=None)
    assert "找不到表头" in result.errors[0]["message"]
    path = write_xlsx(tmp_path / "o2.xlsx", [["名称", "统一社会信用代码", "法定代表人"]])
    result = import_file("organizations", path, actor=None)
    assert result.errors[0]["message"] == "表头缺少必填列：类型、所属区划代码"


def test_missing_and_malformed_values_get_chinese_messages(tmp_path, district):
    rows = [ORG_HEADER, ["", "无类型企业", credit_code(70), A, "", "十个"]]
    result = import_file("organizations", write_xlsx(tmp_path / "o.xlsx", rows), actor=None)
    assert messages(result) == [
        (2, "类型", "类型不能为空"),
        (2, "从业人员数", "应为整数"),
    ]


def test_one_bad_row_in_a_later_chunk_rolls_back_the_rows_already_written(
    tmp_path, district, monkeypatch
):
    from shegong.ledger.actions import imports

    monkeypatch.setattr(imports, "CHUNK", 2)
    rows = [ORG_HEADER[:4], *[r[:4] for r in org_rows(5)], ["非公企业", "坏", "123", A]]
    result = import_file("organizations", write_xlsx(tmp_path / "o.xlsx", rows), actor=None)
    assert messages(result) == [(7, "统一社会信用代码", "统一社会信用代码应为18位")]
    assert not Organization.objects.exists() and not AuditEvent.objects.exists()


# --- the error workbook -----------------------------------------------------------------------


def test_the_error_workbook_marks_the_bad_cell_red_with_its_reason(tmp_path, district, settings):
    settings.DATA_DIR = tmp_path
    good = id_number(80)
    rows = [PEOPLE_HEADER[:5], ["好人", good, "", "", A], ["坏人", good[:-1] + "Y", "", "", A]]
    result = import_file("people", write_xlsx(tmp_path / "p.xlsx", rows), actor=None)
    path = Path(result.error_workbook)
    assert path.parent == tmp_path / "imports" and path.exists()
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    cell = sheet["B3"]
    assert cell.value == good[:-1] + "Y"
    assert cell.fill.fgColor.rgb.endswith("FFC7CE")
    assert "身份证号" in cell.comment.text
    assert sheet["B2"].comment is None
    summary = book["错误汇总"]
    assert [c.value for c in summary[2]] == [3, "身份证号", cell.comment.text]


def test_party_orgs_import_with_a_parent_on_an_earlier_row(tmp_path, district):
    rows = [
        ["党组织名称", "党组织类型", "所属区划代码", "上级党组织", "成立日期"],
        ["东城街道非公企业综合党委", "党委", "341271001000", "", "2020-07-01"],
        ["示例企业党支部", "党支部", A, "东城街道非公企业综合党委", "2021/3/5"],
        ["无名党支部", "党小组", A, "", ""],
        ["孤儿党支部", "党支部", A, "不存在的党委", ""],
    ]
    result = import_file("party-orgs", write_xlsx(tmp_path / "po.xlsx", rows), actor=None)
    assert [(e["row"], e["label"]) for e in result.errors] == [(4, "党组织类型"), (5, "上级党组织")]
    assert "党组织类型「党小组」无效" in result.errors[0]["message"]
    del rows[3:]
    result = import_file("party-orgs", write_xlsx(tmp_path / "po2.xlsx", rows), actor=None)
    assert (result.created, result.errors) == (2, [])
    from shegong.ledger.models import PartyOrganization

    branch = PartyOrganization.objects.get(name="示例企业党支部")
    assert branch.parent.name == "东城街道非公企业综合党委"
    assert str(branch.founded_on) == "2021-03-05"
    again = import_file("party-orgs", write_xlsx(tmp_path / "po3.xlsx", rows), actor=None)
    assert (again.created, again.unchanged) == (0, 2)


# --- one pass: format and scope errors together (issue 13, part 6) -------------------------


def test_one_pass_lists_format_and_scope_errors_together(tmp_path, district, street_a_staff):
    """A row with a bad credit code AND a region outside the importer's street gets both
    errors in the first check, not the scope error only once the code is fixed."""
    rows = [
        ORG_HEADER,
        ["非公企业", "好企业", credit_code(501), A, "张三", 10],
        ["非公企业", "双错企业", "91341200ABC", B, "张三", 10],  # format + scope
        ["非公企业", "越界企业", credit_code(503), B, "张三", 10],  # scope only
        ["不存在的类型", "错类型企业", credit_code(504), B, "张三", "十"],  # three format + scope
    ]
    path = write_xlsx(tmp_path / "both.xlsx", rows)
    result = import_file("organizations", path, actor=street_a_staff, dry_run=True)
    found = {(e["row"], e["label"]) for e in result.errors}
    assert (3, "统一社会信用代码") in found and (3, "所属区划代码") in found
    assert (4, "所属区划代码") in found
    assert {(5, "类型"), (5, "从业人员数"), (5, "所属区划代码")} <= found
    assert not any(e["row"] == 2 for e in result.errors)
    scope = [e for e in result.errors if e["label"] == "所属区划代码"]
    assert len(scope) == 3 and all("不在您的工作范围内" in e["message"] for e in scope)
    assert not Organization.objects.exists()


def test_a_malformed_row_naming_a_unit_outside_the_scope_gets_both_errors(
    tmp_path, district, street_a_staff
):
    """Coverage rows name a registered unit: a unit of another street is reported even when
    the row's own format is wrong (here its 覆盖方式)."""
    other = org(district["community_b"], name="西城企业")
    rows = [
        ["单位信用代码", "单位名称", "覆盖方式", "党组织名称"],
        [other.credit_code, "西城企业", "乱填的方式", ""],
    ]
    path = write_xlsx(tmp_path / "coverage.xlsx", rows)
    result = import_file("coverage", path, actor=street_a_staff, dry_run=True)
    found = {(e["row"], e["column"]): e["message"] for e in result.errors}
    assert (2, "mode") in found
    assert "不在您的工作范围内" in found[(2, "organization_credit_code")]
