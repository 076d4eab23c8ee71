"""年检率, the worklists (counts = lists) and the audit figure on hand-built data."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from shegong.socialorgs import charity, inspections
from shegong.socialorgs.actions import inspection
from shegong.socialorgs.inspection_scan import close_inspection_windows
from shegong.socialorgs.models import AnnualReport
from shegong.socialorgs.workbench import indicators, worklists

from .inspection_helpers import at, concluded, filled, open_year, org, pdf

THIS_YEAR = timezone.localdate().year
YEAR = THIS_YEAR - 1


def test_89_of_99_is_90_percent(registrar, org_data, district):
    for serial in range(1, 100):
        org(org_data, serial, region=district["community_a" if serial % 2 else "community_b"].code)
    plan = open_year(district, YEAR, registrar)
    reports = list(plan.reports.order_by("pk"))
    assert len(reports) == 99
    # 89 completed (bulk: the rate reads conclusions only), 10 never filed
    done = [r.pk for r in reports[:89]]
    AnnualReport.objects.filter(pk__in=done[:80]).update(conclusion="pass", state="concluded")
    AnnualReport.objects.filter(pk__in=done[80:86]).update(conclusion="basic", state="concluded")
    AnnualReport.objects.filter(pk__in=done[86:]).update(conclusion="fail", state="concluded")
    close_inspection_windows()
    assert AnnualReport.objects.filter(conclusion="absent").count() == 10
    assert inspections.inspection_rate(registrar, YEAR) == (89, 99)
    table = inspections.rate_table(registrar, YEAR)
    assert table["total"].completed == 89 and table["total"].required == 99
    assert round(table["total"].percent) == 90
    assert sum(r.required for r in table["by_region"]) == 99
    assert sum(r.completed for r in table["by_type"]) == 89
    indicator = next(i for i in indicators if i.key == "inspection_rate")
    assert indicator.value(registrar, YEAR) == (89, 99)
    assert inspections.filtered(registrar, year=YEAR, done="1").count() == 89
    assert indicator.url is not None and "done=1" in indicator.url(YEAR)


def test_rate_is_scoped(registrar, registrar_b, org_data, district):
    org(org_data, 1)
    org(org_data, 2, region=district["community_b"].code)
    open_year(district, YEAR, registrar)
    assert inspections.inspection_rate(registrar, YEAR) == (0, 2)
    assert inspections.inspection_rate(registrar_b, YEAR) == (0, 1)


def _count(key, user):
    item = next(w for w in worklists if w.key == f"socialorgs.inspection.{key}")
    return item.todo.count(user)


def test_worklists_count_what_their_lists_show(client, registrar, org_data, district):
    a = org(org_data, 1)  # absent two years running → 撤销
    b = org(org_data, 2)  # absent last year only → 警告
    c = org(org_data, 3, supervisor="示范区教育局")  # waiting for 初审
    d = org(org_data, 4)  # waiting for 核验
    open_year(district, YEAR - 1, registrar)
    AnnualReport.objects.filter(year=YEAR - 1).exclude(social_org=a).update(
        conclusion="pass", state="concluded"
    )
    close_inspection_windows()
    plan = open_year(district, YEAR, registrar)
    for so in (c, d):
        report = plan.reports.get(social_org=so)
        filled(report)
        inspection.add_attachments(report, "rectification", [pdf()], actor=None)
        inspection.submit_report(report, actor=None, at=at(THIS_YEAR, 3, 1))
    close_inspection_windows()
    expected = {"revoke": [a], "warning": [b], "supervisor": [c], "verify": [d], "conclude": []}
    client.force_login(registrar)
    for key, orgs in expected.items():
        assert _count(key, registrar) == len(orgs), key
        listed = inspections.filtered(registrar, worklist=key, sort="oldest")
        assert [r.social_org_id for r in listed] == [o.pk for o in orgs], key
        html = client.get(reverse("socialorgs:inspections"), {"worklist": key, "sort": "oldest"})
        assert f'data-sg-total="{len(orgs)}"' in html.content.decode(), key
    workbench = client.get(reverse("socialorgs:workbench")).content.decode()
    assert 'data-worklist="socialorgs.inspection.revoke"' in workbench


def test_charities_with_an_audit_on_file_one_definition(registrar, org_data, district):
    """One definition for both parts: a charity's filed report with an audit report among its
    materials makes its figures for the year audited; the charity indicator counts those rows
    and the inspection list's ``audit`` filter shows the same organizations."""
    first = org(org_data, 1, org_type="foundation", charity=True, charity_on="2020-06-01")
    other = org(org_data, 2, charity=True, charity_on="2020-06-01")
    plain = org(org_data, 3)
    plan = open_year(district, YEAR, registrar)
    audited = filled(plan.reports.get(social_org=first), kinds=("audit", "certificate"))
    assert charity.audits_on_file(registrar, YEAR).count() == 0  # a draft is not on file
    inspection.submit_report(audited, actor=None, at=at(THIS_YEAR, 3, 1))
    for so in (other, plain):
        inspection.submit_report(
            filled(plan.reports.get(social_org=so)), actor=None, at=at(THIS_YEAR, 3, 1)
        )
    assert charity.audits_on_file(registrar, YEAR).count() == 1
    indicator = next(i for i in indicators if i.key == "charity.audited")
    assert indicator.value(registrar, YEAR) == 1
    listed = inspections.filtered(registrar, year=YEAR, audit="1")
    assert [r.social_org_id for r in listed] == [first.pk]
    # the statistics page shows the figure once (no second definition in the inspection part)
    assert [i.key for i in indicators if i.label == "完成年度审计的慈善组织"] == ["charity.audited"]


def test_public_results_list_concluded_reports(client, registrar, org_data, district):
    a = org(org_data, 1)
    org(org_data, 2)
    plan = open_year(district, YEAR, registrar)
    concluded(plan.reports.get(social_org=a), "pass", when=at(THIS_YEAR, 3, 1))
    close_inspection_windows()
    page = client.get(reverse("socialorgs_public:inspection_results", args=[YEAR]))
    html = page.content.decode()
    assert page.status_code == 200 and 'data-sg-total="2"' in html
    assert a.organization.name in html and "合格" in html and "未参检" in html
    latest = client.get(reverse("socialorgs_public:inspection_results_latest"))
    assert latest.status_code == 302
    only = client.get(
        reverse("socialorgs_public:inspection_results", args=[YEAR]), {"conclusion": "absent"}
    )
    assert 'data-sg-total="1"' in only.content.decode()
    index = client.get(reverse("socialorgs_public:index")).content.decode()
    assert 'data-public="inspection_results"' in index


def test_the_results_year_is_read_from_the_closed_plans_over_or_within_the_scope(
    registrar, registrar_b, district
):
    """The 警告/撤销 worklists read the latest year whose window has closed: of the district's
    plans for everyone in it, of a street authority's plan only for those over or in it."""
    assert inspections.results_year(registrar) is None  # no plan yet
    open_year(district, YEAR - 2, registrar)  # its window closed on 31 May last year
    assert inspections.results_year(registrar) == YEAR - 2
    assert inspections.results_year(registrar_b) == YEAR - 2  # the district's plan covers it
    street_a = {"authority": "东关街道办事处", "region": district["street_a"].code}
    open_year(district, YEAR - 1, registrar, **street_a)
    assert inspections.results_year(registrar) == YEAR - 1  # the street is within the district
    assert inspections.results_year(registrar_b) == YEAR - 2  # another street's plan
    open_year(district, THIS_YEAR, registrar)  # its window closes next year
    assert inspections.results_year(registrar) == YEAR - 1


def test_the_year_choices_run_from_the_latest_report_to_the_earliest(registrar, org_data, district):
    assert inspections.report_years() == []
    org(org_data, 1)
    open_year(district, YEAR - 2, registrar)
    open_year(district, YEAR, registrar)
    assert inspections.report_years() == [YEAR, YEAR - 1, YEAR - 2]
