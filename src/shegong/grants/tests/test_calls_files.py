"""Real files of 公益创投: an application's attachments (added and removed while a draft), the
signed agreement, a tranche's evidence (required) and a visit's attachments are checked uploads
kept in the storage; a bad file is refused naming it with nothing written; one download page
serves them to staff in scope, the applicant organization and the application's reviewers, and
is a 404 to anyone else; the API takes multipart uploads and lists our download URLs."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from shegong import testing
from shegong.core.errors import InvalidInput
from shegong.grants.actions import applications, projects, reviews
from shegong.grants.models import Application, Tranche, Visit
from shegong.grants.tests.calls_fixtures import (
    PDF,
    app_data,
    bad_file,
    open_call,
    org_account,
    pdf,
    reviewing,
    score_all,
    submitted,
)

pytestmark = pytest.mark.django_db
API = "/api/v1/grants"
PLAN = [{"milestone": "签约后", "amount": "6000"}, {"milestone": "中期评估后", "amount": "6000"}]


def _stored(settings) -> list[Path]:
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


@pytest.fixture
def other_org_user(district, other_org):
    return org_account(district, other_org)


@pytest.fixture
def signed(district, district_admin, org_user, other_org_user, reviewers):
    """A project of ``org_user``'s organization, signed with its agreement file."""
    call = open_call(district_admin, district)
    first = submitted(org_user, call, attachments=[pdf("申报书.pdf")])
    second = submitted(
        other_org_user, call, title="四点半课堂", category="青少年", amount="20000",
        budget_lines=[{"item": "课程", "amount": "20000"}],
    )  # fmt: skip
    reviewing(district_admin, call, [first, second], reviewers)
    score_all(call, reviewers, {first.pk: [60, 80, 100], second.pk: [70, 75, 95]})
    reviews.rank(district_admin, call)
    project = reviews.decide(district_admin, call, awards={first.pk: "12000"})[0]
    return projects.sign(
        district_admin, project, agreement_no="GY-1", signed_on=timezone.localdate(),
        tranches=PLAN, confirm_early=True, agreement=[pdf("资助协议.pdf")],
    )  # fmt: skip


# --- actions ----------------------------------------------------------------------------------


def test_a_draft_keeps_its_uploads_and_adds_and_removes_files(
    district, district_admin, org_user, settings, django_capture_on_commit_callbacks
):
    call = open_call(district_admin, district)
    app = applications.save_application(
        org_user, call, **app_data(), attachments=[pdf("申报书.pdf"), pdf("预算表.pdf")]
    )
    assert [a["name"] for a in app.attachments] == ["申报书.pdf", "预算表.pdf"]
    assert all(a["path"].startswith("grants/applications/") for a in app.attachments)
    assert app.attachments[0]["size"] == len(PDF) and len(_stored(settings)) == 2
    first_path = Path(settings.MEDIA_ROOT) / app.attachments[0]["path"]
    with django_capture_on_commit_callbacks(execute=True):
        app = applications.application_files(
            org_user, app, attachments=[pdf("章程.pdf")], remove=["0"]
        )
    assert [a["name"] for a in app.attachments] == ["预算表.pdf", "章程.pdf"]
    assert not first_path.exists() and len(_stored(settings)) == 2
    with pytest.raises(InvalidInput, match="请选择要上传的文件"):
        applications.application_files(org_user, app)


def test_a_bad_file_is_refused_naming_it_and_nothing_is_written(
    district, district_admin, org_user, settings
):
    call = open_call(district_admin, district)
    with pytest.raises(InvalidInput) as refused:
        applications.save_application(
            org_user, call, **app_data(), attachments=[pdf(), bad_file("病毒.exe")]
        )
    assert "病毒.exe" in refused.value.detail
    assert not Application.objects.exists() and _stored(settings) == []
    app = applications.save_application(org_user, call, **app_data(), attachments=[pdf()])
    with pytest.raises(InvalidInput, match=r"假的\.pdf"):
        applications.application_files(
            org_user, app, attachments=[bad_file("假的.pdf")], remove=[0]
        )
    app.refresh_from_db()
    assert [a["name"] for a in app.attachments] == ["项目申报书.pdf"] and len(
        _stored(settings)
    ) == 1
    with pytest.raises(InvalidInput, match="上传的文件"):
        applications.save_application(org_user, call, **app_data(), attachments=[{"name": "x"}])


def test_a_submitted_application_keeps_its_files(district, district_admin, org_user):
    call = open_call(district_admin, district)
    app = submitted(org_user, call, attachments=[pdf()])
    from shegong.core.errors import IllegalTransition

    with pytest.raises(IllegalTransition):
        applications.application_files(org_user, app, attachments=[pdf("新.pdf")])


def test_a_tranche_needs_evidence_and_a_bad_file_writes_nothing(signed, org_user, settings):
    assert signed.agreement[0]["name"] == "资助协议.pdf"
    one = Tranche.objects.get(project=signed, seq=1)
    before = len(_stored(settings))
    with pytest.raises(InvalidInput, match="请上传佐证材料"):
        projects.request_tranche(org_user, one, report="启动")
    with pytest.raises(InvalidInput, match=r"签到表\.txt"):
        projects.request_tranche(
            org_user, one, report="启动", evidence=[pdf("照片.pdf"), bad_file("签到表.txt")]
        )
    one.refresh_from_db()
    assert one.status == "planned" and one.evidence == [] and len(_stored(settings)) == before
    done = projects.request_tranche(org_user, one, report="启动", evidence=[pdf("照片.pdf")])
    assert done.status == "requested" and done.evidence[0]["path"].startswith("grants/evidence/")


def test_a_visit_keeps_its_attachments(signed, district_admin):
    visit = projects.record_visit(
        district_admin, signed, kind="supervision", visited_on=timezone.localdate(),
        visitor="督导甲", findings="进度正常", attachments=[pdf("督导记录.pdf")],
    )  # fmt: skip
    assert visit.attachments[0]["path"].startswith("grants/visits/")
    with pytest.raises(InvalidInput, match=r"记录\.exe"):
        projects.record_visit(
            district_admin, signed, kind="supervision", visited_on=timezone.localdate(),
            visitor="督导甲", findings="进度正常", attachments=[bad_file("记录.exe")],
        )  # fmt: skip
    assert Visit.objects.count() == 1


# --- pages ------------------------------------------------------------------------------------


def _download(client, kind, pk, index=0):
    return client.get(reverse("grants:file", args=[kind, pk, index]))


def test_portal_upload_and_who_may_download(
    client, district, district_admin, org_user, other_org_user, street_b_staff
):
    call = open_call(district_admin, district)
    client.force_login(org_user)
    form = {
        "title": "银龄守望", "category": "为老服务", "summary": "上门探访",
        "beneficiaries": "独居老人", "beneficiary_count": "100", "amount": "15000",
        "budget_lines": "物资,9000\n补贴,6000", "indicators": "探访,200,次",
    }  # fmt: skip
    bad = client.post(
        reverse("grants:portal_apply", args=[call.pk]), {**form, "attachments": [bad_file()]}
    )
    assert bad.status_code == 422 and "说明.exe" in bad.content.decode()
    assert not Application.objects.exists()
    made = client.post(
        reverse("grants:portal_apply", args=[call.pk]), {**form, "attachments": [pdf("申报书.pdf")]}
    )
    assert made.status_code == 302
    app = Application.objects.get()
    page = client.get(reverse("grants:portal_application", args=[app.pk])).content.decode()
    url = reverse("grants:file", args=["application", app.pk, 0])
    assert url in page and 'id="files-form"' in page
    got = client.get(url)
    assert got.status_code == 200 and b"".join(got.streaming_content) == PDF
    assert "filename*=UTF-8''%E7%94%B3%E6%8A%A5%E4%B9%A6.pdf" in got["Content-Disposition"]
    assert got["Content-Disposition"].startswith("attachment;")
    # add one and remove the first on the portal page
    client.post(
        reverse("grants:portal_files", args=[app.pk]),
        {"attachments": [pdf("预算表.pdf")], "remove": ["0"]},
    )
    app.refresh_from_db()
    assert [a["name"] for a in app.attachments] == ["预算表.pdf"]
    refused = client.post(
        reverse("grants:portal_files", args=[app.pk]), {"attachments": [bad_file()]}
    )
    assert refused.status_code == 422 and "说明.exe" in refused.content.decode()
    applications.submit(org_user, app)
    staff = testing.Client()
    staff.force_login(district_admin)
    detail = staff.get(reverse("grants:application", args=[app.pk])).content.decode()
    assert url in detail
    assert _download(staff, "application", app.pk).status_code == 200
    assert _download(staff, "application", app.pk, 5).status_code == 404
    assert _download(staff, "nothing", app.pk).status_code == 404
    for outsider in (other_org_user, street_b_staff):
        client.force_login(outsider)
        assert _download(client, "application", app.pk).status_code == 404


def test_reviewers_agreement_evidence_and_visit_downloads(
    client, signed, district_admin, org_user, other_org_user, street_b_staff, reviewers
):
    app = signed.application
    one = Tranche.objects.get(project=signed, seq=1)
    portal = testing.Client()
    portal.force_login(org_user)
    page = portal.get(reverse("grants:portal_project", args=[signed.pk])).content.decode()
    assert reverse("grants:file", args=["agreement", signed.pk, 0]) in page
    portal.post(reverse("grants:portal_project", args=[signed.pk]),
                {"tranche": one.pk, "report": "已启动"})  # fmt: skip
    one.refresh_from_db()
    assert one.status == "planned"
    portal.post(reverse("grants:portal_project", args=[signed.pk]),
                {"tranche": one.pk, "report": "已启动", "evidence": [pdf("照片.pdf")]})  # fmt: skip
    one.refresh_from_db()
    assert one.status == "requested"
    assert _download(portal, "evidence", one.pk).status_code == 200
    assert _download(portal, "agreement", signed.pk).status_code == 200
    client.force_login(district_admin)
    queue = client.get(reverse("grants:tranches")).content.decode()
    assert reverse("grants:file", args=["evidence", one.pk, 0]) in queue
    client.post(
        reverse("grants:project_verb", args=[signed.pk, "visit"]),
        {"kind": "supervision", "visited_on": timezone.localdate().isoformat(),
         "visitor": "督导甲", "findings": "正常", "attachments": [pdf("督导记录.pdf")]},
    )  # fmt: skip
    visit = Visit.objects.get()
    project_page = client.get(reverse("grants:project", args=[signed.pk])).content.decode()
    for kind, pk in (("agreement", signed.pk), ("evidence", one.pk), ("visit", visit.pk)):
        assert reverse("grants:file", args=[kind, pk, 0]) in project_page
        assert _download(client, kind, pk).status_code == 200
    assert _download(portal, "visit", visit.pk).status_code == 404
    reviewer = testing.Client()
    reviewer.force_login(reviewers[0])
    assert _download(reviewer, "application", app.pk).status_code == 200
    assert _download(reviewer, "agreement", signed.pk).status_code == 404
    for outsider in (other_org_user, street_b_staff):
        client.force_login(outsider)
        for kind, pk in (("agreement", signed.pk), ("evidence", one.pk), ("visit", visit.pk),
                         ("application", app.pk)):  # fmt: skip
            assert _download(client, kind, pk).status_code == 404


# --- API --------------------------------------------------------------------------------------


def test_api_multipart_uploads_and_file_lists(
    district, district_admin, org_user, other_org_user, signed
):
    import json

    portal = testing.Client()
    portal.force_login(org_user)
    one = Tranche.objects.get(project=signed, seq=1)
    url = f"{API}/portal/tranches/{one.pk}/request"
    json_only = portal.post(url, {"report": "启动"}, content_type="application/json")
    assert json_only.status_code == 422 and "佐证" in json_only.json()["detail"]
    bad = portal.post(url, {"report": "启动", "evidence": [bad_file("x.exe")]})
    assert bad.status_code == 422 and "x.exe" in bad.json()["detail"]
    done = portal.post(url, {"report": "启动", "evidence": [pdf("照片.pdf")]})
    assert done.status_code == 200, done.content
    evidence = done.json()["evidence"]
    assert evidence == [{"name": "照片.pdf", "size": len(PDF),
                         "url": reverse("grants:file", args=["evidence", one.pk, 0])}]  # fmt: skip
    assert portal.get(evidence[0]["url"]).status_code == 200
    staff = testing.Client()
    staff.force_login(district_admin)
    project = staff.get(f"{API}/projects/{signed.pk}").json()
    assert project["agreement"][0]["url"] == reverse(
        "grants:file", args=["agreement", signed.pk, 0]
    )
    app = staff.get(f"{API}/applications/{signed.application_id}").json()
    assert app["attachments"][0]["name"] == "申报书.pdf"
    # a new call's draft through the API: a multipart form with JSON text lists
    call = open_call(district_admin, district, title="第二期公益创投")
    data = app_data()
    form = {
        **{k: v for k, v in data.items() if not isinstance(v, list)},
        "budget_lines": json.dumps(data["budget_lines"]),
        "indicators": json.dumps(data["indicators"]), "call": call.pk,
        "attachments": [pdf("申报书.pdf")],
    }  # fmt: skip
    made = portal.post(f"{API}/portal/applications", form)
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["attachments"][0]["url"] == reverse(
        "grants:file", args=["application", body["id"], 0]
    )
    more = portal.post(f"{API}/portal/applications/{body['id']}/files",
                       {"attachments": [pdf("预算.pdf")], "remove": ["0"]})  # fmt: skip
    assert [f["name"] for f in more.json()["attachments"]] == ["预算.pdf"]
    other = testing.Client()
    other.force_login(other_org_user)
    refused = other.post(f"{API}/portal/applications/{body['id']}/files",
                         {"attachments": [pdf()]})  # fmt: skip
    assert refused.status_code == 404
    assert other.get(body["attachments"][0]["url"]).status_code == 404
