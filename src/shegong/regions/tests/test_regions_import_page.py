"""The regions import page: all rows or none, row-level errors in a table."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from shegong import testing
from shegong.core import excel
from shegong.core.audit import Verb
from shegong.core.models import AuditEvent
from shegong.core.perms import Role
from shegong.regions.models import Region

GOOD_CSV = (
    "代码,名称,层级,上级代码\n"
    "341271001002,东湖社区,社区,341271001000\n"
    "341271001002001,东湖社区第一网格,网格,341271001002\n"
)


def upload(client, user, name, content):
    client.force_login(user)
    file = SimpleUploadedFile(name, content)
    return client.post(reverse("regions:import"), {"file": file}, follow=True)


def test_a_good_csv_is_imported_with_a_count(client, district_admin, district):
    response = upload(client, district_admin, "regions.csv", GOOD_CSV.encode("utf-8-sig"))
    assert "已导入 2 个区划" in response.content.decode()
    assert Region.objects.get(code="341271001002001").parent_id == "341271001002"
    assert AuditEvent.objects.filter(verb=Verb.REGIONS_IMPORTED).exists()


def test_an_xlsx_is_imported_too(client, district_admin, district):
    result = excel.write_xlsx(
        [excel.Column(h) for h in ("code", "name", "level", "parent_code")],
        [["341271002002", "西湖社区", "community", "341271002000"]],
    )
    response = upload(client, district_admin, "regions.xlsx", result.file.read())
    assert "已导入 1 个区划" in response.content.decode()
    assert Region.objects.filter(code="341271002002").exists()


def test_any_bad_row_means_nothing_is_written_and_every_error_is_listed(
    client, district_admin, district
):
    bad = GOOD_CSV + ("34127100100,短代码社区,社区,341271001000\n341271001003,,社区,341271001000\n")
    before = Region.objects.count()
    response = upload(client, district_admin, "regions.csv", bad.encode())
    html = response.content.decode()
    assert response.status_code == 422
    assert "未导入任何数据" in html
    assert "第4行" in html and "社区/村的代码应为12位数字" in html
    assert "第5行" in html and "名称不能为空" in html
    assert Region.objects.count() == before


def test_a_bad_number_cell_is_reported_with_the_tree_errors(client, district_admin, district):
    content = (
        "code,name,level,parent_code,centroid_lat\n341271001006,某社区,社区,341271001000,北纬\n"
    )
    html = upload(client, district_admin, "regions.csv", content.encode()).content.decode()
    assert "第2行" in html and "centroid_lat" in html and "应为数字" in html
    assert not Region.objects.filter(code="341271001006").exists()


def test_a_file_of_the_wrong_kind_is_named(client, district_admin):
    html = upload(client, district_admin, "regions.txt", b"x").content.decode()
    assert "不支持的文件类型" in html and "未导入任何数据" in html


def test_a_header_without_the_needed_columns_is_named(client, district_admin):
    html = upload(client, district_admin, "regions.csv", "名字\n甲\n".encode()).content.decode()
    assert "表头缺少列" in html


def test_no_file_is_asked_for(client, district_admin):
    client.force_login(district_admin)
    response = client.post(reverse("regions:import"), {})
    assert response.status_code == 422
    assert "请选择要导入的文件" in response.content.decode()


def test_a_manager_cannot_import_outside_their_scope(client, district):
    admin_of_b = testing.user(Role.DISTRICT_ADMIN, district["street_b"], name="西城管理员")
    html = upload(client, admin_of_b, "regions.csv", GOOD_CSV.encode()).content.decode()
    assert "未导入任何数据" in html and "不在您的工作范围内" in html
    assert not Region.objects.filter(code="341271001002").exists()


def test_only_managers_may_open_the_page(client, street_a_staff, district_admin):
    client.force_login(street_a_staff)
    assert client.get(reverse("regions:import")).status_code == 403
    client.force_login(district_admin)
    assert "导入区划" in client.get(reverse("regions:import")).content.decode()
