"""节假日日历 (/system/calendar/): the district administrator enters a year's holidays and
make-up working days; others are refused; the system page warns until next year is known."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone as dj_timezone
from openpyxl import Workbook

from shegong.core.models import AuditEvent, CalendarDay, CalendarYear
from shegong.core.verbs import Verb
from shegong.core.workdays import calendar_covers, is_workday

pytestmark = pytest.mark.django_db
URL = reverse("system:calendar")


def page(client, user, year=2027):
    client.force_login(user)
    response = client.get(URL, {"year": year})
    assert response.status_code == 200
    return response.content.decode()


def post(client, **data):
    return client.post(URL, {"year": 2027, **data})


def test_the_admin_sees_the_packages_holidays_of_a_known_year(client, district_admin):
    html = page(client, district_admin, 2026)
    assert "2026-10-01" in html and "国庆节" in html and "内置日历" in html
    assert "2026-10-10" in html and "调休上班（国庆节）" in html
    assert "内置日历已包含本年度" in html


def test_the_admin_enters_a_day_and_removes_it(client, district_admin):
    client.force_login(district_admin)
    response = post(client, op="add", day="2027-02-11", kind="放假", name="春节")
    assert response.status_code == 302
    assert not is_workday(date(2027, 2, 11))
    html = page(client, district_admin)
    assert "2027-02-11" in html and "春节" in html and "本年度尚未确认录入完整" in html
    response = post(client, op="add", day="2027-02-20", kind="上班", name="")
    assert CalendarDay.objects.get(day=date(2027, 2, 20)).name == "调休上班"
    assert post(client, op="remove", day="2027-02-11").status_code == 302
    assert is_workday(date(2027, 2, 11))
    assert AuditEvent.objects.filter(verb=Verb.CALENDAR_DAYS_SAVED).count() == 3


def test_a_bad_day_is_refused_with_a_chinese_message(client, district_admin):
    client.force_login(district_admin)
    response = post(client, op="add", day="2027-02-30", kind="放假")
    assert response.status_code == 422
    assert "日期格式应为 YYYY-MM-DD" in response.content.decode()
    response = post(client, op="remove", day="2027-03-01")
    assert response.status_code == 422 and "没有录入，无需删除" in response.content.decode()
    assert post(client, op="add", day="2027-02-11", kind="加班").status_code == 422
    assert not CalendarDay.objects.exists()


def test_the_text_import_replaces_the_year_and_refuses_bad_rows_naming_them(client, district_admin):
    client.force_login(district_admin)
    good = "2027-01-01 放假 元旦\n2027-02-20 上班 调休上班"
    assert post(client, op="import", rows=good).status_code == 302
    assert CalendarDay.objects.count() == 2
    bad = "2027-10-01 放假 国庆节\n2027-10-02 请假\n2028-01-01 放假"
    response = post(client, op="import", rows=bad)
    html = response.content.decode()
    assert response.status_code == 422 and "未录入任何日期" in html
    assert "第 2 行：类型「请假」应为“放假”或“上班”" in html
    assert "第 3 行：日期 2028-01-01 不在 2027 年" in html
    assert CalendarDay.objects.count() == 2  # nothing written
    assert not CalendarDay.objects.filter(day=date(2027, 10, 1)).exists()


def workbook(*rows):
    book = Workbook()
    sheet = book.active
    sheet.append(["2027年节假日安排"])  # a title row above the header
    sheet.append(["日期", "类型", "名称"])
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "2027.xlsx"
    return buffer


def test_the_excel_import(client, district_admin):
    client.force_login(district_admin)
    upload = workbook((date(2027, 2, 11), "放假", "春节"), ("2027/2/20", "上班", ""))
    assert post(client, op="import", file=upload).status_code == 302
    assert not is_workday(date(2027, 2, 11)) and is_workday(date(2027, 2, 20))
    upload = workbook((date(2027, 5, 1), "放假", "劳动节"), ("2027-05-40", "放假", ""))
    response = post(client, op="import", file=upload)
    assert response.status_code == 422
    assert "第 4 行：日期「2027-05-40」无法识别" in response.content.decode()
    assert not CalendarDay.objects.filter(day=date(2027, 5, 1)).exists()
    template = client.get(reverse("system:calendar_template"))
    assert template.status_code == 200


def test_confirming_the_year(client, district_admin):
    client.force_login(district_admin)
    response = post(client, op="confirm")
    assert (
        response.status_code == 422
        and "还没有录入任何放假或调休上班日期" in response.content.decode()
    )
    post(client, op="import", rows="2027-01-01 放假 元旦")
    assert post(client, op="confirm").status_code == 302
    assert CalendarYear.objects.get(year=2027).complete and calendar_covers(2027)
    assert "已确认录入完整" in page(client, district_admin)


@pytest.mark.parametrize("persona", ["street_a_staff", "community_a_worker", "resident"])
def test_others_are_refused(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(URL).status_code in (403, 404)
    response = client.post(URL, {"year": 2027, "op": "add", "day": "2027-01-01", "kind": "放假"})
    assert response.status_code in (403, 404)
    assert not CalendarDay.objects.exists()


def test_a_superuser_may(client, superuser):
    assert "节假日日历" in page(client, superuser)


def test_the_menu_shows_it_to_the_district_admin_only(client, district_admin, street_a_staff):
    from shegong.web.menu import menu_for

    def labels(user):
        return [e["label"] for g in menu_for(user, "/") for e in g["items"]]

    assert "节假日日历" in labels(district_admin)
    assert "节假日日历" not in labels(street_a_staff)


def freeze_today(monkeypatch, day):
    real = dj_timezone.localdate

    def localdate(value=None, timezone=None):
        return day if value is None else real(value, timezone)

    monkeypatch.setattr(dj_timezone, "localdate", localdate)


def test_the_system_page_warns_from_november_until_next_year_is_entered(
    client, district_admin, monkeypatch
):
    status = reverse("system:status")
    client.force_login(district_admin)
    freeze_today(monkeypatch, date(2026, 1, 10))
    assert "节假日日历缺少" not in client.get(status).content.decode()
    freeze_today(monkeypatch, date(2026, 11, 2))
    html = client.get(status).content.decode()
    assert "节假日日历缺少 2027 年" in html and "去录入 2027 年" in html
    post(client, op="import", rows="2027-01-01 放假 元旦")
    post(client, op="confirm")
    assert "节假日日历缺少" not in client.get(status).content.decode()
