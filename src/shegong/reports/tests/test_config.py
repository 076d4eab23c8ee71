"""Configuration of the closed loop: categories with their questions, routing rules, templates —
the actions and the pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shegong import testing
from shegong.accounts.models import Department
from shegong.core.audit import Verb
from shegong.core.errors import InvalidInput, NotFound, NotPermitted
from shegong.core.models import AuditEvent
from shegong.core.perms import Role
from shegong.reports.actions.categories import save_category, set_category_active
from shegong.reports.actions.routing import delete_routing_rule, save_routing_rule
from shegong.reports.actions.templates import save_template
from shegong.reports.choices import AttributeType, Status
from shegong.reports.models import Category, ResponseTemplate, RoutingRule

pytestmark = pytest.mark.django_db

VENDING = {
    "service_code": "street-vending",
    "name": "占道经营",
    "group": "市容环境",
    "description": "流动摊贩占道",
    "keywords": "摆摊,摊贩",
    "response_hours": 24,
    "resolution_limit": 3,
    "resolution_unit": "workdays",
    "public_may_reopen": True,
    "anonymous_allowed": True,
    "is_active": True,
    "attributes": [
        {
            "code": "affects_traffic",
            "datatype": "singlevaluelist",
            "description": "是否影响通行",
            "required": True,
            "values": [{"key": "yes", "name": "是"}, {"key": "no", "name": "否"}],
        }
    ],
}


def form_data(**changes):
    """The category form as a browser posts it, with one question row and one blank row."""
    data = {
        "service_code": "street-vending",
        "name": "占道经营",
        "group": "市容环境",
        "description": "",
        "keywords": "摆摊",
        "notice": "",
        "response_hours": "24",
        "resolution_limit": "3",
        "resolution_unit": "workdays",
        "public_may_reopen": "on",
        "anonymous_allowed": "on",
        "is_active": "on",
        "order": "0",
        "attr-TOTAL_FORMS": "2",
        "attr-INITIAL_FORMS": "0",
        "attr-MIN_NUM_FORMS": "0",
        "attr-MAX_NUM_FORMS": "1000",
        "attr-0-code": "affects_traffic",
        "attr-0-datatype": "singlevaluelist",
        "attr-0-description": "是否影响通行",
        "attr-0-required": "on",
        "attr-0-values": "yes=是\r\nno=否",
        "attr-1-code": "",
        "attr-1-datatype": "string",
        "attr-1-description": "",
        "attr-1-values": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def street_admin(district):
    """A district-admin role held for street A only: the outsider for street B's routing."""
    return testing.user(Role.DISTRICT_ADMIN, district["street_a"], name="东城管理员")


@pytest.fixture
def office_b(district):
    street_b = district["street_b"]
    return Department.objects.create(code="xc-jd", name="西城街道办事处", region=street_b)


# --- categories: the action -------------------------------------------------------------------


def test_an_admin_creates_a_category_with_a_single_choice_question(district_admin):
    category = save_category(None, actor=district_admin, data=VENDING)
    assert category.service_code == "street-vending" and category.resolution_limit == 3
    [question] = category.attributes
    assert question["datatype"] == AttributeType.SINGLE and question["order"] == 1
    assert question["values"] == [{"key": "yes", "name": "是"}, {"key": "no", "name": "否"}]
    entry = AuditEvent.objects.get(verb=Verb.CATEGORY_SAVED)
    assert entry.target_id == str(category.pk) and entry.data["created"] is True


def test_a_category_may_publish_the_exact_spot(district_admin):
    category = save_category(None, actor=district_admin, data=VENDING)
    assert category.public_exact_location is False  # ~100 m by default
    category = save_category(
        category, actor=district_admin, data={**VENDING, "public_exact_location": True}
    )
    assert category.public_exact_location is True


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        ({"values": []}, "attributes.0.values", "第1题：单选、多选题须列出选项"),
        ({"code": "影响"}, "attributes.0.code", "第1题：编码只能用英文字母"),
        ({"description": ""}, "attributes.0.description", "第1题：请填写问题"),
        ({"datatype": "colour"}, "attributes.0.datatype", "第1题：请选择题型"),
        ({"values": [{"key": "yes", "name": ""}]}, "attributes.0.values", "每个选项都要有"),
        (
            {"values": [{"key": "a", "name": "是"}, {"key": "a", "name": "否"}]},
            "attributes.0.values",
            "选项编码不能重复",
        ),
    ],
)
def test_a_wrong_question_is_refused_naming_its_row(district_admin, row, field, message):
    data = {**VENDING, "attributes": [{**VENDING["attributes"][0], **row}]}
    with pytest.raises(InvalidInput) as caught:
        save_category(None, actor=district_admin, data=data)
    assert any(e["field"] == field and message in e["message"] for e in caught.value.errors)
    assert not Category.objects.exists()
    assert not AuditEvent.objects.filter(verb=Verb.CATEGORY_SAVED).exists()


def test_two_questions_with_one_code_are_refused(district_admin):
    question = VENDING["attributes"][0]
    with pytest.raises(InvalidInput) as caught:
        save_category(
            None, actor=district_admin, data={**VENDING, "attributes": [question, question]}
        )
    assert caught.value.errors[0]["field"] == "attributes.1.code"
    assert "与第1题重复" in caught.value.errors[0]["message"]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"service_code": "占道"}, "service_code", "类别编码只能用小写英文字母"),
        ({"service_code": "Street"}, "service_code", "类别编码只能用小写英文字母"),
        ({"name": ""}, "name", "请填写名称"),
        ({"response_hours": 0}, "response_hours", "响应时限应在1到720之间"),
        ({"resolution_unit": "weeks"}, "resolution_unit", "请选择办理时限单位"),
    ],
)
def test_bad_category_fields_are_refused_in_chinese(district_admin, changes, field, message):
    with pytest.raises(InvalidInput) as caught:
        save_category(None, actor=district_admin, data={**VENDING, **changes})
    assert {"field": field, "message": message} in [
        {"field": e["field"], "message": e["message"][: len(message)]} for e in caught.value.errors
    ]
    assert not Category.objects.exists()


def test_a_service_code_is_unique_and_never_changes(district_admin):
    category = save_category(None, actor=district_admin, data=VENDING)
    with pytest.raises(InvalidInput, match="已被其他类别使用"):
        save_category(None, actor=district_admin, data={**VENDING, "name": "新"})
    with pytest.raises(InvalidInput, match="创建后不能修改"):
        save_category(category, actor=district_admin, data={**VENDING, "service_code": "vending"})
    saved = save_category(category, actor=district_admin, data={**VENDING, "response_hours": 12})
    assert saved.service_code == "street-vending" and saved.response_hours == 12
    assert AuditEvent.objects.filter(verb=Verb.CATEGORY_SAVED).count() == 2


def test_saving_without_a_change_writes_no_audit_entry(district_admin):
    category = save_category(None, actor=district_admin, data=VENDING)
    save_category(category, actor=district_admin, data=VENDING)
    assert AuditEvent.objects.filter(verb=Verb.CATEGORY_SAVED).count() == 1


def test_a_category_is_deactivated_not_deleted(district_admin, category):
    set_category_active(category, actor=district_admin, active=False)
    category.refresh_from_db()
    assert not category.is_active
    assert AuditEvent.objects.filter(verb=Verb.CATEGORY_SAVED, data__active=False).exists()


@pytest.mark.parametrize("persona", ["street_a_staff", "handler", "dispatcher"])
def test_only_a_configurer_changes_the_catalogue(request, persona, category):
    user = request.getfixturevalue(persona)
    with pytest.raises(NotPermitted):
        save_category(None, actor=user, data=VENDING)
    with pytest.raises(NotPermitted):
        set_category_active(category, actor=user, active=False)
    assert Category.objects.count() == 1


# --- routing rules: the action ---------------------------------------------------------------


def test_a_rule_routes_a_category_in_a_region_and_saving_again_changes_its_department(
    district, district_admin, unrouted_category, department_a, department_b
):
    rule = save_routing_rule(
        actor=district_admin,
        category=unrouted_category,
        region=district["street_a"],
        department=department_a,
    )
    again = save_routing_rule(
        actor=district_admin,
        category=unrouted_category,
        region=district["street_a"],
        department=department_b,
    )
    assert again.pk == rule.pk and again.department == department_b
    assert RoutingRule.objects.count() == 1
    entries = AuditEvent.objects.filter(verb=Verb.ROUTING_RULE_SAVED).order_by("id")
    assert [e.data["previous"] for e in entries] == [None, "cgj"]
    assert entries[0].region_id == district["street_a"].code


def test_a_rule_outside_the_scope_or_the_departments_region_is_refused(
    district, street_admin, district_admin, unrouted_category, department_a, office_b
):
    with pytest.raises(InvalidInput, match="不在您的工作范围内"):
        save_routing_rule(
            actor=street_admin,
            category=unrouted_category,
            region=district["street_b"],
            department=department_a,
        )
    with pytest.raises(InvalidInput, match="不能承办东城街道的工单"):
        save_routing_rule(
            actor=district_admin,
            category=unrouted_category,
            region=district["street_a"],
            department=office_b,
        )
    department_a.is_active = False
    department_a.save()
    with pytest.raises(InvalidInput, match="已停用"):
        save_routing_rule(
            actor=district_admin,
            category=unrouted_category,
            region=district["street_a"],
            department=department_a,
        )
    assert not RoutingRule.objects.exists()


def test_deleting_a_rule_sends_the_cases_to_the_wider_rule(
    district, district_admin, category, department_b
):
    street = save_routing_rule(
        actor=district_admin, category=category, region=district["street_a"],
        department=department_b,
    )  # fmt: skip
    from shegong.reports.queries import route

    assert route(category, district["grid_a"].code) == department_b
    delete_routing_rule(street, actor=district_admin)
    assert route(category, district["grid_a"].code).code == "cgj"
    entry = AuditEvent.objects.get(verb=Verb.ROUTING_RULE_DELETED)
    assert entry.data == {
        "category": "road-damage",
        "region": "341271001000",
        "department": "scjgj",
    }


def test_an_admin_of_one_street_cannot_delete_another_streets_rule(
    district, street_admin, category, office_b
):
    rule = testing.routing_rule(category, district["street_b"], office_b)
    with pytest.raises(NotFound):
        delete_routing_rule(rule, actor=street_admin)
    assert RoutingRule.objects.filter(pk=rule.pk).exists()


# --- templates: the action -------------------------------------------------------------------


def test_a_template_placeholder_is_normalised(district_admin, category):
    template = save_template(
        None, actor=district_admin, category=category, status=Status.TRANSFERRED,
        title="受理告知", text="编号{{number}}已转{{ department }}", auto=True,
    )  # fmt: skip
    assert template.text == "编号{{ number }}已转{{ department }}"
    assert AuditEvent.objects.filter(verb=Verb.TEMPLATE_SAVED, target_id=str(template.pk)).exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"text": "编号{{ phone }}"}, "text", "未知的占位符：phone"),
        ({"text": "编号{{ number }"}, "text", "花括号不成对"),
        ({"title": ""}, "title", "请填写名称"),
        ({"status": Status.RESOLVED, "auto": True}, "auto", "目前只有「已派单」时会自动发送"),
        ({"status": "nope"}, "status", "请选择适用状态"),
    ],
)
def test_a_bad_template_is_refused(district_admin, category, changes, field, message):
    values = {"category": category, "status": Status.TRANSFERRED, "title": "告知",
              "text": "已收到", "auto": False, **changes}  # fmt: skip
    with pytest.raises(InvalidInput) as caught:
        save_template(None, actor=district_admin, **values)
    assert any(e["field"] == field and message in e["message"] for e in caught.value.errors)
    assert not ResponseTemplate.objects.exists()


def test_a_category_has_at_most_one_automatic_reply_per_status(district_admin, category):
    values = {"category": category, "status": Status.TRANSFERRED, "text": "已转", "auto": True}
    save_template(None, actor=district_admin, title="一", **values)
    with pytest.raises(InvalidInput, match="已有自动回复「一」"):
        save_template(None, actor=district_admin, title="二", **values)
    # the district-wide one is another scope: allowed
    save_template(None, actor=district_admin, title="通用", **{**values, "category": None})
    assert ResponseTemplate.objects.count() == 2


# --- the pages ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["reports:categories", "reports:category_new", "reports:routing", "reports:templates",
             "reports:template_new"],
)  # fmt: skip
def test_the_configuration_pages_need_the_configure_permission(
    client, street_a_staff, handler, district_admin, superuser, name
):
    for user, status in [(street_a_staff, 403), (handler, 403), (district_admin, 200),
                         (superuser, 200)]:  # fmt: skip
        client.force_login(user)
        assert client.get(reverse(name)).status_code == status, user


def test_the_category_list_shows_clocks_flags_and_the_routed_department(
    client, district_admin, category, django_assert_max_num_queries
):
    for n in range(5):
        testing.report_category(f"extra-{n}", f"附加类别{n}")
    client.force_login(district_admin)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("reports:categories"))
    html = response.content.decode()
    assert "道路破损" in html and "24小时" in html and "5工作日" in html
    # The English code is no column of its own: a tooltip on the Chinese name, clearly labelled.
    assert "<code>road-damage</code>" not in html and "<th>编码</th>" not in html
    assert 'title="类别编码（Open311 接口）：road-damage">道路破损</a>' in html
    assert "城管局" in html  # the district rule
    assert "附加类别4" in html
    found = client.get(reverse("reports:categories") + "?q=附加类别1").content.decode()
    assert "附加类别1</a>" in found and "附加类别2" not in found and "道路破损" not in found


def test_an_admin_adds_a_category_with_a_question_on_the_page(client, district_admin):
    client.force_login(district_admin)
    response = client.post(reverse("reports:category_new"), form_data(order=""))
    assert response.status_code == 302
    category = Category.objects.get(service_code="street-vending")
    assert category.order == 0  # left empty
    assert category.attributes[0]["description"] == "是否影响通行"
    assert [v["name"] for v in category.attributes[0]["values"]] == ["是", "否"]
    assert len(category.attributes) == 1  # the blank row is no question
    assert "已新增问题类别「占道经营」" in client.get(response.url).content.decode()


def test_a_wrong_question_on_the_page_shows_the_reason_beside_its_row(client, district_admin):
    client.force_login(district_admin)
    response = client.post(reverse("reports:category_new"), form_data(**{"attr-0-values": ""}))
    assert response.status_code == 422
    assert "第1题：单选、多选题须列出选项" in response.content.decode()
    assert not Category.objects.exists()


def test_bad_fields_on_the_page_are_shown_in_chinese(client, district_admin):
    client.force_login(district_admin)
    response = client.post(
        reverse("reports:category_new"), form_data(service_code="占道", response_hours="abc")
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "响应时限（小时）应为整数" in html
    assert not Category.objects.exists()
    response = client.post(reverse("reports:category_new"), form_data(service_code="Bad Code"))
    assert "类别编码只能用小写英文字母" in response.content.decode()


def test_another_question_row_is_added_without_saving(client, district_admin):
    client.force_login(district_admin)
    response = client.post(reverse("reports:category_new"), form_data(add_row="1"))
    assert response.status_code == 200
    assert 'name="attr-2-code"' in response.content.decode()
    assert not Category.objects.exists()


def test_editing_keeps_the_code_and_shows_the_questions_as_lines(client, district_admin):
    category = save_category(None, actor=district_admin, data=VENDING)
    client.force_login(district_admin)
    url = reverse("reports:category_edit", args=[category.pk])
    html = client.get(url).content.decode()
    assert "yes=是\nno=否" in html and "disabled" in html
    data = form_data(
        service_code="hacked", name="占道经营（含店外经营）", **{"attr-INITIAL_FORMS": "1"}
    )
    assert client.post(url, data).status_code == 302
    category.refresh_from_db()
    assert category.service_code == "street-vending" and category.name == "占道经营（含店外经营）"


def test_a_question_is_removed_with_its_delete_box(client, district_admin):
    category = save_category(None, actor=district_admin, data=VENDING)
    client.force_login(district_admin)
    url = reverse("reports:category_edit", args=[category.pk])
    client.post(url, form_data(**{"attr-INITIAL_FORMS": "1", "attr-0-DELETE": "on"}))
    category.refresh_from_db()
    assert category.attributes == []


def test_a_category_is_deactivated_on_the_list(client, district_admin, category):
    client.force_login(district_admin)
    response = client.post(reverse("reports:category_active", args=[category.pk]), {"active": "0"})
    assert response.status_code == 302
    category.refresh_from_db()
    assert not category.is_active


def test_a_missing_category_is_404(client, district_admin):
    client.force_login(district_admin)
    assert client.get(reverse("reports:category_edit", args=[999999])).status_code == 404


def test_the_routing_page_adds_a_rule_and_explains_where_a_case_goes(
    client, district, district_admin, category, department_b
):
    client.force_login(district_admin)
    html = client.get(reverse("reports:routing")).content.decode()
    assert "更具体的区划优先，没有规则的进入区派单中心" in html
    response = client.post(
        reverse("reports:routing"),
        {"category": category.pk, "region": district["street_a"].code,
         "department": department_b.pk},
    )  # fmt: skip
    assert response.status_code == 302
    assert RoutingRule.objects.filter(region=district["street_a"], department=department_b).exists()
    check = reverse("reports:routing") + (
        f"?check-category={category.pk}&check-region={district['grid_a'].code}"
    )
    html = client.get(check).content.decode()
    assert "将派至<strong>市场监管局</strong>（规则：东城街道 → 市场监管局）" in html
    check = check.replace(district["grid_a"].code, district["grid_b"].code)
    html = client.get(check).content.decode()
    assert "将派至<strong>城管局</strong>（规则：示范区 → 城管局）" in html


def test_a_category_without_a_rule_is_explained_as_going_to_the_dispatch_desk(
    client, district, district_admin, unrouted_category
):
    client.force_login(district_admin)
    check = reverse("reports:routing") + (
        f"?check-category={unrouted_category.pk}&check-region={district['grid_a'].code}"
    )
    html = client.get(check).content.decode()
    assert "没有适用的规则，工单进入<strong>区派单中心</strong>" in html


def test_a_rule_for_another_department_region_is_refused_on_the_page(
    client, district, district_admin, category, office_b
):
    client.force_login(district_admin)
    response = client.post(
        reverse("reports:routing"),
        {"category": category.pk, "region": district["street_a"].code, "department": office_b.pk},
    )
    assert response.status_code == 422
    assert "「西城街道办事处」负责西城街道，不能承办东城街道的工单" in response.content.decode()
    assert RoutingRule.objects.count() == 1


def test_a_street_admin_sees_and_deletes_only_the_rules_of_the_street(
    client, district, street_admin, category, office_b
):
    rule_b = testing.routing_rule(category, district["street_b"], office_b)
    client.force_login(street_admin)
    html = client.get(reverse("reports:routing")).content.decode()
    assert "西城街道办事处" not in html  # neither the rule nor the department to choose
    assert f'value="{district["street_b"].code}"' not in html
    response = client.post(reverse("reports:routing_delete", args=[rule_b.pk]))
    assert response.status_code == 404
    assert RoutingRule.objects.filter(pk=rule_b.pk).exists()
    response = client.post(
        reverse("reports:routing"),
        {"category": category.pk, "region": district["street_b"].code, "department": office_b.pk},
    )
    assert response.status_code == 422
    assert "所选区划不在您的工作范围内" in response.content.decode()


def test_a_rule_is_deleted_on_the_page(client, district, district_admin, category):
    client.force_login(district_admin)
    rule = category.rules.get()
    response = client.post(reverse("reports:routing_delete", args=[rule.pk]))
    assert response.status_code == 302
    assert not RoutingRule.objects.exists()
    assert client.get(reverse("reports:routing_delete", args=[rule.pk])).status_code == 405


def test_templates_are_added_edited_and_listed(client, district_admin, category):
    client.force_login(district_admin)
    response = client.post(
        reverse("reports:template_new"),
        {"category": "", "status": "transferred", "title": "派单告知",
         "text": "编号{{number}}已转{{ department }}", "auto": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    template = ResponseTemplate.objects.get()
    assert template.category is None and template.auto
    url = reverse("reports:template_edit", args=[template.pk])
    response = client.post(
        url, {"category": category.pk, "status": "resolved", "title": "办结", "text": "已处理"}
    )
    assert response.status_code == 302
    template.refresh_from_db()
    assert (template.category, template.status, template.auto) == (category, "resolved", False)
    html = client.get(reverse("reports:templates")).content.decode()
    assert "办结" in html and "已办理" in html and "道路破损" in html


def test_a_bad_template_on_the_page_is_shown_and_not_saved(client, district_admin):
    client.force_login(district_admin)
    response = client.post(
        reverse("reports:template_new"),
        {"status": "resolved", "title": "办结", "text": "{{ phone }}", "auto": "on"},
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "未知的占位符：phone" in html and "目前只有「已派单」时会自动发送" in html
    assert not ResponseTemplate.objects.exists()
    assert client.get(reverse("reports:template_edit", args=[999])).status_code == 404
