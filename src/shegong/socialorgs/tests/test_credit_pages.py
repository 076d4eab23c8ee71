"""Credit-list pages (issue 14 §4): the registrar's list (filters, worklist figures equal to the
list's totals, export for the credit platform), the organization page's card and its forms (bad
input → 422 beside the field, nothing written), the portal's 信用状况 and the public lookup."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from shegong.core.audit import Verb
from shegong.core.models import AuditEvent
from shegong.socialorgs.actions import credit, records
from shegong.socialorgs.demo import credit_code
from shegong.socialorgs.models import (
    AnnualReport,
    CreditListing,
    ListKind,
    Rectification,
    ReturnedLetter,
)


def _listed(so, year=None):
    today = timezone.localdate()
    AnnualReport.objects.create(
        social_org=so, year=year or today.year - 1, conclusion="absent", state="concluded"
    )
    credit.scan(today)
    return CreditListing.objects.get(social_org=so, kind=ListKind.ABNORMAL)


def _second(registrar, org_data, district):
    return records.register_social_org(
        org_data(
            name="西关养老服务中心",
            org_type="service",
            credit_code=credit_code("service", "341271", 2),
            registration_number="皖民证字第00002号",
            region=district["community_b"].code,
        ),
        actor=registrar,
    )


def test_list_filters_scope_and_worklist_figures(
    client, registrar, registrar_b, social_org, org_data, district
):
    other = _second(registrar, org_data, district)
    _listed(social_org)
    _listed(other)
    client.force_login(registrar)
    html = client.get(reverse("socialorgs:credit")).content.decode()
    assert 'data-sg-total="2"' in html and "东关书法家协会" in html
    for params, shown, hidden in [
        ({"region": district["street_a"].code}, social_org, other),
        ({"q": other.organization.credit_code}, other, social_org),
        (
            {"kind": "abnormal", "state": "open", "rule": "report_missed", "q": "书法"},
            social_org,
            other,
        ),
    ]:
        html = client.get(reverse("socialorgs:credit"), params).content.decode()
        assert shown.organization.name in html and hidden.organization.name not in html
        assert 'data-sg-total="1"' in html
    html = client.get(reverse("socialorgs:credit"), {"kind": "serious"}).content.decode()
    assert 'data-sg-total="0"' in html and "暂无符合条件" in html
    # the workbench's figures link to lists whose totals equal them
    bench = client.get(reverse("socialorgs:workbench")).content.decode()
    links = re.findall(r'href="([^"]*credit/\?[^"]*)"[^>]*data-sg-count="(\d+)"', bench)
    links += [
        (u, n)
        for n, u in re.findall(r'data-sg-count="(\d+)"[^>]*href="([^"]*credit/\?[^"]*)"', bench)
    ]
    assert links, bench
    for url, count in links:
        listed = client.get(url.replace("&amp;", "&")).content.decode()
        assert f'data-sg-total="{count}"' in listed, url
    assert ("/socialorgs/credit/?state=recent&amp;sort=oldest", "2") in links
    # another street's registrar sees only theirs
    client.force_login(registrar_b)
    html = client.get(reverse("socialorgs:credit")).content.decode()
    assert 'data-sg-total="1"' in html and "东关书法家协会" not in html


def test_export_has_the_national_columns_and_is_audited(client, registrar, social_org):
    _listed(social_org)
    client.force_login(registrar)
    response = client.get(reverse("socialorgs:credit_export"), {"kind": "abnormal"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    header = [cell for cell in rows[0] if cell]
    for column in [
        "统一社会信用代码",
        "名称",
        "列入日期",
        "列入事由",
        "作出决定机关",
        "移出日期",
        "移出事由",
    ]:
        assert column in header
    assert any(social_org.organization.credit_code in (row or ()) for row in rows)
    entry = AuditEvent.objects.get(verb=int(Verb.CREDIT_LISTINGS_EXPORTED))
    assert entry.data["filters"] == {"kind": "abnormal"}


def test_detail_card_and_letter_form(client, registrar, social_org):
    client.force_login(registrar)
    html = client.get(reverse("socialorgs:detail", args=[social_org.pk])).content.decode()
    assert 'id="credit"' in html and "暂无信用名录记录" in html and 'id="letter-form"' in html
    url = reverse("socialorgs:credit_letter", args=[social_org.pk])
    bad = client.post(url, {"sent_on": "2026-02-10", "returned_on": "2026-02-01"})
    assert bad.status_code == 422
    assert "退回日期不能早于寄出日期" in bad.content.decode()
    assert not ReturnedLetter.objects.exists()
    today = timezone.localdate()
    good = client.post(
        url, {"sent_on": today - timedelta(days=40), "returned_on": today - timedelta(days=30)}
    )
    assert good.status_code == 302 and ReturnedLetter.objects.count() == 1


def test_rectification_verify_and_remove_pages(client, registrar, social_org):
    listing = _listed(social_org)
    client.force_login(registrar)
    remove = reverse("socialorgs:credit_remove", args=[listing.pk])
    assert "data-confirm" in client.get(remove).content.decode()
    refused = client.post(remove, {"removal_reason": "已补报"})
    assert refused.status_code == 409 and "核实" in refused.content.decode()
    url = reverse("socialorgs:credit_rectification", args=[social_org.pk])
    bad = client.post(url, {"matter": "", "deadline": "2020-01-01"})
    assert bad.status_code == 422 and "请填写整改事项" in bad.content.decode()
    assert not Rectification.objects.exists()
    deadline = timezone.localdate() + timedelta(days=20)
    assert client.post(url, {"matter": "补报年度工作报告", "deadline": deadline}).status_code == 302
    rect = Rectification.objects.get()
    verify = reverse("socialorgs:credit_verify", args=[rect.pk])
    assert client.post(verify, {"verification_note": ""}).status_code == 422
    assert client.post(verify, {"verification_note": "已补报"}).status_code == 302
    assert client.post(remove, {"removal_reason": ""}).status_code == 422
    assert client.post(remove, {"removal_reason": "整改已核实"}).status_code == 302
    listing.refresh_from_db()
    assert listing.removed_on == timezone.localdate()


def test_another_streets_objects_are_404(client, registrar, registrar_b, social_org):
    listing = _listed(social_org)
    rect = credit.order_rectification(
        social_org, {"matter": "x", "deadline": "2099-01-01"}, actor=registrar
    )
    client.force_login(registrar_b)
    for url in [
        reverse("socialorgs:credit_remove", args=[listing.pk]),
        reverse("socialorgs:credit_verify", args=[rect.pk]),
        reverse("socialorgs:credit_letter", args=[social_org.pk]),
    ]:
        assert client.get(url).status_code == 404
        assert client.post(url, {}).status_code == 404


def test_portal_shows_the_listing_and_how_to_leave(client, org_user, social_org):
    _listed(social_org)
    client.force_login(org_user)
    home = client.get(reverse("socialorgs:portal")).content.decode()
    assert "信用状况" in home and "当前列入：活动异常名录" in home
    html = client.get(reverse("socialorgs:portal_credit")).content.decode()
    assert "列入事由" in html and "如何移出" in html and "申请移出" not in html


def test_portal_application_to_leave_the_serious_list(client, org_user, social_org):
    listing = CreditListing.objects.create(
        social_org=social_org,
        kind=ListKind.SERIOUS,
        rule="abnormal_two_years",
        fact_on=date(2023, 1, 1),
        listed_on=date(2023, 1, 1),
        reason="被列入活动异常名录满2年",
        how_to_leave="申请",
        authority="示范区民政局",
        clock_from=date(2023, 1, 1),
    )
    client.force_login(org_user)
    html = client.get(reverse("socialorgs:portal_credit")).content.decode()
    assert f'id="leave-form-{listing.pk}"' in html
    url = reverse("socialorgs:portal_credit_apply", args=[listing.pk])
    bad = client.post(url, {"leave_statement": ""})
    assert bad.status_code == 422 and "请填写申请说明" in bad.content.decode()
    assert client.post(url, {"leave_statement": "已履行义务"}).status_code == 302
    listing.refresh_from_db()
    assert listing.leave_applied_at is not None


def test_public_lookup_shows_open_listings_only(client, registrar, social_org, org_data, district):
    listing = _listed(social_org)
    other = _second(registrar, org_data, district)
    url = reverse("socialorgs_public:credit")
    html = client.get(url, {"q": "书法"}).content.decode()
    assert "东关书法家协会" in html and listing.reason in html and 'data-sg-total="1"' in html
    assert "张三丰" not in html and "13912345678" not in html  # no personal data
    html = client.get(url, {"q": other.organization.credit_code.lower()}).content.decode()
    assert "西关养老服务中心" in html and "未列入" in html
    credit.order_rectification(social_org, {"matter": "补报", "deadline": "2099-01-01"}, actor=None)
    rect = Rectification.objects.get()
    credit.verify_rectification(rect, "已核实", actor=None)
    credit.scan()
    html = client.get(url, {"q": "书法"}).content.decode()
    assert listing.reason not in html and "未列入" in html
    assert "社会组织信用查询" in client.get(reverse("socialorgs_public:index")).content.decode()
