"""Account management pages: list, create, detail, reveal, and the buttons on the detail page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shegong import testing
from shegong.accounts.models import Membership, User
from shegong.core.audit import Verb
from shegong.core.models import AuditEvent
from shegong.core.perms import Role

ID_NUMBER = "11010519491231002X"  # a valid checksum, a clearly fake person


@pytest.fixture
def a_resident(district):
    return testing.user(
        Role.RESIDENT,
        district["community_a"],
        name="王小明",
        phone="13612345678",
        id_number=ID_NUMBER,
    )


@pytest.fixture
def b_resident(district):
    return testing.user(Role.RESIDENT, district["community_b"], name="西城居民")


def test_the_list_shows_accounts_in_scope_masked(client, street_a_staff, a_resident, b_resident):
    client.force_login(street_a_staff)
    response = client.get(reverse("accounts:users"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "王**" in body and "136****5678" in body
    assert "王小明" not in body and "13612345678" not in body
    assert "西**" not in body  # street B's resident
    assert b_resident not in response.context["page"].object_list


def test_the_list_filters_by_keyword_role_region_and_state(
    client, street_a_staff, a_resident, community_a_worker, district
):
    client.force_login(street_a_staff)
    url = reverse("accounts:users")

    def names(**params):
        return {u.pk for u in client.get(url, params).context["page"].object_list}

    assert names(q="小明") == {a_resident.pk}
    assert names(q="1361234") == {a_resident.pk}
    assert names(role="community_worker") == {community_a_worker.pk}
    assert names(region=district["community_a"].code) == {a_resident.pk, community_a_worker.pk}
    User.objects.filter(pk=a_resident.pk).update(is_active=False)
    assert names(active="0") == {a_resident.pk}


def test_the_list_refuses_a_region_outside_scope(client, street_a_staff, district):
    client.force_login(street_a_staff)
    response = client.get(reverse("accounts:users"), {"region": district["street_b"].code})
    assert "region" in response.context["form"].errors


def test_the_list_paginates_with_a_constant_number_of_queries(
    client, street_a_staff, district, django_assert_max_num_queries
):
    for i in range(25):
        testing.user(Role.RESIDENT, district["community_a"], name=f"居民{i}")
    client.force_login(street_a_staff)
    with django_assert_max_num_queries(20):
        first = client.get(reverse("accounts:users"))
    assert len(first.context["page"].object_list) == 20
    second = client.get(reverse("accounts:users"), {"page": 2})
    assert len(second.context["page"].object_list) == 6  # 25 residents + the staff member


def test_an_htmx_filter_gets_only_the_table(client, street_a_staff):
    client.force_login(street_a_staff)
    response = client.get(reverse("accounts:users"), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<table" in body and "<html" not in body


def test_a_role_without_account_permission_is_refused(client, handler):
    client.force_login(handler)
    assert client.get(reverse("accounts:users")).status_code == 403


def _create(client, **overrides):
    data = {
        "phone": "13711112222",
        "name": "李四",
        "id_number": "",
        "role": "community_worker",
        "region": "341271001001",
        "department": "",
        "password": "Init#Pass88",
    }
    data.update(overrides)
    return client.post(reverse("accounts:user_create"), data)


def test_it_creates_an_account_that_must_change_its_password(client, street_a_staff, district):
    client.force_login(street_a_staff)
    response = _create(client, id_number=ID_NUMBER)
    user = User.objects.get(phone="13711112222")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:user", args=[user.pk])
    assert user.must_change_password
    assert user.memberships.get().region_id == district["community_a"].code
    assert AuditEvent.objects.filter(verb=Verb.USER_CREATED, actor=street_a_staff).exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"phone": "12345"}, "phone", "手机号应为以1开头的11位数字"),
        ({"id_number": "110105194912310021"}, "id_number", "身份证号校验位不正确"),
        ({"id_number": "1234"}, "id_number", "身份证号应为18位"),
        ({"password": "abc"}, "password", "3类"),
        ({"role": "department_handler"}, "department", "部门处置人员须指定所属部门"),
        ({"role": "district_admin"}, "role", "您不能授予这个角色"),
        ({"region": "341271002001"}, "region", "请选择您工作范围内的区划"),
        ({"name": ""}, "name", "必填"),
    ],
)
def test_it_refuses_bad_account_input(client, street_a_staff, overrides, field, message):
    client.force_login(street_a_staff)
    response = _create(client, **overrides)
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message in " ".join(errors[field]), errors
    assert not User.objects.filter(phone="13711112222").exists()


def test_it_refuses_a_duplicate_phone_or_id_number(client, street_a_staff, a_resident):
    client.force_login(street_a_staff)
    response = _create(client, phone=a_resident.phone)
    assert "该手机号已注册" in response.content.decode()
    response = _create(client, id_number=ID_NUMBER)
    assert "该身份证号已绑定其他账号" in response.content.decode()
    assert response.status_code == 422


def test_the_detail_page_masks_and_lists_roles(client, street_a_staff, a_resident):
    client.force_login(street_a_staff)
    response = client.get(reverse("accounts:user", args=[a_resident.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert ID_NUMBER not in body
    assert a_resident.id_number_masked in body
    assert "东关社区 · 群众" in body
    assert "查看明文" in body


def test_street_b_gets_404_for_street_a_users(client, street_b_staff, a_resident):
    client.force_login(street_b_staff)
    membership = a_resident.memberships.get()
    for method, url in (
        ("get", reverse("accounts:user", args=[a_resident.pk])),
        ("post", reverse("accounts:user_reveal", args=[a_resident.pk])),
        ("post", reverse("accounts:user_grant", args=[a_resident.pk])),
        ("post", reverse("accounts:user_action", args=[a_resident.pk, "deactivate"])),
        ("post", reverse("accounts:user_revoke", args=[a_resident.pk, membership.pk])),
    ):
        response = getattr(client, method)(url)
        assert response.status_code == 404, url
        assert "未找到" in response.content.decode()
    a_resident.refresh_from_db()
    assert a_resident.is_active
    assert not AuditEvent.objects.filter(verb=Verb.PII_REVEALED).exists()


def test_a_missing_user_gets_the_same_404(client, street_b_staff, a_resident):
    client.force_login(street_b_staff)
    missing = client.get(reverse("accounts:user", args=[999999]))
    foreign = client.get(reverse("accounts:user", args=[a_resident.pk]))
    assert missing.status_code == foreign.status_code == 404
    assert missing.context["message"] == foreign.context["message"]


def test_reveal_shows_the_id_number_and_writes_an_audit_entry(client, street_a_staff, a_resident):
    client.force_login(street_a_staff)
    response = client.post(reverse("accounts:user_reveal", args=[a_resident.pk]))
    assert response.status_code == 200
    assert ID_NUMBER in response.content.decode()
    event = AuditEvent.objects.get(verb=Verb.PII_REVEALED)
    assert event.actor == street_a_staff
    assert event.target_id == str(a_resident.pk)
    assert event.data == {"field": "id_number"}


def test_reveal_over_htmx_returns_only_the_value(client, street_a_staff, a_resident):
    client.force_login(street_a_staff)
    response = client.post(
        reverse("accounts:user_reveal", args=[a_resident.pk]), HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert ID_NUMBER in body and "<html" not in body


def test_reveal_is_refused_without_permission(client, community_a_worker, a_resident):
    client.force_login(community_a_worker)
    detail = client.get(reverse("accounts:user", args=[a_resident.pk]))
    assert "查看明文" not in detail.content.decode()
    response = client.post(reverse("accounts:user_reveal", args=[a_resident.pk]), follow=True)
    body = response.content.decode()
    assert "您当前的角色没有此操作的权限" in body
    assert ID_NUMBER not in body
    assert not AuditEvent.objects.filter(verb=Verb.PII_REVEALED).exists()


def test_reveal_is_a_post(client, street_a_staff, a_resident):
    client.force_login(street_a_staff)
    assert client.get(reverse("accounts:user_reveal", args=[a_resident.pk])).status_code == 405


def test_reset_password_forces_a_change(client, street_a_staff, a_resident):
    client.force_login(street_a_staff)
    url = reverse("accounts:user_action", args=[a_resident.pk, "reset_password"])
    response = client.post(url, {"reset-new_password": "Temp#Pass77"}, follow=True)
    assert "已重置密码" in response.content.decode()
    a_resident.refresh_from_db()
    assert a_resident.must_change_password and a_resident.check_password("Temp#Pass77")


def test_reset_password_refuses_a_weak_password_next_to_the_field(
    client, street_a_staff, a_resident
):
    client.force_login(street_a_staff)
    url = reverse("accounts:user_action", args=[a_resident.pk, "reset_password"])
    response = client.post(url, {"reset-new_password": "weakweakweak"})
    assert response.status_code == 422
    assert "至少3类" in " ".join(response.context["reset_form"].errors["new_password"])


def test_deactivate_and_reactivate(client, street_a_staff, a_resident):
    client.force_login(street_a_staff)
    response = client.post(
        reverse("accounts:user_action", args=[a_resident.pk, "deactivate"]), follow=True
    )
    assert "账号已停用" in response.content.decode()
    a_resident.refresh_from_db()
    assert not a_resident.is_active
    client.post(reverse("accounts:user_action", args=[a_resident.pk, "reactivate"]))
    a_resident.refresh_from_db()
    assert a_resident.is_active


def test_one_cannot_deactivate_oneself(client, street_a_staff):
    client.force_login(street_a_staff)
    response = client.post(
        reverse("accounts:user_action", args=[street_a_staff.pk, "deactivate"]), follow=True
    )
    assert "不能停用自己的账号" in response.content.decode()


def test_an_unknown_verb_is_404(client, street_a_staff, a_resident):
    client.force_login(street_a_staff)
    url = reverse("accounts:user_action", args=[a_resident.pk, "delete"])
    assert client.post(url).status_code == 404


def test_a_viewer_without_manage_permission_gets_a_message(client, community_a_worker, a_resident):
    client.force_login(community_a_worker)
    url = reverse("accounts:user_action", args=[a_resident.pk, "deactivate"])
    response = client.post(url, follow=True)
    assert "您当前的角色没有此操作的权限" in response.content.decode()
    a_resident.refresh_from_db()
    assert a_resident.is_active


def test_clear_lockout(client, street_a_staff, a_resident):
    for _ in range(5):
        client.post("/accounts/login/", {"username": a_resident.phone, "password": "x"})
    client.force_login(street_a_staff)
    detail = client.get(reverse("accounts:user", args=[a_resident.pk]))
    assert "登录已锁定" in detail.content.decode()
    url = reverse("accounts:user_action", args=[a_resident.pk, "clear_lockout"])
    response = client.post(url, follow=True)
    assert "已解除登录锁定" in response.content.decode()
    assert AuditEvent.objects.filter(verb=Verb.LOCKOUT_CLEARED).exists()


def test_grant_and_revoke_a_role(client, street_a_staff, a_resident, district):
    client.force_login(street_a_staff)
    response = client.post(
        reverse("accounts:user_grant", args=[a_resident.pk]),
        {"grant-role": "volunteer", "grant-region": district["community_a"].code},
        follow=True,
    )
    assert "已授予角色" in response.content.decode()
    added = a_resident.memberships.get(role="volunteer")
    response = client.post(
        reverse("accounts:user_revoke", args=[a_resident.pk, added.pk]), follow=True
    )
    assert "已撤销角色" in response.content.decode()
    assert not Membership.objects.filter(pk=added.pk).exists()


def test_grant_refuses_a_duplicate_next_to_the_field(
    client, street_a_staff, a_resident, district, department_a
):
    client.force_login(street_a_staff)
    data = {
        "grant-role": "department_handler",
        "grant-region": district["street_a"].code,
        "grant-department": department_a.pk,
    }
    client.post(reverse("accounts:user_grant", args=[a_resident.pk]), data)
    response = client.post(reverse("accounts:user_grant", args=[a_resident.pk]), data)
    assert response.status_code == 422
    assert "该用户在此区划已有这个角色" in " ".join(response.context["grant_form"].errors["role"])


def test_revoking_the_last_role_is_refused_with_a_message(client, street_a_staff, a_resident):
    client.force_login(street_a_staff)
    only = a_resident.memberships.get()
    response = client.post(
        reverse("accounts:user_revoke", args=[a_resident.pk, only.pk]), follow=True
    )
    assert "这是该用户唯一的角色" in response.content.decode()
    assert Membership.objects.filter(pk=only.pk).exists()


def test_grant_refuses_a_duplicate_role_without_a_department(client, street_a_staff, a_resident):
    client.force_login(street_a_staff)
    existing = a_resident.memberships.get()
    data = {"grant-role": existing.role, "grant-region": existing.region_id}
    response = client.post(reverse("accounts:user_grant", args=[a_resident.pk]), data)
    assert response.status_code == 422
    assert a_resident.memberships.count() == 1
