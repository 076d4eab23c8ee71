"""The /api/v1/ surface: authentication, problem details for every error, the docs page."""

import json
import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client, RequestFactory
from django.utils import timezone

from shegong import testing
from shegong.accounts import actions
from shegong.accounts.models import ApiToken, Membership
from shegong.api import api
from shegong.core.api import problem_not_found
from shegong.core.errors import DomainError
from shegong.core.perms import PERMISSIONS, Role

PROBLEM = "application/problem+json"
PROBLEM_KEYS = {"type", "title", "status", "detail", "errors"}


def bearer(user, name="巡查App"):
    _, key = actions.create_token(user, actor=user, name=name)
    return {"Authorization": f"Bearer {key}"}


def assert_problem(response, status):
    assert response.status_code == status
    assert response["Content-Type"] == PROBLEM
    body = json.loads(response.content)
    assert set(body) == PROBLEM_KEYS
    assert body["status"] == status
    assert body["type"] == "about:blank" or body["type"].startswith("/api/v1/problems/")
    return body


# --- authentication ----------------------------------------------------------------------------


def test_it_refuses_a_request_without_credentials(client, district):
    body = assert_problem(client.get("/api/v1/me"), 401)
    assert body["detail"] == "未登录或令牌无效"


def test_a_bearer_token_authenticates_and_marks_its_use(client, street_a_staff):
    headers = bearer(street_a_staff)
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 200
    assert response.json()["id"] == street_a_staff.pk
    token = ApiToken.objects.get(user=street_a_staff)
    assert token.last_used_at is not None


def test_last_used_at_is_written_at_most_once_a_minute(client, street_a_staff):
    headers = bearer(street_a_staff)
    recent = timezone.now() - timedelta(seconds=30)
    ApiToken.objects.update(last_used_at=recent)
    client.get("/api/v1/me", headers=headers)
    assert ApiToken.objects.get().last_used_at == recent
    ApiToken.objects.update(last_used_at=recent - timedelta(minutes=1))
    client.get("/api/v1/me", headers=headers)
    assert ApiToken.objects.get().last_used_at > recent


def test_a_revoked_token_gets_401(client, street_a_staff):
    headers = bearer(street_a_staff)
    actions.revoke_token(ApiToken.objects.get(), actor=street_a_staff)
    body = assert_problem(client.get("/api/v1/me", headers=headers), 401)
    assert body["detail"] == "未登录或令牌无效"


def test_a_deactivated_users_token_gets_401(client, street_a_staff):
    headers = bearer(street_a_staff)
    street_a_staff.is_active = False
    street_a_staff.save()
    assert_problem(client.get("/api/v1/me", headers=headers), 401)


def test_a_wrong_token_is_not_rescued_by_a_session(client, street_a_staff):
    client.force_login(street_a_staff)
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer sg_wrong"})
    assert_problem(response, 401)


def test_a_session_authenticates_in_the_switched_scope(client, street_a_staff, district):
    second = Membership.objects.create(
        user=street_a_staff, role=Role.COMMUNITY_WORKER, region=district["community_b"]
    )
    client.force_login(street_a_staff)
    session = client.session
    session["active_membership_id"] = second.pk
    session.save()
    body = client.get("/api/v1/me").json()
    assert body["active_membership"]["id"] == second.pk


def test_a_token_client_chooses_its_scope_with_a_header(client, street_a_staff, district):
    first = street_a_staff.memberships.get()
    second = Membership.objects.create(
        user=street_a_staff, role=Role.COMMUNITY_WORKER, region=district["community_b"]
    )
    headers = bearer(street_a_staff)
    assert client.get("/api/v1/me", headers=headers).json()["active_membership"]["id"] == first.pk
    body = client.get("/api/v1/me", headers={**headers, "X-Shegong-Scope": str(second.pk)}).json()
    assert body["active_membership"]["id"] == second.pk
    assert body["permissions"] == sorted(p.value for p in PERMISSIONS[Role.COMMUNITY_WORKER])
    codes = {
        r["code"]
        for r in client.get(
            "/api/v1/regions", headers={**headers, "X-Shegong-Scope": str(second.pk)}
        ).json()["items"]
    }
    assert codes == {"341271002001", "341271002001001"}


def test_it_refuses_a_scope_header_naming_someone_elses_membership(
    client, street_a_staff, street_b_staff
):
    headers = bearer(street_a_staff)
    foreign = street_b_staff.memberships.get()
    body = assert_problem(
        client.get("/api/v1/me", headers={**headers, "X-Shegong-Scope": str(foreign.pk)}), 404
    )
    assert body["detail"] == "未找到该工作范围"
    body = assert_problem(
        client.get("/api/v1/me", headers={**headers, "X-Shegong-Scope": "东城"}), 422
    )
    assert body["errors"][0]["field"] == "X-Shegong-Scope"


@pytest.mark.parametrize("via", ["session", "token"])
def test_an_account_with_its_initial_password_gets_403(client, district, via):
    account = testing.user(
        Role.COMMUNITY_WORKER, district["community_a"], must_change_password=True
    )
    headers = {}
    if via == "session":
        client.force_login(account)
    else:
        headers = bearer(account)
    body = assert_problem(client.get("/api/v1/regions", headers=headers), 403)
    assert body["title"] == "请先修改初始密码"
    assert body["detail"].startswith("请先修改初始密码")


def test_a_session_post_needs_the_csrf_token(street_a_staff):
    client = Client(enforce_csrf_checks=True)
    client.force_login(street_a_staff)
    response = client.post("/api/v1/tokens", {"name": "x"}, content_type="application/json")
    body = assert_problem(response, 403)
    assert body["detail"].startswith("CSRF 校验失败")
    client.get("/api/v1/docs")  # any page sets the csrftoken cookie
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/api/v1/tokens",
        {"name": "x"},
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 201


def test_a_token_post_needs_no_csrf_token(street_a_staff):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/v1/tokens",
        {"name": "第二个"},
        content_type="application/json",
        headers=bearer(street_a_staff),
    )
    assert response.status_code == 201


# --- problem details for every error --------------------------------------------------------------


def test_malformed_json_is_a_400_problem(client, street_a_staff):
    client.force_login(street_a_staff)
    response = client.post("/api/v1/tokens", "{name: ", content_type="application/json")
    body = assert_problem(response, 400)
    assert body["detail"] == "请求体不是有效的 JSON"
    assert body["type"] == "/api/v1/problems/malformed-json"


def test_a_body_that_is_not_an_object_is_refused_naming_the_fields(client, street_a_staff):
    client.force_login(street_a_staff)
    response = client.post("/api/v1/tokens", "[1, 2]", content_type="application/json")
    body = assert_problem(response, 422)
    assert body["errors"] == [{"field": "name", "message": "此项为必填项"}]


def test_a_missing_field_is_named_in_chinese(client, street_a_staff):
    client.force_login(street_a_staff)
    response = client.post("/api/v1/tokens", {}, content_type="application/json")
    body = assert_problem(response, 422)
    assert body["errors"] == [{"field": "name", "message": "此项为必填项"}]
    assert body["detail"] == "请求参数有误：name：此项为必填项"


def test_an_unknown_api_route_is_a_json_404(client, district):
    response = client.get("/api/v1/nope")
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM
    assert response.json()["status"] == 404


def test_problem_not_found_is_the_404_of_the_api():
    response = problem_not_found(RequestFactory().get("/api/v1/nope"))
    body = assert_problem(response, 404)
    assert body["detail"] == "未找到该对象，或您无权查看"


def test_an_unknown_page_is_an_html_404(client, district):
    response = client.get("/nope")
    assert response.status_code == 404
    assert "json" not in response["Content-Type"]


def test_a_wrong_method_is_a_405_problem(client, street_a_staff):
    client.force_login(street_a_staff)
    body = assert_problem(client.delete("/api/v1/me"), 405)
    assert "DELETE" in body["detail"]


@pytest.mark.parametrize(
    ("exc", "status", "detail"),
    [
        (Http404("whatever"), 404, "未找到该对象，或您无权查看"),
        (PermissionDenied(), 403, "您当前的角色没有此操作的权限"),
        (DomainError("该活动已结束，不能报名"), 409, "该活动已结束，不能报名"),
        (RuntimeError("boom"), 500, "服务器内部错误，请稍后重试；如持续出现请联系管理员"),
    ],
)
def test_exceptions_from_endpoints_become_problems(exc, status, detail):
    response = api.on_exception(RequestFactory().get("/api/v1/x"), exc)
    body = assert_problem(response, status)
    assert body["detail"] == detail
    assert "boom" not in response.content.decode()


def test_rate_limited_requests_get_a_429_problem(client, street_a_staff):

    client.force_login(street_a_staff)
    statuses = [
        client.post("/api/v1/tokens", {"name": f"t{n}"}, content_type="application/json")
        for n in range(21)
    ]
    assert [r.status_code for r in statuses[:20]] == [201] * 20
    body = assert_problem(statuses[20], 429)
    assert body["detail"] == "请求过于频繁，请稍后再试"
    assert int(statuses[20]["Retry-After"]) > 0


# --- OpenAPI and docs -----------------------------------------------------------------------------


def test_openapi_describes_every_operation_and_the_idempotency_header(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/me", "/api/v1/regions", "/api/v1/regions/locate"} <= set(schema["paths"])
    create = schema["paths"]["/api/v1/regions"]["post"]
    assert "Idempotency-Key" in {p["name"] for p in create["parameters"]}
    token_create = schema["paths"]["/api/v1/tokens"]["post"]
    assert "Idempotency-Key" not in {p["name"] for p in token_create.get("parameters", [])}
    assert {"TokenAuth", "CookieAuth"} <= set(schema["components"]["securitySchemes"])


def test_openapi_documents_errors_as_the_problem_media_type_they_are_served_as(client, db):
    """The fuzzer's first finding: errors were documented as application/json while every one
    is served as application/problem+json, so a generated client could not read them."""
    schema = client.get("/api/v1/openapi.json").json()
    me = schema["paths"]["/api/v1/me"]["get"]["responses"]
    assert set(me["200"]["content"]) == {"application/json"}
    assert me["401"]["content"] == {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if int(status) >= 400:
                    assert set(response.get("content", {})) == {PROBLEM}, (method, path, status)


def test_the_docs_page_loads_nothing_from_outside_the_site(client, db):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui-bundle.js" in html
    assert not re.search(r"(src|href)=\"(https?:)?//", html)
    assert re.findall(r"(?:src|href)=\"([^\"]+)\"", html)
    for url in re.findall(r"(?:src|href)=\"([^\"]+)\"", html):
        assert url.startswith("/static/"), url
        asset = client.get(url)
        assert asset.status_code == 200, url
        asset.close()
    assert '"validatorUrl": null' in html


# --- inputs that were 500s ------------------------------------------------------------------------


def test_no_two_api_schemas_share_a_name():
    """The OpenAPI document names a schema by its class name: two classes of one name (MeOut of
    accounts and of stations) made one endpoint document the other's answer."""
    import collections

    from ninja import Schema

    import shegong.api  # noqa: F401  (every router imported)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    modules = collections.defaultdict(set)
    for schema in subclasses(Schema):
        if schema.__module__.startswith("shegong."):
            modules[schema.__name__].add(schema.__module__)
    assert {name: where for name, where in modules.items() if len(where) > 1} == {}


def test_a_page_number_past_any_list_is_a_422_not_a_500(client, street_a_staff):
    client.force_login(street_a_staff)
    response = client.get("/api/v1/regions", {"page": "99999999999999999999"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "page"


def test_multipart_without_a_boundary_is_a_400_problem(client, street_a_staff):
    response = client.post(
        "/api/v1/reports", data=b"category=x", content_type="multipart/form-data",
        headers=bearer(street_a_staff),
    )  # fmt: skip
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"] == [
        {"field": "body", "message": "multipart/form-data 请求体无法解析"}
    ]
