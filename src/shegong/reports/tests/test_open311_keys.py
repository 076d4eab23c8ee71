"""Open311 API keys: ``shegong apikey`` and the「Open311 密钥」page (district admins only)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shegong import cli
from shegong.core.audit import Verb
from shegong.core.models import AuditEvent
from shegong.reports.actions.keys import check_api_key, create_api_key
from shegong.reports.models import ApiKey

pytestmark = pytest.mark.django_db


def run(*args):
    return cli.main(["shegong", "apikey", *args])


# --- the command ---------------------------------------------------------------------------------


def test_apikey_create_prints_a_working_key_once(capsys):
    assert run("create", "--name", "12345热线对接") == 0
    out = capsys.readouterr().out
    plaintext = out.strip().splitlines()[-1]
    api_key = check_api_key(plaintext)
    assert api_key is not None and api_key.name == "12345热线对接"
    assert api_key.key_hash != plaintext and plaintext not in api_key.prefix
    assert AuditEvent.objects.filter(verb=Verb.API_KEY_CREATED).count() == 1


@pytest.mark.parametrize("args", [(), ("--name", "  ")])
def test_apikey_create_without_a_name_fails_in_chinese(capsys, args):
    assert run("create", *args) != 0
    assert "请用 --name 填写密钥用途" in capsys.readouterr().err
    assert not ApiKey.objects.exists()


def test_apikey_without_an_action_says_which_ones_exist(capsys):
    assert run() != 0
    assert "create、list 或 revoke" in capsys.readouterr().err
    assert run("list") == 0
    assert "还没有接口密钥" in capsys.readouterr().out


def test_apikey_list_and_revoke_by_prefix(capsys):
    api_key, plaintext = create_api_key(actor=None, name="市级平台")
    assert run("list") == 0
    out = capsys.readouterr().out
    assert api_key.prefix in out and "市级平台" in out and "有效" in out
    assert plaintext not in out
    assert run("revoke", api_key.prefix) == 0
    assert check_api_key(plaintext) is None
    assert run("revoke", api_key.prefix) != 0  # no active key with that prefix any more
    assert "找不到" in capsys.readouterr().err
    assert run("list") == 0
    assert "已吊销" in capsys.readouterr().out


# --- the page ------------------------------------------------------------------------------------


def test_a_district_admin_creates_a_key_and_sees_it_only_once(client, district_admin):
    client.force_login(district_admin)
    url = reverse("reports:api_keys")
    response = client.post(url, {"name": "第三方App"})
    assert response.status_code == 200
    api_key = ApiKey.objects.get()
    html = response.content.decode()
    plaintext = html.split('<code class="fs-6 user-select-all">')[1].split("</code>")[0]
    assert check_api_key(plaintext) == api_key
    assert response["Cache-Control"] == "no-store"
    assert api_key.created_by == district_admin
    again = client.get(url).content.decode()
    assert "第三方App" in again and api_key.prefix in again
    assert plaintext not in again


def test_a_key_needs_a_name(client, district_admin):
    client.force_login(district_admin)
    response = client.post(reverse("reports:api_keys"), {"name": ""})
    assert response.status_code == 422
    assert "请填写用途" in response.content.decode()
    assert not ApiKey.objects.exists()


def test_a_district_admin_revokes_a_key(client, district_admin):
    api_key, plaintext = create_api_key(actor=None, name="旧平台")
    client.force_login(district_admin)
    response = client.post(reverse("reports:api_key_revoke", args=[api_key.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("reports:api_keys")
    assert check_api_key(plaintext) is None
    assert AuditEvent.objects.filter(verb=Verb.API_KEY_REVOKED).exists()
    assert "已吊销" in client.get(reverse("reports:api_keys")).content.decode()


def test_street_staff_may_neither_see_nor_create_nor_revoke_keys(client, street_a_staff):
    api_key, plaintext = create_api_key(actor=None, name="市级平台")
    client.force_login(street_a_staff)
    assert client.get(reverse("reports:api_keys")).status_code == 403
    assert client.post(reverse("reports:api_keys"), {"name": "偷偷建一个"}).status_code == 403
    assert ApiKey.objects.count() == 1
    revoke = reverse("reports:api_key_revoke", args=[api_key.pk])
    assert client.post(revoke).status_code == 403
    assert check_api_key(plaintext) is not None
    missing = reverse("reports:api_key_revoke", args=[999999])
    assert client.post(missing).status_code == 404
    assert client.get(revoke).status_code == 405


def test_an_anonymous_visitor_is_sent_to_log_in(client, district):
    response = client.get(reverse("reports:api_keys"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
