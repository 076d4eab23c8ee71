"""The dispatch desk (派单台): waiting cases, returned cases, suspected duplicates."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shegong import testing
from shegong.core.perms import Role
from shegong.reports.actions.reports import respond_report, return_report
from shegong.reports.choices import Status

from .test_pages_staff import submit

pytestmark = pytest.mark.django_db

DESK = reverse("reports:dispatch")
NEAR_A = (testing.POINT_A[0] + 0.0002, testing.POINT_A[1])  # about 22 m north of POINT_A
FAR_A = (testing.POINT_A[0] + 0.01, testing.POINT_A[1])  # about 1.1 km


def test_the_desk_lists_waiting_and_returned_cases_with_inline_forms(
    client, dispatcher, handler, rider, category, unrouted_category
):
    waiting = submit(rider, unrouted_category, description="待受理的问题")
    routed = submit(rider, category, description="已自动派单的问题")
    returned = submit(rider, category, point=FAR_A, description="被退回的问题")
    return_report(returned, actor=handler, reason="不属于城管职责")
    client.force_login(dispatcher)
    response = client.get(DESK)
    body = response.content.decode()
    assert "待受理的问题" in body and "被退回的问题" in body
    assert "已自动派单的问题" not in body and routed.number not in body
    assert "城管局退回：不属于城管职责" in body
    assert reverse("reports:act", args=[waiting.pk, "accept"]) in body
    assert reverse("reports:act", args=[returned.pk, "transfer"]) in body
    assert reverse("reports:act", args=[returned.pk, "accept"]) not in body  # not allowed
    assert 'name="transfer-assisting" multiple' in body
    assert "无效信息" in body  # the reject reasons


def test_an_action_posted_from_the_desk_returns_to_the_desk(
    client, dispatcher, rider, unrouted_category, department_a
):
    report = submit(rider, unrouted_category)
    client.force_login(dispatcher)
    response = client.post(
        reverse("reports:act", args=[report.pk, "transfer"]),
        {"transfer-department": department_a.pk, "next": DESK},
    )
    assert response.status_code == 302 and response["Location"] == DESK
    report.refresh_from_db()
    assert report.status == Status.TRANSFERRED
    assert report not in client.get(DESK).context["waiting"]


def test_an_offsite_next_is_ignored(client, dispatcher, rider, unrouted_category):
    report = submit(rider, unrouted_category)
    client.force_login(dispatcher)
    response = client.post(
        reverse("reports:act", args=[report.pk, "accept"]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("reports:detail", args=[report.pk])


def test_nearby_cases_of_one_category_are_paired_for_merging(
    client, dispatcher, rider, resident, category, unrouted_category
):
    first = submit(rider, unrouted_category, description="第一次上报")
    second = submit(resident, unrouted_category, point=NEAR_A, description="第二次上报")
    submit(rider, unrouted_category, point=FAR_A, description="远处的同类问题")
    submit(rider, category, point=NEAR_A, description="附近的其他类别")
    client.force_login(dispatcher)
    response = client.get(DESK)
    pairs = response.context["pairs"]
    assert [(p["duplicate"], p["original"]) for p in pairs] == [(second, first)]
    assert 0 < pairs[0]["distance"] <= 50
    body = response.content.decode()
    assert reverse("reports:act", args=[second.pk, "merge"]) in body
    assert f'name="merge-into" value="{first.number}"' in body

    response = client.post(
        reverse("reports:act", args=[second.pk, "merge"]),
        {"merge-into": first.number, "next": DESK},
    )
    assert response["Location"] == DESK
    second.refresh_from_db()
    assert second.status == Status.MERGED and second.merged_into == first
    assert client.get(DESK).context["pairs"] == []


def test_a_case_past_merging_is_the_original_of_its_pair(
    client, dispatcher, handler, rider, resident, category
):
    worked = submit(rider, category)  # routed to 城管局
    respond_report(worked, actor=handler)  # responded: can no longer be merged away
    fresh = submit(resident, category, point=NEAR_A)
    client.force_login(dispatcher)
    pairs = client.get(DESK).context["pairs"]
    assert [(p["duplicate"], p["original"]) for p in pairs] == [(fresh, worked)]


def test_the_desk_is_for_dispatchers_of_the_region_only(
    client, district, handler, rider, unrouted_category
):
    report = submit(rider, unrouted_category, description="东城待受理")
    client.force_login(handler)
    assert client.get(DESK).status_code == 403
    street_b_desk = testing.user(Role.DISPATCHER, district["street_b"], name="西城派单员")
    client.force_login(street_b_desk)
    body = client.get(DESK).content.decode()
    assert "东城待受理" not in body and report.number not in body


def test_each_duplicate_is_offered_once_against_the_oldest_case_near_it(
    client, dispatcher, rider, resident, unrouted_category
):
    first = submit(rider, unrouted_category)
    second = submit(resident, unrouted_category, point=NEAR_A)
    third = submit(resident, unrouted_category)
    client.force_login(dispatcher)
    pairs = client.get(DESK).context["pairs"]
    assert [(p["duplicate"], p["original"]) for p in pairs] == [(third, first), (second, first)]
