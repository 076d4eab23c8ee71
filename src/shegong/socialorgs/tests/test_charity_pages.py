"""The charity pages: the registrar's lists (clocks, disclosure state, ratio flags, Excel export),
the worklists whose counts equal the lists they open, the decision form, the organization's page
panel, the forms filed on an organization's behalf, and the portal's 慈善募捐 page."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from shegong.core.audit import Verb
from shegong.core.models import AuditEvent
from shegong.socialorgs.actions import charity
from shegong.socialorgs.models import (
    CharityFinancials,
    FundraisingApplication,
    FundraisingPlan,
    SocialOrg,
)

from .charity_helpers import PDF, fin_data, pdf, plan_data, today


def total(html: str) -> int:
    found = re.search(r'data-sg-total="(\d+)"', html)
    assert found, "the list carries no data-sg-total"
    return int(found.group(1))


@pytest.fixture
def busy(registrar, charity_org):
    """A pending application, a plan with an overdue disclosure, a flagged year."""
    app = charity.file_application(charity_org, {}, governance_files=[pdf()], actor=registrar)
    charity.decide_application(app, "granted", actor=registrar)
    charity_org.refresh_from_db()
    plan = charity.file_plan(
        charity_org,
        plan_data(
            starts_on=(today() - timedelta(days=300)).isoformat(),
            ends_on=(today() + timedelta(days=60)).isoformat(),
        ),
        actor=None,
        on=today() - timedelta(days=310),
    )
    fin = charity.save_financials(
        charity_org, fin_data(charitable_spending="100000"), actor=registrar
    )
    return {"so": charity_org, "plan": plan, "fin": fin, "granted": app}


def test_worklists_equal_their_lists(client, registrar, busy, org_data, district):
    from shegong.socialorgs.actions import records
    from shegong.socialorgs.demo import credit_code

    other = records.register_social_org(
        org_data(
            name="西关慈善会", credit_code=credit_code("association", "341271", 9),
            registration_number="皖民证字第00009号", charity=True,
            charity_on=(today() - timedelta(days=30)).isoformat(),
        ),
        actor=registrar,
    )  # fmt: skip
    charity.file_application(other, {}, actor=registrar)
    client.force_login(registrar)
    html = client.get(reverse("socialorgs:workbench")).content.decode()
    for key, expected in [
        ("socialorgs.charity.pending", 1),
        ("socialorgs.charity.disclosure_overdue", 1),
        ("socialorgs.charity.ratio_flagged", 1),
    ]:
        link = re.search(
            rf'href="([^"]+)" data-worklist="{re.escape(key)}" data-sg-count="(\d+)"', html
        )
        assert link, key
        assert int(link.group(2)) == expected, key
        listed = client.get(link.group(1).replace("&amp;", "&"))
        assert listed.status_code == 200
        assert total(listed.content.decode()) == expected, key


def test_application_pages_and_decision(client, registrar, charity_org):
    app = charity.file_application(charity_org, {}, governance_files=[pdf()], actor=registrar)
    client.force_login(registrar)
    html = client.get(reverse("socialorgs:charity_applications")).content.decode()
    assert "剩余20天" in html and charity_org.organization.name in html
    page = client.get(reverse("socialorgs:charity_application", args=[app.pk]))
    html = page.content.decode()
    assert "认定为慈善组织满一年" in html and 'data-confirm="' in html
    doc = app.documents.get()
    download = client.get(reverse("socialorgs:charity_application_file", args=[app.pk, doc.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    url = reverse("socialorgs:charity_decide", args=[app.pk])
    refused = client.post(url, {"decision": "refused", "reasons": ""})
    assert refused.status_code == 422
    assert "不予公开募捐资格时请填写理由" in refused.content.decode()
    assert FundraisingApplication.objects.get().state == "pending"
    done = client.post(url, {"decision": "granted"})
    assert done.status_code == 302
    assert SocialOrg.objects.get(pk=charity_org.pk).public_fundraising


def test_plan_pages_export_and_logs(client, registrar, busy):
    plan = busy["plan"]
    client.force_login(registrar)
    html = client.get(
        reverse("socialorgs:charity_plans"), {"disclosure": "overdue"}
    ).content.decode()
    assert plan.title in html and "逾期" in html and total(html) == 1
    assert (
        total(client.get(reverse("socialorgs:charity_plans"), {"phase": "ended"}).content.decode())
        == 0
    )
    bad = client.post(
        reverse("socialorgs:charity_supervise", args=[plan.pk]), {"checked_on": today()}
    )
    assert bad.status_code == 422 and "检查内容" in bad.content.decode()
    ok = client.post(
        reverse("socialorgs:charity_supervise", args=[plan.pk]),
        {"checked_on": today().isoformat(), "checked": "核查募捐票据", "findings": "规范"},
    )
    assert ok.status_code == 302 and plan.supervision.count() == 1
    bad_file = client.post(
        reverse("socialorgs:charity_disclose", args=[plan.pk]),
        {"disclosed_on": today().isoformat(), "content": "收支",
         "files": SimpleUploadedFile("公开.txt", b"hello")},
    )  # fmt: skip
    assert bad_file.status_code == 422 and "「公开.txt」" in bad_file.content.decode()
    ok = client.post(
        reverse("socialorgs:charity_disclose", args=[plan.pk]),
        {"disclosed_on": today().isoformat(), "content": "本季度收支", "files": pdf("公开.pdf")},
    )
    assert ok.status_code == 302
    plan.refresh_from_db()
    assert plan.disclosure_due_on > today()
    html = client.get(reverse("socialorgs:charity_plan", args=[plan.pk])).content.decode()
    assert "本季度收支" in html and "核查募捐票据" in html
    export = client.get(reverse("socialorgs:charity_plans_export"))
    sheet = load_workbook(
        io.BytesIO(b"".join(export.streaming_content) if export.streaming else export.content)
    ).active
    assert [c.value for c in sheet[1]][:2] == ["募捐活动名称", "社会组织"]
    assert sheet.cell(row=2, column=1).value == plan.title
    assert AuditEvent.objects.filter(verb=Verb.FUNDRAISING_PLANS_EXPORTED).exists()


def test_financials_list_and_detail_panel(client, registrar, busy):
    client.force_login(registrar)
    html = client.get(reverse("socialorgs:charity_financials"), {"flagged": "1"}).content.decode()
    assert total(html) == 1 and "低于70" in html
    html = client.get(reverse("socialorgs:detail", args=[busy["so"].pk])).content.decode()
    assert 'id="charity"' in html and plan_data()["title"] in html


def test_registrar_files_for_an_org(client, registrar, charity_org):
    client.force_login(registrar)
    url = reverse("socialorgs:charity_org_plan", args=[charity_org.pk])
    assert client.get(url).status_code == 200
    refused = client.post(url, plan_data())
    assert refused.status_code == 409 and "不具有公开募捐资格" in refused.content.decode()
    assert not FundraisingPlan.objects.exists()
    url = reverse("socialorgs:charity_org_financials", args=[charity_org.pk])
    bad = client.post(url, fin_data(income="abc"))
    assert bad.status_code == 422 and "本年总收入应为数字" in bad.content.decode()
    ok = client.post(url, fin_data(audited="on", audit_files=pdf("审计报告.pdf")))
    assert ok.status_code == 302 and CharityFinancials.objects.get().audited
    url = reverse("socialorgs:charity_org_apply", args=[charity_org.pk])
    ok = client.post(url, {"note": "代为申请", "governance_files": [pdf("a.pdf"), pdf("b.pdf")]})
    assert ok.status_code == 302
    assert FundraisingApplication.objects.get().documents.count() == 2


def test_another_street_sees_nothing(client, registrar_b, busy):
    client.force_login(registrar_b)
    for name, args in [
        ("socialorgs:charity_application", [busy["granted"].pk]),
        ("socialorgs:charity_plan", [busy["plan"].pk]),
        ("socialorgs:charity_org_plan", [busy["so"].pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 404
    html = client.get(reverse("socialorgs:charity_plans")).content.decode()
    assert total(html) == 0 and "暂无募捐方案" in html


def test_portal_flow(client, org_user, social_org, registrar):
    client.force_login(org_user)
    html = client.get(reverse("socialorgs:portal")).content.decode()
    assert "慈善募捐" in html and "未认定为慈善组织" in html
    social_org.charity, social_org.charity_on = True, today() - timedelta(days=800)
    social_org.save()
    bad = client.post(
        reverse("socialorgs:portal_charity_apply"),
        {"governance_files": SimpleUploadedFile("制度.exe", b"MZ")},
    )
    assert bad.status_code == 422 and "「制度.exe」" in bad.content.decode()
    ok = client.post(reverse("socialorgs:portal_charity_apply"), {"governance_files": pdf()})
    assert ok.status_code == 302
    html = client.get(reverse("socialorgs:portal_charity")).content.decode()
    assert "剩余20天" in html and "近两年年检（年报）合格：不符合" in html
    app = FundraisingApplication.objects.get()
    assert app.via_portal
    charity.decide_application(app, "refused", reasons="近两年年检未合格", actor=registrar)
    html = client.get(reverse("socialorgs:portal_charity")).content.decode()
    assert "决定理由：近两年年检未合格" in html
    # qualified later: files a plan and a disclosure from the portal
    social_org.public_fundraising, social_org.public_fundraising_on = True, today()
    social_org.save()
    ok = client.post(reverse("socialorgs:portal_charity_plan"), plan_data())
    assert ok.status_code == 302
    plan = FundraisingPlan.objects.get()
    bad = client.post(reverse("socialorgs:portal_charity_plan"), plan_data(ends_on="2000-01-01"))
    assert bad.status_code == 422 and "募捐结束日期不能早于开始日期" in bad.content.decode()
    url = reverse("socialorgs:portal_charity_disclose", args=[plan.pk])
    assert client.get(url).status_code == 200
    # the staff pages are not the org account's
    assert client.get(reverse("socialorgs:charity_plans")).status_code == 403


def test_portal_is_for_org_accounts_only(client, registrar):
    client.force_login(registrar)
    assert client.get(reverse("socialorgs:portal_charity")).status_code == 403
