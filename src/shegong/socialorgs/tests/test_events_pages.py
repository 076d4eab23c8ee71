"""Registration-event pages: the registrar's queue and application page, the organization
portal's applications, penalties on the organization page, the charter file, the public 公告
pages; bad input re-renders with 422 and the message beside the field, nothing written."""

from __future__ import annotations

import re
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from shegong.core.audit import Verb
from shegong.core.models import AuditEvent
from shegong.socialorgs import events as event_queries
from shegong.socialorgs.actions import events
from shegong.socialorgs.models import Application, CharterVersion, Penalty, SocialOrg


def pdf(name="申请书.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n% test\n", content_type="application/pdf")


def submitted_renewal(social_org, actor):
    app = events.save_application(social_org, {"kind": "renewal"}, actor=actor)
    events.add_attachments(app, "application_form", [pdf()], actor=actor)
    return events.submit_application(app, actor=actor)


def total(html):
    return int(re.search(r'data-sg-total="(\d+)"', html).group(1))


def test_portal_user_files_uploads_and_submits(client, org_user, social_org):
    client.force_login(org_user)
    home = client.get(reverse("socialorgs:portal")).content.decode()
    assert "登记事项申请" in home
    url = reverse("socialorgs:portal_application_new")
    assert client.get(url).status_code == 200
    response = client.post(url, {"kind": "change", "items": ["address"]})
    assert response.status_code == 422
    html = response.content.decode()
    assert "请填写变更后的住所" in html and "业务主管单位同意（或内部决议）日期" in html
    assert not Application.objects.exists()
    day = (timezone.localdate() - timedelta(days=3)).isoformat()
    response = client.post(
        url,
        {"kind": "change", "items": ["address"], "requested_address": "新华路8号",
         "supervisor_approved_on": day},
    )  # fmt: skip
    app = Application.objects.get()
    assert response.status_code == 302
    page = reverse("socialorgs:portal_application", args=[app.pk])
    html = client.get(page).content.decode()
    assert "剩余27天" in html and "会议纪要（未上传）" in html
    # submitting now: refused naming the missing materials
    response = client.post(reverse("socialorgs:portal_application_submit", args=[app.pk]))
    assert response.status_code == 422
    assert "申请书" in response.content.decode() and "会议纪要" in response.content.decode()
    # a bad file is refused naming it
    attach = reverse("socialorgs:portal_application_attach", args=[app.pk])
    response = client.post(
        attach, {"material": "minutes", "files": [SimpleUploadedFile("纪要.exe", b"MZ")]}
    )
    assert response.status_code == 422 and "纪要.exe" in response.content.decode()
    for material in ["application_form", "minutes"]:
        response = client.post(attach, {"material": material, "files": [pdf(f"{material}.pdf")]})
        assert response.status_code == 302
    response = client.post(reverse("socialorgs:portal_application_submit", args=[app.pk]))
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.state == "submitted"
    # the portal downloads its own attachment
    first = app.attachments.first()
    download = client.get(reverse("socialorgs:portal_attachment", args=[app.pk, first.pk]))
    assert download.status_code == 200 and b"%PDF" in b"".join(download.streaming_content)
    listing = client.get(reverse("socialorgs:portal_applications")).content.decode()
    assert total(listing) == 1 and "待审核" in listing


def test_registrar_queue_approve_and_return(client, registrar, org_user, social_org):
    a = submitted_renewal(social_org, org_user)
    b = submitted_renewal(social_org, org_user)
    client.force_login(registrar)
    html = client.get(reverse("socialorgs:applications"), {"state": "submitted"}).content.decode()
    assert total(html) == 2
    response = client.post(reverse("socialorgs:application_return", args=[a.pk]), {"reasons": ""})
    assert response.status_code == 422 and "请填写退回理由" in response.content.decode()
    a.refresh_from_db()
    assert a.state == "submitted"
    response = client.post(
        reverse("socialorgs:application_return", args=[a.pk]), {"reasons": "缺少公章"}
    )
    assert response.status_code == 302
    response = client.post(reverse("socialorgs:application_approve", args=[b.pk]))
    assert response.status_code == 302
    b.refresh_from_db()
    a.refresh_from_db()
    assert (a.state, b.state) == ("returned", "approved")
    # the organization sees the reasons
    client.force_login(org_user)
    html = client.get(reverse("socialorgs:portal_application", args=[a.pk])).content.decode()
    assert "缺少公章" in html
    # the export is audited
    client.force_login(registrar)
    response = client.get(reverse("socialorgs:applications_export"))
    assert response.status_code == 200
    assert AuditEvent.objects.filter(verb=Verb.APPLICATIONS_EXPORTED).count() == 1


def test_worklist_count_is_the_list_total(client, registrar, org_user, social_org):
    submitted_renewal(social_org, org_user)
    events.save_application(
        social_org,
        {"kind": "change", "items": ["name"], "requested": {"name": "新名称协会"},
         "supervisor_approved_on": (timezone.localdate() - timedelta(days=40)).isoformat()},
        actor=org_user,
    )  # fmt: skip
    client.force_login(registrar)
    for key, query in [
        ("socialorgs_applications_submitted", "state=submitted&sort=oldest"),
        ("socialorgs_applications_overdue", "overdue=pending&sort=oldest"),
    ]:
        todo = next(w.todo for w in __import__(
            "shegong.socialorgs.workbench", fromlist=["x"]
        ).worklists if w.key == key)  # fmt: skip
        assert todo.query == query
        html = client.get(reverse("socialorgs:applications") + "?" + query).content.decode()
        assert todo.count(registrar) == total(html) == 1
    bench = client.get(reverse("socialorgs:workbench")).content.decode()
    assert "待审核的登记事项申请" in bench


def test_registrar_files_on_behalf(client, registrar, social_org):
    client.force_login(registrar)
    url = reverse("socialorgs:application_new", args=[social_org.pk])
    response = client.post(url, {"kind": "renewal", "reason": "代为填报"})
    assert response.status_code == 302
    app = Application.objects.get()
    assert app.on_behalf and app.filed_by == registrar
    html = client.get(reverse("socialorgs:application", args=[app.pk])).content.decode()
    assert "登记管理机关代为填报" in html and "提交申请" in html


def test_penalty_form_on_org_page(client, registrar, social_org):
    client.force_login(registrar)
    detail = client.get(reverse("socialorgs:detail", args=[social_org.pk])).content.decode()
    assert "行政处罚" in detail and "第三十条" in detail
    url = reverse("socialorgs:penalty_new", args=[social_org.pk])
    data = {
        "kind": "fine", "ground": "society_30_6", "decision_number": "示民罚〔2026〕2号",
        "decided_on": timezone.localdate().isoformat(), "amount": "0",
    }  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 422 and "罚款金额应为大于0的数" in response.content.decode()
    assert not Penalty.objects.exists()
    response = client.post(url, {**data, "amount": "2000"})
    assert response.status_code == 302
    detail = client.get(reverse("socialorgs:detail", args=[social_org.pk])).content.decode()
    assert "2000.00 元" in detail
    listing = client.get(reverse("socialorgs:penalties"), {"kind": "fine"}).content.decode()
    assert total(listing) == 1


def test_status_form_takes_a_statutory_ground_for_cancellation(client, registrar, social_org):
    client.force_login(registrar)
    url = reverse("socialorgs:status", args=[social_org.pk])
    response = client.post(url, {"status": "cancelled", "legal_basis": "随便写"})
    assert response.status_code == 422 and "须选择法定事由" in response.content.decode()
    response = client.post(url, {"status": "cancelled", "ground": "society_29_fraud"})
    assert response.status_code == 302
    event = AuditEvent.objects.filter(verb=Verb.SOCIAL_ORG_STATUS_CHANGED).get()
    assert event.data["legal_basis"].startswith("《社会团体登记管理条例》第二十九条")
    assert SocialOrg.objects.get(pk=social_org.pk).status == "cancelled"


def test_charter_upload_and_download(client, registrar, social_org):
    client.force_login(registrar)
    url = reverse("socialorgs:charter", args=[social_org.pk])
    day = timezone.localdate().isoformat()
    bad = SimpleUploadedFile("章程.txt", b"hello")
    response = client.post(url, {"version_date": day, "file": bad})
    assert response.status_code == 422 and "章程.txt" in response.content.decode()
    assert not CharterVersion.objects.exists()
    response = client.post(url, {"version_date": day, "file": pdf("章程2026.pdf")})
    assert response.status_code == 302
    charter = CharterVersion.objects.get()
    assert charter.file_name == "章程2026.pdf"
    detail = client.get(reverse("socialorgs:detail", args=[social_org.pk])).content.decode()
    assert "章程2026.pdf" in detail
    download = client.get(reverse("socialorgs:charter_file", args=[social_org.pk, charter.pk]))
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]


def test_public_announcements(client, registrar, org_user, social_org):
    app = events.save_application(
        social_org,
        {"kind": "change", "items": ["legal_rep"], "requested": {"legal_rep": "王小明"},
         "supervisor_approved_on": timezone.localdate().isoformat()},
        actor=org_user,
    )  # fmt: skip
    for material in ["application_form", "minutes", "audit_report"]:
        events.add_attachments(app, material, [pdf()], actor=org_user)
    events.submit_application(app, actor=org_user)
    events.approve_application(app, actor=registrar)
    url = reverse("socialorgs_public:announcements")
    html = client.get(url).content.decode()
    assert total(html) == 2  # founding, legal representative
    html = client.get(url, {"kind": "legal_rep_changed"}).content.decode()
    assert total(html) == 1 and "法定代表人变更公告" in html
    assert total(client.get(url, {"q": "不存在的组织"}).content.decode()) == 0
    found = event_queries.public_announcements(kind="legal_rep_changed").get()
    detail = client.get(reverse("socialorgs_public:announcement", args=[found.pk]))
    body = detail.content.decode()
    assert "王*" in body and "王小明" not in body
    index = client.get(reverse("socialorgs_public:index")).content.decode()
    assert "社会组织公告" in index


def test_another_street_and_another_org_get_404(
    client, registrar_b, org_user, social_org, district
):
    app = submitted_renewal(social_org, org_user)
    client.force_login(registrar_b)
    for name in ["socialorgs:application", "socialorgs:application_edit"]:
        assert client.get(reverse(name, args=[app.pk])).status_code == 404
    assert client.post(reverse("socialorgs:application_approve", args=[app.pk])).status_code == 404
