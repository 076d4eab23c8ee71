"""§7's pages: the cases list (filters, totals, export), registering a lead, a case's forms
(422 beside the field, nothing written), rounds, the figures' lists, the worklists, the
party-building page and the 党建 card on an organization's page."""

from __future__ import annotations

import io
from datetime import date

from django.urls import reverse
from openpyxl import load_workbook

from shegong import testing
from shegong.core.audit import Verb
from shegong.core.models import AuditEvent
from shegong.socialorgs.actions import screening
from shegong.socialorgs.models import Interview, Lead

TODAY = date.today()


def _round(registrar, district):
    return screening.create_round(
        {"name": "第一轮排查", "starts_on": date(TODAY.year, 1, 1),
         "ends_on": date(TODAY.year, 12, 31), "region": district["district"].code},
        actor=registrar,
    )  # fmt: skip


def _lead(registrar, district, name="东关国学促进会", region="community_a"):
    return screening.file_lead(
        {"source": "public", "org_name": name, "place": "东关路8号",
         "description": "收取会费", "region": district[region].code},
        actor=registrar,
    )  # fmt: skip


def test_list_filters_totals_and_export(client, registrar, district):
    r = _round(registrar, district)
    a = _lead(registrar, district)
    b = _lead(registrar, district, name="西关养生会", region="community_b")
    screening.record_visit(
        {"round": r.pk, "visited_on": TODAY, "visitors": "王五", "findings": "有"},
        actor=registrar, lead=a,
    )  # fmt: skip
    client.force_login(registrar)
    url = reverse("socialorgs:screening_leads")
    html = client.get(url).content.decode()
    assert 'data-sg-total="2"' in html and a.org_name in html and b.org_name in html
    for params, shown, hidden in [
        ({"state": "pending"}, a, b),
        ({"state": "unvisited"}, b, a),
        ({"round": str(r.pk)}, a, b),
        ({"q": "养生"}, b, a),
        ({"source": "public", "state": "unvisited", "sort": "oldest"}, b, a),
    ]:
        html = client.get(url, params).content.decode()
        assert shown.org_name in html and hidden.org_name not in html, params
        assert 'data-sg-total="1"' in html
    response = client.get(reverse("socialorgs:screening_export"), {"state": "pending"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [row[3] for row in sheet.iter_rows(min_row=2, values_only=True)] == [a.org_name]
    assert AuditEvent.objects.filter(verb=Verb.SCREENING_EXPORTED).count() == 1


def test_register_a_lead_on_the_page(client, registrar, district):
    client.force_login(registrar)
    url = reverse("socialorgs:screening_new")
    assert client.get(url).status_code == 200
    data = {"source": "department", "org_name": "某协会", "place": "x", "description": "y",
            "region": district["community_a"].code}  # fmt: skip
    bad = client.post(url, data)
    assert bad.status_code == 422 and "请填写来源说明" in bad.content.decode()
    assert not Lead.objects.exists()
    done = client.post(url, {**data, "source_detail": "县市场监管局"})
    lead = Lead.objects.get()
    assert done.status_code == 302 and done["Location"].endswith(f"/screening/{lead.pk}/")


def test_case_forms(client, registrar, district):
    r = _round(registrar, district)
    lead = _lead(registrar, district)
    client.force_login(registrar)
    page = client.get(reverse("socialorgs:screening_lead", args=[lead.pk])).content.decode()
    assert 'data-confirm="' in page and "暂无走访记录" in page
    visit = client.post(
        reverse("socialorgs:screening_visit", args=[lead.pk]),
        {"round": r.pk, "visited_on": TODAY.isoformat(), "visitors": "王五", "findings": "有"},
    )
    assert visit.status_code == 302
    bad = client.post(
        reverse("socialorgs:screening_interview", args=[lead.pk]),
        {"people": "", "interviewed_on": TODAY.isoformat(), "record": "告知"},
    )
    assert bad.status_code == 422 and "请填写约谈对象" in bad.content.decode()
    assert not Interview.objects.exists()
    ok = client.post(
        reverse("socialorgs:screening_interview", args=[lead.pk]),
        {"people": "李某某", "interviewed_on": TODAY.isoformat(), "record": "告知"},
    )
    assert ok.status_code == 302
    outcome_url = reverse("socialorgs:screening_outcome", args=[lead.pk])
    no_opinion = client.post(outcome_url, {"outcome": "no_case"})
    assert no_opinion.status_code == 409 and "请先提出处置意见" in no_opinion.content.decode()
    client.post(reverse("socialorgs:screening_opinion", args=[lead.pk]), {"opinion": "移交"})
    bad = client.post(outcome_url, {"outcome": "referred", "losses_recovered": "-5"})
    html = bad.content.decode()
    assert bad.status_code == 422 and "请填写移交部门" in html and "不能为负数" in html
    done = client.post(
        outcome_url, {"outcome": "referred", "referred_to": "县公安局", "losses_recovered": "500"}
    )
    assert done.status_code == 302
    html = client.get(reverse("socialorgs:screening_lead", args=[lead.pk])).content.decode()
    assert "移交县公安局" in html and "已办结" in html and 'id="outcome-form"' not in html


def test_street_staff_view_only(client, registrar, street_a_staff, district):
    lead = _lead(registrar, district)
    screening.record_interview(
        lead, {"people": "李大为", "interviewed_on": TODAY, "record": "x"}, actor=registrar
    )
    client.force_login(street_a_staff)  # socialorgs.view (and pii.reveal), not manage
    html = client.get(reverse("socialorgs:screening_lead", args=[lead.pk])).content.decode()
    assert "李大为" in html and 'id="opinion-form"' not in html
    html = client.get(reverse("socialorgs:screening_interviews")).content.decode()
    assert "李大为" in html and 'data-sg-total="1"' in html
    response = client.post(
        reverse("socialorgs:screening_opinion", args=[lead.pk]), {"opinion": "x"}
    )
    assert response.status_code == 403


def test_other_street_is_404(client, registrar, registrar_b, district):
    lead = _lead(registrar, district)
    client.force_login(registrar_b)
    assert client.get(reverse("socialorgs:screening_lead", args=[lead.pk])).status_code == 404
    response = client.post(
        reverse("socialorgs:screening_opinion", args=[lead.pk]), {"opinion": "x"}
    )
    assert response.status_code == 404


def test_rounds_page_and_figure_lists(client, registrar, district):
    client.force_login(registrar)
    url = reverse("socialorgs:screening_rounds")
    bad = client.post(url, {"name": "一轮", "starts_on": "2026-05-01", "ends_on": "2026-04-01",
                            "region": district["district"].code})  # fmt: skip
    assert bad.status_code == 422 and "结束日期不能早于开始日期" in bad.content.decode()
    ok = client.post(url, {"name": "一轮", "starts_on": f"{TODAY.year}-01-01",
                           "ends_on": f"{TODAY.year}-12-31",
                           "region": district["district"].code})  # fmt: skip
    assert ok.status_code == 302
    html = client.get(url, {"year": TODAY.year}).content.decode()
    assert 'data-sg-total="1"' in html and "一轮" in html
    assert 'data-sg-total="0"' in client.get(url, {"year": TODAY.year - 1}).content.decode()
    html = client.get(reverse("socialorgs:screening_visits"), {"year": TODAY.year}).content.decode()
    assert 'data-sg-total="0"' in html and "暂无走访记录" in html


def test_recovered_list_shows_the_sum(client, registrar, district):
    for name, money in [("甲会", "60000"), ("乙会", "43500"), ("丙会", "")]:
        lead = _lead(registrar, district, name=name)
        screening.give_opinion(lead, {"opinion": "取缔"}, actor=registrar)
        screening.decide_outcome(
            lead, {"outcome": "banned", "losses_recovered": money}, actor=registrar
        )
    client.force_login(registrar)
    html = client.get(
        reverse("socialorgs:screening_leads"), {"year": TODAY.year, "recovered": "1"}
    ).content.decode()
    assert 'data-sg-total="2"' in html and 'data-sg-sum="103500"' in html and "丙会" not in html


def test_worklists_count_their_lists(client, registrar, district):
    r = _round(registrar, district)
    a = _lead(registrar, district)
    _lead(registrar, district, name="第二会")
    screening.record_visit(
        {"round": r.pk, "visited_on": TODAY, "visitors": "王五", "findings": "有"},
        actor=registrar, lead=a,
    )  # fmt: skip
    unvisited = testing.todo_of(registrar, "socialorgs.screening_unvisited")
    pending = testing.todo_of(registrar, "socialorgs.screening_pending")
    assert unvisited["count"] == 1 and pending["count"] == 1
    client.force_login(registrar)
    for todo in (unvisited, pending):
        html = client.get(todo["url"]).content.decode()
        assert 'data-sg-total="1"' in html
    html = client.get(reverse("socialorgs:workbench")).content.decode()
    assert "待走访的非法社会组织线索" in html and "未党建入章的社会组织" in html
