"""星级认定 on the pages and the API: the volunteer applies on H5, staff apply on a volunteer's
behalf, review, record an objection and award on the workbench; the public page shows the
publicity; an outsider gets 404."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from shegong.core.audit import Verb
from shegong.core.models import AuditEvent
from shegong.core.registry import todos
from shegong.volunteers.models import StarAward, Volunteer

pytestmark = pytest.mark.django_db

API = "/api/v1/star-awards"


@pytest.fixture
def eligible(hours_record, hours_member):
    """``hours_member`` with 320 counted hours (★2 within reach) and 50 of school duty."""
    hours_record(hours="320.00", status="approved")
    hours_record(hours="50.00", status="approved", service_kind="school_duty")
    return hours_member


def _post(client, url, body=None, **headers):
    return client.post(url, json.dumps(body or {}), content_type="application/json", **headers)


def _end_publicity(award_id):
    StarAward.objects.filter(pk=award_id).update(
        publicity_ends_at=timezone.now() - timedelta(seconds=1)
    )


# --- pages --------------------------------------------------------------------------------------


def test_the_volunteer_applies_on_h5_and_withdraws(client, eligible, hours_member_user):
    client.force_login(hours_member_user)
    home = client.get(reverse("volunteers_m:home")).content.decode()
    assert "计入星级时长 320.00 小时，可申请二星" in home and 'id="m-star-apply"' in home
    response = client.post(reverse("volunteers_m:star_apply"), follow=True)
    page = response.content.decode()
    assert "已提交二星志愿者认定申请" in page and "2星认定申请：申请中" in page
    award = StarAward.objects.get()
    assert (award.star, award.on_behalf, award.counted_hours) == (2, False, 320)
    response = client.post(reverse("volunteers_m:star_withdraw", args=[award.pk]), follow=True)
    assert "已撤回星级认定申请" in response.content.decode()
    assert StarAward.objects.get().status == "withdrawn"


def test_an_h5_application_that_is_not_eligible_says_why(
    client, hours_record, hours_member, hours_member_user
):
    hours_record(hours="60.00", status="approved")
    client.force_login(hours_member_user)
    home = client.get(reverse("volunteers_m:home")).content.decode()
    assert 'id="m-star-apply"' not in home
    response = client.post(reverse("volunteers_m:star_apply"), follow=True)
    assert "还差 40.00 小时" in response.content.decode()
    assert not StarAward.objects.exists()


def test_staff_apply_review_and_award_on_the_workbench(
    client, eligible, street_a_staff, hours_member_user
):
    client.force_login(street_a_staff)
    detail = client.get(reverse("volunteers:volunteer", args=[eligible.pk])).content.decode()
    assert "可申请二星" in detail and 'id="star-apply-form"' in detail
    response = client.post(reverse("volunteers:star_apply", args=[eligible.pk]))
    award = StarAward.objects.get()
    assert response.status_code == 302 and award.on_behalf
    assert response["Location"] == reverse("volunteers:star_award", args=[award.pk])

    listing = client.get(reverse("volunteers:star_awards")).content.decode()
    assert f'id="star-award-{award.pk}"' in listing
    page = client.get(reverse("volunteers:star_award", args=[award.pk])).content.decode()
    assert "符合二星条件" in page and 'id="approve-form"' in page and "data-confirm" in page
    assert "学校值日/校内值勤" in page  # the kinds left out are named

    url = reverse("volunteers:star_award_approve", args=[award.pk])
    page = client.post(url, {"note": "材料齐全"}, follow=True).content.decode()
    assert "已审核通过，开始公示" in page and 'id="award-form"' in page
    public = client.get(reverse("volunteers_public:stars")).content.decode()
    assert 'id="star-publicity"' in public and "李**" in public and "二星" in public

    # 认定 before the end of the publicity: refused with a clear message, nothing changed.
    award_url = reverse("volunteers:star_award_award", args=[award.pk])
    refused = client.post(award_url)
    assert refused.status_code == 409 and "公示期满后方可认定" in refused.content.decode()
    assert Volunteer.objects.get(pk=eligible.pk).star == 0

    _end_publicity(award.pk)
    due = client.get(reverse("volunteers:star_awards"), {"tab": "due"}).content.decode()
    assert f'id="star-award-{award.pk}"' in due
    page = client.post(award_url, follow=True).content.decode()
    assert "已认定星级" in page
    assert Volunteer.objects.get(pk=eligible.pk).star == 2
    public = client.get(reverse("volunteers_public:stars")).content.decode()
    assert "目前没有正在公示的星级认定" in public


def test_reject_and_objection_need_a_reason_on_the_page(client, eligible, street_a_staff):
    client.force_login(street_a_staff)
    client.post(reverse("volunteers:star_apply", args=[eligible.pk]))
    award = StarAward.objects.get()
    response = client.post(reverse("volunteers:star_award_reject", args=[award.pk]), {})
    assert response.status_code == 422 and "请填写驳回原因" in response.content.decode()
    client.post(reverse("volunteers:star_award_approve", args=[award.pk]))
    response = client.post(
        reverse("volunteers:star_award_object", args=[award.pk]),
        {"reason": "群众反映时长含值日"}, follow=True,
    )  # fmt: skip
    assert "已登记公示异议" in response.content.decode()
    assert StarAward.objects.get().status == "applied"


def test_an_outsider_gets_404_everywhere(client, eligible, street_a_staff, street_b_staff):
    client.force_login(street_a_staff)
    client.post(reverse("volunteers:star_apply", args=[eligible.pk]))
    award = StarAward.objects.get()
    client.force_login(street_b_staff)
    assert client.get(reverse("volunteers:star_award", args=[award.pk])).status_code == 404
    for decision in ("approve", "reject", "object", "award"):
        url = reverse(f"volunteers:star_award_{decision}", args=[award.pk])
        assert client.post(url, {"reason": "x"}).status_code == 404
    assert client.post(reverse("volunteers:star_apply", args=[eligible.pk])).status_code == 404
    assert (
        f"star-award-{award.pk}"
        not in client.get(reverse("volunteers:star_awards")).content.decode()
    )
    assert StarAward.objects.get().status == "applied"


def test_the_todos_count_the_lists(eligible, street_a_staff, hours_member_user):
    from shegong.volunteers.actions import star_awards

    found = {t.key: t for t in todos}
    review, due = found["volunteers.star_review"], found["volunteers.star_award"]
    assert (review.count(street_a_staff), due.count(street_a_staff)) == (0, 0)
    award = star_awards.apply(eligible, actor=hours_member_user)
    assert review.count(street_a_staff) == 1
    star_awards.approve(award, actor=street_a_staff)
    assert (review.count(street_a_staff), due.count(street_a_staff)) == (0, 0)
    _end_publicity(award.pk)
    assert due.count(street_a_staff) == 1
    assert review.count(hours_member_user) == 0


# --- API ----------------------------------------------------------------------------------------


def test_the_api_runs_the_workflow(client, eligible, hours_member_user, street_a_staff):
    client.force_login(hours_member_user)
    mine = client.get(f"{API}/me").json()
    assert (mine["star"], mine["eligible_star"], mine["can_apply"]) == (0, 2, True)
    assert float(mine["counted_hours"]) == 320.0
    made = _post(client, f"{API}/me")
    assert made.status_code == 201 and made.json()["star"] == 2
    award_id = made.json()["id"]
    again = _post(client, f"{API}/me")
    assert again.status_code == 200 and again.json()["id"] == award_id

    client.force_login(street_a_staff)
    items = client.get(API, {"tab": "review"}).json()["items"]
    assert [i["id"] for i in items] == [award_id] and items[0]["volunteer_name"] == "李**"
    approved = _post(client, f"{API}/{award_id}/approve", {"note": "同意"})
    assert approved.status_code == 200 and approved.json()["status"] == "publicizing"
    early = _post(client, f"{API}/{award_id}/award")
    assert early.status_code == 409 and "公示期满后方可认定" in early.json()["detail"]
    _end_publicity(award_id)
    done = _post(client, f"{API}/{award_id}/award")
    assert done.status_code == 200 and done.json()["status"] == "awarded"
    assert Volunteer.objects.get(pk=eligible.pk).star == 2
    assert AuditEvent.objects.filter(verb=int(Verb.STAR_AWARDED)).count() == 1


def test_the_api_refuses_with_reasons_and_hides_other_streets(
    client, hours_record, hours_member, hours_member_user, street_a_staff, street_b_staff
):
    hours_record(hours="50.00", status="approved")
    client.force_login(hours_member_user)
    refused = _post(client, f"{API}/me")
    assert refused.status_code == 409 and "还差 50.00 小时" in refused.json()["detail"]
    assert client.get(f"{API}/me").json()["next_star_shortfall"].startswith("计入星级的服务时长")
    bad = _post(client, f"{API}/me", {"star": 9})
    assert bad.status_code in (400, 422)
    hours_record(hours="60.00", status="approved")
    award_id = _post(client, f"{API}/me").json()["id"]

    client.force_login(street_b_staff)
    assert client.get(f"{API}/{award_id}").status_code == 404
    assert _post(client, f"{API}/{award_id}/approve").status_code == 404
    assert client.get(API).json()["items"] == []
    assert _post(client, API, {"volunteer": hours_member.pk}).status_code == 404

    client.force_login(street_a_staff)
    missing = _post(client, f"{API}/{award_id}/reject", {"reason": ""})
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "reason"
    assert StarAward.objects.get().status == "applied"
