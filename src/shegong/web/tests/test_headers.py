"""Headers that keep what a signed-in user sees out of caches, and HTTPS strict behind a proxy."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from shegong.accounts import actions

pytestmark = pytest.mark.django_db


def no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_a_signed_in_page_an_export_and_an_api_answer_are_never_cached(client, street_a_staff):
    client.force_login(street_a_staff)
    for path in ("/", "/audit/", "/audit/?export=xlsx", "/api/v1/me"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert no_store(response), path
        assert "private" in response["Cache-Control"], path


def test_an_api_token_answer_is_never_cached(client, street_a_staff):
    _, key = actions.create_token(street_a_staff, actor=street_a_staff, name="巡查App")
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200 and no_store(response)


def test_public_pages_stay_cacheable(client, district):
    for path in ("/public/cases/", "/healthz"):
        response = client.get(path)
        assert response.status_code == 200
        assert not no_store(response), path


@pytest.mark.parametrize(("secure", "hsts"), [("true", "31536000"), ("false", "0")])
def test_secure_cookies_bring_hsts_and_trust_the_proxys_scheme(secure, hsts, tmp_path):
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER)"
    )
    env = {**os.environ, "SHEGONG_SECURE_COOKIES": secure, "SHEGONG_DATA_DIR": str(tmp_path),
           "DJANGO_SETTINGS_MODULE": "shegong.settings"}  # fmt: skip
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    seconds, header = out.stdout.split(" ", 1)
    assert seconds == hsts
    assert ("X_FORWARDED_PROTO" in header) is (secure == "true")
