"""先锋岗/责任区 and 先进典型 pages: staff tabs, forms and photos; the public honour roll."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils import timezone

from shegong.ledger.models import Person
from shegong.stations.actions import vanguard
from shegong.stations.models import RoleModel, VanguardPost
from shegong.stations.tests.test_vanguard import model_values, person, photo, post_values


def make_post(district, region, name, kind="post", active=True):
    holder = person(region, f"{name}党员")
    return vanguard.save_vanguard_post(
        actor=None,
        **post_values(district, [holder], name=name, kind=kind, region=region.code,
                      area="沿街" if kind == "area" else "", active=active),
    )  # fmt: skip


def make_model(district, region, title, published=True, photos=None, name="刘骑手"):
    who = person(region, name, "masses")
    return vanguard.save_role_model(
        actor=None, photos=photos,
        **model_values(district, who, title=title, region=region.code, published=published),
    )  # fmt: skip


# --- staff: the posts tab ---------------------------------------------------------------------


def test_counts_by_street_and_filters(client, district, district_admin):
    make_post(district, district["grid_a"], "东关先锋岗一")
    make_post(district, district["community_a"], "东关先锋岗二")
    make_post(district, district["grid_a"], "东关责任区", kind="area")
    make_post(district, district["grid_b"], "西关先锋岗")
    make_post(district, district["grid_b"], "西关旧岗", active=False)
    client.force_login(district_admin)
    response = client.get(reverse("stations:vanguard"))
    assert response.status_code == 200
    counts = response.context["counts"]
    assert (counts["total"], counts["posts"], counts["areas"]) == (5, 4, 1)
    by_street = {r["name"]: (r["posts"], r["areas"], r["total"]) for r in counts["by_street"]}
    assert by_street == {"东城街道": (2, 1, 3), "西城街道": (2, 0, 2)}
    body = response.content.decode()
    assert 'id="count-total">5<' in body
    filtered = client.get(
        reverse("stations:vanguard"),
        {"street": district["street_b"].code, "active": "1", "kind": "post"},
    )
    assert filtered.context["counts"]["total"] == 1
    assert [p.name for p in filtered.context["page"]] == ["西关先锋岗"]


def test_street_staff_see_only_their_street(client, district, street_a_staff):
    make_post(district, district["grid_a"], "东关先锋岗")
    make_post(district, district["grid_b"], "西关先锋岗")
    client.force_login(street_a_staff)
    response = client.get(reverse("stations:vanguard"))
    body = response.content.decode()
    assert "东关先锋岗" in body and "西关先锋岗" not in body
    assert response.context["counts"]["total"] == 1


def test_counts_are_one_query(client, district, district_admin, django_assert_max_num_queries):
    for i in range(6):
        make_post(district, district["grid_a"], f"东关先锋岗{i}")
    client.force_login(district_admin)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("stations:vanguard"))
    assert response.context["counts"]["total"] == 6


def test_new_post_form_and_non_member_message(client, district, street_a_staff):
    member = person(district["grid_a"], "张党员")
    masses = person(district["grid_a"], "王群众", "masses")
    client.force_login(street_a_staff)
    assert client.get(reverse("stations:vanguard_new")).status_code == 200
    data = {
        "kind": "post", "name": "东关党员先锋岗", "region": district["grid_a"].code,
        "since": "2026-07-01", "active": "1",
        "holders": f"{member.id_number}\n{masses.id_number}",
    }  # fmt: skip
    response = client.post(reverse("stations:vanguard_new"), data)
    assert response.status_code == 422
    assert vanguard.NOT_A_MEMBER.format(name=masses.name_masked) in response.content.decode()
    assert not VanguardPost.objects.exists()
    data["holders"] = member.id_number
    response = client.post(reverse("stations:vanguard_new"), data)
    assert response.status_code == 302
    post = VanguardPost.objects.get()
    assert list(post.holders.all()) == [member]
    page = client.get(reverse("stations:vanguard_edit", args=[post.pk])).content.decode()
    assert member.name_masked in page and "张党员" not in page


def test_staff_pages_outsider_404_resident_403(client, district, street_b_staff, resident):
    post = make_post(district, district["grid_a"], "东关先锋岗")
    model = make_model(district, district["grid_a"], "东关十佳", photos=[photo()])
    client.force_login(street_b_staff)
    for url in (
        reverse("stations:vanguard_edit", args=[post.pk]),
        reverse("stations:role_model_edit", args=[model.pk]),
        reverse("stations:role_model_photo", args=[model.pk, 0, "thumb"]),
    ):
        assert client.get(url).status_code == 404, url
    client.force_login(resident)
    for url in (
        reverse("stations:vanguard"),
        reverse("stations:vanguard_new"),
        reverse("stations:role_model_new"),
        reverse("stations:vanguard_edit", args=[post.pk]),
    ):
        assert client.get(url).status_code == 403, url


# --- staff: role models -----------------------------------------------------------------------


def test_role_model_form_with_photo_and_masked_list(client, district, street_a_staff):
    who = person(district["grid_a"], "刘骑手", "masses")
    client.force_login(street_a_staff)
    data = {
        "title": "十佳骑手", "year": "2026", "person_id_number": who.id_number,
        "citation": "风雨无阻。", "region": district["grid_a"].code, "published": "1",
        "photos": photo(),
    }  # fmt: skip
    response = client.post(reverse("stations:role_model_new"), data)
    assert response.status_code == 302
    model = RoleModel.objects.get()
    assert model.person == who and len(model.photo) == 1
    listing = client.get(reverse("stations:vanguard"), {"tab": "models"}).content.decode()
    assert who.name_masked in listing and "刘骑手" not in listing
    image = client.get(reverse("stations:role_model_photo", args=[model.pk, 0, "thumb"]))
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"


def test_role_model_bad_input_shows_field_errors(client, district, street_a_staff):
    who = person(district["grid_a"])
    client.force_login(street_a_staff)
    future = timezone.localdate().year + 1
    data = {
        "title": "十佳骑手", "year": str(future), "person_id_number": who.id_number,
        "citation": "", "region": district["grid_a"].code,
    }  # fmt: skip
    response = client.post(reverse("stations:role_model_new"), data)
    assert response.status_code == 422
    form = response.context["form"]
    assert "citation" in form.errors
    data["citation"] = "事迹"
    response = client.post(reverse("stations:role_model_new"), data)
    assert response.status_code == 422
    assert f"年度不能晚于 {future - 1} 年" in response.context["form"].errors["year"][0]
    assert not RoleModel.objects.exists()


# --- the public honour roll -------------------------------------------------------------------


def test_public_roll_shows_name_but_nothing_personal(client, district):
    model = make_model(district, district["grid_b"], "西城十佳骑手", photos=[photo()])
    who = Person.objects.get(pk=model.person_id)
    response = client.get(reverse("stations_public:roll"))  # anonymous
    body = response.content.decode()
    assert response.status_code == 200
    assert "刘骑手" in body and "西城十佳骑手" in body and "风雨无阻" in body and "2026" in body
    assert who.phone not in body and who.id_number not in body
    assert who.id_number[:6] + "*" not in body  # not even masked
    assert str(who.birth_date.year) + "-" not in body
    image = client.get(reverse("stations_public:photo", args=[model.pk, 0, "thumb"]))
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"


def test_unpublished_never_on_the_public_roll(client, district):
    hidden = make_model(district, district["grid_a"], "内部候选", published=False,
                        photos=[photo()], name="孙候选")  # fmt: skip
    body = client.get(reverse("stations_public:roll")).content.decode()
    assert "内部候选" not in body and "孙候选" not in body
    for index, kind in ((0, "thumb"), (5, "full")):
        url = reverse("stations_public:photo", args=[hidden.pk, index, kind])
        assert client.get(url).status_code == 404


def test_post_since_in_future_refused(client, district, street_a_staff):
    member = person(district["grid_a"])
    client.force_login(street_a_staff)
    tomorrow = date.fromordinal(timezone.localdate().toordinal() + 1)
    data = {
        "kind": "post", "name": "东关党员先锋岗", "region": district["grid_a"].code,
        "since": tomorrow.isoformat(), "holders": member.id_number,
    }  # fmt: skip
    response = client.post(reverse("stations:vanguard_new"), data)
    assert response.status_code == 422 and "since" in response.context["form"].errors
    assert not VanguardPost.objects.exists()
