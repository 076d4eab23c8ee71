"""§5's pages and API: worklists equal their lists, the card's forms (bad input → 422 beside
the field), the portal's extension request, exports, indicators, and the API."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from shegong.core.models import AuditEvent
from shegong.socialorgs import terms
from shegong.socialorgs.actions import election as actions
from shegong.socialorgs.models import AnnualReport, DormantCase, Election, TermExtension
from shegong.socialorgs.workbench import indicators, worklists

pytestmark = pytest.mark.django_db
API = "/api/v1/socialorgs"


def _absent(so):
    last = terms.last_closed_year(timezone.localdate())
    for year in (last - 1, last):
        AnnualReport.objects.create(social_org=so, year=year, conclusion="absent")


def _worklist(key):
    return next(w.todo for w in worklists if w.key == key)


def test_worklist_counts_equal_their_lists(client, registrar, social_org):
    # the fixture's term ended 2026-06-01: overdue (or later, seriously overdue) — "late"
    client.force_login(registrar)
    todo = _worklist("socialorgs.election.late")
    assert todo.count(registrar) == 1
    page = client.get(reverse(todo.url_name) + "?" + todo.query)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-sg-total="1"' in html and "东关书法家协会" in html
    bench = client.get(reverse("socialorgs:workbench")).content.decode()
    assert 'data-worklist="socialorgs.election.late" data-sg-count="1"' in bench
    empty = client.get(reverse("socialorgs:election_terms") + "?state=due6").content.decode()
    assert 'data-sg-total="0"' in empty and "暂无符合条件的记录" in empty


def test_card_walks_the_checklist(client, registrar, social_org):
    client.force_login(registrar)
    detail = reverse("socialorgs:detail", args=[social_org.pk])
    assert "启动换届" in client.get(detail).content.decode()
    assert client.post(reverse("socialorgs:election_open", args=[social_org.pk])).status_code == 302
    election = Election.objects.get()
    html = client.get(detail).content.decode()
    assert "筹备：制定换届工作方案" in html and 'id="election-step-form"' in html
    step = reverse("socialorgs:election_step", args=[election.pk, "meeting"])
    refused = client.post(step, {"done_on": timezone.localdate().isoformat(), "note": "x"})
    assert refused.status_code == 409  # out of order
    step = reverse("socialorgs:election_step", args=[election.pk, "plan"])
    bad = client.post(step, {"done_on": "2001-13-01"})
    assert bad.status_code == 422 and "invalid-feedback" in bad.content.decode()
    early = client.post(step, {"done_on": "2001-01-01"})
    assert early.status_code == 422 and "不能早于" in early.content.decode()
    ok = client.post(step, {"done_on": timezone.localdate().isoformat()})
    assert ok.status_code == 302 and election.steps.count() == 1


def test_extension_on_the_portal_and_its_approval(client, registrar, org_user, social_org):
    client.force_login(org_user)
    portal = client.get(reverse("socialorgs:portal")).content.decode()
    assert 'data-portal="election"' in portal
    url = reverse("socialorgs:portal_election")
    page = client.get(url)
    assert page.status_code == 200 and "申请延期换届" in page.content.decode()
    too_far = client.post(url, {"new_date": "2027-06-02", "reason": "会员分散"})
    assert too_far.status_code == 422 and "不超过1年" in too_far.content.decode()
    assert not TermExtension.objects.exists()
    assert client.post(url, {"new_date": "2027-05-31", "reason": "会员分散"}).status_code == 302
    ext = TermExtension.objects.get()
    client.force_login(registrar)
    todo = _worklist("socialorgs.election.extensions")
    assert todo.count(registrar) == 1
    listed = client.get(reverse(todo.url_name) + "?" + todo.query).content.decode()
    assert 'data-sg-total="1"' in listed
    decide = reverse("socialorgs:election_extension_decide", args=[ext.pk])
    refused = client.post(decide, {"decision": "reject", "note": ""})
    assert refused.status_code == 422 and "不予批准时请填写理由" in refused.content.decode()
    assert client.post(decide, {"decision": "approve", "note": "同意"}).status_code == 302
    ext.refresh_from_db()
    assert ext.state == "approved"


def test_registrar_cannot_use_the_portal(client, registrar):
    client.force_login(registrar)
    assert client.get(reverse("socialorgs:portal_election")).status_code == 403


def test_dormant_detect_notice_and_close(client, registrar, social_org):
    _absent(social_org)
    client.force_login(registrar)
    assert client.post(reverse("socialorgs:dormant_detect")).status_code == 302
    assert client.post(reverse("socialorgs:dormant_detect")).status_code == 302
    case = DormantCase.objects.get()
    todo = _worklist("socialorgs.dormant.todo")
    assert todo.count(registrar) == 1
    listed = client.get(reverse(todo.url_name) + "?" + todo.query).content.decode()
    assert 'data-sg-total="1"' in listed and "连续两年未参加年检" in listed
    html = client.get(reverse("socialorgs:detail", args=[social_org.pk])).content.decode()
    assert 'id="dormant-notice"' in html and "data-confirm=" in html
    assert client.post(reverse("socialorgs:dormant_notice", args=[case.pk])).status_code == 302
    close = reverse("socialorgs:dormant_close", args=[case.pk])
    early = client.post(close, {"outcome": "cancelled"})
    assert early.status_code == 409 and "公告期满前不能撤销登记" in early.content.decode()
    done = client.post(close, {"outcome": "deregistered"})
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.state == "cleared"
    year = case.closed_on.year
    figure = next(i for i in indicators if i.key == "dormant_cleared")
    assert figure.value(registrar, year) == 1
    cleared = client.get(figure.url(year)).content.decode()
    assert 'data-sg-total="1"' in cleared


def test_elections_indicator_and_export(client, registrar, social_org):
    today = timezone.localdate()
    election = actions.open_election(social_org, actor=None, on=today - timedelta(days=3))
    for kind in ("plan", "candidates"):
        actions.record_step(election, kind, {"done_on": today}, actor=None)
    actions.record_step(election, "meeting", {"done_on": today, "note": "选举"}, actor=None)
    actions.record_step(election, "filing", {"done_on": today}, actor=None)
    figure = next(i for i in indicators if i.key == "elections_completed")
    assert figure.value(registrar, today.year) == 1
    assert figure.value(registrar, today.year - 1) == 0
    client.force_login(registrar)
    listed = client.get(figure.url(today.year)).content.decode()
    assert 'data-sg-total="1"' in listed
    export = client.get(reverse("socialorgs:election_list_export") + f"?year={today.year}")
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    assert sheet.max_row >= 2
    assert AuditEvent.objects.filter(verb=571).exists()
    dormant = client.get(reverse("socialorgs:dormant_export"))
    assert dormant.status_code == 200 and AuditEvent.objects.filter(verb=572).exists()


def test_api(client, registrar, registrar_b, social_org):
    client.force_login(registrar)
    opened = client.post(f"{API}/{social_org.pk}/elections")
    assert opened.status_code == 201, opened.content
    eid = opened.json()["id"]
    assert opened.json()["next_step"] == "plan"
    wrong = client.post(
        f"{API}/elections/{eid}/steps",
        {"kind": "filing", "done_on": "2026-01-01"},
        content_type="application/json",
    )
    assert wrong.status_code == 409
    today = timezone.localdate().isoformat()
    step = client.post(
        f"{API}/elections/{eid}/steps",
        {"kind": "plan", "done_on": today},
        content_type="application/json",
    )
    assert step.status_code == 200 and step.json()["next_step"] == "candidates"
    listed = client.get(f"{API}/elections", {"state": "open"})
    assert "count" in listed.json(), listed.content
    assert listed.json()["count"] == 1
    far = client.post(
        f"{API}/{social_org.pk}/extensions",
        {"new_date": "2027-06-02", "reason": "理由"},
        content_type="application/json",
    )
    assert far.status_code == 422 and far.json()["errors"][0]["field"] == "new_date"
    ext = client.post(
        f"{API}/{social_org.pk}/extensions",
        {"new_date": "2027-05-01", "reason": "理由"},
        content_type="application/json",
    )
    assert ext.status_code == 201
    decided = client.post(
        f"{API}/extensions/{ext.json()['id']}/decision",
        {"approve": True},
        content_type="application/json",
    )
    assert decided.status_code == 200 and decided.json()["state"] == "approved"
    _absent(social_org)
    found = client.post(f"{API}/dormant-cases/detect").json()
    assert len(found) == 1 and client.post(f"{API}/dormant-cases/detect").json() == []
    cid = found[0]["id"]
    notice = client.post(
        f"{API}/dormant-cases/{cid}/outcome", {"outcome": "notice"}, content_type="application/json"
    )
    assert notice.status_code == 200 and notice.json()["state"] == "notice"
    early = client.post(
        f"{API}/dormant-cases/{cid}/outcome",
        {"outcome": "cancelled"},
        content_type="application/json",
    )
    assert early.status_code == 409
    assert client.get(f"{API}/dormant-cases", {"state": "notice"}).json()["count"] == 1
    client.force_login(registrar_b)
    assert client.get(f"{API}/elections/{eid}").status_code == 404
    assert (
        client.post(
            f"{API}/dormant-cases/{cid}/outcome",
            {"outcome": "deregistered"},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert client.get(f"{API}/dormant-cases").json()["count"] == 0
