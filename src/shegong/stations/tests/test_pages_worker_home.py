"""The worker's H5 pages: the home (/m/worker/), self-service edit and withdrawal of consent."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from shegong import testing
from shegong.core.audit import Verb
from shegong.core.models import AuditEvent
from shegong.core.perms import Role
from shegong.ledger.models import Organization
from shegong.reports.catalogue import WORKER_GROUP
from shegong.reports.models import Report
from shegong.stations.actions import care, visits
from shegong.stations.models import Distribution, Enrollment, Visit, Worker

from .visit_fixtures import station, worker

HOME = "/m/worker/"


@pytest.fixture
def rider(district):
    profile = worker(district["community_a"])
    profile.delivery_site = "美团东关站"
    profile.save(update_fields=["delivery_site"])
    return profile


@pytest.fixture
def account(rider):
    return rider.person.user


def _demand(account, region, name="劳动纠纷", status="transferred"):
    from shegong.reports.models import Category

    category = Category.objects.filter(name=name, group=WORKER_GROUP).first()
    if category is None:
        category = testing.report_category(
            code=f"worker-{Category.objects.count()}", name=name, group=WORKER_GROUP
        )
    return Report.objects.create(
        category=category, description="配送站点扣了绩效工资", region=region, reporter=account,
        status=status,
    )  # fmt: skip


def _batch(region, *, starts=-1, ends=300, name="2026年骑手意外险"):
    today = timezone.localdate()
    return care.create_insurance_batch(
        actor=None, name=name, insurer="某保险公司", policy_number="P-001", region=region,
        starts_on=today + timedelta(days=starts), ends_on=today + timedelta(days=ends),
    )  # fmt: skip


# --- the home -------------------------------------------------------------------------------


def test_home_is_at_m_worker_and_the_profile_moved(client, account):
    client.force_login(account)
    assert reverse("stations_m:worker") == HOME
    assert reverse("stations_m:worker_profile") == "/m/worker/profile/"
    body = client.get(HOME).content.decode()
    assert reverse("stations_m:worker_profile") in body and "我的档案" in body


def test_home_greets_by_the_riders_own_name_kind_and_platform(client, district, rider, account):
    rider.platform = Organization.objects.create(
        kind="platform", name="美团外卖", region=district["street_a"]
    )
    rider.save(update_fields=["platform"])
    client.force_login(account)
    body = client.get(HOME).content.decode()
    assert "您好，骑手小王" in body  # one's own name in full: masking is for others
    assert "快递员" in body and "美团外卖" in body and "美团东关站" in body
    assert 'id="home-covered"' not in body  # no cover: no badge


def test_home_empty_states(client, account):
    client.force_login(account)
    body = client.get(HOME).content.decode()
    assert 'id="visits-empty"' in body and 'id="demands-empty"' in body
    assert 'id="cover-empty"' in body and "还没有领取关爱物资" in body
    # Nearest stations: the page asks the browser; a link to all stations is the fallback.
    assert 'id="nearest-all"' in body and reverse("stations_m:m_nearest") in body
    assert f'data-api="{reverse("api:nearest")}"' in body and "data-limit=" in body
    assert f"{reverse('reports_m:report')}?group=%E6%96%B0" in body  # 反映诉求 → the group
    assert reverse("stations_m:my_care") in body
    assert reverse("stations_m:my_visits") in body


def test_home_shows_visits_demands_cover_and_benefits(client, district, rider, account):
    east = station("东关驿站", testing.POINT_A)
    west = station("西关驿站", testing.POINT_B)
    now = timezone.now()
    for n, where in enumerate([east, west, east, west]):
        visits.record_visit(where, worker=rider, actor=None, at=now - timedelta(hours=n))
    Visit.objects.create(station=east, worker=rider, at=now - timedelta(days=400))  # not shown
    first = _demand(account, district["grid_a"], "子女入学", status="closed")
    for name in ("劳动纠纷", "车辆停放", "配送落脚"):
        last = _demand(account, district["grid_a"], name)
    testing.report_category(code="road-damage")  # another group: not a demand
    Report.objects.create(
        category_id=testing.report_category(code="lamp", name="路灯不亮").pk,
        description="路灯坏了", region=district["grid_a"], reporter=account,
    )  # fmt: skip
    active = _batch(district["street_a"])
    expired = _batch(district["street_a"], starts=-400, ends=-30, name="2025年意外险")
    Enrollment.objects.create(batch=active, worker=rider)
    Enrollment.objects.create(batch=expired, worker=rider)
    campaign = care.create_campaign(
        actor=None, name="清凉新力量", benefit="防暑降温包", region=district["street_a"],
        starts_on=timezone.localdate(), ends_on=timezone.localdate(),
    )  # fmt: skip
    Distribution.objects.create(campaign=campaign, worker=rider, station=east)

    client.force_login(account)
    body = client.get(HOME).content.decode()
    month_start = timezone.localtime().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    this_month = Visit.objects.filter(worker=rider, at__gte=month_start).count()
    assert f'<span class="wh-num" id="visits-month">{this_month}</span>' in body
    assert body.count("东关驿站") + body.count("西关驿站") == 3  # the last three visits
    assert reverse("reports_m:my_detail", args=[last.pk]) in body
    assert reverse("reports_m:my_detail", args=[first.pk]) not in body  # the oldest of four
    assert "已派单" in body and "路灯不亮" not in body
    assert 'id="home-covered">保障中' in body
    assert "2026年骑手意外险" in body and "2025年意外险" not in body
    assert "已领取关爱物资 <strong>1</strong> 次" in body


def test_home_queries_stay_bounded(client, district, rider, account, django_assert_max_num_queries):
    east = station("东关驿站", testing.POINT_A)
    client.force_login(account)
    client.get(HOME)  # warm the session
    # Session, user, membership, then the profile and five reads for the sections; the shell's
    # bottom navigation adds three (the unread count, the rider's and the volunteer's entries).
    with django_assert_max_num_queries(13) as small:
        client.get(HOME)
    now = timezone.now()
    Visit.objects.bulk_create(
        [Visit(station=east, worker=rider, at=now - timedelta(hours=n)) for n in range(30)]
    )
    for _ in range(6):
        _demand(account, district["grid_a"])
    for n in range(4):
        Enrollment.objects.create(batch=_batch(district["street_a"], name=f"批次{n}"), worker=rider)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(HOME)
    assert response.status_code == 200


def test_home_of_someone_not_registered_goes_to_registration(client, district):
    resident = testing.user(Role.RESIDENT, district["community_a"], name="东关居民")
    client.force_login(resident)
    assert client.get(HOME)["Location"] == reverse("stations_m:worker_register")


# --- self-service edit ----------------------------------------------------------------------


def test_profile_links_to_edit_and_withdraw_and_says_where_to_fix_identity(client, account):
    client.force_login(account)
    body = client.get(reverse("stations_m:worker_profile")).content.decode()
    assert reverse("stations_m:worker_edit") in body
    assert reverse("stations_m:worker_withdraw") in body and "撤回同意并注销" in body
    assert "姓名、身份证号、手机号如需更正" in body
    assert "<dd>骑手小王</dd>" in body  # their own name in full


def test_worker_edits_own_work_details(client, district, rider, account):
    client.force_login(account)
    url = reverse("stations_m:worker_edit")
    body = client.get(url).content.decode()
    assert 'value="美团东关站"' in body and 'id="identity-note"' in body
    assert 'name="name"' not in body and 'name="id_number"' not in body
    response = client.post(url, {
        "kind": "delivery_rider", "delivery_site": "饿了么西关站", "party_member": "1",
        "region": district["community_b"].code,
    })  # fmt: skip
    assert response.status_code == 302
    assert response["Location"] == reverse("stations_m:worker_profile")
    rider.refresh_from_db()
    assert rider.kind == "delivery_rider" and rider.delivery_site == "饿了么西关站"
    assert rider.party_member and rider.region == district["community_b"]
    event = AuditEvent.objects.get(verb=Verb.WORKER_UPDATED)
    assert event.data["self_service"] is True and event.actor == account
    body = client.get(response["Location"]).content.decode()
    assert "已保存" in body and "饿了么西关站" in body


def test_bad_edit_shows_chinese_errors_and_changes_nothing(client, district, rider, account):
    client.force_login(account)
    response = client.post(reverse("stations_m:worker_edit"), {
        "kind": "employee", "delivery_site": "站" * 101, "region": "999999999999",
    })  # fmt: skip
    assert response.status_code == 422
    body = response.content.decode()
    assert "请选择从业类型" in body and "请选择所在街道或社区" in body and "不能超过 100 字" in body
    rider.refresh_from_db()
    assert rider.kind == "courier" and rider.delivery_site == "美团东关站"
    assert not AuditEvent.objects.filter(verb=Verb.WORKER_UPDATED).exists()


def test_edit_keeps_a_grid_region_choosable(client, district, rider, account):
    rider.region = district["grid_a"]
    rider.save(update_fields=["region"])
    client.force_login(account)
    body = client.get(reverse("stations_m:worker_edit")).content.decode()
    assert f'value="{district["grid_a"].code}" selected' in body


# --- withdrawal -----------------------------------------------------------------------------


def test_withdraw_confirmation_then_the_profile_is_anonymised(client, district, rider, account):
    client.force_login(account)
    url = reverse("stations_m:worker_withdraw")
    body = client.get(url).content.decode()
    assert "撤回同意后会怎样" in body and "以匿名方式保留" in body and "可以重新登记" in body
    assert "五、保存多久" in body and "六、您的权利" in body
    assert Worker.objects.live().count() == 1  # GET changes nothing

    response = client.post(url, {"reason": "不再跑外卖"})
    assert response.status_code == 302 and response["Location"] == reverse("mobile_home")
    rider.refresh_from_db()
    assert rider.person is None and rider.delivery_site == "" and rider.withdrawn_at
    event = AuditEvent.objects.get(verb=Verb.WORKER_WITHDRAWN)
    assert event.data == {"self_service": True, "reason": "不再跑外卖"}
    body = client.get(reverse("mobile_home")).content.decode()
    assert "已撤回同意，您的新就业群体登记已注销" in body
    assert "新就业群体登记" in body and reverse("stations_m:worker_register") in body
    assert client.get(HOME)["Location"] == reverse("stations_m:worker_register")
    assert client.get(reverse("stations_m:my_care")).status_code == 200


def test_withdrawn_workers_care_rows_show_as_anonymous_to_staff(
    client, district, rider, account, street_a_staff
):
    east = station("东关驿站", testing.POINT_A)
    campaign = care.create_campaign(
        actor=None, name="清凉新力量", benefit="防暑降温包", region=district["street_a"],
        starts_on=timezone.localdate(), ends_on=timezone.localdate(),
    )  # fmt: skip
    care.set_stock(campaign, east, 3, actor=None)
    care.give_benefit(campaign, worker=rider, station=east, actor=None)
    batch = _batch(district["street_a"])
    care.enroll_workers(batch, [rider], actor=None)
    client.force_login(account)
    client.post(reverse("stations_m:worker_withdraw"))
    client.force_login(street_a_staff)
    body = client.get(reverse("stations:campaign", args=[campaign.pk])).content.decode()
    assert "已注销" in body  # the benefit still counts, without a name
    response = client.get(reverse("stations:insurance_export", args=[batch.pk]))
    assert response.status_code == 200 and response["X-Export-Rows"] == "0"
    body = client.get(reverse("stations:insurance_batch", args=[batch.pk])).content.decode()
    assert "骑***" not in body
