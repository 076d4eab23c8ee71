"""/api/v1/socialorgs/applications and /penalties: create, attach, submit, approve, return;
penalties — scoped, with the actions' Chinese errors."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from shegong.socialorgs.models import Application, Penalty, SocialOrg

BASE = "/api/v1/socialorgs"


def pdf(name="申请书.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n% test\n", content_type="application/pdf")


def test_application_lifecycle(client, registrar, social_org):
    client.force_login(registrar)
    created = client.post(
        f"{BASE}/applications",
        {"social_org": social_org.pk, "kind": "renewal", "reason": "延续"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["on_behalf"] and body["missing_materials"] == ["申请书"]
    pk = body["id"]
    refused = client.post(f"{BASE}/applications/{pk}/submit")
    assert refused.status_code == 422 and "申请书" in refused.content.decode()
    bad = client.post(
        f"{BASE}/applications/{pk}/attachments",
        {"material": "application_form", "files": [SimpleUploadedFile("a.exe", b"MZ")]},
    )
    assert bad.status_code == 422 and "a.exe" in bad.content.decode()
    ok = client.post(
        f"{BASE}/applications/{pk}/attachments",
        {"material": "application_form", "files": [pdf()]},
    )
    assert ok.status_code == 200, ok.content
    assert client.post(f"{BASE}/applications/{pk}/submit").json()["state"] == "submitted"
    no_reason = client.post(
        f"{BASE}/applications/{pk}/return", {"reasons": ""}, content_type="application/json"
    )
    assert no_reason.status_code == 422
    approved = client.post(f"{BASE}/applications/{pk}/approve")
    assert approved.status_code == 200 and approved.json()["state"] == "approved"
    listed = client.get(f"{BASE}/applications", {"state": "approved"}).json()
    assert [row["id"] for row in listed["items"]] == [pk]
    assert client.get(f"{BASE}/applications/{pk}").json()["kind_label"] == "延续登记"


def test_deregistered_org_refused(client, registrar, social_org):
    from shegong.socialorgs.actions import records

    records.change_status(social_org, "deregistered", legal_basis="依申请", actor=registrar)
    client.force_login(registrar)
    refused = client.post(
        f"{BASE}/applications",
        {"social_org": social_org.pk, "kind": "renewal"},
        content_type="application/json",
    )
    assert refused.status_code == 409 and "注销" in refused.content.decode()
    assert not Application.objects.exists()


def test_penalties(client, registrar, registrar_b, social_org):
    client.force_login(registrar)
    data = {
        "kind": "cancellation", "ground": "society_29_inactive", "decision_number": "示民罚1号",
        "decided_on": timezone.localdate().isoformat(),
    }  # fmt: skip
    fine = client.post(
        f"{BASE}/{social_org.pk}/penalties",
        {**data, "kind": "fine", "ground": "society_30_6", "amount": "-5"},
        content_type="application/json",
    )
    assert fine.status_code == 422 and "罚款金额" in fine.content.decode()
    created = client.post(
        f"{BASE}/{social_org.pk}/penalties", data, content_type="application/json"
    )
    assert created.status_code == 201, created.content
    assert SocialOrg.objects.get(pk=social_org.pk).status == "cancelled"
    listed = client.get(f"{BASE}/penalties", {"kind": "cancellation"}).json()
    assert listed["count"] == 1 and "第二十九条" in listed["items"][0]["article"]
    client.force_login(registrar_b)
    assert client.get(f"{BASE}/penalties").json()["count"] == 0
    other = client.post(f"{BASE}/{social_org.pk}/penalties", data, content_type="application/json")
    assert other.status_code == 404
    assert Penalty.objects.count() == 1
