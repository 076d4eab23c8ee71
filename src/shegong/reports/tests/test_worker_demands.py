"""Issue 5 §5: a rider's demand (诉求) goes through the same closed loop, clock and rates —
its own category group, never a second workflow."""

from __future__ import annotations

import pytest

from shegong import testing
from shegong.accounts.models import Department
from shegong.reports.catalogue import WORKER_GROUP, seed_catalogue
from shegong.reports.choices import Status
from shegong.reports.models import Category, Report

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(district):
    departments = [
        Department.objects.create(code=code, name=name, region=district["district"])
        for code, name in [("rsj", "人社局"), ("jyj", "教育局"), ("cgj", "城管局"), ("wy", "物业")]
    ]
    seed_catalogue(departments)


def test_the_catalogue_has_the_workers_demand_group_routed_to_departments(catalogue):
    demands = Category.objects.filter(group=WORKER_GROUP)
    assert {c.name for c in demands} >= {"子女入学", "劳动纠纷", "车辆停放", "配送落脚", "权益保障"}
    assert all(c.rules.exists() for c in demands)


def test_the_demand_page_shows_only_the_demand_group(client, catalogue, rider):
    client.force_login(rider)
    html = client.get("/m/report/?group=" + WORKER_GROUP).content.decode()
    assert "劳动纠纷" in html and "子女入学" in html
    assert "井盖缺失或破损" not in html


def test_a_labour_dispute_needs_no_photo_and_goes_to_the_labour_bureau(client, catalogue, rider):
    client.force_login(rider)
    category = Category.objects.get(service_code="worker-labour-dispute")
    response = client.post("/m/report/", {
        "token": "3f6c1a52-8d2e-4c1b-9a57-0d7f1a2b3c4d", "category": category.service_code,
        "description": "配送站点扣了我三个月的绩效工资", "lat": testing.POINT_A[0],
        "lon": testing.POINT_A[1], f"a{category.pk}-employer": "某某配送站",
    })  # fmt: skip
    assert response.status_code in (302, 303), response.content.decode()[:500]
    report = Report.objects.get()
    assert report.category == category
    assert report.status == Status.TRANSFERRED and report.lead_department.code == "rsj"
    assert report.response_due_at is not None  # the same clock as every case
