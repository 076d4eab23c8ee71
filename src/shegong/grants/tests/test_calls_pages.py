"""The 公益创投 pages with the Django client: staff call pages and tabs, the portal's apply and
submit (a refusal shown), the review desk (declare then score; a conflict blocks), the decision,
signing refused during an objection, the tranche queue, the export, the public page; another
street's objects are 404."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from shegong.grants.models import Application, Call, Project, Review, Tranche
from shegong.grants.tests.calls_fixtures import (
    call_data,
    open_call,
    org_account,
    pdf,
    reviewing,
    score_all,
    submitted,
)
from shegong.notices.models import Notice, Objection

pytestmark = pytest.mark.django_db


def test_staff_create_a_call_on_the_page(client, district, district_admin):
    client.force_login(district_admin)
    assert client.get(reverse("grants:calls")).status_code == 200
    data = call_data(district)
    form = {
        "region": data["region"], "title": data["title"], "year": data["year"],
        "budget": "120000", "max_per_project": "20000", "categories": "为老服务,青少年",
        "opens_on": data["opens_on"].isoformat(), "closes_on": data["closes_on"].isoformat(),
        "criteria": "需求,40,100\n设计,30,100\n能力,20,100",
    }  # fmt: skip
    bad = client.post(reverse("grants:call_new"), form)
    assert bad.status_code == 422 and "权重之和须为 100" in bad.content.decode()
    assert not Call.objects.exists()
    form["criteria"] += "\n预算,10,100"
    made = client.post(reverse("grants:call_new"), form)
    call = Call.objects.get()
    assert made.status_code == 302
    client.post(reverse("grants:call_verb", args=[call.pk, "open"]))
    call.refresh_from_db()
    assert call.status == "open"
    for tab in ("apply", "check", "review", "award", "projects"):
        page = client.get(reverse("grants:call", args=[call.pk]), {"tab": tab})
        assert page.status_code == 200 and 'id="call-tabs"' in page.content.decode()


def test_portal_apply_and_submit(client, district, district_admin, org_user, social_org):
    from shegong.socialorgs.models import CreditListing

    call = open_call(district_admin, district)
    client.force_login(org_user)
    home = client.get(reverse("grants:portal")).content.decode()
    assert call.title in home
    form = {
        "title": "银龄守望", "category": "为老服务", "summary": "上门探访",
        "beneficiaries": "独居老人", "beneficiary_count": "100", "amount": "15000",
        "budget_lines": "物资,9000\n补贴,5000", "indicators": "探访,200,次",
    }  # fmt: skip
    bad = client.post(reverse("grants:portal_apply", args=[call.pk]), form)
    assert bad.status_code == 422 and "须等于申请金额" in bad.content.decode()
    form["budget_lines"] = "物资,9000\n补贴,6000"
    assert client.post(reverse("grants:portal_apply", args=[call.pk]), form).status_code == 302
    app = Application.objects.get()
    today = timezone.localdate()
    listing = CreditListing.objects.create(
        social_org=social_org, kind="abnormal", rule="no_report", fact_on=today, listed_on=today,
        reason="未按规定报送年度报告", how_to_leave="补报", authority="示范区民政局",
        clock_from=today,
    )  # fmt: skip
    page = client.post(reverse("grants:portal_submit", args=[app.pk]), follow=True)
    assert (
        "活动异常名录" in page.content.decode() and "未按规定报送年度报告" in page.content.decode()
    )
    app.refresh_from_db()
    assert app.status == "draft"
    CreditListing.objects.filter(pk=listing.pk).update(removed_on=today)
    client.post(reverse("grants:portal_submit", args=[app.pk]))
    app.refresh_from_db()
    assert app.status == "submitted"
    # staff pages are not the portal's
    assert client.get(reverse("grants:calls")).status_code == 403


@pytest.fixture
def in_review(district, district_admin, org_user, other_org, reviewers):
    call = open_call(district_admin, district)
    first = submitted(org_user, call)
    second = submitted(
        org_account(district, other_org), call, title="四点半课堂", category="青少年",
        amount="20000", budget_lines=[{"item": "课程", "amount": "20000"}],
    )  # fmt: skip
    reviewing(district_admin, call, [first, second], reviewers)
    return call, first, second


def test_the_review_desk(client, in_review, reviewers):
    call, first, second = in_review
    client.force_login(reviewers[0])
    desk = client.get(reverse("grants:reviews")).content.decode()
    assert first.title in desk and second.title in desk
    mine = Review.objects.get(application=first, reviewer=reviewers[0])
    theirs = Review.objects.get(application=first, reviewer=reviewers[1])
    assert client.get(reverse("grants:review", args=[theirs.pk])).status_code == 404
    url = reverse("grants:review", args=[mine.pk])
    client.post(url, {"conflict": "1", "note": "本人任该组织理事"})
    refused = client.post(url, {f"score_{c.pk}": "80" for c in call.criteria.all()})
    assert refused.status_code == 409 and "利益冲突" in refused.content.decode()
    other = Review.objects.get(application=second, reviewer=reviewers[0])
    url = reverse("grants:review", args=[other.pk])
    client.post(url, {"conflict": "0"})
    client.post(url, {f"score_{c.pk}": "90" for c in call.criteria.all()})
    other.refresh_from_db()
    assert other.total == 90
    assert client.get(reverse("grants:calls")).status_code == 403  # no staff pages


def test_decide_sign_and_pay_on_the_pages(client, in_review, reviewers, district_admin, org_user):
    call, first, second = in_review
    score_all(call, reviewers, {first.pk: [60, 80, 100], second.pk: [70, 75, 95]})
    client.force_login(district_admin)
    Call.objects.filter(pk=call.pk).update(budget="30000")
    over = {"award": [first.pk, second.pk], f"amount_{first.pk}": "15000",
            f"amount_{second.pk}": "20000"}  # fmt: skip
    page = client.post(reverse("grants:call_verb", args=[call.pk, "decide"]), over, follow=True)
    assert "超出本次资助总额" in page.content.decode() and not Project.objects.exists()
    client.post(reverse("grants:call_verb", args=[call.pk, "decide"]),
                {"award": [first.pk], f"amount_{first.pk}": "15000"})  # fmt: skip
    project = Project.objects.get()
    notice = Notice.objects.get()
    Objection.objects.create(notice=notice, region_id=notice.region_id, content="有异议")
    sign = {"agreement_no": "GY-1", "signed_on": timezone.localdate().isoformat(),
            "tranches": "首期,7500\n二期,7500", "confirm_early": "1"}  # fmt: skip
    page = client.post(reverse("grants:project_verb", args=[project.pk, "sign"]), sign, follow=True)
    assert "异议" in page.content.decode()
    project.refresh_from_db()
    assert project.status == "publicizing"
    Objection.objects.update(status="answered")
    Notice.objects.update(ends_at=timezone.now() - timedelta(minutes=1),
                          starts_at=timezone.now() - timedelta(days=7))  # fmt: skip
    client.post(reverse("grants:project_verb", args=[project.pk, "sign"]), sign)
    project.refresh_from_db()
    assert project.status == "signed"
    # the organization requests the first tranche on its portal
    portal = client.__class__()
    portal.force_login(org_user)
    one = Tranche.objects.get(project=project, seq=1)
    portal.post(reverse("grants:portal_project", args=[project.pk]),
                {"tranche": one.pk, "report": "已启动", "evidence": pdf("照片.pdf")})  # fmt: skip
    one.refresh_from_db()
    assert one.status == "requested"
    queue = client.get(reverse("grants:tranches"), {"status": "requested"}).content.decode()
    assert 'data-sg-total="1"' in queue
    client.post(reverse("grants:tranche_verb", args=[one.pk, "approve"]), {"note": "齐全"})
    client.post(reverse("grants:tranche_verb", args=[one.pk, "pay"]), {"voucher_no": "PZ1"})
    project.refresh_from_db()
    assert project.paid == 7500 and project.status == "in_progress"
    assert client.get(reverse("grants:project", args=[project.pk])).status_code == 200
    export = client.get(reverse("grants:applications_export", args=[call.pk]))
    assert export.status_code == 200
    public = client.get(reverse("grants_public:grants")).content.decode()
    assert project.title in public and "东关为老服务中心" in public


def test_another_streets_objects_are_404(client, in_review, street_b_staff):
    call, first, _ = in_review
    client.force_login(street_b_staff)
    assert client.get(reverse("grants:application", args=[first.pk])).status_code == 404
    page = client.get(reverse("grants:call", args=[call.pk])).content.decode()
    assert first.title not in page
    assert client.post(reverse("grants:application_check", args=[first.pk]),
                       {"passed": "1"}).status_code == 404  # fmt: skip
