"""The column-mapping step (issue 18 B): a street's own ledger workbook — a title merged across
the top, 序号, its own column names, a phone typed as a number — is mapped column by column
(in the wizard, or with ``--map``/``--set`` on the command line), checked through the mapping,
previewed as it will be written, and only then imported. The mapping is saved per user and
table and offered again for the same headers; for other headers the page says what changed."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from shegong.core.audit import Verb
from shegong.core.errors import InvalidInput
from shegong.core.models import AuditEvent, ImportMapping, JobRun
from shegong.ledger import excel, tasks
from shegong.ledger.actions.imports import import_file, save_import_mapping
from shegong.ledger.models import Organization
from shegong.ledger.tests.records_fixtures import credit_code

A = "341271001001"  # community A (street A)
TITLE = "东城街道非公企业党建工作台账（2025年11月）"
HEADERS = ["序号", "企业名称", "统一社会信用代码", "法定代表人", "联系电话", "企业类型", "所在社区",
           "职工人数", "党员人数", "是否建立党组织", "备注"]  # fmt: skip
# What the user answers in the mapping step: 所在社区 holds region codes here (names are the
# regions part's), 企业类型 holds the register's own words, so 类型 is one constant.
MAP_FLAGS = ["--map", "所在社区=所属区划代码", "--map", "企业类型=-", "--map", "序号=-",
             "--set", "类型=非公企业"]  # fmt: skip


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path


def street_workbook(path: Path, staff: list[Any] | None = None, headers=HEADERS) -> Path:
    """The street's ledger as it is kept: title row merged across A1:K1, then the header, the
    credit code typed as text, the phone typed as a number (read back as a float), 职工人数
    as text in one row and a number in another."""
    staff = staff if staff is not None else ["25", 12, 8]
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("台账")
    title = workbook.add_format({"bold": True, "align": "center"})
    sheet.merge_range(0, 0, 0, len(headers) - 1, TITLE, title)
    for col, header in enumerate(headers):
        sheet.write_string(1, col, header)
    for i, employees in enumerate(staff):
        row = {
            "序号": i + 1, "企业名称": f"东城示范企业{i}", "统一社会信用代码": credit_code(700 + i),
            "法定代表人": f"测试{i}", "联系电话": 13800000000 + i, "企业类型": "有限责任公司",
            "所在社区": A, "职工人数": employees, "党员人数": 3, "是否建立党组织": "是",
            "备注": "", "地址": "示例路1号",
        }  # fmt: skip
        for col, header in enumerate(headers):
            value = row[header]
            if isinstance(value, int | float):
                sheet.write_number(i + 2, col, value)
            elif value:
                sheet.write_string(i + 2, col, value)
    workbook.close()
    return path


def street_mapping(headers=HEADERS, **constants: str) -> excel.Mapping:
    sheet_guess = {
        "企业名称": "name", "统一社会信用代码": "credit_code", "法定代表人": "legal_rep",
        "联系电话": "legal_rep_phone", "所在社区": "region", "职工人数": "employee_count",
        "党员人数": "party_member_count", "地址": "address",
    }  # fmt: skip
    columns = tuple(sheet_guess.get(h) for h in headers)
    return excel.Mapping(tuple(headers), columns, constants or {"kind": "非公企业"})


# --- reading the header and applying a mapping ---------------------------------------------


def test_the_header_is_found_under_the_merged_title_with_guesses_and_samples(tmp_path):
    path = street_workbook(tmp_path / "台账.xlsx")
    sheet = excel.open_sheet(path, excel.ORGANIZATIONS, strict=False)
    assert sheet.header_row == 2 and sheet.headers == HEADERS
    guesses = dict(zip(sheet.headers, sheet.guesses, strict=True))
    assert guesses["企业名称"] == "name" and guesses["企业类型"] == "kind"
    assert guesses["联系电话"] == "legal_rep_phone" and guesses["职工人数"] == "employee_count"
    assert guesses["序号"] is None and guesses["是否建立党组织"] is None
    assert not sheet.matches_template()  # 序号 and others name no field: the user maps it
    samples = sheet.samples(3)
    assert len(samples) == 3 and samples[0][4] == "13800000000" and samples[1][7] == "12"
    # The template's own headers need no mapping.
    template = tmp_path / "模板.xlsx"
    template.write_bytes(excel.template_bytes(excel.ORGANIZATIONS))
    assert excel.open_sheet(template, excel.ORGANIZATIONS, strict=False).matches_template()


def test_a_mapped_street_ledger_imports_with_a_constant_type(tmp_path, district):
    path = street_workbook(tmp_path / "台账.xlsx")
    result = import_file("organizations", path, actor=None, mapping=street_mapping())
    assert result.errors == [] and result.created == 3
    org = Organization.objects.get(name="东城示范企业0")
    assert org.kind == "enterprise" and org.region_id == A
    assert org.legal_rep_phone == "13800000000"  # typed as a number, stored as the number
    assert org.employee_count == 25  # "25" typed as text
    assert Organization.objects.get(name="东城示范企业1").employee_count == 12
    assert result.mapping == street_mapping().as_dict()


def test_text_in_a_number_column_names_the_row_and_the_files_header(tmp_path, district):
    path = street_workbook(tmp_path / "台账.xlsx", staff=["25", "约30人", 8])
    result = import_file("organizations", path, actor=None, mapping=street_mapping())
    assert [(e["row"], e["label"], e["message"]) for e in result.errors] == [
        (4, "职工人数", "应为整数")
    ]
    assert not Organization.objects.exists()
    summary = openpyxl.load_workbook(result.error_workbook)["错误汇总"]
    assert [c.value for c in summary[2]] == [4, "职工人数", "应为整数"]
    marked = openpyxl.load_workbook(result.error_workbook).worksheets[0]
    assert marked["H4"].value == "约30人" and marked["H4"].comment.text == "应为整数"


def test_two_headers_on_one_field_are_refused_naming_both():
    mapping = street_mapping()
    columns = list(mapping.columns)
    columns[HEADERS.index("备注")] = "name"
    problems = excel.Mapping(mapping.headers, tuple(columns), mapping.constants).problems(
        excel.ORGANIZATIONS
    )
    assert problems == ["「企业名称」和「备注」都对应到「名称」，一个字段只能对应文件中的一列"]


def test_a_required_field_neither_mapped_nor_constant_is_refused_naming_it():
    mapping = excel.Mapping(street_mapping().headers, street_mapping().columns, {})
    assert mapping.problems(excel.ORGANIZATIONS) == [
        "必填字段「类型」既没有对应文件中的列，也没有填写统一值"
    ]


def test_a_constant_must_be_a_value_of_its_field_and_only_for_an_unmapped_one():
    table = excel.ORGANIZATIONS
    assert street_mapping(kind="私营企业").problems(table) == [
        "「类型」的统一值「私营企业」不是可选项（非公企业、社会组织、平台企业、个体工商户、"
        "商圈、楼宇、园区、市场、其他）"
    ]
    assert street_mapping(kind="非公企业", lat="北纬31度").problems(table) == [
        "「纬度」的统一值应为数字"
    ]
    assert street_mapping(kind="非公企业", is_platform="也许").problems(table) == [
        "「平台企业」的统一值应填「是」或「否」"
    ]
    assert street_mapping(kind="非公企业", name="示例").problems(table) == [
        "「名称」已对应文件的列「企业名称」，不能再填写统一值"
    ]
    assert street_mapping(kind="enterprise", is_platform="否").problems(table) == []


def test_a_mapping_made_for_other_headers_is_refused_naming_the_changes(tmp_path, district):
    headers = [h for h in HEADERS if h != "备注"] + ["地址"]
    path = street_workbook(tmp_path / "新台账.xlsx", headers=headers)
    result = import_file("organizations", path, actor=None, mapping=street_mapping())
    assert [e["message"] for e in result.errors] == [
        "文件的表头与列对应不一致（新增列「地址」；缺少列「备注」），请重新确认列对应"
    ]
    assert not Organization.objects.exists()


def test_saving_a_mapping_is_audited_and_replaces_the_users_previous_one(street_a_staff):
    save_import_mapping(street_a_staff, "organizations", street_mapping())
    save_import_mapping(street_a_staff, "organizations", street_mapping(kind="社会组织"))
    saved = ImportMapping.objects.get()
    assert saved.importer == "ledger.organizations" and saved.constants == {"kind": "社会组织"}
    assert saved.signature == excel.header_signature(HEADERS) and saved.headers == HEADERS
    events = AuditEvent.objects.filter(verb=Verb.IMPORT_MAPPING_SAVED).order_by("pk")
    assert [e.data["created"] for e in events] == [True, False]
    assert events[0].actor == street_a_staff and events[0].data["constants"] == ["kind"]
    with pytest.raises(InvalidInput) as refused:
        save_import_mapping(street_a_staff, "organizations", excel.Mapping(
            tuple(HEADERS), street_mapping().columns, {}))  # fmt: skip
    assert "必填字段「类型」" in refused.value.errors[0]["message"]
    assert ImportMapping.objects.get().constants == {"kind": "社会组织"}
    assert events.count() == 2


# --- the command line ----------------------------------------------------------------------


def test_the_cli_maps_columns_prints_the_mapping_and_imports(
    district, street_a_staff, tmp_path, capsys
):
    from shegong import cli

    path = street_workbook(tmp_path / "台账.xlsx")
    as_a = ["--as", street_a_staff.phone]
    # Without --map/--set the headers must follow the template (a missing required column, or
    # 企业类型's own words as 类型, is refused).
    assert cli.main(["shegong", "import", "organizations", str(path), *as_a]) == 1
    capsys.readouterr()
    args = ["shegong", "import", "organizations", str(path), *MAP_FLAGS, *as_a]
    assert cli.main([*args, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "所在社区 → 所属区划代码（region）" in out and "序号 → 不导入" in out
    assert "企业名称 → 名称（name）" in out and "类型（kind）= 非公企业" in out
    assert "试运行" in out and not Organization.objects.exists()
    assert cli.main(args) == 0
    assert Organization.objects.filter(kind="enterprise", region_id=A).count() == 3


def test_the_cli_names_the_file_header_of_a_wrong_value_and_refuses_bad_mappings(
    district, tmp_path, capsys
):
    from shegong import cli

    path = street_workbook(tmp_path / "台账.xlsx", staff=["25", "约30人", 8])
    base = ["shegong", "import", "organizations", str(path)]
    assert cli.main([*base, *MAP_FLAGS]) == 1
    assert "第4行「职工人数」：应为整数" in capsys.readouterr().err
    assert cli.main([*base, *MAP_FLAGS, "--map", "备注=name"]) == 1
    err = capsys.readouterr().err
    assert "「企业名称」和「备注」都对应到「名称」" in err
    assert cli.main([*base, *MAP_FLAGS, "--map", "电话=name", "--set", "颜色=红"]) == 1
    err = capsys.readouterr().err
    assert "--map 电话=name：文件中没有列「电话」" in err
    assert "--set 颜色=红：没有字段「颜色」" in err
    assert not Organization.objects.exists()


# --- the wizard ----------------------------------------------------------------------------


def upload(client, path: Path):
    file = SimpleUploadedFile(path.name, path.read_bytes())
    return client.post(reverse("ledger:import"), {"table": "organizations", "file": file})


def form_data(**changes: str) -> dict[str, str]:
    """The mapping step's answer for the street workbook: guesses kept except as changed."""
    data = {f"col_{i}": "-" for i in range(len(HEADERS))}
    for i, name in enumerate(street_mapping().columns):
        if name:
            data[f"col_{i}"] = name
    data["const_kind"] = "非公企业"
    data.update(changes)
    return data


def test_the_wizard_maps_checks_previews_and_imports_only_on_confirm(
    client, street_a_staff, tmp_path
):
    client.force_login(street_a_staff)
    response = upload(client, street_workbook(tmp_path / "台账.xlsx"))
    job = JobRun.objects.get()
    assert job.result["needs_mapping"] and job.log == "待确认列对应"
    page = client.get(response.url).content.decode()
    assert "确认列对应" in page and "表头在文件第 2 行" in page
    assert "13800000000" in page and "有限责任公司" in page  # the first rows' values
    assert '<option value="kind" selected>类型（必填）</option>' in page  # guessed: 企业类型
    assert client.post(reverse("ledger:import_confirm", args=[job.pk])).status_code == 404

    response = client.post(reverse("ledger:import_map", args=[job.pk]), form_data())
    check = JobRun.objects.exclude(pk=job.pk).get()
    assert response.url == reverse("ledger:import_job", args=[check.pk])
    assert check.result["mapping"]["constants"] == {"kind": "非公企业"}
    assert ImportMapping.objects.get(user=street_a_staff).headers == HEADERS
    assert not Organization.objects.exists()  # checked and previewed, nothing written
    page = client.get(response.url).content.decode()
    assert "检查通过" in page and "将新增 3" in page
    mapping = page[page.index('id="import-mapping"') : page.index("行预览")]
    assert "<td>所在社区</td><td>所属区划代码</td>" in mapping
    assert '<td>企业类型</td><td class="text-secondary">不导入</td>' in mapping
    assert "（统一值）非公企业</td><td>类型</td>" in mapping
    preview = page[page.index("行预览") :]
    assert "类型（统一值）" in preview and "联系电话 → 负责人电话" in preview
    assert "职工人数 → 从业人员数" in preview and "东城示范企业0" in preview
    assert '<td class="text-nowrap">非公企业</td>' in preview  # the constant as written
    assert '<td class="text-nowrap">25</td>' in preview and "138****0000" in preview

    response = client.post(reverse("ledger:import_confirm", args=[check.pk]))
    assert Organization.objects.filter(kind="enterprise", region_id=A).count() == 3
    assert "导入完成" in client.get(response.url).content.decode()


def test_the_wizard_refuses_two_headers_on_one_field_and_saves_nothing(
    client, street_a_staff, tmp_path
):
    client.force_login(street_a_staff)
    upload(client, street_workbook(tmp_path / "台账.xlsx"))
    job = JobRun.objects.get()
    data = form_data(col_10="name", const_kind="")
    response = client.post(reverse("ledger:import_map", args=[job.pk]), data)
    page = response.content.decode()
    assert response.status_code == 200 and "列对应有误" in page
    assert "「企业名称」和「备注」都对应到「名称」，一个字段只能对应文件中的一列" in page
    assert "必填字段「类型」既没有对应文件中的列，也没有填写统一值" in page
    assert "13800000000" in page  # the step again, with the file's values
    assert JobRun.objects.count() == 1 and not ImportMapping.objects.exists()
    assert not AuditEvent.objects.filter(verb=Verb.IMPORT_MAPPING_SAVED).exists()


def test_the_saved_mapping_is_offered_for_the_same_headers_and_not_for_others(
    client, street_a_staff, tmp_path
):
    client.force_login(street_a_staff)
    save_import_mapping(street_a_staff, "organizations", street_mapping())
    upload(client, street_workbook(tmp_path / "台账.xlsx"))
    page = client.get(reverse("ledger:import_job", args=[JobRun.objects.get().pk])).content
    page = page.decode()
    assert "已按您上次保存的列对应填好" in page
    assert '<option value="region" selected>所属区划代码（必填）</option>' in page  # 所在社区
    assert '<option value="-" selected>不导入</option>' in page  # 企业类型, not the guess
    assert '<option value="非公企业" selected>非公企业</option>' in page

    headers = [h for h in HEADERS if h != "备注"] + ["地址"]
    upload(client, street_workbook(tmp_path / "新台账.xlsx", headers=headers))
    job = JobRun.objects.order_by("-pk").first()
    page = client.get(reverse("ledger:import_job", args=[job.pk])).content.decode()
    assert "已按您上次保存的列对应填好" not in page
    assert "您上次保存的「组织」列对应与本文件的表头不一致：新增列「地址」；缺少列「备注」" in page
    assert '<option value="kind" selected>' in page  # asked again, from the guesses


def test_a_template_file_skips_the_mapping_step_and_shows_its_mapping(
    client, street_a_staff, tmp_path
):
    from shegong.ledger.tests.test_import_files import ORG_HEADER, org_rows, write_xlsx

    client.force_login(street_a_staff)
    response = upload(client, write_xlsx(tmp_path / "组织.xlsx", [ORG_HEADER, *org_rows(12)]))
    page = client.get(response.url).content.decode()
    assert "检查通过" in page and "确认列对应" not in page
    assert "<td>统一社会信用代码</td><td>统一社会信用代码</td>" in page
    # The first 10 rows as they will be written.
    assert "前 10 行预览" in page and len(re.findall(r"<tr><td>\d+</td>", page)) == 10
    client.post(reverse("ledger:import_confirm", args=[JobRun.objects.get().pk]))
    assert Organization.objects.count() == 12


def test_a_large_files_check_stops_at_the_header_in_the_worker(street_a_staff, tmp_path):
    """The worker reads the header and the first rows only: no row is validated (an error
    further down is not found yet), the page gets its samples from the side file."""
    path = street_workbook(tmp_path / "台账.xlsx", staff=["25", 12, 8, "约30人"])
    job = tasks.start_import_job(
        user=street_a_staff, table="organizations", path=path, filename="台账.xlsx",
        size=tasks.INLINE_MAX_BYTES + 1, dry_run=True,
    )  # fmt: skip
    assert job.status == JobRun.Status.QUEUED  # handed to the worker
    result = tasks.run_import_job(job.pk)
    job.refresh_from_db()
    assert result["needs_mapping"] and result["error_count"] == 0 and result["rows"] == 0
    assert job.total == 4 and job.status == JobRun.Status.SUCCEEDED
    kept = tasks.read_preview(job)
    assert kept["headers"] == HEADERS and len(kept["samples"]) == 3 and kept["header_row"] == 2


def test_another_users_mapping_step_is_not_found(client, street_a_staff, street_b_staff, tmp_path):
    client.force_login(street_a_staff)
    upload(client, street_workbook(tmp_path / "台账.xlsx"))
    job = JobRun.objects.get()
    client.force_login(street_b_staff)
    assert client.get(reverse("ledger:import_job", args=[job.pk])).status_code == 404
    response = client.post(reverse("ledger:import_map", args=[job.pk]), form_data())
    assert response.status_code == 404 and JobRun.objects.count() == 1
    assert not ImportMapping.objects.exists()
