"""志愿服务记录证明申请: the volunteer asks (H5, API), the team issues or declines (workbench)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from shegong import testing
from shegong.core.audit import Verb
from shegong.core.errors import (
    DomainError,
    IllegalTransition,
    InvalidInput,
    NotFound,
    NotPermitted,
)
from shegong.core.models import AuditEvent, Notification
from shegong.volunteers.actions import certificate_requests, certificates, hours
from shegong.volunteers.models import Certificate, CertificateRequest, Team

pytestmark = pytest.mark.django_db

START = date(2020, 1, 1)
API = "/api/v1/service-records/certificates/requests"


@pytest.fixture
def served(hours_record, hours_leader_user):
    """Two approved records of ``hours_team`` for ``hours_member`` (3.5 h and 2 h, yesterday)."""
    records = [hours_record(hours="3.50"), hours_record(hours="2.00", content="社区义诊")]
    hours.approve_many(records, hours_leader_user)
    return records


@pytest.fixture
def ask(served, hours_member, hours_team, hours_member_user):
    """The member's request to ``hours_team`` (period START → today, for 升学)."""

    def make(**overrides):
        fields = {"period_start": START, "period_end": timezone.localdate(), "purpose": "升学"}
        fields.update(overrides)
        return certificate_requests.request_certificate(
            hours_member, hours_team, actor=hours_member_user, **fields
        )

    return make


def publicised(req, actor):
    """``req`` approved (受理) and its internal 公示 over: ready to issue."""
    certificate_requests.approve_request(req, actor=actor)
    CertificateRequest.objects.filter(pk=getattr(req, "pk", req)).update(
        publicity_ends_at=timezone.now() - timedelta(minutes=1)
    )
    return req


def _post(client, url, body=None, **headers):
    return client.post(url, json.dumps(body or {}), content_type="application/json", **headers)


def _events(verb):
    return AuditEvent.objects.filter(verb=int(verb))


# --- actions ----------------------------------------------------------------------------------


def test_a_volunteer_asks_the_team_and_those_who_run_it_are_told(
    ask, hours_team, hours_leader_user, hours_member_user, community_a_worker, street_a_staff
):
    req = ask()
    assert req.created and req.status == "requested" and req.purpose == "升学"
    assert (req.period_start, req.period_end) == (START, timezone.localdate())
    event = _events(Verb.CERTIFICATE_REQUESTED).get()
    assert event.region_id == hours_team.region_id and event.data["hours"] == "5.50"
    told = set(
        Notification.objects.filter(event="volunteers.certificate_requested").values_list(
            "recipient", flat=True
        )
    )
    # The leader and the community's staff; not the street above them, not the volunteer.
    assert told == {hours_leader_user.pk, community_a_worker.pk}
    note = Notification.objects.get(
        recipient=hours_leader_user, event="volunteers.certificate_requested"
    )
    assert "李**" in note.body and "李小红" not in note.body and "升学" in note.body
    assert not Notification.objects.filter(
        recipient__in=[street_a_staff, hours_member_user], event__contains="certificate"
    )


def test_asking_again_finds_the_same_request_and_a_different_one_is_refused(ask):
    first = ask()
    again = ask(purpose=" 升学 ")
    assert again.pk == first.pk and again.created is False
    assert CertificateRequest.objects.count() == 1
    assert _events(Verb.CERTIFICATE_REQUESTED).count() == 1
    assert Notification.objects.filter(event="volunteers.certificate_requested").count() == 1
    with pytest.raises(DomainError, match="请先撤回") as caught:
        ask(purpose="评优")
    assert caught.value.status == 409
    assert CertificateRequest.objects.count() == 1


def test_the_database_keeps_one_open_request_per_volunteer_and_team(ask):
    first = ask()
    with pytest.raises(IntegrityError), transaction.atomic():
        CertificateRequest.objects.create(
            volunteer=first.volunteer, team=first.team, period_start=START,
            period_end=START, purpose="求职",
        )  # fmt: skip


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"period_start": date(2001, 1, 1), "period_end": date(2001, 12, 31)}, "period_end",
         "没有该队伍已确认的服务时长"),
        ({"period_start": date(2030, 1, 2), "period_end": date(2030, 1, 1)}, "period_end",
         "不能早于"),
        ({"period_end": date(2999, 1, 1)}, "period_end", "不能晚于今天"),
        ({"period_start": None}, "period_start", "起始日期"),
        ({"purpose": "  "}, "purpose", "请填写证明用途"),
        ({"purpose": "评" * 101}, "purpose", "不能超过 100 字"),
    ],
)  # fmt: skip
def test_a_request_needs_hours_in_a_real_period_and_a_purpose(ask, overrides, field, message):
    with pytest.raises(InvalidInput) as caught:
        ask(**overrides)
    assert caught.value.errors[0]["field"] == field and message in caught.value.detail
    assert CertificateRequest.objects.count() == 0 and not _events(Verb.CERTIFICATE_REQUESTED)


def test_a_team_without_my_hours_is_not_found(
    served, hours_member, hours_member_user, hours_other_leader_user, hours_record,
    hours_leader_user,
):  # fmt: skip
    other = Team.objects.get(name="东关环保队")
    # A transfer recorded by a team is certified by its source, never by that team.
    transfer = hours_record(team=other, hours="9.00", kind="transfer", source_organization="外单位")
    hours.approve(transfer, hours_other_leader_user)
    for team in (other, 999999, "x"):
        with pytest.raises(NotFound, match="没有已确认的服务时长"):
            certificate_requests.request_certificate(
                hours_member, team, actor=hours_member_user, period_start=START,
                period_end=timezone.localdate(), purpose="升学",
            )  # fmt: skip
    assert CertificateRequest.objects.count() == 0


def test_only_the_volunteer_themself_asks(served, hours_member, hours_team, hours_leader_user):
    with pytest.raises(NotPermitted, match="本人"):
        certificate_requests.request_certificate(
            hours_member, hours_team, actor=hours_leader_user, period_start=START,
            period_end=timezone.localdate(), purpose="升学",
        )  # fmt: skip
    assert CertificateRequest.objects.count() == 0


def test_a_decline_needs_a_reason_and_the_volunteer_is_told(
    ask, hours_leader_user, hours_member_user, hours_other_leader_user, street_b_staff
):
    req = ask()
    for outsider in (hours_other_leader_user, street_b_staff, hours_member_user):
        with pytest.raises(NotFound):
            certificate_requests.decline_request(req, actor=outsider, reason="冒名")
    with pytest.raises(InvalidInput) as caught:
        certificate_requests.decline_request(req, actor=hours_leader_user, reason=" ")
    assert caught.value.errors[0]["field"] == "reason"
    declined = certificate_requests.decline_request(
        req, actor=hours_leader_user, reason="所申请期间的记录尚在核实"
    )
    assert declined.status == "declined" and declined.decided_by == hours_leader_user
    assert declined.decided_at is not None
    assert (
        _events(Verb.CERTIFICATE_REQUEST_DECLINED).get().data["reason"]
        == "所申请期间的记录尚在核实"
    )
    note = Notification.objects.get(
        recipient=hours_member_user, event="volunteers.certificate_request_declined"
    )
    assert "尚在核实" in note.body and note.link == reverse("volunteers_m:hours")
    with pytest.raises(IllegalTransition, match="不能变更为「不予出具」"):
        certificate_requests.decline_request(req, actor=hours_leader_user, reason="再次")


def test_the_volunteer_withdraws_while_it_waits_and_may_ask_again(
    ask, hours_member_user, hours_leader_user, district
):
    req = ask()
    stranger = testing.user("volunteer", district["community_a"], name="别人")
    testing.volunteer(district["community_a"], name="别人", account=stranger)
    for outsider in (hours_leader_user, stranger):
        with pytest.raises(NotFound):
            certificate_requests.withdraw_request(req, actor=outsider)
    withdrawn = certificate_requests.withdraw_request(req, actor=hours_member_user)
    assert withdrawn.status == "withdrawn" and withdrawn.decided_at is not None
    assert _events(Verb.CERTIFICATE_REQUEST_WITHDRAWN).count() == 1
    with pytest.raises(IllegalTransition):
        certificate_requests.withdraw_request(req, actor=hours_member_user)
    with pytest.raises(IllegalTransition):
        certificate_requests.decline_request(req, actor=hours_leader_user, reason="迟了")
    assert ask(purpose="评优").pk != req.pk  # a closed request does not block a new one


def test_issuing_from_the_request_links_it_in_the_same_transaction(
    ask, hours_member, hours_team, hours_leader_user, hours_member_user
):
    req = publicised(ask(), hours_leader_user)
    cert = certificates.issue(
        hours_member, hours_team, START, timezone.localdate(), hours_leader_user, request=req.pk
    )
    req.refresh_from_db()
    assert req.status == "issued" and req.certificate == cert
    assert req.decided_by == hours_leader_user and req.decided_at == cert.issued_at
    assert _events(Verb.CERTIFICATE_ISSUED).get().data["request"] == req.pk
    # The volunteer hears once of the 公示, once of the certificate.
    told = Notification.objects.filter(recipient=hours_member_user, event__contains="certificate")
    assert sorted(told.values_list("event", flat=True)) == [
        "volunteers.certificate_issued",
        "volunteers.certificate_publicity_started",
    ]
    with pytest.raises(IllegalTransition, match="已出具"):
        certificates.issue(
            hours_member, hours_team, START, timezone.localdate(), hours_leader_user, request=req
        )
    assert Certificate.objects.count() == 1  # the refused issue wrote nothing


def test_issuing_checks_the_request_matches(
    ask, hours_member, hours_team, hours_leader_user, hours_other_leader_user, district
):
    req = ask()
    other = testing.volunteer(district["community_a"], name="别人")
    with pytest.raises(InvalidInput, match="申请人不符"):
        certificates.issue(
            other, hours_team, START, timezone.localdate(), hours_leader_user, request=req
        )
    other_team = Team.objects.get(name="东关环保队")
    with pytest.raises(NotFound):  # a request of a team the actor does not run
        certificates.issue(
            hours_member, other_team, START, timezone.localdate(), hours_other_leader_user,
            request=req,
        )  # fmt: skip
    req.refresh_from_db()
    assert req.status == "requested" and Certificate.objects.count() == 0


# --- H5 ---------------------------------------------------------------------------------------


def test_my_hours_page_offers_my_teams_with_their_hours_and_a_default_period(
    client, served, hours_member_user
):
    client.force_login(hours_member_user)
    page = client.get(reverse("volunteers_m:hours")).content.decode()
    assert "申请记录证明" in page and "东关助老服务队（5.50 小时）" in page
    assert f'value="{served[0].served_on:%Y-%m-%d}"' in page  # first service date
    assert f'value="{timezone.localdate():%Y-%m-%d}"' in page
    assert reverse("volunteers_m:certificate_request") in page


def test_a_volunteer_without_approved_hours_is_told_why_there_is_no_form(
    client, hours_member, hours_member_user
):
    client.force_login(hours_member_user)
    page = client.get(reverse("volunteers_m:hours")).content.decode()
    assert "暂不能申请记录证明" in page and 'id="request-form"' not in page


def test_a_volunteer_asks_and_withdraws_on_the_phone(client, served, hours_team, hours_member_user):
    client.force_login(hours_member_user)
    url = reverse("volunteers_m:certificate_request")
    body = {"team": hours_team.pk, "period_start": "2020-01-01",
            "period_end": timezone.localdate().isoformat(), "purpose": "评优"}  # fmt: skip
    response = client.post(url, body, follow=True)
    assert response.redirect_chain[-1][0] == reverse("volunteers_m:hours")
    page = response.content.decode()
    assert "已向「东关助老服务队」提交申请" in page and "待受理" in page and "撤回" in page
    again = client.post(url, body, follow=True).content.decode()
    assert "提交过相同的申请" in again and CertificateRequest.objects.count() == 1
    req = CertificateRequest.objects.get()
    response = client.post(
        reverse("volunteers_m:certificate_request_withdraw", args=[req.pk]), follow=True
    )
    assert "已撤回" in response.content.decode()
    req.refresh_from_db()
    assert req.status == "withdrawn"
    response = client.post(reverse("volunteers_m:certificate_request_withdraw", args=[req.pk]))
    assert response.status_code == 409 and "不能变更为「已撤回」" in response.content.decode()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"purpose": ""}, "请填写证明用途"),
        ({"purpose": "评" * 101}, "用途不能超过 100 字"),
        ({"period_start": "2001-01-01", "period_end": "2001-12-31"}, "没有该队伍已确认的服务时长"),
        ({"period_end": "2019-01-01"}, "截止日期不能早于起始日期"),
        ({"period_end": "2020-13-01"}, "日期格式应为"),
        ({"team": "999999"}, "请选择您服务过的队伍"),
        ({"team": ""}, "请选择队伍"),
    ],
)
def test_bad_input_on_the_phone_says_why_and_writes_nothing(
    client, served, hours_team, hours_member_user, change, message
):
    client.force_login(hours_member_user)
    today = timezone.localdate().isoformat()
    body = {"team": hours_team.pk, "period_start": "2020-01-01", "period_end": today,
            "purpose": "评优", **change}  # fmt: skip
    response = client.post(reverse("volunteers_m:certificate_request"), body)
    assert response.status_code == 422 and message in response.content.decode()
    assert CertificateRequest.objects.count() == 0


def test_a_second_different_request_on_the_phone_is_409_with_the_reason(
    client, ask, hours_team, hours_member_user
):
    ask()
    client.force_login(hours_member_user)
    body = {"team": hours_team.pk, "period_start": "2020-01-01",
            "period_end": timezone.localdate().isoformat(), "purpose": "求职"}  # fmt: skip
    response = client.post(reverse("volunteers_m:certificate_request"), body)
    assert response.status_code == 409 and "请先撤回该申请" in response.content.decode()
    assert CertificateRequest.objects.count() == 1


def test_nobody_else_withdraws_my_request_and_a_resident_cannot_ask(
    client, ask, district, hours_team, resident
):
    req = ask()
    stranger = testing.user("volunteer", district["community_a"], name="别人")
    testing.volunteer(district["community_a"], name="别人", account=stranger)
    client.force_login(stranger)
    url = reverse("volunteers_m:certificate_request_withdraw", args=[req.pk])
    assert client.post(url).status_code == 404
    assert "升学" not in client.get(reverse("volunteers_m:hours")).content.decode()
    client.force_login(resident)
    body = {"team": hours_team.pk, "period_start": "2020-01-01", "period_end": "2020-02-01",
            "purpose": "x"}  # fmt: skip
    assert client.post(reverse("volunteers_m:certificate_request"), body).status_code == 404
    req.refresh_from_db()
    assert req.status == "requested"


# --- workbench --------------------------------------------------------------------------------


def test_the_queue_shows_waiting_requests_oldest_first_and_issue_answers_one(
    client, ask, served, hours_team, hours_member, hours_leader_user, hours_member_user, district
):
    req = ask()
    CertificateRequest.objects.filter(pk=req.pk).update(
        created_at=timezone.now() - timedelta(days=3)
    )
    newer_volunteer = testing.volunteer(district["community_a"], name="王小明")
    CertificateRequest.objects.create(
        volunteer=newer_volunteer, team=hours_team, period_start=START, period_end=START,
        purpose="求职",
    )  # fmt: skip
    client.force_login(hours_leader_user)
    page = client.get(reverse("volunteers:certificates")).content.decode()
    queue = page[page.index('id="request-table"') :]
    assert queue.index(hours_member.number) < queue.index(newer_volunteer.number)
    assert "李**" in queue and "李小红" not in queue and "升学" in queue and "3 天" in queue

    # Not before the request is accepted and its internal 公示 has ended.
    early = client.get(reverse("volunteers:certificate_new"), {"request": req.pk})
    assert early.status_code == 302
    publicised(req, hours_leader_user)
    form = client.get(reverse("volunteers:certificate_new"), {"request": req.pk})
    body = form.content.decode()
    assert form.status_code == 200 and f'value="{hours_member.number}"' in body
    assert f'name="request" value="{req.pk}"' in body and 'value="2020-01-01"' in body
    assert f'<option value="{hours_team.pk}" selected>' in body and "用途：升学" in body

    response = client.post(
        reverse("volunteers:certificate_new"),
        {"number": hours_member.number, "team": hours_team.pk, "period_start": "2020-01-01",
         "period_end": timezone.localdate().isoformat(), "request": req.pk},
    )  # fmt: skip
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.status == "issued" and req.certificate.hours == 5.5
    page = client.get(reverse("volunteers:certificates")).content.decode()
    assert "升学" not in page and newer_volunteer.number in page

    # An answered request is not answered twice: the form sends the leader back to the list.
    again = client.get(reverse("volunteers:certificate_new"), {"request": req.pk})
    assert again.status_code == 302

    client.force_login(hours_member_user)
    mine = client.get(reverse("volunteers_m:hours")).content.decode()
    pdf = reverse("volunteers_m:certificate_pdf", args=[req.certificate.pk])
    assert "已出具" in mine and pdf in mine
    assert client.get(pdf).content.startswith(b"%PDF")


def test_issuing_from_a_withdrawn_request_says_so_and_writes_nothing(
    client, ask, hours_team, hours_member, hours_leader_user, hours_member_user
):
    req = ask()
    certificate_requests.withdraw_request(req, actor=hours_member_user)
    client.force_login(hours_leader_user)
    response = client.post(
        reverse("volunteers:certificate_new"),
        {"number": hours_member.number, "team": hours_team.pk, "period_start": "2020-01-01",
         "period_end": timezone.localdate().isoformat(), "request": req.pk},
    )  # fmt: skip
    assert response.status_code == 409 and "已撤回" in response.content.decode()
    assert Certificate.objects.count() == 0


def test_a_decline_on_the_workbench_needs_a_reason_and_shows_on_the_phone(
    client, ask, hours_leader_user, hours_member_user
):
    req = ask()
    client.force_login(hours_leader_user)
    url = reverse("volunteers:certificate_request_decline", args=[req.pk])
    page = client.get(url).content.decode()
    assert "李**" in page and "升学" in page and "李小红" not in page
    response = client.post(url, {"reason": ""})
    assert response.status_code == 422 and "请填写不予出具的原因" in response.content.decode()
    req.refresh_from_db()
    assert req.status == "requested"
    response = client.post(url, {"reason": "所申请期间的记录尚在核实"})
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.status == "declined"
    assert "该申请不予出具，无需再处理" in client.get(url).content.decode()
    client.force_login(hours_member_user)
    mine = client.get(reverse("volunteers_m:hours")).content.decode()
    assert "不予出具的原因：所申请期间的记录尚在核实" in mine


def test_another_teams_leader_and_another_street_get_404(
    client, ask, hours_member, hours_team, hours_other_leader_user, street_b_staff
):
    req = ask()
    for outsider in (hours_other_leader_user, street_b_staff):
        client.force_login(outsider)
        url = reverse("volunteers:certificate_request_decline", args=[req.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"reason": "冒名"}).status_code == 404
        new = reverse("volunteers:certificate_new")
        assert client.get(new, {"request": req.pk}).status_code == 404
        response = client.post(
            new, {"number": hours_member.number, "team": hours_team.pk, "request": req.pk,
                  "period_start": "2020-01-01", "period_end": "2020-01-02"},
        )  # fmt: skip
        assert response.status_code == 404
        if outsider is hours_other_leader_user:
            assert "升学" not in client.get(reverse("volunteers:certificates")).content.decode()
    req.refresh_from_db()
    assert req.status == "requested"


def test_street_b_requests_stay_in_street_b(client, district, street_a_staff, street_b_staff):
    volunteer = testing.volunteer(district["community_b"], name="西城志愿者")
    team = testing.team(district["community_b"], name="西城志愿服务队")
    CertificateRequest.objects.create(
        volunteer=volunteer, team=team, period_start=START, period_end=START, purpose="西城升学"
    )
    client.force_login(street_a_staff)
    assert "西城升学" not in client.get(reverse("volunteers:certificates")).content.decode()
    client.force_login(street_b_staff)
    assert "西城升学" in client.get(reverse("volunteers:certificates")).content.decode()


# --- API --------------------------------------------------------------------------------------


def test_the_api_asks_lists_and_withdraws_my_request(client, served, hours_team, hours_member_user):
    client.force_login(hours_member_user)
    body = {"team": hours_team.pk, "period_start": "2020-01-01",
            "period_end": timezone.localdate().isoformat(), "purpose": "升学"}  # fmt: skip
    made = _post(client, API, body)
    assert made.status_code == 201
    item = made.json()
    assert item["status"] == "requested" and item["status_label"] == "待受理"
    assert item["team_name"] == "东关助老服务队" and item["certificate_serial"] is None
    again = _post(client, API, body)
    assert again.status_code == 200 and again.json()["id"] == item["id"]

    mine = client.get(f"{API}/me").json()
    assert [r["id"] for r in mine["requests"]] == [item["id"]]
    assert mine["teams"] == [
        {"team_id": hours_team.pk, "team_name": "东关助老服务队", "hours": 5.5,
         "first_served_on": served[0].served_on.isoformat()},
    ]  # fmt: skip
    me = client.get("/api/v1/service-records/me").json()
    assert [r["id"] for r in me["open_certificate_requests"]] == [item["id"]]

    withdrawn = _post(client, f"{API}/{item['id']}/withdraw")
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    again = _post(client, f"{API}/{item['id']}/withdraw")
    assert again.status_code == 409 and again["Content-Type"] == "application/problem+json"
    assert client.get("/api/v1/service-records/me").json()["open_certificate_requests"] == []


def test_the_api_shows_the_certificate_once_issued(
    client, ask, hours_member, hours_team, hours_leader_user, hours_member_user
):
    req = publicised(ask(), hours_leader_user)
    cert = certificates.issue(
        hours_member, hours_team, START, timezone.localdate(), hours_leader_user, request=req
    )
    client.force_login(hours_member_user)
    (item,) = client.get(f"{API}/me").json()["requests"]
    assert item["status"] == "issued" and item["certificate_serial"] == cert.serial


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"purpose": "评" * 101}, 422, "purpose"),
        ({"purpose": ""}, 422, "purpose"),
        ({"period_end": "2020-13-01"}, 422, "period_end"),
        ({"period_start": "2001-01-01", "period_end": "2001-12-31"}, 422, "period_end"),
        ({"team": None}, 422, "team"),
        ({"team": 999999}, 404, None),
    ],
)
def test_bad_api_input_is_a_problem_and_writes_nothing(
    client, served, hours_team, hours_member_user, change, status, field
):
    client.force_login(hours_member_user)
    today = timezone.localdate().isoformat()
    body = {"team": hours_team.pk, "period_start": "2020-01-01", "period_end": today,
            "purpose": "升学", **change}  # fmt: skip
    response = _post(client, API, body)
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    if field:
        assert response.json()["errors"][0]["field"] == field
    assert CertificateRequest.objects.count() == 0


def test_the_api_is_for_my_own_requests_only(
    client, ask, hours_leader_user, street_a_staff, hours_team
):
    req = ask()
    for other in (hours_leader_user, street_a_staff):
        client.force_login(other)
        assert _post(client, f"{API}/{req.pk}/withdraw").status_code == 404
    client.force_login(street_a_staff)  # no volunteer profile
    assert client.get(f"{API}/me").status_code == 404
    body = {"team": hours_team.pk, "period_start": "2020-01-01", "period_end": "2020-01-02",
            "purpose": "升学"}  # fmt: skip
    assert _post(client, API, body).status_code == 404
    req.refresh_from_db()
    assert req.status == "requested"


def test_a_different_open_request_through_the_api_is_409(
    client, ask, hours_team, hours_member_user
):
    ask()
    client.force_login(hours_member_user)
    body = {"team": hours_team.pk, "period_start": "2020-01-01",
            "period_end": timezone.localdate().isoformat(), "purpose": "求职"}  # fmt: skip
    response = _post(client, API, body)
    assert response.status_code == 409 and "请先撤回" in response.json()["detail"]
