"""Text answers leave gzipped when the browser accepts it; files that are compressed already
(static files, photos, workbooks) pass as they are."""

from __future__ import annotations

import gzip

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_page_is_gzipped_for_a_browser_that_accepts_it():
    plain = Client().get("/accounts/login/")
    zipped = Client().get("/accounts/login/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")

    assert plain.status_code == zipped.status_code == 200
    assert "Content-Encoding" not in plain
    assert zipped["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped["Vary"]
    assert "登录" in gzip.decompress(zipped.content).decode()
    assert len(zipped.content) < len(plain.content)


def test_api_json_is_gzipped_too(client, street_a_staff):
    client.force_login(street_a_staff)
    answer = client.get("/api/v1/openapi.json", HTTP_ACCEPT_ENCODING="gzip")
    assert answer.status_code == 200
    assert answer["Content-Encoding"] == "gzip"


def test_a_static_file_is_left_to_whitenoise():
    answer = Client().get("/static/shegong/h5.css", HTTP_ACCEPT_ENCODING="gzip")
    assert answer.status_code == 200
    assert "Content-Encoding" not in answer  # not collected in tests: served plain, not re-zipped
    assert b"".join(answer.streaming_content).lstrip().startswith((b"/*", b":root", b"."))


def test_a_workbook_passes_as_it_is(client, street_a_staff):
    """An .xlsx is a zip file already: gzip would spend CPU to win nothing."""
    client.force_login(street_a_staff)
    answer = client.get(reverse("ledger:import_template", args=["organizations"]),
                        HTTP_ACCEPT_ENCODING="gzip")  # fmt: skip
    assert answer.status_code == 200
    assert "Content-Encoding" not in answer
    body = b"".join(answer.streaming_content) if answer.streaming else answer.content
    assert body.startswith(b"PK")
