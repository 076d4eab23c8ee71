"""Idempotency-Key on POST: a retried request returns the first result and never a duplicate."""

import json
from datetime import timedelta

import pytest
from django.http.request import RawPostDataException
from django.test import RequestFactory
from django.utils import timezone

from shegong.core import idempotency
from shegong.core.models import AuditEvent, IdempotencyRecord
from shegong.core.scans import SCANS, run_due_scans
from shegong.regions.models import Region

URL = "/api/v1/regions"
GRID = {
    "code": "341271001001002",
    "name": "东关社区第二网格",
    "level": "grid",
    "parent_code": "341271001001",
    "centroid_lat": 32.92,
    "centroid_lon": 115.75,
}


@pytest.fixture
def admin_client(client, district_admin):
    client.force_login(district_admin)
    return client


def post(client, data, key=None, **kwargs):
    headers = {"Idempotency-Key": key} if key is not None else {}
    body = data if isinstance(data, str) else json.dumps(data)
    return client.post(URL, body, content_type="application/json", headers=headers, **kwargs)


def test_a_retried_post_replays_the_first_response_and_runs_once(admin_client):
    first = post(admin_client, GRID, key="k-1")
    assert first.status_code == 201
    assert "Idempotent-Replayed" not in first
    retry = post(admin_client, GRID, key="k-1")
    assert retry.status_code == 201
    assert retry.content == first.content
    assert retry["Content-Type"] == first["Content-Type"]
    assert retry["Idempotent-Replayed"] == "true"
    assert Region.objects.filter(code=GRID["code"]).count() == 1
    assert AuditEvent.objects.filter(target_id=GRID["code"]).count() == 1


def test_without_the_header_a_repeat_is_a_new_request(admin_client):
    assert post(admin_client, GRID).status_code == 201
    again = post(admin_client, GRID)
    assert again.status_code == 422
    assert again.json()["errors"][0]["field"] == "code"


def test_the_same_key_with_another_body_is_refused(admin_client):
    post(admin_client, GRID, key="k-2")
    response = post(admin_client, {**GRID, "name": "另一个名字"}, key="k-2")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "Idempotency-Key 已用于不同的请求"
    assert response.json()["errors"] == [
        {"field": "Idempotency-Key", "message": "Idempotency-Key 已用于不同的请求"}
    ]
    assert Region.objects.get(code=GRID["code"]).name == "东关社区第二网格"


def test_a_retry_while_the_first_is_in_flight_gets_409(admin_client, district_admin):
    body = json.dumps(GRID)
    pending = RequestFactory().post(URL, body, content_type="application/json")
    IdempotencyRecord.objects.create(
        owner=f"user:{district_admin.pk}",
        key="k-3",
        method="POST",
        path=URL,
        fingerprint=idempotency.fingerprint(pending),
    )
    response = post(admin_client, body, key="k-3")
    assert response.status_code == 409
    assert response.json()["detail"] == "使用相同 Idempotency-Key 的请求正在处理中，请稍后重试"
    assert not Region.objects.filter(code=GRID["code"]).exists()


def test_keys_belong_to_their_owner(admin_client, client, superuser):
    assert post(admin_client, GRID, key="shared").status_code == 201
    admin_client.logout()
    client.force_login(superuser)
    other = post(client, {**GRID, "code": "341271001001003"}, key="shared")
    assert other.status_code == 201
    assert "Idempotent-Replayed" not in other
    assert other.json()["code"] == "341271001001003"


def test_an_error_is_not_stored_so_a_corrected_retry_succeeds(admin_client):
    wrong = post(admin_client, {**GRID, "parent_code": "341271009999"}, key="k-4")
    assert wrong.status_code == 422
    assert not IdempotencyRecord.objects.filter(key="k-4").exists()
    # The client retries the same request, e.g. after the parent region was imported …
    retried = post(admin_client, GRID, key="k-4")
    assert retried.status_code == 201
    assert "Idempotent-Replayed" not in retried


def test_a_refused_action_releases_the_key(client, street_a_staff):
    client.force_login(street_a_staff)
    assert post(client, GRID, key="k-5").status_code == 403
    assert not IdempotencyRecord.objects.filter(key="k-5").exists()


def test_it_refuses_a_key_longer_than_255_characters(admin_client):
    response = post(admin_client, GRID, key="x" * 256)
    assert response.status_code == 400
    assert response.json()["detail"] == "Idempotency-Key 不能超过 255 个字符"
    assert not Region.objects.filter(code=GRID["code"]).exists()
    assert post(admin_client, GRID, key="x" * 255).status_code == 201


def test_it_refuses_an_empty_key(admin_client):
    response = post(admin_client, GRID, key=" ")
    assert response.status_code == 400
    assert response.json()["detail"] == "Idempotency-Key 不能为空"


def test_an_expired_key_can_be_used_again(admin_client, settings):
    post(admin_client, GRID, key="k-6")
    IdempotencyRecord.objects.filter(key="k-6").update(
        created_at=timezone.now() - timedelta(hours=settings.IDEMPOTENCY_TTL_HOURS, minutes=1)
    )
    response = post(admin_client, {**GRID, "code": "341271001001004"}, key="k-6")
    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response


def test_the_purge_scan_deletes_expired_records_only(settings, district_admin):
    now = timezone.now()
    ttl = timedelta(hours=settings.IDEMPOTENCY_TTL_HOURS)
    for key, age in (("old", ttl + timedelta(minutes=1)), ("young", ttl - timedelta(minutes=1))):
        IdempotencyRecord.objects.create(
            owner="user:1",
            key=key,
            method="POST",
            path=URL,
            fingerprint="0" * 64,
            status_code=201,
            response_body=b"{}",
            created_at=now - age,
        )
    assert "idempotency.purge" in SCANS
    assert SCANS["idempotency.purge"].interval == timedelta(hours=1)
    assert "idempotency.purge" in run_due_scans(now)
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["young"]


def test_a_multipart_upload_is_fingerprinted_by_its_fields_and_files():
    from django.core.files.uploadedfile import SimpleUploadedFile

    def upload(content):
        request = RequestFactory().post(
            "/api/v1/x", {"note": "路灯坏了", "photo": SimpleUploadedFile("a.jpg", content)}
        )
        assert request.FILES["photo"]  # ninja has read the stream before the view runs
        with pytest.raises(RawPostDataException):
            request.body
        return idempotency.fingerprint(request)

    assert upload(b"photo-1") == upload(b"photo-1")
    assert upload(b"photo-1") != upload(b"photo-2")


def test_a_retried_upload_with_a_new_multipart_boundary_is_the_same_request():
    """Apps rebuild the body on retry, with a fresh random boundary: still the same request."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test.client import encode_multipart

    def upload(boundary, content):
        data = {"note": "路灯坏了", "photos": SimpleUploadedFile("a.jpg", content)}
        request = RequestFactory().generic(
            "POST",
            "/api/v1/x",
            encode_multipart(boundary, data),
            content_type=f"multipart/form-data; boundary={boundary}",
        )
        return idempotency.fingerprint(request)

    assert upload("one-boundary", b"photo-1") == upload("another-boundary", b"photo-1")
    assert upload("one-boundary", b"photo-1") != upload("another-boundary", b"photo-2")
