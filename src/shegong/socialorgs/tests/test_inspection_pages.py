"""The inspection pages: the list (filters, export), a report with its review forms, the years,
the 年检率 table, and the organization portal (draft, upload, submit, corrections); bad input
re-renders with 422 and the Chinese message, nothing written."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from shegong.core.audit import Verb
from shegong.core.models import AuditEvent
from shegong.socialorgs.actions import inspection
from shegong.socialorgs.models import AnnualReport, InspectionPlan, ReportAttachment

from .inspection_helpers import FORM, at, filled, open_year, org, pdf

THIS_YEAR = timezone.localdate().year


def test_list_filters_and_export(client, registrar, social_org, org_data, district):
    other = org(org_data, 2, org_type="foundation", region=district["community_b"].code)
    plan = open_year(district, THIS_YEAR - 1, registrar)
    late = plan.reports.get(social_org=other)
    filled(late)
    inspection.submit_report(late, actor=None, at=at(THIS_YEAR, 7, 1))
    client.force_login(registrar)
    url = reverse("socialorgs:inspections")
    html = client.get(url).content.decode()
    assert 'data-sg-total="2"' in html
    for params, shown, hidden in [
        ({"org_type": "foundation"}, other, social_org),
        ({"late": "1"}, other, social_org),
        ({"state": "draft"}, social_org, other),
        ({"region": district["street_a"].code}, social_org, other),
        ({"year": str(THIS_YEAR - 1), "q": "东关"}, social_org, other),
    ]:
        html = client.get(url, params).content.decode()
        assert shown.organization.name in html and hidden.organization.name not in html, params
    response = client.get(reverse("socialorgs:inspections_export"), {"late": "1"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.max_row == 2 and sheet.cell(2, 1).value == other.organization.name
    assert AuditEvent.objects.filter(verb=Verb.ANNUAL_REPORTS_EXPORTED).count() == 1


def test_open_a_year_on_the_page(client, registrar, social_org, district):
    client.force_login(registrar)
    url = reverse("socialorgs:inspection_open")
    data = {"authority": "示范区民政局", "region": district["district"].code, "year": "1990",
            "cutoff": "12-31", "require_certificate": "on"}  # fmt: skip
    bad = client.post(url, data)
    assert bad.status_code == 422 and "年度应为" in bad.content.decode()
    assert not InspectionPlan.objects.exists()
    data["year"] = str(THIS_YEAR - 1)
    assert client.post(url, data).status_code == 302
    assert InspectionPlan.objects.get().reports.count() == 1
    page = client.get(reverse("socialorgs:inspection_plans")).content.decode()
    assert 'data-sg-count="1"' in page


def test_review_on_the_page(client, registrar, social_org, district):
    report = open_year(district, THIS_YEAR - 1, registrar).reports.get()
    filled(report)
    inspection.submit_report(report, actor=None, at=at(THIS_YEAR, 3, 1))
    client.force_login(registrar)
    page = client.get(reverse("socialorgs:inspection", args=[report.pk])).content.decode()
    assert 'id="verify-form"' in page and 'id="return-form"' in page
    bad = client.post(reverse("socialorgs:inspection_verify", args=[report.pk]),
                      {"verified_on": "2026-04-02", "findings": ""})  # fmt: skip
    assert bad.status_code == 422 and "请填写核验情况" in bad.content.decode()
    ok = client.post(reverse("socialorgs:inspection_verify", args=[report.pk]),
                     {"verified_on": "2026-04-02", "findings": "账实相符"})  # fmt: skip
    assert ok.status_code == 302
    url = reverse("socialorgs:inspection_conclude", args=[report.pk])
    bad = client.post(url, {"conclusion": "fail"})
    assert bad.status_code == 422 and "至少选择一项依据" in bad.content.decode()
    assert client.post(url, {"conclusion": "fail", "grounds": ["no_activity"]}).status_code == 302
    report.refresh_from_db()
    assert report.conclusion == "fail" and report.grounds == ["no_activity"]
    # the file is served to the registrar
    attachment = report.attachments.first()
    got = client.get(reverse("socialorgs:inspection_file", args=[report.pk, attachment.pk]))
    assert got.status_code == 200 and "attachment" in got["Content-Disposition"]


def test_rate_page(client, registrar, social_org, district):
    open_year(district, THIS_YEAR - 1, registrar)
    client.force_login(registrar)
    page = client.get(reverse("socialorgs:inspection_rate")).content.decode()
    assert 'id="rate-total"' in page and 'data-sg-count="1"' in page


def test_another_street_gets_404(client, registrar, registrar_b, social_org, district):
    report = open_year(district, THIS_YEAR - 1, registrar).reports.get()
    client.force_login(registrar_b)
    assert client.get(reverse("socialorgs:inspection", args=[report.pk])).status_code == 404
    assert (
        client.post(
            reverse("socialorgs:inspection_return", args=[report.pk]), {"reasons": "x"}
        ).status_code
        == 404
    )


def test_the_organization_files_on_the_portal(client, registrar, social_org, org_user, district):
    report = open_year(district, THIS_YEAR, registrar).reports.get()
    client.force_login(org_user)
    portal = client.get(reverse("socialorgs:portal")).content.decode()
    assert 'data-portal="inspection"' in portal and f"{THIS_YEAR}年度" in portal
    url = reverse("socialorgs:portal_report", args=[report.pk])
    assert client.get(url).status_code == 200
    bad = client.post(url, {**FORM, "income": "很多"})
    assert bad.status_code == 422 and "本年收入应为金额" in bad.content.decode()
    assert client.post(url, FORM).status_code == 302
    upload = reverse("socialorgs:portal_upload", args=[report.pk])
    bad = client.post(upload, {"kind": "financial", "files": [SimpleUploadedFile("a.exe", b"MZ")]})
    assert bad.status_code == 422 and "a.exe" in bad.content.decode()
    assert not ReportAttachment.objects.exists()
    submit = reverse("socialorgs:portal_submit", args=[report.pk])
    refused = client.post(submit)
    assert refused.status_code == 422 and "登记证书副本" in refused.content.decode()
    for kind in ("financial", "certificate"):
        assert client.post(upload, {"kind": kind, "files": [pdf(f"{kind}.pdf")]}).status_code == 302
    assert client.post(submit).status_code == 302
    report.refresh_from_db()
    assert report.state == "submitted"
    # the registrar returns it: the organization sees the reasons
    inspection.return_report(report, "请补充活动照片", actor=registrar)
    page = client.get(url).content.decode()
    assert "请补充活动照片" in page and 'id="report-form"' in page


def test_another_organizations_report_is_404_on_the_portal(
    client, registrar, social_org, org_user, org_data, district
):
    other = org(org_data, 2)
    plan = open_year(district, THIS_YEAR, registrar)
    theirs = plan.reports.get(social_org=other)
    client.force_login(org_user)
    assert client.get(reverse("socialorgs:portal_report", args=[theirs.pk])).status_code == 404
    assert (
        client.post(reverse("socialorgs:portal_report", args=[theirs.pk]), FORM).status_code == 404
    )
    assert client.post(reverse("socialorgs:portal_submit", args=[theirs.pk])).status_code == 404
    assert AnnualReport.objects.get(pk=theirs.pk).activities == ""
    # a staff member is no organization account: the report is not theirs either
    client.force_login(registrar)
    assert client.get(reverse("socialorgs:portal_report", args=[theirs.pk])).status_code == 404


def test_detail_panel_on_the_organization_page(client, registrar, social_org, district):
    open_year(district, THIS_YEAR - 1, registrar)
    client.force_login(registrar)
    page = client.get(reverse("socialorgs:detail", args=[social_org.pk])).content.decode()
    assert 'id="inspection-panel"' in page and f"{THIS_YEAR - 1}年度" in page
