"""The business supervisor's (业务主管单位) 初审 pages (issue 14 §3): the list of reports awaiting
their 初审 (oldest first, the deadline and 逾期, filters, empty state), a report with its figures
and materials, the decision (通过; 退回 with a required note), another department's organization
a 404, the to-do and the menu entry shown to supervisors only; the registrar's paper 初审 still
works."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from shegong import testing
from shegong.accounts.models import Department
from shegong.core.audit import Verb
from shegong.core.models import AuditEvent
from shegong.core.perms import Role
from shegong.socialorgs import supervision
from shegong.socialorgs.actions import inspection
from shegong.socialorgs.models import AnnualReport
from shegong.web.menu import menu_for
from shegong.web.todos import todos_for

from .inspection_helpers import at, filled, open_year, org

THIS_YEAR = timezone.localdate().year
EDU = "示范区教育局"
CULTURE = "示范区文旅局"


def _department(district, code, name):
    return Department.objects.create(code=code, name=name, region=district["district"])


@pytest.fixture
def edu_user(district):
    department = _department(district, "edu", EDU)
    return testing.user(
        Role.DEPARTMENT_HANDLER, district["district"], name="教育局科员", department=department
    )


@pytest.fixture
def culture_user(district):
    department = _department(district, "culture", CULTURE)
    return testing.user(
        Role.DEPARTMENT_HANDLER, district["district"], name="文旅局科员", department=department
    )


@pytest.fixture
def reports(registrar, org_data, district):
    """Three organizations supervised by 教育局 (two filed, one a draft) and one by 文旅局."""
    first = org(org_data, 11, supervisor=EDU, name="东关书法协会")
    second = org(org_data, 12, supervisor=EDU, name="西关围棋协会",
                 region=district["community_b"].code)  # fmt: skip
    org(org_data, 13, supervisor=EDU, name="鼓楼草稿协会")
    other = org(org_data, 14, supervisor=CULTURE, name="文旅摄影协会")
    plan = open_year(district, THIS_YEAR - 1, registrar)
    found = {}
    for so, when in [(second, at(THIS_YEAR, 2, 1)), (first, at(THIS_YEAR, 1, 10)),
                     (other, at(THIS_YEAR, 1, 5))]:  # fmt: skip
        report = plan.reports.get(social_org=so)
        filled(report)
        inspection.submit_report(report, actor=None, at=when)
        found[so.organization.name] = AnnualReport.objects.get(pk=report.pk)
    return found


def test_the_list_oldest_first_with_deadline_and_filters(client, edu_user, reports):
    client.force_login(edu_user)
    url = reverse("socialorgs:supervision")
    html = client.get(url).content.decode()
    assert 'data-sg-total="2"' in html
    assert html.index("东关书法协会") < html.index("西关围棋协会")  # filed earlier first
    assert "文旅摄影协会" not in html and "鼓楼草稿协会" not in html
    assert f"{THIS_YEAR}-03-31" in html  # the plan's 初审 deadline
    overdue = timezone.localdate() > date(THIS_YEAR, 3, 31)
    assert ("逾期</span>" in html) == overdue
    # decided: gone from 待初审, shown under 已初审 and 全部
    inspection.supervisor_review(reports["东关书法协会"], passed=True, note="", actor=edu_user)
    assert 'data-sg-total="1"' in client.get(url, {"state": "pending"}).content.decode()
    reviewed = client.get(url, {"state": "reviewed"}).content.decode()
    assert "东关书法协会" in reviewed and "西关围棋协会" not in reviewed
    assert 'data-sg-total="2"' in client.get(url, {"state": "all"}).content.decode()
    empty = client.get(url, {"year": str(THIS_YEAR - 1), "state": "reviewed"}).content.decode()
    assert "东关书法协会" in empty
    # a year not among the choices: the form refuses it, the default list (待初审) is shown
    refused = client.get(url, {"year": "1999"}).content.decode()
    assert 'data-sg-total="1"' in refused and "西关围棋协会" in refused


def test_the_empty_state_for_a_department_supervising_nothing(client, district):
    department = _department(district, "city", "城管局")
    user = testing.user(Role.DEPARTMENT_HANDLER, district["district"], department=department)
    client.force_login(user)
    html = client.get(reverse("socialorgs:supervision")).content.decode()
    assert "不是任何社会组织的业务主管单位" in html
    assert todos_for(user) is None or not any(
        t["key"] == "socialorgs.supervision.pending" for t in todos_for(user) or []
    )
    labels = [e["label"] for g in menu_for(user, "/") for e in g["items"]]
    assert "业务主管单位初审" not in labels


def test_the_report_page_shows_figures_and_materials(client, edu_user, reports):
    report = reports["东关书法协会"]
    client.force_login(edu_user)
    html = client.get(reverse("socialorgs:supervision_report", args=[report.pk])).content.decode()
    assert "开展书法培训12期" in html and "120000" in html and 'id="review-form"' in html
    attachment = report.attachments.first()
    response = client.get(reverse("socialorgs:supervision_file", args=[report.pk, attachment.pk]))
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"


def test_pass_and_return_with_and_without_note(client, edu_user, reports):
    client.force_login(edu_user)
    first, second = reports["东关书法协会"], reports["西关围棋协会"]
    url = reverse("socialorgs:supervision_review", args=[second.pk])
    bad = client.post(url, {"result": "return", "note": "  "})
    assert bad.status_code == 422 and "退回时请填写初审意见" in bad.content.decode()
    second.refresh_from_db()
    assert second.state == "submitted" and second.supervisor_result == ""
    assert client.post(url, {"result": "bogus"}).status_code == 422
    done = client.post(url, {"result": "return", "note": "财务报告缺少签章"})
    assert done.status_code == 302
    second.refresh_from_db()
    assert second.state == "returned" and second.corrections == "财务报告缺少签章"
    assert not second.supervisor_on_paper and second.supervisor_by == "教育局科员"
    passed = client.post(
        reverse("socialorgs:supervision_review", args=[first.pk]), {"result": "pass"}
    )
    assert passed.status_code == 302
    first.refresh_from_db()
    assert first.state == "supervisor_passed"
    assert AuditEvent.objects.filter(verb=Verb.ANNUAL_REPORT_SUPERVISOR_REVIEWED).count() == 2
    # decided already: a second decision is refused, the page shows the record instead
    again = client.post(reverse("socialorgs:supervision_review", args=[first.pk]),
                        {"result": "return", "note": "再看看"})  # fmt: skip
    assert again.status_code == 409
    html = client.get(reverse("socialorgs:supervision_report", args=[first.pk])).content.decode()
    assert 'id="review-record"' in html and 'id="review-form"' not in html


def test_another_departments_organization_is_a_404(client, edu_user, culture_user, reports):
    theirs = reports["文旅摄影协会"]
    attachment = theirs.attachments.first()
    client.force_login(edu_user)
    for response in [
        client.get(reverse("socialorgs:supervision_report", args=[theirs.pk])),
        client.post(reverse("socialorgs:supervision_review", args=[theirs.pk]), {"result": "pass"}),
        client.get(reverse("socialorgs:supervision_file", args=[theirs.pk, attachment.pk])),
        client.get(reverse("socialorgs:supervision_report", args=[999999])),
    ]:
        assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.state == "submitted"
    # the registrar's inspection pages stay closed to a department user
    assert client.get(reverse("socialorgs:inspection", args=[theirs.pk])).status_code in (403, 404)
    # … and the 文旅局 user sees only theirs
    client.force_login(culture_user)
    html = client.get(reverse("socialorgs:supervision")).content.decode()
    assert "文旅摄影协会" in html and "东关书法协会" not in html


def test_a_draft_never_filed_is_not_shown(client, edu_user, reports):
    draft = AnnualReport.objects.get(social_org__organization__name="鼓楼草稿协会")
    client.force_login(edu_user)
    url = reverse("socialorgs:supervision_report", args=[draft.pk])
    assert client.get(url).status_code == 404


def test_the_todo_counts_the_list_and_the_menu_shows_the_page(client, edu_user, registrar, reports):
    todos = {t["key"]: t for t in todos_for(edu_user) or []}
    todo = todos["socialorgs.supervision.pending"]
    assert todo["count"] == 2 == supervision.filtered(edu_user, state="pending").count()
    client.force_login(edu_user)
    html = client.get(todo["url"]).content.decode()
    assert f'data-sg-total="{todo["count"]}"' in html
    home = client.get(reverse("home")).content.decode()
    assert "待初审的年检报告" in home and "业务主管单位初审" in home
    # the registrar supervises nothing: no such to-do, no such menu entry
    assert "socialorgs.supervision.pending" not in {t["key"] for t in todos_for(registrar) or []}
    labels = [e["label"] for g in menu_for(registrar, "/") for e in g["items"]]
    assert "业务主管单位初审" not in labels and "年检年报" in labels


def test_the_registrars_paper_review_still_works(client, registrar, edu_user, reports):
    report = reports["西关围棋协会"]
    client.force_login(registrar)
    response = client.post(
        reverse("socialorgs:inspection_supervisor", args=[report.pk]),
        {"result": "pass", "note": "纸质初审同意"},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == "supervisor_passed" and report.supervisor_on_paper
    # the supervisor sees the paper 初审 on their page, and no form
    client.force_login(edu_user)
    html = client.get(reverse("socialorgs:supervision_report", args=[report.pk])).content.decode()
    assert "纸质初审代录" in html and 'id="review-form"' not in html


def test_the_demo_education_bureau_supervises_the_demo_organizations(client, db):
    """The 教育局 login is the 业务主管单位 the demo's organizations name (at the small size no
    current-year report of theirs waits; at the seed size two do)."""
    from shegong.accounts.models import User
    from shegong.core import demo

    demo.load("small")
    user = User.objects.get(phone="13800000019")
    assert supervision.supervises_any(user)
    client.force_login(user)
    response = client.get(reverse("socialorgs:supervision"), {"state": "all"})
    assert response.status_code == 200
    total = supervision.filtered(user, state="all").count()
    assert f'data-sg-total="{total}"' in response.content.decode()
    labels = [e["label"] for g in menu_for(user, "/") for e in g["items"]]
    assert "业务主管单位初审" in labels


# --- the API ----------------------------------------------------------------------------------

API = "/api/v1/socialorgs/supervision/reports"


def test_the_api_lists_and_decides(client, edu_user, culture_user, reports):
    client.force_login(edu_user)
    listed = client.get(API).json()
    assert listed["count"] == 2
    assert [r["name"] for r in listed["items"]] == ["东关书法协会", "西关围棋协会"]
    assert listed["items"][0]["supervisor_due"] == f"{THIS_YEAR}-03-31"
    assert client.get(API, {"state": "nonsense"}).status_code == 422
    first, second = reports["东关书法协会"], reports["西关围棋协会"]
    detail = client.get(f"{API}/{first.pk}").json()
    assert detail["activities"].startswith("开展书法培训") and detail["attachments"]
    bad = client.post(f"{API}/{second.pk}/review", {"passed": False, "note": ""},
                      content_type="application/json")  # fmt: skip
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "note"
    returned = client.post(f"{API}/{second.pk}/review", {"passed": False, "note": "补充审计报告"},
                           content_type="application/json")  # fmt: skip
    assert returned.status_code == 200 and returned.json()["state"] == "returned"
    passed = client.post(f"{API}/{first.pk}/review", {"passed": True},
                         content_type="application/json")  # fmt: skip
    assert passed.json()["state"] == "supervisor_passed"
    assert client.get(API).json()["count"] == 0
    assert client.get(API, {"state": "reviewed"}).json()["count"] == 2
    # another department's organization: 404, nothing written
    theirs = reports["文旅摄影协会"]
    assert client.get(f"{API}/{theirs.pk}").status_code == 404
    refused = client.post(f"{API}/{theirs.pk}/review", {"passed": True},
                          content_type="application/json")  # fmt: skip
    assert refused.status_code == 404
    theirs.refresh_from_db()
    assert theirs.state == "submitted"


def test_the_api_for_a_registrar_is_empty(client, registrar, reports):
    client.force_login(registrar)
    assert client.get(API).json()["count"] == 0
    pk = reports["东关书法协会"].pk
    assert client.get(f"{API}/{pk}").status_code == 404
