"""新就业群体 pages: H5 registration and profile; the staff list, export, form and detail."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from shegong import testing
from shegong.core.audit import Verb
from shegong.core.models import AuditEvent
from shegong.core.perms import Role
from shegong.ledger.models import Person
from shegong.ledger.tests.records_fixtures import id_number
from shegong.stations.actions import workers
from shegong.stations.models import Worker


@pytest.fixture
def rider(district):
    return testing.user(Role.WORKER, district["community_a"], name="骑手小王", phone="13900000009")


def h5_data(**extra):
    data = {
        "name": "王小明", "id_number": id_number(), "phone": "13800000001",
        "kind": "delivery_rider", "region": "341271001001", "consent": "1",
    }  # fmt: skip
    data.update(extra)
    return data


def staff_register(district, name, region=None, **extra):
    return workers.register_worker(
        actor=None, name=name, id_number=id_number(), phone="13812345678",
        kind="courier", region=(region or district["grid_a"]).code, consent=True,
        self_service=False, **extra,
    )  # fmt: skip


# --- H5 ---------------------------------------------------------------------------------------


def test_h5_register_page_prefills_phone_and_shows_consent(client, rider):
    client.force_login(rider)
    response = client.get(reverse("stations_m:worker_register"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "13900000009" in body  # the account's phone
    assert "个人信息处理告知书" in body and "六、您的权利" in body and "<details" in body
    assert 'name="consent"' in body
    assert "外卖骑手" in body and "企业职工" not in body  # only the new-employment kinds


def test_h5_register_then_profile(client, rider):
    client.force_login(rider)
    number = id_number()
    response = client.post(reverse("stations_m:worker_register"), h5_data(id_number=number))
    assert response.status_code == 302
    assert response["Location"] == reverse("stations_m:worker")
    worker = Worker.objects.get()
    assert worker.person.user == rider
    body = client.get(reverse("stations_m:worker_profile")).content.decode()
    assert number[:4] + "**********" + number[-4:] in body
    # Their own name in full (masking is for others); the ID number still masked.
    assert number not in body and "<dd>王小明</dd>" in body
    assert "外卖骑手" in body and "2026-11" in body


def test_h5_second_registration_redirects_to_profile(client, rider):
    client.force_login(rider)
    client.post(reverse("stations_m:worker_register"), h5_data())
    response = client.get(reverse("stations_m:worker_register"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("stations_m:worker_profile")
    assert "您已登记过" in response.content.decode()
    response = client.post(reverse("stations_m:worker_register"), h5_data())
    assert response.status_code == 302 and Worker.objects.count() == 1


def test_h5_missing_consent_shows_field_error(client, rider):
    client.force_login(rider)
    data = h5_data()
    del data["consent"]
    response = client.post(reverse("stations_m:worker_register"), data)
    assert response.status_code == 422
    assert "请阅读并同意个人信息处理告知书" in response.content.decode()
    assert not Person.objects.exists()


def test_h5_bad_id_number_shows_field_error(client, rider):
    client.force_login(rider)
    response = client.post(reverse("stations_m:worker_register"), h5_data(id_number="123"))
    assert response.status_code == 422
    assert "身份证" in response.content.decode()
    assert not Worker.objects.exists()


def test_h5_pages_without_registration_go_to_the_form(client, rider):
    client.force_login(rider)
    for name in ("worker", "worker_profile", "worker_edit", "worker_withdraw"):
        response = client.get(reverse(f"stations_m:{name}"))
        assert response["Location"] == reverse("stations_m:worker_register"), name
    response = client.post(reverse("stations_m:worker_withdraw"))
    assert response["Location"] == reverse("stations_m:worker_register")


def test_mobile_home_card(client, rider):
    client.force_login(rider)
    body = client.get(reverse("mobile_home")).content.decode()
    assert "新就业群体登记" in body and reverse("stations_m:worker_register") in body
    client.post(reverse("stations_m:worker_register"), h5_data())
    body = client.get(reverse("mobile_home")).content.decode()
    assert "新就业群体登记" not in body
    assert "我的驿站" in body and reverse("stations_m:worker") in body
    assert "附近驿站" in body and reverse("stations_m:m_nearest") in body
    me = client.get(reverse("m_me")).content.decode()
    assert "我的骑手档案" in me and reverse("stations_m:worker_profile") in me


# --- staff ------------------------------------------------------------------------------------


def test_staff_list_is_masked_scoped_and_searchable(client, district, street_a_staff):
    staff_register(district, "张三丰")
    staff_register(district, "李四光")
    staff_register(district, "赵西城", region=district["grid_b"])
    client.force_login(street_a_staff)
    body = client.get(reverse("stations:workers")).content.decode()
    assert "张**" in body and "李**" in body and "张三丰" not in body
    assert "138****5678" in body and "13812345678" not in body
    assert "赵**" not in body  # street B
    body = client.get(reverse("stations:workers"), {"q": "三丰"}).content.decode()
    assert "张**" in body and "李**" not in body
    body = client.get(reverse("stations:workers"), {"kind": "delivery_rider"}).content.decode()
    assert "张**" not in body


def test_resident_cannot_open_staff_list(client, resident):
    client.force_login(resident)
    assert client.get(reverse("stations:workers")).status_code == 403
    assert client.get(reverse("stations:workers_export")).status_code == 403


def test_export_is_masked_and_audited(client, district, street_a_staff):
    worker = staff_register(district, "张三丰")
    client.force_login(street_a_staff)
    response = client.get(reverse("stations:workers_export"))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[1][0] == "张**" and rows[1][1] == "138****5678"
    assert rows[1][2] == worker.person.id_number_masked
    flat = " ".join(str(c) for row in rows for c in row if c)
    assert "张三丰" not in flat and worker.person.id_number not in flat
    event = AuditEvent.objects.get(verb=Verb.STATIONS_EXPORTED)
    assert event.data["table"] == "workers" and event.data["rows"] == 1 and event.data["masked"]


def test_staff_registers_a_worker(client, district, street_a_staff):
    client.force_login(street_a_staff)
    data = {
        "name": "王小明", "id_number": id_number(), "phone": "13800000001",
        "kind": "courier", "region": district["community_a"].code, "consent": "1",
    }  # fmt: skip
    response = client.post(reverse("stations:worker_new"), data)
    worker = Worker.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("stations:worker", args=[worker.pk])
    assert worker.registered_by == street_a_staff
    del data["consent"]
    data["id_number"] = id_number()
    response = client.post(reverse("stations:worker_new"), data)
    assert response.status_code == 422
    assert "请确认已向本人告知并取得同意" in response.content.decode()


def test_staff_register_outside_scope_is_refused(client, district, street_b_staff):
    client.force_login(street_b_staff)
    data = {
        "name": "王小明", "id_number": id_number(), "kind": "courier",
        "region": district["community_a"].code, "consent": "1",
    }  # fmt: skip
    response = client.post(reverse("stations:worker_new"), data)
    assert response.status_code == 422
    assert not Worker.objects.exists()


def test_detail_and_edit_in_scope_and_404_outside(client, district, street_a_staff, street_b_staff):
    worker = staff_register(district, "张三丰")
    client.force_login(street_a_staff)
    body = client.get(reverse("stations:worker", args=[worker.pk])).content.decode()
    assert "张**" in body and "张三丰" not in body
    assert reverse("ledger:person", args=[worker.person_id]) in body
    response = client.post(
        reverse("stations:worker_edit", args=[worker.pk]),
        {"kind": "streamer", "region": district["grid_a"].code, "delivery_site": "直播间"},
    )
    assert response.status_code == 302
    worker.refresh_from_db()
    assert worker.kind == "streamer" and worker.delivery_site == "直播间"
    client.force_login(street_b_staff)
    assert client.get(reverse("stations:worker", args=[worker.pk])).status_code == 404
    assert client.get(reverse("stations:worker_edit", args=[worker.pk])).status_code == 404


# --- staff: 注销登记 -------------------------------------------------------------------------


def test_staff_withdraws_a_worker_with_a_reason(client, district, street_a_staff):
    worker = staff_register(district, "张三丰", delivery_site="东关站")
    staff_register(district, "李四光")
    client.force_login(street_a_staff)
    url = reverse("stations:worker_withdraw", args=[worker.pk])
    body = client.get(reverse("stations:worker", args=[worker.pk])).content.decode()
    assert url in body and "注销登记" in body and "data-confirm=" in body
    assert client.get(url).status_code == 405  # POST only

    response = client.post(url, {"reason": " "})
    assert response.status_code == 422
    assert "请填写注销原因" in response.content.decode()
    worker.refresh_from_db()
    assert worker.person is not None and worker.delivery_site == "东关站"

    response = client.post(url, {"reason": "本人申请撤回同意"})
    assert response.status_code == 302 and response["Location"] == reverse("stations:workers")
    worker.refresh_from_db()
    assert worker.person is None and worker.withdrawn_at is not None
    event = AuditEvent.objects.get(verb=Verb.WORKER_WITHDRAWN)
    assert event.data == {"self_service": False, "reason": "本人申请撤回同意"}
    body = client.get(reverse("stations:workers")).content.decode()
    assert "已注销登记：张**" in body  # the message
    assert "共 1 人" in body and "李**" in body and "已注销</a>" not in body
    assert client.get(reverse("stations:worker", args=[worker.pk])).status_code == 404
    assert client.get(reverse("stations:worker_edit", args=[worker.pk])).status_code == 404
    assert client.post(url, {"reason": "再次"}).status_code == 404
    response = client.get(reverse("stations:workers_export"))
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert [row[0] for row in book.active.iter_rows(min_row=2, values_only=True)] == ["李**"]


def test_staff_withdraw_outside_scope_or_without_permission(
    client, district, street_b_staff, resident
):
    worker = staff_register(district, "张三丰")
    url = reverse("stations:worker_withdraw", args=[worker.pk])
    client.force_login(street_b_staff)
    assert client.post(url, {"reason": "本人申请"}).status_code == 404
    client.force_login(resident)
    assert client.post(url, {"reason": "本人申请"}).status_code == 403
    worker.refresh_from_db()
    assert worker.person is not None
    assert not AuditEvent.objects.filter(verb=Verb.WORKER_WITHDRAWN).exists()
