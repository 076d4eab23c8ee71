"""§7 screening through the actions: a lead from each source, visits in a round, interviews
(with attachments), the opinion and the outcome; bad input refused with nothing written;
another street's objects are NotFound; the year's figures are the lists' totals."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shegong import testing
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, InvalidInput, NotFound, NotPermitted
from shegong.core.models import AuditEvent
from shegong.reports.models import Report
from shegong.socialorgs import screening_queries as sq
from shegong.socialorgs.actions import screening
from shegong.socialorgs.models import (
    Interview,
    InterviewAttachment,
    Lead,
    LeadState,
    ScreeningRound,
    ScreeningVisit,
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TODAY = date.today()
START = date(TODAY.year, 1, 1)


@pytest.fixture
def the_round(registrar, district):
    return screening.create_round(
        {"name": "第一轮排查", "starts_on": START, "ends_on": date(TODAY.year, 12, 31),
         "region": district["district"].code},
        actor=registrar,
    )  # fmt: skip


def public_lead(actor, district, **overrides):
    data = {
        "source": "public", "source_detail": "群众来电", "org_name": "东关国学促进会",
        "place": "东关路8号", "description": "未经登记以协会名义收取会费",
        "region": district["community_a"].code,
    }  # fmt: skip
    data.update(overrides)
    return screening.file_lead(data, actor=actor)


def make_report(region, text="有人以协会名义组织集资"):
    return Report.objects.create(
        category=testing.report_category(), description=text, region=region
    )


def test_a_case_from_lead_to_outcome(registrar, district, the_round):
    lead = public_lead(registrar, district)
    assert sq.state_of(lead) == LeadState.UNVISITED
    screening.record_visit(
        {"round": the_round.pk, "visited_on": TODAY, "visitors": "王五、赵六",
         "findings": "现场有横幅，未见登记证书"},
        actor=registrar, lead=lead,
    )  # fmt: skip
    lead.refresh_from_db()
    assert sq.state_of(lead) == LeadState.PENDING
    visit = ScreeningVisit.objects.get()
    assert visit.place == "东关路8号" and visit.region == lead.region  # place from the lead
    interview = screening.record_interview(
        lead,
        {"people": "李某某、钱某", "interviewed_on": TODAY, "record": "告知其立即停止活动"},
        actor=registrar,
        files=[SimpleUploadedFile("约谈笔录.pdf", PDF, content_type="application/pdf")],
    )
    assert interview.people == ["李某某", "钱某"]
    assert interview.attachments.get().name == "约谈笔录.pdf"
    screening.give_opinion(lead, {"opinion": "建议依法取缔"}, actor=registrar)
    done = screening.decide_outcome(
        lead, {"outcome": "banned", "losses_recovered": "12,000.50", "outcome_note": "已取缔"},
        actor=registrar,
    )  # fmt: skip
    assert done.outcome == "banned" and done.losses_recovered == Decimal("12000.50")
    assert done.outcome_on == TODAY and sq.state_of(done) == LeadState.CLOSED
    verbs = list(
        AuditEvent.objects.filter(target_type="socialorgs.lead").values_list("verb", flat=True)
    )
    assert sorted(verbs) == sorted(
        [Verb.SCREENING_LEAD_FILED, Verb.SCREENING_VISIT_RECORDED,
         Verb.SCREENING_INTERVIEW_RECORDED, Verb.SCREENING_OPINION_GIVEN,
         Verb.SCREENING_OUTCOME_DECIDED]
    )  # fmt: skip
    # Closed is final.
    with pytest.raises(DomainError, match="已于"):
        screening.decide_outcome(lead, {"outcome": "no_case"}, actor=registrar)
    with pytest.raises(DomainError):
        screening.record_visit(
            {"round": the_round.pk, "visited_on": TODAY, "visitors": "王五", "findings": "x"},
            actor=registrar, lead=lead,
        )  # fmt: skip


def test_lead_from_a_report_takes_its_region(registrar, district):
    report = make_report(district["community_a"])
    lead = screening.file_lead(
        {"source": "report", "report": str(report.pk), "org_name": "某某慈善会",
         "place": "东关广场", "description": "随手拍反映"},
        actor=registrar,
    )  # fmt: skip
    assert lead.report == report and lead.region == district["community_a"]


def test_lead_for_a_report_outside_scope_is_404(registrar_b, district):
    report = make_report(district["community_a"])  # street A
    with pytest.raises(NotFound):
        screening.file_lead(
            {"source": "report", "report": str(report.pk), "org_name": "某某慈善会",
             "place": "东关广场", "description": "随手拍反映"},
            actor=registrar_b,
        )  # fmt: skip
    assert not Lead.objects.exists()


def test_bad_leads_are_refused_naming_the_field(registrar, district):
    for overrides, field in [
        ({"source": "department", "source_detail": ""}, "source_detail"),
        ({"org_name": ""}, "org_name"),
        ({"source": "x"}, "source"),
        ({"region": district["community_b"].code + "9"}, "region"),
        ({"received_on": (TODAY + timedelta(days=1)).isoformat()}, "received_on"),
        ({"source": "report", "report": ""}, "report"),
    ]:
        with pytest.raises(InvalidInput) as exc:
            public_lead(registrar, district, **overrides)
        assert field in {e["field"] for e in exc.value.errors}, overrides
    assert (
        not Lead.objects.exists()
        and not AuditEvent.objects.filter(verb=Verb.SCREENING_LEAD_FILED).exists()
    )


def test_region_outside_scope_refused(registrar_b, district):
    with pytest.raises(InvalidInput) as exc:
        public_lead(registrar_b, district)  # community A is street A's
    assert exc.value.errors[0]["field"] == "region"


def test_visit_needs_a_round_in_scope_and_a_date_in_it(registrar, district, the_round):
    lead = public_lead(registrar, district)
    data = {"round": the_round.pk, "visited_on": TODAY, "visitors": "王五", "findings": "无"}
    for overrides, field in [
        ({"round": ""}, "round"),
        ({"round": 99999}, "round"),
        ({"visitors": ""}, "visitors"),
        ({"findings": ""}, "findings"),
        ({"visited_on": date(TODAY.year - 1, 12, 31)}, "visited_on"),  # before the round
    ]:
        with pytest.raises(InvalidInput) as exc:
            screening.record_visit({**data, **overrides}, actor=registrar, lead=lead)
        assert field in {e["field"] for e in exc.value.errors}, overrides
    # a patrol visit without a lead needs a region
    with pytest.raises(InvalidInput) as exc:
        screening.record_visit({**data, "place": "西关市场"}, actor=registrar)
    assert exc.value.errors[0]["field"] == "region"
    assert not ScreeningVisit.objects.exists()
    screening.record_visit(
        {**data, "place": "西关市场", "region": district["community_b"].code}, actor=registrar
    )
    assert ScreeningVisit.objects.get().lead is None


def test_interview_without_people_is_refused(registrar, district):
    lead = public_lead(registrar, district)
    for people in ["", " 、 ", []]:
        with pytest.raises(InvalidInput) as exc:
            screening.record_interview(
                lead, {"people": people, "interviewed_on": TODAY, "record": "记录"},
                actor=registrar,
            )  # fmt: skip
        assert exc.value.errors[0]["field"] == "people"
    assert not Interview.objects.exists()


def test_interview_with_a_bad_file_writes_nothing(registrar, district):
    lead = public_lead(registrar, district)
    with pytest.raises(InvalidInput) as exc:
        screening.record_interview(
            lead, {"people": "李某", "interviewed_on": TODAY, "record": "记录"},
            actor=registrar,
            files=[
                SimpleUploadedFile("ok.pdf", PDF),
                SimpleUploadedFile("病毒.exe", b"MZ\x90\x00binary"),
            ],
        )  # fmt: skip
    assert "病毒.exe" in str(exc.value)
    assert not Interview.objects.exists() and not InterviewAttachment.objects.exists()


def test_outcome_bad_input(registrar, district):
    lead = public_lead(registrar, district)
    with pytest.raises(DomainError, match="处置意见"):
        screening.decide_outcome(lead, {"outcome": "no_case"}, actor=registrar)
    screening.give_opinion(lead, {"opinion": "移交公安"}, actor=registrar)
    for data, field in [
        ({"outcome": "referred"}, "referred_to"),
        ({"outcome": "banned", "losses_recovered": "-1"}, "losses_recovered"),
        ({"outcome": "banned", "losses_recovered": "很多"}, "losses_recovered"),
        ({"outcome": "banned", "losses_recovered": "1.234"}, "losses_recovered"),
        ({"outcome": ""}, "outcome"),
        ({"outcome": "banned", "outcome_on": "2000-01-01"}, "outcome_on"),
    ]:
        with pytest.raises(InvalidInput) as exc:
            screening.decide_outcome(lead, data, actor=registrar)
        assert field in {e["field"] for e in exc.value.errors}, data
    lead.refresh_from_db()
    assert lead.outcome == "" and lead.losses_recovered == 0
    assert not AuditEvent.objects.filter(verb=Verb.SCREENING_OUTCOME_DECIDED).exists()
    done = screening.decide_outcome(
        lead, {"outcome": "referred", "referred_to": "县公安局"}, actor=registrar
    )
    assert done.referred_to == "县公安局"


def test_scope_and_permission(registrar, registrar_b, street_a_staff, district, the_round):
    lead = public_lead(registrar, district)
    with pytest.raises(NotFound):
        screening.give_opinion(lead, {"opinion": "x"}, actor=registrar_b)
    with pytest.raises(NotFound):
        screening.record_interview(
            lead, {"people": "李某", "interviewed_on": TODAY, "record": "x"}, actor=registrar_b
        )
    with pytest.raises(NotPermitted):
        screening.give_opinion(lead, {"opinion": "x"}, actor=street_a_staff)  # view only
    # street B's registrar cannot use the district's round? It is above their scope.
    with pytest.raises(InvalidInput) as exc:
        screening.record_visit(
            {"round": the_round.pk, "visited_on": TODAY, "visitors": "甲", "findings": "无",
             "place": "西关", "region": district["community_b"].code},
            actor=registrar_b,
        )  # fmt: skip
    assert exc.value.errors[0]["field"] == "round"


def test_year_figures_are_the_lists_totals(registrar, district, the_round):
    old_round = screening.create_round(
        {"name": "去年一轮", "starts_on": date(TODAY.year - 1, 3, 1),
         "ends_on": date(TODAY.year - 1, 3, 31), "region": district["district"].code},
        actor=registrar,
    )  # fmt: skip
    a = public_lead(registrar, district)
    b = public_lead(registrar, district, org_name="东关养生会")
    c = public_lead(registrar, district, org_name="东关理财俱乐部")
    for lead in (a, b):
        screening.record_visit(
            {"round": the_round.pk, "visited_on": TODAY, "visitors": "王五", "findings": "有"},
            actor=registrar, lead=lead,
        )  # fmt: skip
    screening.record_visit(
        {"round": old_round.pk, "visited_on": date(TODAY.year - 1, 3, 5), "visitors": "王五",
         "findings": "无", "place": "旧址", "region": district["community_a"].code},
        actor=registrar,
    )  # fmt: skip
    screening.record_interview(
        a, {"people": ["李某"], "interviewed_on": TODAY, "record": "x"}, actor=registrar
    )
    for lead, outcome, money in [
        (a, "banned", "60000"),
        (b, "banned", "43500"),
        (c, "no_case", ""),
    ]:
        screening.give_opinion(lead, {"opinion": "意见"}, actor=registrar)
        screening.decide_outcome(
            lead, {"outcome": outcome, "losses_recovered": money}, actor=registrar
        )
    figures = sq.year_figures(registrar, TODAY.year)
    assert figures == {
        "rounds": 1, "visits": 2, "interviews": 1, "recovered": Decimal("103500"),
        "recovered_cases": 2,
    }  # fmt: skip
    assert sq.year_figures(registrar, TODAY.year - 1)["visits"] == 1
    assert ScreeningRound.objects.count() == 2
    # round filter: leads visited in that round
    listed = sq.filtered_leads(registrar, sq.LeadFilter(round=str(the_round.pk)))
    assert set(listed) == {a, b}
