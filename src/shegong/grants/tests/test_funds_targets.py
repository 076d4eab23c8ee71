"""The spending target picker (支出去向): the candidates a fund may pay — grant projects signed or
under way, open action items, active standing services, all of the fund's community — on
hand-built rows; the action refusing another community's or a closed one; the page's selects
and the spending they create; ``GET /api/v1/grants/funds/{id}/targets``."""

from __future__ import annotations

import json
from datetime import time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from shegong import testing
from shegong.core.demo import fake_name
from shegong.core.errors import InvalidInput
from shegong.grants.actions import spending
from shegong.grants.models import Application, Project, Spending
from shegong.grants.queries.targets import spending_targets
from shegong.grants.tests.calls_fixtures import open_call

pytestmark = pytest.mark.django_db
BASE = "/api/v1/grants"


@pytest.fixture
def fund(district):
    return testing.community_fund(district["community_a"], balance="5000")


def _project(call, org, region, title, status, days_ago=0):
    app = Application.objects.create(
        call=call, social_org=org, region=region, title=title, category="为老服务",
        summary="上门探访", beneficiaries="独居老人", amount="10000", self_funded="0",
        status="funded",
    )  # fmt: skip
    return Project.objects.create(
        application=app, call=call, social_org=org, region=region, title=title, amount="10000",
        status=status, decided_at=timezone.now() - timedelta(days=days_ago),
    )  # fmt: skip


def _action(region, title, status):
    from shegong.deliberation.models import ActionItem, TopicCategory

    testing.deliberation_categories()
    return ActionItem.objects.create(
        region=region, category=TopicCategory.objects.get(code="elevator"), title=title,
        owner_kind="person", owner_name="社区居委会", status=status,
        due_on=timezone.localdate() + timedelta(days=30),
    )  # fmt: skip


def _standing(region, title, status):
    from shegong.ledger.models import Person
    from shegong.matching.models import Category, StandingOrder

    testing.match_catalogue()
    person = Person.objects.create(
        name=fake_name(len(title)), id_number=testing.id_number("19400101"), region=region
    )
    return StandingOrder.objects.create(
        region=region, category=Category.objects.get(code="meals"), beneficiary=person,
        title=title, weekdays=[1, 3, 5], at_time=time(11, 30), status=status,
        starts_on=timezone.localdate() - timedelta(days=10),
    )  # fmt: skip


@pytest.fixture
def rows(district, social_org):
    a, b = district["community_a"], district["community_b"]
    call = open_call(None, district)
    return {
        "signed": _project(call, social_org, a, "银龄守望", "signed", days_ago=5),
        "running": _project(call, social_org, a, "童心驿站", "in_progress", days_ago=1),
        "closed": _project(call, social_org, a, "已结项目", "completed"),
        "publicizing": _project(call, social_org, a, "公示中项目", "publicizing"),
        "west": _project(call, social_org, b, "西关项目", "in_progress"),
        "action": _action(a, "加装电梯", "in_progress"),
        "action_done": _action(a, "已落实实事", "done"),
        "action_west": _action(b, "西关实事", "planned"),
        "standing": _standing(district["grid_a"], "午餐送餐", "active"),
        "standing_ended": _standing(a, "已结束服务", "ended"),
        "standing_west": _standing(b, "西关送餐", "active"),
    }


def test_candidates_of_the_fund_community_in_a_payable_state(fund, rows):
    projects = spending_targets(fund, "project")
    assert [c.id for c in projects] == [rows["running"].pk, rows["signed"].pk]
    assert "童心驿站（实施中，东关为老服务中心" in projects[0].label
    assert spending_targets(fund, "grant") == projects
    actions = spending_targets(fund, "action_item")
    assert [c.id for c in actions] == [rows["action"].pk]
    assert "加装电梯（推进中，责任方：社区居委会" in actions[0].label
    standing = spending_targets(fund, "standing_order")
    assert [c.id for c in standing] == [rows["standing"].pk]
    assert standing[0].label.startswith("午餐送餐（服务中，")
    assert rows["standing"].beneficiary.name not in standing[0].label
    assert spending_targets(fund, "other") == [] and spending_targets(fund, "x") == []


def _request(fund, **target):
    return spending.request_spending(
        None, fund, title="助老餐", purpose="高龄老人助餐", amount_value="100", **target
    )


@pytest.mark.parametrize(
    ("target", "field", "key", "message"),
    [
        ("grant", "project", "west", "不在本基金所在社区"),
        ("grant", "project", "closed", "已结项，不能作为支出去向"),
        ("grant", "project", "publicizing", "公示中，不能作为支出去向"),
        ("action_item", "action_item", "action_west", "不在本基金所在社区"),
        ("action_item", "action_item", "action_done", "已落实，不能作为支出去向"),
        ("standing_order", "standing_order", "standing_west", "不在本基金所在社区"),
        ("standing_order", "standing_order", "standing_ended", "已结束，不能作为支出去向"),
    ],
)
def test_the_action_refuses_another_community_or_a_closed_one(
    fund, rows, target, field, key, message
):
    with pytest.raises(InvalidInput) as caught:
        _request(fund, target=target, **{field: rows[key].pk})
    error = caught.value.errors[0]
    assert error["field"] == field and message in error["message"]
    assert not Spending.objects.exists()


def test_the_action_refuses_a_missing_or_empty_choice(fund, rows):
    for value, message in ((None, "请选择本社区的公益创投项目"), (999999, "未找到该公益创投项目")):
        with pytest.raises(InvalidInput) as caught:
            _request(fund, target="grant", project=value)
        assert message in caught.value.errors[0]["message"]
    assert not Spending.objects.exists()


def test_the_action_links_an_offered_candidate(fund, rows):
    s = _request(fund, target="grant", project=rows["signed"].pk)
    assert s.project_id == rows["signed"].pk
    s = _request(fund, target="standing_order", standing_order=str(rows["standing"].pk))
    assert s.standing_order_id == rows["standing"].pk


def test_the_page_offers_the_candidates_and_the_chosen_one_is_linked(
    client, fund, rows, community_a_worker
):
    client.force_login(community_a_worker)
    page = client.get(reverse("grants:fund", args=[fund.pk])).content.decode()
    assert 'data-target-kind="grant"' in page and "grants/spend_target" in page
    assert f'<option value="{rows["signed"].pk}">银龄守望（已签约' in page
    assert "西关项目" not in page and "已结项目" not in page and "西关送餐" not in page
    assert "公益创投项目编号" not in page
    r = client.post(reverse("grants:fund_act", args=[fund.pk, "spend"]), {
        "spend-title": "助老餐", "spend-purpose": "高龄老人助餐", "spend-target": "grant",
        "spend-project": str(rows["running"].pk), "spend-amount": "600",
        "spend-beneficiaries": "30",
    })  # fmt: skip
    assert r.status_code == 302
    s = Spending.objects.get()
    assert s.target == "grant" and s.project_id == rows["running"].pk


def test_the_page_refuses_another_community_with_the_reason(client, fund, rows, community_a_worker):
    client.force_login(community_a_worker)
    r = client.post(reverse("grants:fund_act", args=[fund.pk, "spend"]), {
        "spend-title": "助老餐", "spend-purpose": "高龄老人助餐", "spend-target": "action_item",
        "spend-action_item": str(rows["action_west"].pk), "spend-amount": "600",
    })  # fmt: skip
    assert r.status_code == 422
    assert "该落地实事不在本基金所在社区" in r.content.decode()
    assert not Spending.objects.exists()


def test_the_page_says_when_nothing_can_be_chosen(client, fund, community_a_worker):
    client.force_login(community_a_worker)
    page = client.get(reverse("grants:fund", args=[fund.pk])).content.decode()
    assert "本社区暂无可选的公益创投项目" in page and "本社区暂无可选的落地实事" in page
    assert "本社区暂无可选的常态化服务" in page


def test_the_api_lists_the_candidates_in_scope(client, fund, rows, community_a_worker):
    client.force_login(community_a_worker)
    r = client.get(f"{BASE}/funds/{fund.pk}/targets?kind=project")
    assert r.status_code == 200, r.content
    assert [c["id"] for c in r.json()] == [rows["running"].pk, rows["signed"].pk]
    assert r.json()[0]["status"] == "in_progress" and "童心驿站" in r.json()[0]["label"]
    r = client.get(f"{BASE}/funds/{fund.pk}/targets?kind=action_item")
    assert [c["id"] for c in r.json()] == [rows["action"].pk]
    r = client.get(f"{BASE}/funds/{fund.pk}/targets?kind=standing_order")
    assert [c["id"] for c in r.json()] == [rows["standing"].pk]
    r = client.get(f"{BASE}/funds/{fund.pk}/targets?kind=bogus")
    assert r.status_code == 422 and "去向类型" in json.dumps(r.json(), ensure_ascii=False)
    r = client.get(f"{BASE}/funds/{fund.pk}/targets")
    assert r.status_code == 422


def test_the_api_answers_404_out_of_scope(client, fund, rows, street_b_staff):
    client.force_login(street_b_staff)
    r = client.get(f"{BASE}/funds/{fund.pk}/targets?kind=project")
    assert r.status_code == 404
