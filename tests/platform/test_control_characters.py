"""No control or bidirectional-override character is ever stored, whatever the way in: a page's
form, the API's JSON (raw or as \\u escapes), a multipart upload, Open311's form body."""

from __future__ import annotations

import json

import pytest
from django.middleware.csrf import get_token
from django.test import RequestFactory

from shegong import testing
from shegong.accounts.models import ApiToken
from shegong.core.middleware import strip_controls
from shegong.reports.actions.keys import create_api_key
from shegong.reports.models import Report

pytestmark = pytest.mark.django_db

HOSTILE = "巡查\u202eppA\x00\x07工具\u2066"  # RLO, NUL, BEL, LRI


def test_the_characters_that_go_and_those_that_stay():
    assert strip_controls(HOSTILE) == "巡查ppA工具"
    assert strip_controls("第一行\n第二行\t缩进\r\n") == "第一行\n第二行\t缩进\r\n"


def test_a_page_form_stores_the_text_without_them(client, street_a_staff):
    client.force_login(street_a_staff)
    response = client.post("/accounts/tokens/", {"name": HOSTILE})
    assert response.status_code in (200, 302)
    assert ApiToken.objects.get(user=street_a_staff).name == "巡查ppA工具"


def test_api_json_is_cleaned_raw_and_escaped(client, street_a_staff):
    client.force_login(street_a_staff)
    escaped = json.dumps({"name": HOSTILE})  # \u202e written as an escape
    raw = json.dumps({"name": HOSTILE + "2"}, ensure_ascii=False)
    for body in (escaped, raw):
        csrf = get_token(RequestFactory().get("/"))
        client.cookies["csrftoken"] = csrf
        response = client.post(
            "/api/v1/tokens", data=body, content_type="application/json",
            headers={"X-CSRFToken": csrf},
        )  # fmt: skip
        assert response.status_code == 201, response.content
    names = sorted(ApiToken.objects.filter(user=street_a_staff).values_list("name", flat=True))
    assert names == ["巡查ppA工具", "巡查ppA工具2"]


def test_malformed_json_is_still_the_apis_own_400(client, street_a_staff):
    client.force_login(street_a_staff)
    csrf = get_token(RequestFactory().get("/"))
    client.cookies["csrftoken"] = csrf
    response = client.post(
        "/api/v1/tokens", data='{"name": "\u202e', content_type="application/json",
        headers={"X-CSRFToken": csrf},
    )  # fmt: skip
    assert response.status_code == 400


def test_an_open311_form_body_is_cleaned(client, district):
    category = testing.report_category()
    _, key = create_api_key(actor=None, name="12345热线对接")
    response = client.post(
        "/open311/v2/requests.json",
        {
            "api_key": key, "service_code": category.service_code, "description": HOSTILE,
            "lat": str(testing.POINT_A[0]), "long": str(testing.POINT_A[1]),
        },
    )  # fmt: skip
    assert response.status_code == 200, response.content
    assert Report.objects.get().description == "巡查ppA工具"


def test_query_parameters_are_cleaned_before_any_filter_sees_them(client, street_a_staff):
    """A NUL in a filter (PostgreSQL refuses it in a string: the fuzzer's 500) is gone before
    the view, the API or a query sees it; a clean query string is left as it is."""
    from shegong.core.middleware import ControlCharactersMiddleware

    seen = {}

    def view(request):
        seen["GET"] = request.GET
        return None

    factory = RequestFactory()
    ControlCharactersMiddleware(view)(factory.get("/x/", {"q": "电梯\x00", "status": "7\x00n"}))
    assert seen["GET"]["q"] == "电梯" and seen["GET"]["status"] == "7n"
    clean = factory.get("/x/", {"q": "电梯"})
    ControlCharactersMiddleware(view)(clean)
    assert seen["GET"] is clean.GET
    client.force_login(street_a_staff)
    for url in (
        "/api/v1/deliberation/topics?status=7%C3%B8%00n&sort=supports",
        "/api/v1/deliberation/actions?community=%00",
        "/deliberation/topics/?q=%E7%94%B5%00&status=%00",
    ):
        assert client.get(url).status_code == 200, url
