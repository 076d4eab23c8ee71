"""A charity's figures come from its annual report (issue 14 §6/§3): the inspection part announces
a submitted or concluded report, the charity part keeps the year's figures, the previous year's
income, the art. 61 flags and the audit on file; a report's figures win over entry by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from shegong.core.audit import Verb
from shegong.core.errors import DomainError
from shegong.core.models import AuditEvent
from shegong.socialorgs import charity as charity_part
from shegong.socialorgs.actions import charity, inspection
from shegong.socialorgs.models import AnnualReport, CharityFinancials

from .charity_helpers import fin_data, pdf, qualify, today
from .inspection_helpers import FORM

YEAR = today().year - 3  # clear of the fixture's inspected years


def file_report(so, year=YEAR, *, audit=False, **figures):
    """Draft, fill and submit ``so``'s report for ``year`` as the system."""
    report, _ = AnnualReport.objects.get_or_create(social_org=so, year=year)
    inspection.save_report(report, {**FORM, **figures}, actor=None)
    kinds = ["audit" if audit else "financial", "certificate"]
    for kind in kinds:
        inspection.add_attachments(report, kind, [pdf(f"{kind}.pdf")], actor=None)
    return inspection.submit_report(report, actor=None)


def conclude(report):
    found = {"verified_on": today().isoformat(), "findings": "材料齐全", "verified_by": "核验员"}
    inspection.verify_report(report, found, actor=None)
    return inspection.conclude_report(report, "pass", actor=None)


def test_a_submitted_report_makes_the_figures(charity_org):
    report = file_report(
        charity_org, audit=True, income="1000000", expenditure="900000",
        charitable_spending="800000", management_cost="50000",
    )  # fmt: skip
    fin = CharityFinancials.objects.get(social_org=charity_org, year=YEAR)
    assert fin.source == "report" and fin.report == report
    assert fin.income == Decimal("1000000.00") and fin.total_spending == Decimal("900000.00")
    assert fin.charitable_spending == Decimal("800000.00") and fin.audited
    assert fin.previous_income is None and fin.spending_ratio is None  # no previous year
    assert fin.management_ratio == Decimal("5.56") and not fin.flagged
    # the inspection verb's one audit entry says what the charity part did
    entry = AuditEvent.objects.filter(verb=Verb.ANNUAL_REPORT_SUBMITTED).latest("pk")
    assert entry.data["charity"] == {
        "financials": fin.pk, "created": True, "audited": True, "flagged": False,
    }  # fmt: skip
    assert not AuditEvent.objects.filter(verb=Verb.CHARITY_FINANCIALS_SAVED).exists()


def test_flags_for_a_public_fundraising_foundation(registrar, charity_org):
    qualify(charity_org, registrar)
    charity_org.refresh_from_db()
    file_report(charity_org, YEAR - 1, income="1000000")
    file_report(
        charity_org, income="1200000", expenditure="800000",
        charitable_spending="600000", management_cost="100000",
    )  # fmt: skip
    fin = CharityFinancials.objects.get(social_org=charity_org, year=YEAR)
    assert fin.previous_income == Decimal("1000000.00")  # last year's report
    assert fin.ratios_apply and fin.flagged and len(fin.flags) == 2
    assert fin.spending_ratio == Decimal("60.00") and "低于70" in fin.flags[0]
    assert fin.management_ratio == Decimal("12.50") and "高于10" in fin.flags[1]
    assert not fin.audited  # a financial report only, no audit report
    assert charity_part.financials(registrar, year=YEAR, flagged="1").get() == fin


def test_ratios_bind_public_fundraising_foundations_only(registrar, social_org):
    social_org.charity, social_org.charity_on = True, today().replace(year=today().year - 5)
    social_org.save()
    file_report(social_org, YEAR - 1, income="1000000")
    file_report(social_org, charitable_spending="10", management_cost="90000", expenditure="90000")
    fin = CharityFinancials.objects.get(social_org=social_org, year=YEAR)
    assert fin.spending_ratio is not None and not fin.ratios_apply and not fin.flagged


def test_previous_year_filed_later_rechecks_the_ratio(registrar, charity_org):
    qualify(charity_org, registrar)
    charity_org.refresh_from_db()
    file_report(charity_org, income="1000000", charitable_spending="500000")
    fin = CharityFinancials.objects.get(social_org=charity_org, year=YEAR)
    assert fin.previous_income is None and not fin.flagged
    # the previous year's income entered by hand (no online report that year)
    charity.save_financials(
        charity_org, fin_data(year=str(YEAR - 1), income="800000"), actor=registrar
    )
    fin.refresh_from_db()
    assert fin.previous_income == Decimal("800000.00") and fin.spending_ratio == Decimal("62.50")
    assert fin.flagged


def test_resubmitted_and_concluded_report_updates_the_figures(registrar, charity_org):
    report = file_report(charity_org, income="1000000")
    inspection.return_report(report, "请核对本年收入", actor=registrar)
    report = file_report(charity_org, income="1100000", audit=True)
    fin = CharityFinancials.objects.get(social_org=charity_org, year=YEAR)
    assert fin.income == Decimal("1100000.00") and fin.audited
    assert CharityFinancials.objects.filter(social_org=charity_org).count() == 1
    conclude(report)
    entry = AuditEvent.objects.filter(verb=Verb.ANNUAL_REPORT_CONCLUDED).latest("pk")
    assert entry.data["charity"]["financials"] == fin.pk and not entry.data["charity"]["created"]


def test_the_report_wins_over_entry_by_hand(registrar, charity_org):
    by_hand = charity.save_financials(
        charity_org, fin_data(year=str(YEAR), income="5"), actor=registrar
    )
    file_report(charity_org, income="1000000")
    by_hand.refresh_from_db()
    assert by_hand.source == "report" and by_hand.income == Decimal("1000000.00")
    with pytest.raises(DomainError, match="以年报为准"):
        charity.save_financials(charity_org, fin_data(year=str(YEAR)), actor=registrar)
    by_hand.refresh_from_db()
    assert by_hand.income == Decimal("1000000.00")  # nothing half-written


def test_no_figures_for_an_organization_that_is_not_a_charity(social_org):
    file_report(social_org, audit=True)
    assert not CharityFinancials.objects.exists()
    entry = AuditEvent.objects.filter(verb=Verb.ANNUAL_REPORT_SUBMITTED).latest("pk")
    assert "charity" not in entry.data


def test_list_shows_the_source_and_counts_equal_the_list(client, registrar, charity_org):
    report = file_report(charity_org, audit=True)
    client.force_login(registrar)
    url = reverse("socialorgs:charity_financials")
    html = client.get(url, {"year": YEAR, "audited": "1"}).content.decode()
    assert 'data-sg-total="1"' in html and "取自年检年报" in html
    assert reverse("socialorgs:inspection", args=[report.pk]) in html
    assert charity_part.audits_on_file(registrar, YEAR).count() == 1
    # entry by hand on the page: refused with the reason, the report's figures kept
    page = client.post(
        reverse("socialorgs:charity_org_financials", args=[charity_org.pk]),
        fin_data(year=str(YEAR), income="5"),
    )
    assert page.status_code == 409 and "以年报为准" in page.content.decode()
    assert CharityFinancials.objects.get().income == Decimal(FORM["income"])


def test_api_says_where_the_figures_come_from(client, registrar, charity_org):
    report = file_report(charity_org, audit=True)
    client.force_login(registrar)
    base = "/api/v1/socialorgs"
    rows = client.get(f"{base}/charity/financials", {"year": YEAR, "audited": "1"}).json()
    assert rows["count"] == 1
    assert rows["items"][0]["source"] == "report" and rows["items"][0]["report"] == report.pk
    refused = client.post(
        f"{base}/{charity_org.pk}/charity/financials", fin_data(year=str(YEAR)),
        content_type="application/json",
    )  # fmt: skip
    assert refused.status_code == 409 and "以年报为准" in refused.json()["detail"]


def test_the_report_page_says_it_gave_the_figures(client, registrar, charity_org, social_org):
    report = file_report(charity_org, audit=True)
    client.force_login(registrar)
    html = client.get(reverse("socialorgs:inspection", args=[report.pk])).content.decode()
    assert 'id="report-charity"' in html and "已取自本年报（已审计" in html
    other = file_report(social_org)  # not a charity: nothing to say
    html = client.get(reverse("socialorgs:inspection", args=[other.pk])).content.decode()
    assert 'id="report-charity"' not in html
