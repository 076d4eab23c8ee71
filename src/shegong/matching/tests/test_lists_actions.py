"""The two lists, the catalogue and the settings through their actions: the rules, the scope
and one audit entry each."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from shegong import testing
from shegong.core.audit import Verb
from shegong.core.errors import IllegalTransition, InvalidInput, NotFound, NotPermitted
from shegong.core.models import AuditEvent
from shegong.core.perms import Role
from shegong.matching.actions import lists
from shegong.matching.choices import OfferStatus
from shegong.matching.models import Category, CommunitySettings, Need, Offer


def _offer_values(**extra):
    values = {
        "category": "meals",
        "title": "午间送餐",
        "provider_kind": "merchant",
        "provider_name": "东关饭店",
        "capacity_per_week": 10,
        "availability": {"1": ["am"], "3": ["am", "pm"]},
    }
    return {**values, **extra}


def test_save_offer_new_waits_for_review_and_is_audited(district, community_a_worker):
    offer = lists.save_offer(community_a_worker, region=district["community_a"], **_offer_values())
    assert offer.status == OfferStatus.NEW and offer.provider_name == "东关饭店"
    assert offer.availability == {"1": ["am"], "3": ["am", "pm"]}
    assert AuditEvent.objects.filter(verb=Verb.OFFER_SAVED, target_id=str(offer.pk)).count() == 1


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"capacity_per_week": 0}, "capacity_per_week"),
        ({"availability": {"8": ["am"]}}, "availability"),
        ({"availability": {"1": ["night"]}}, "availability"),
        ({"risky_ok": True}, "insurance_note"),
        (
            {"risky_ok": True, "insurance_note": "意外险", "insured_until": "2020-01-01"},
            "insured_until",
        ),
        ({"lat": 10.0, "lon": 10.0}, "lon"),
        ({"provider_kind": "volunteer", "provider_name": ""}, "volunteer"),
    ],
)
def test_save_offer_refuses_bad_input(district, community_a_worker, extra, field):
    with pytest.raises(InvalidInput) as caught:
        lists.save_offer(
            community_a_worker, region=district["community_a"], **_offer_values(**extra)
        )
    assert field in {e["field"] for e in caught.value.errors}
    assert not Offer.objects.exists()


def test_risky_offer_with_insurance_is_kept(district, community_a_worker):
    until = timezone.localdate() + timedelta(days=100)
    offer = lists.save_offer(
        community_a_worker,
        region=district["community_a"],
        **_offer_values(
            risky_ok=True, insurance_note="意外险 PA-1", insured_until=until.isoformat()
        ),
    )
    assert offer.risky_ok and offer.insured_until == until


def test_street_b_staff_gets_404_for_community_a(district, street_b_staff):
    with pytest.raises(NotFound):
        lists.save_offer(street_b_staff, region=district["community_a"], **_offer_values())
    with pytest.raises(NotFound):
        lists.save_need(
            street_b_staff, region=district["community_a"], category="meals", description="送餐"
        )
    offer = testing.match_offer(district["community_a"], status="new")
    with pytest.raises(NotFound):
        lists.review_offer(offer, street_b_staff, "approved")


def test_volunteer_offer_takes_the_volunteers_account(district, community_a_worker):
    account = testing.user(Role.VOLUNTEER, district["community_a"])
    volunteer = testing.volunteer(district["community_a"], name="李明", account=account)
    offer = lists.save_offer(
        community_a_worker,
        region=district["community_a"],
        **_offer_values(provider_kind="volunteer", provider_name="", volunteer=volunteer.pk),
    )
    assert (offer.helper, offer.provider_name, offer.volunteer) == (account, "李明", volunteer)


def test_team_offer_takes_the_leaders_account(district, community_a_worker):
    account = testing.user(Role.VOLUNTEER, district["community_a"])
    leader = testing.volunteer(district["community_a"], account=account)
    team = testing.team(district["community_a"], name="东关助餐队", leader=leader)
    offer = lists.save_offer(
        community_a_worker,
        region=district["community_a"],
        **_offer_values(provider_kind="team", provider_name="", team=team.pk),
    )
    assert offer.helper == account and offer.provider_name == "东关助餐队"


def test_review_follows_the_transitions_and_needs_a_reason(district, community_a_worker):
    offer = testing.match_offer(district["community_a"], status="new")
    with pytest.raises(IllegalTransition):
        lists.review_offer(offer, community_a_worker, "paused", "暂停")
    approved = lists.review_offer(offer, community_a_worker, "approved")
    assert approved.status == OfferStatus.APPROVED and approved.reviewed_by == community_a_worker
    with pytest.raises(InvalidInput, match="须说明原因"):
        lists.review_offer(offer, community_a_worker, "paused")
    paused = lists.review_offer(offer, community_a_worker, "paused", "人手不足")
    assert paused.status_reason == "人手不足"
    assert AuditEvent.objects.filter(verb=Verb.OFFER_STATUS_CHANGED).count() == 2


def test_propose_offer_by_a_volunteer(district):
    account = testing.user(Role.VOLUNTEER, district["community_a"])
    testing.volunteer(district["community_a"], name="赵华", account=account)
    offer = lists.propose_offer(
        account, category="medical", title="陪同就医", provider_kind="merchant", helper=999
    )
    assert offer.status == OfferStatus.NEW and offer.helper == account
    assert offer.provider_kind == "volunteer" and offer.provider_name == "赵华"
    resident = testing.user(Role.RESIDENT, district["community_a"])
    with pytest.raises(NotPermitted):
        lists.propose_offer(resident, category="medical", title="x")


def test_need_save_and_status(district, community_a_worker):
    need = lists.save_need(
        community_a_worker,
        region=district["community_a"],
        category="meals",
        description="独居老人午餐",
        people_count=12,
    )
    assert need.sensitive  # 助餐送餐 serves sensitive people
    assert need.people_count == 12 and need.status == "open"
    with pytest.raises(InvalidInput, match="原因"):
        lists.set_need_status(need, community_a_worker, "closed")
    lists.set_need_status(need, community_a_worker, "closed", "已由民政兜底")
    need.refresh_from_db()
    assert need.status == "closed"
    with pytest.raises(InvalidInput):
        lists.save_need(
            community_a_worker,
            region=district["community_a"],
            category="meals",
            description="",
            people_count=0,
        )
    assert Need.objects.count() == 1
    assert AuditEvent.objects.filter(verb=Verb.NEED_SAVED).count() == 1
    assert AuditEvent.objects.filter(verb=Verb.NEED_STATUS_CHANGED).count() == 1


def test_need_needs_a_community_not_a_street(district, street_a_staff):
    with pytest.raises(InvalidInput, match="社区"):
        lists.save_need(
            street_a_staff, region=district["street_a"], category="meals", description="送餐"
        )


def test_catalogue_is_the_district_staffs(district, district_admin, community_a_worker):
    with pytest.raises(NotPermitted):
        lists.save_category(community_a_worker, code="pets", name="宠物照看")
    category = lists.save_category(
        district_admin, code="pets", name="宠物照看", dispatch_mode="grab"
    )
    item = lists.save_item(district_admin, category=category.pk, name="遛狗", typical_minutes=30)
    assert item.category == category and category.dispatch_mode == "grab"
    with pytest.raises(InvalidInput, match="同名"):
        lists.save_item(district_admin, category=category.pk, name="遛狗")
    with pytest.raises(InvalidInput, match="编码"):
        lists.save_category(district_admin, code="meals", name="重复")
    assert Category.objects.filter(code="pets").count() == 1
    assert AuditEvent.objects.filter(verb=Verb.MATCH_CATALOGUE_SAVED).count() == 2


def test_settings_weights_timeout_and_team(district, community_a_worker):
    team_a = testing.team(district["community_a"], name="东关队")
    team_b = testing.team(district["community_b"], name="西关队")
    zero = {f"weight_{w}": 0 for w in lists.WEIGHTS}
    with pytest.raises(InvalidInput, match="全为 0"):
        lists.save_settings(district["community_a"], community_a_worker, **zero)
    with pytest.raises(InvalidInput, match=r"不能|之间"):
        lists.save_settings(district["community_a"], community_a_worker, weight_skill=-1)
    with pytest.raises(InvalidInput, match="本社区"):
        lists.save_settings(district["community_a"], community_a_worker, record_team=team_b.pk)
    saved = lists.save_settings(
        district["community_a"],
        community_a_worker,
        weight_skill=5,
        accept_minutes=30,
        record_team=team_a.pk,
    )
    assert (saved.weight_skill, saved.accept_minutes, saved.record_team) == (5.0, 30, team_a)
    assert CommunitySettings.objects.count() == 1
    assert AuditEvent.objects.filter(verb=Verb.MATCH_SETTINGS_SAVED).count() == 1
