"""The list pages, their Excel export and import (all or nothing), and the lists' API."""

from __future__ import annotations

import io
import json

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from shegong import testing
from shegong.core.audit import Verb
from shegong.core.models import AuditEvent
from shegong.core.perms import Role
from shegong.matching import excel
from shegong.matching.models import Category, CommunitySettings, Need, Offer

API = "/api/v1/matching"


def _xlsx(kind, rows):
    book = Workbook()
    sheet = book.active
    sheet.append([c.header for c in excel.IMPORT_COLUMNS[kind]])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("清单.xlsx", buffer.getvalue())


def test_needs_page_filters_counts_and_empty_state(client, district, community_a_worker):
    client.force_login(community_a_worker)
    response = client.get("/matching/needs/")
    assert response.status_code == 200 and "需求清单中还没有符合条件的需求" in response.text
    meals, legal = Category.objects.get(code="meals"), Category.objects.get(code="legal")
    Need.objects.create(region=district["community_a"], category=meals, description="午餐送餐")
    Need.objects.create(region=district["community_a"], category=legal, description="遗嘱咨询")
    Need.objects.create(region=district["community_b"], category=meals, description="西城居民送餐")
    response = client.get("/matching/needs/")
    assert "午餐送餐" in response.text and "遗嘱咨询" in response.text
    assert "西城居民送餐" not in response.text
    assert "助餐送餐 1" in response.text
    response = client.get("/matching/needs/", {"category": meals.pk, "q": "午餐"})
    assert "午餐送餐" in response.text and "遗嘱咨询" not in response.text


def test_need_form_creates_and_shows_errors(client, district, community_a_worker):
    client.force_login(community_a_worker)
    assert client.get("/matching/needs/new/").status_code == 200
    meals = Category.objects.get(code="meals")
    bad = client.post("/matching/needs/new/", {
        "region": district["community_a"].code, "category": meals.pk, "description": "送餐",
        "people_count": 0, "frequency": "daily", "urgency": "normal",
    })  # fmt: skip
    assert bad.status_code == 422 and "涉及人数应在 1 到" in bad.text
    assert not Need.objects.exists()
    good = client.post("/matching/needs/new/", {
        "region": district["community_a"].code, "category": meals.pk, "description": "送餐",
        "people_count": 3, "frequency": "daily", "urgency": "normal",
    })  # fmt: skip
    assert good.status_code == 302
    need = Need.objects.get()
    assert need.people_count == 3 and need.created_by == community_a_worker


def test_offer_pages_create_review_and_filter(client, district, community_a_worker):
    client.force_login(community_a_worker)
    meals = Category.objects.get(code="meals")
    response = client.post("/matching/offers/new/", {
        "region": district["community_a"].code, "category": meals.pk, "title": "午间送餐",
        "provider_kind": "merchant", "provider_name": "东关饭店", "capacity_per_week": 10,
        "slots": ["1-am", "2-am"], "radius_m": 3000, "cost": "low",
    })  # fmt: skip
    assert response.status_code == 302, response.text
    offer = Offer.objects.get()
    assert offer.status == "new" and offer.availability == {"1": ["am"], "2": ["am"]}
    assert (
        client.post(f"/matching/offers/{offer.pk}/review/", {"status": "paused"}).status_code == 302
    )
    offer.refresh_from_db()
    assert offer.status == "new"  # 待审核 cannot be paused
    client.post(f"/matching/offers/{offer.pk}/review/", {"status": "approved"})
    offer.refresh_from_db()
    assert offer.status == "approved"
    listed = client.get("/matching/offers/", {"status": "approved", "cost": "low"})
    assert "午间送餐" in listed.text
    assert "午间送餐" not in client.get("/matching/offers/", {"cost": "free"}).text


def test_offer_form_names_the_account_that_receives_the_orders(
    client, district, community_a_worker
):
    """A merchant's offer names the account that takes its orders on the phone (by phone
    number); an unknown number is refused on the field and nothing is written."""
    owner = testing.user(Role.RESIDENT, district["community_a"], name="饭店老板")
    client.force_login(community_a_worker)
    values = {
        "region": district["community_a"].code, "category": Category.objects.get(code="meals").pk,
        "title": "爱心午餐", "provider_kind": "merchant", "provider_name": "东关饭店",
        "capacity_per_week": 10, "radius_m": 3000, "cost": "low", "helper_phone": "13999999999",
    }  # fmt: skip
    refused = client.post("/matching/offers/new/", values)
    assert refused.status_code == 422 and "未找到接单账号" in refused.text
    assert not Offer.objects.exists()
    assert (
        client.post("/matching/offers/new/", {**values, "helper_phone": owner.phone}).status_code
        == 302
    )
    offer = Offer.objects.get()
    assert offer.helper == owner
    edit = client.get(f"/matching/offers/{offer.pk}/edit/")
    assert edit.context["form"].initial["helper_phone"] == owner.phone


def test_offer_form_refuses_risky_without_insurance(client, district, community_a_worker):
    client.force_login(community_a_worker)
    response = client.post("/matching/offers/new/", {
        "region": district["community_a"].code, "category": Category.objects.get(code="repair").pk,
        "title": "水电维修", "provider_kind": "merchant", "provider_name": "东关五金",
        "capacity_per_week": 5, "radius_m": 3000, "cost": "free", "risky_ok": "on",
    })  # fmt: skip
    assert response.status_code == 422 and "志愿服务条例第十七条" in response.text
    assert not Offer.objects.exists()


def test_street_b_offer_is_404_on_every_page(client, district, street_b_staff, community_a_worker):
    offer = testing.match_offer(district["community_a"], status="new")
    need = Need.objects.create(
        region=district["community_a"], category=offer.category, description="东关送餐"
    )
    client.force_login(street_b_staff)
    assert client.get(f"/matching/offers/{offer.pk}/edit/").status_code == 404
    assert (
        client.post(f"/matching/offers/{offer.pk}/review/", {"status": "approved"}).status_code
        == 404
    )
    assert client.get(f"/matching/needs/{need.pk}/edit/").status_code == 404
    assert (
        client.get("/matching/settings/", {"community": district["community_a"].code}).status_code
        == 404
    )
    offer.refresh_from_db()
    assert offer.status == "new"
    resident = testing.user(Role.RESIDENT, district["community_a"])
    client.force_login(resident)
    assert client.get("/matching/offers/").status_code == 403


def test_catalogue_page_district_only(client, district, district_admin, community_a_worker):
    client.force_login(community_a_worker)
    assert "助餐送餐" in client.get("/matching/catalogue/").text
    refused = client.post("/matching/catalogue/", {"kind": "category", "c-code": "pets",
                                                   "c-name": "宠物", "c-dispatch_mode": "manual",
                                                   "c-order": 1})  # fmt: skip
    assert refused.status_code == 403
    client.force_login(district_admin)
    done = client.post("/matching/catalogue/", {"kind": "category", "c-code": "pets",
                                                "c-name": "宠物照看", "c-dispatch_mode": "grab",
                                                "c-order": 20, "c-is_active": "on"})  # fmt: skip
    assert done.status_code == 302 and Category.objects.get(code="pets").dispatch_mode == "grab"
    pets = Category.objects.get(code="pets")
    client.post("/matching/catalogue/", {"kind": "item", "i-category": pets.pk, "i-name": "遛狗",
                                         "i-typical_minutes": 30, "i-frequency": "daily",
                                         "i-urgency": "normal", "i-order": 0,
                                         "i-is_active": "on"})  # fmt: skip
    assert pets.items.get().name == "遛狗"


def test_catalogue_entries_are_changed_from_their_修改_link(client, district, district_admin):
    """修改 fills the form with the entry (its id hidden), so saving changes that entry."""
    meals = Category.objects.get(code="meals")
    client.force_login(district_admin)
    page = client.get("/matching/catalogue/").text
    assert f'href="?category={meals.pk}#category-form"' in page
    form = client.get(f"/matching/catalogue/?category={meals.pk}").context["category_form"]
    assert form.initial["pk"] == meals.pk and form.initial["dispatch_mode"] == "grab"
    done = client.post("/matching/catalogue/", {
        "kind": "category", "c-pk": meals.pk, "c-code": "meals", "c-name": "助餐送餐",
        "c-dispatch_mode": "auto", "c-order": 2, "c-sensitive": "on", "c-is_active": "on",
    })  # fmt: skip
    assert done.status_code == 302
    meals.refresh_from_db()
    assert meals.dispatch_mode == "auto" and Category.objects.filter(code="meals").count() == 1
    item = meals.items.get(name="上门送餐")
    filled = client.get(f"/matching/catalogue/?item={item.pk}").context["item_form"]
    assert filled.initial["name"] == "上门送餐" and filled.initial["pk"] == item.pk


def test_settings_page_saves_and_refuses_zero(client, district, community_a_worker):
    client.force_login(community_a_worker)
    url = f"/matching/settings/?community={district['community_a'].code}"
    assert client.get(url).status_code == 200
    zero = {f"weight_{w}": 0 for w in ("skill", "distance", "availability", "load", "rating",
                                         "rotation")}  # fmt: skip
    response = client.post(url, zero)
    assert response.status_code == 422 and "不能全为 0" in response.text
    response = client.post(url, {**zero, "weight_skill": 2, "accept_minutes": 45})
    assert response.status_code == 302
    assert CommunitySettings.objects.get().accept_minutes == 45


def test_export_is_audited_and_scoped(client, district, community_a_worker):
    testing.match_offer(district["community_a"], name="东关饭店")
    testing.match_offer(district["community_b"], name="西城饭店")
    client.force_login(community_a_worker)
    response = client.get("/matching/offers/export/")
    assert response.status_code == 200 and response["X-Export-Rows"] == "1"
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.cell(2, 5).value == "东关饭店"
    assert AuditEvent.objects.filter(verb=Verb.MATCH_LISTS_EXPORTED).count() == 1
    assert client.get("/matching/needs/export/").status_code == 200


def test_import_is_all_or_nothing(client, district, community_a_worker):
    client.force_login(community_a_worker)
    template = client.get("/matching/offers/import/template/")
    assert template.status_code == 200
    code = district["community_a"].code
    good = [code, "助餐送餐", "午间送餐", "商户", "东关饭店"]
    bad = [code, "助餐送餐", "", "商户", "东关面馆", "", "", "", "", 0]
    response = client.post("/matching/offers/import/", {"file": _xlsx("offers", [good, bad])})
    assert response.status_code == 422
    assert "第 3 行【服务名称】" in response.text and "第 3 行【每周可服务次数】" in response.text
    assert not Offer.objects.exists()
    response = client.post("/matching/offers/import/", {"file": _xlsx("offers", [good, good])})
    assert response.status_code == 302
    assert Offer.objects.filter(status="new").count() == 2
    event = AuditEvent.objects.get(verb=Verb.MATCH_LISTS_IMPORTED)
    assert event.data["rows"] == 2


def test_import_refuses_another_streets_community(client, district, community_a_worker):
    client.force_login(community_a_worker)
    row = [district["community_b"].code, "助餐送餐", "西城送餐", 5]
    response = client.post("/matching/needs/import/", {"file": _xlsx("needs", [row])})
    assert response.status_code == 422 and "不在您的辖区" in response.text
    assert not Need.objects.exists()
    response = client.post("/matching/needs/import/",
                           {"file": SimpleUploadedFile("x.xlsx", b"not a workbook")})  # fmt: skip
    assert response.status_code == 422


def test_api_lists_creates_and_reviews(client, district, community_a_worker, street_b_staff):
    client.force_login(community_a_worker)
    meals = Category.objects.get(code="meals")
    body = {"region": district["community_a"].code, "category": meals.pk, "title": "午间送餐",
            "provider_kind": "merchant", "provider_name": "东关饭店", "capacity_per_week": 7,
            "availability": {"1": ["am"]}}  # fmt: skip
    created = client.post(f"{API}/offers", json.dumps(body), content_type="application/json")
    assert created.status_code == 201, created.text
    offer_id = created.json()["id"]
    bad = client.post(f"{API}/offers", json.dumps({**body, "capacity_per_week": 0}),
                      content_type="application/json")  # fmt: skip
    assert bad.status_code == 422
    review = client.post(f"{API}/offers/{offer_id}/review", json.dumps({"status": "approved"}),
                         content_type="application/json")  # fmt: skip
    assert review.status_code == 200 and review.json()["status"] == "approved"
    listed = client.get(f"{API}/offers", {"status": "approved"}).json()
    assert listed["count"] == 1
    need = client.post(f"{API}/needs", json.dumps({"region": district["community_a"].code,
                                                  "category": meals.pk, "description": "送餐"}),
                       content_type="application/json")  # fmt: skip
    assert need.status_code == 201 and client.get(f"{API}/needs").json()["count"] == 1
    client.force_login(street_b_staff)
    assert client.get(f"{API}/offers").json()["count"] == 0
    again = client.post(f"{API}/offers/{offer_id}/review",
                        json.dumps({"status": "paused", "reason": "x"}),
                        content_type="application/json")  # fmt: skip
    assert again.status_code == 404
    assert client.post(f"{API}/needs", json.dumps({"region": district["community_a"].code,
                                                  "category": meals.pk, "description": "x"}),
                       content_type="application/json").status_code == 404  # fmt: skip


def test_todo_counts_offers_awaiting_review(client, district, community_a_worker):
    testing.match_offer(district["community_a"], status="new")
    testing.match_offer(district["community_a"], status="approved")
    todo = testing.todo_of(community_a_worker, "matching.offers_review")
    assert todo is not None and todo["count"] == 1
    client.force_login(community_a_worker)
    page = client.get(todo["url"])
    assert page.status_code == 200 and page.text.count("text-bg-info") == 1


def _named_xlsx(header: list[str], rows: list[list]) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("清单.xlsx", buffer.getvalue())


def test_import_takes_community_names_within_the_scope(client, district, street_a_staff):
    """Files name the community (issue 18 B): under a 所在社区 header, by name, path or the
    name of its committee; resolved within the importer's street."""
    namesakes = testing.add_namesakes(district)
    client.force_login(street_a_staff)
    header = ["所在社区", "类别", "需求描述"]
    rows = [["东关社区", "助餐送餐", "午餐"], ["东城街道/鼓楼社区", "助餐送餐", "晚餐"],
            ["鼓楼居委会", "助餐送餐", "早餐"]]  # fmt: skip
    response = client.post("/matching/needs/import/", {"file": _named_xlsx(header, rows)})
    assert response.status_code == 302
    assert dict(Need.objects.values_list("description", "region_id")) == {
        "午餐": district["community_a"].code, "晚餐": namesakes["gulou"].code,
        "早餐": namesakes["gulou"].code,
    }  # fmt: skip


def test_import_refuses_community_names_it_cannot_resolve_naming_the_row(
    client, district, district_admin
):
    testing.add_namesakes(district)
    client.force_login(district_admin)
    header = ["社区区划代码", "类别", "需求描述"]
    rows = [["鼓楼社区", "助餐送餐", "午餐"], ["东关社区", "助餐送餐", "晚餐"],
            ["鼓搂社区", "助餐送餐", "早餐"], ["清河社区", "助餐送餐", "夜宵"],
            ["东城街道", "助餐送餐", "点心"]]  # fmt: skip
    response = client.post("/matching/needs/import/", {"file": _named_xlsx(header, rows)})
    assert response.status_code == 422
    text = response.content.decode()
    assert (
        "第 3 行【社区区划代码】：「东关社区」有2个：东城街道东关社区、西城街道东关社区，请写明街道"
        in text
    )
    assert "第 4 行【社区区划代码】：找不到「鼓搂社区」，是否为：鼓楼社区？" in text
    assert "第 5 行【社区区划代码】：「清河社区」不在您的工作范围内" in text
    assert "第 6 行【社区区划代码】：清单按社区登记，请选择一个社区" in text
    assert not Need.objects.exists()
