"""The seeded catalogue: realistic categories with clocks and questions, routed to departments."""

from __future__ import annotations

import re

import pytest

from shegong import testing
from shegong.accounts.models import Department
from shegong.core.audit import Verb
from shegong.core.models import AuditEvent
from shegong.reports.actions.reports import submit_report
from shegong.reports.catalogue import AUTO_ACK, CATALOGUE, seed_catalogue
from shegong.reports.choices import AttributeType, EventKind, LimitUnit, Status
from shegong.reports.models import Category, ResponseTemplate, RoutingRule
from shegong.reports.queries import route
from shegong.reports.schemas import attribute_defs

pytestmark = pytest.mark.django_db

DEPARTMENTS = [
    ("cgj", "城管局"), ("scjg", "市场监管局"), ("zjj", "住建局"), ("jj", "交警大队"),
    ("yjj", "应急管理局"), ("rsj", "人社局"), ("jyj", "教育局"), ("wy", "物业服务中心"),
]  # fmt: skip


@pytest.fixture
def departments(district, department_a):
    """The demo's departments (城管局 is the root conftest's ``department_a``)."""
    found = {"cgj": department_a}
    for code, name in DEPARTMENTS[1:]:
        found[code] = Department.objects.create(code=code, name=name, region=district["district"])
    return found


def category(code):
    return Category.objects.get(service_code=code)


def test_the_catalogue_has_twenty_categories_in_the_groups_of_the_issue(departments):
    seed_catalogue(departments)
    assert Category.objects.count() == len(CATALOGUE) >= 20
    groups = set(Category.objects.values_list("group", flat=True))
    assert {"市容环境", "交通秩序", "安全隐患", "公共设施", "消防通道"} <= groups
    assert {"非机动车停放", "民生诉求"} <= groups
    for row in Category.objects.all():
        assert re.fullmatch(r"[a-z0-9][a-z0-9_-]*", row.service_code), row.service_code
        assert row.name and row.description and row.keyword_list
        attribute_defs(row.attributes)  # every question parses
        assert 1 <= row.response_hours <= 24


def test_danger_is_urgent_and_livelihood_cases_get_seven_working_days(departments):
    seed_catalogue(departments)
    fire = category("fire-lane-blocked")
    assert fire.urgent and fire.response_hours == 2
    assert (fire.resolution_limit, fire.resolution_unit) == (1, LimitUnit.WORKDAYS)
    assert category("manhole-cover").urgent
    for row in Category.objects.filter(group="民生诉求"):
        assert (row.resolution_limit, row.resolution_unit) == (7, LimitUnit.WORKDAYS), row
    ordinary = category("street-vending")
    assert not ordinary.urgent and ordinary.response_hours == 24


def test_the_questions_of_the_issue_are_single_choices(departments):
    seed_catalogue(departments)
    [vending] = attribute_defs(category("street-vending").attributes)
    assert vending.datatype == AttributeType.SINGLE and vending.description == "是否影响通行"
    manhole = attribute_defs(category("manhole-cover").attributes)[0]
    assert manhole.required and [v.name for v in manhole.values] == ["车行道", "人行道"]


def test_the_rules_of_each_category_make_sense(departments):
    seed_catalogue(departments)
    assert not category("wage-arrears").anonymous_allowed  # the department must call back
    assert not category("illegal-parking").public_may_reopen  # the car has long gone
    assert category("hotline").staff_only
    assert not category("street-vending").staff_only


def test_categories_are_routed_to_their_departments_for_the_district(district, departments):
    seed_catalogue(departments)
    grid = district["grid_b"].code
    assert route(category("street-vending"), grid) == departments["cgj"]
    assert route(category("illegal-parking"), grid) == departments["jj"]
    assert route(category("wage-arrears"), grid) == departments["rsj"]
    assert route(category("other"), grid) is None  # the dispatch desk decides
    assert set(RoutingRule.objects.values_list("region_id", flat=True)) == {
        district["district"].code
    }


def test_a_missing_department_leaves_its_categories_at_the_dispatch_desk(district, department_a):
    seed_catalogue({"cgj": department_a})
    assert route(category("street-vending"), district["grid_a"].code) == department_a
    assert not RoutingRule.objects.filter(category__service_code="wage-arrears").exists()


def test_seeding_twice_changes_nothing(departments):
    first = seed_catalogue(departments)
    counts = (Category.objects.count(), RoutingRule.objects.count(), AuditEvent.objects.count())
    second = seed_catalogue(departments)
    assert first.created > 0 and second.created == 0 and second.updated == 0
    assert counts == (
        Category.objects.count(),
        RoutingRule.objects.count(),
        AuditEvent.objects.count(),
    )
    assert AuditEvent.objects.filter(verb=Verb.CATEGORY_SAVED).count() == len(CATALOGUE)


def test_seeding_again_restores_the_catalogue_but_keeps_the_districts_routing(
    district, departments
):
    seed_catalogue(departments)
    vending = category("street-vending")
    vending.response_hours = 48
    vending.save()
    rule = RoutingRule.objects.get(category=vending)
    rule.department = departments["scjg"]
    rule.save()
    result = seed_catalogue(departments)
    assert result.updated == 1
    assert category("street-vending").response_hours == 24
    assert RoutingRule.objects.get(category=vending).department == departments["scjg"]


def test_a_transfer_is_acknowledged_with_the_seeded_reply(district, departments, rider):
    seed_catalogue(departments)
    assert ResponseTemplate.objects.filter(auto=True, category=None, text=AUTO_ACK).exists()
    report = submit_report(
        actor=rider,
        category=category("garbage-overflow"),
        description="垃圾桶满了",
        lat=testing.POINT_A[0],
        lon=testing.POINT_A[1],
    )
    assert report.status == Status.TRANSFERRED
    note = report.events.get(kind=EventKind.NOTE, data__auto=True)
    assert note.actor_label == "城管局"
    due = r"\d{4}-\d\d-\d\d \d\d:\d\d"
    expected = f"您反映的问题（编号{report.number}）已转城管局办理，将于{due}前响应。"
    assert re.fullmatch(expected, note.note)


def test_the_fire_lane_category_has_its_own_urgent_acknowledgement(district, departments, rider):
    seed_catalogue(departments)
    report = submit_report(
        actor=rider,
        category=category("fire-lane-blocked"),
        description="消防通道被占",
        lat=testing.POINT_A[0],
        lon=testing.POINT_A[1],
        attributes={"blocker": "car"},
    )
    note = report.events.get(kind=EventKind.NOTE, data__auto=True)
    assert "紧急转应急管理局" in note.note and "119" in note.note
