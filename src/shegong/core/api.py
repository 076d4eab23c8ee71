"""The /api/v1/ NinjaAPI kit: session authentication, RFC 9457 problem details, ``make_api``.

Authentication: a bearer token (``Authorization: Bearer sg_…``, for apps) or the pages' session
cookie (with CSRF on unsafe methods). Every error, whatever raised it, leaves as a problem
``{"type","title","status","detail","errors":[{"field","message"}]}`` with
``Content-Type: application/problem+json`` and a Chinese ``detail``.
"""

import json
import logging
import re
from collections.abc import Callable, Mapping
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar

import pydantic
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError
from ninja.openapi.docs import Swagger
from ninja.renderers import JSONRenderer
from ninja.security import SessionAuth
from ninja.throttling import SimpleRateThrottle

from . import limits
from .errors import NotPermitted, ShegongError
from .net import client_ip
from .schemas import PagePagination, Problem

__all__ = [
    "PagePagination", "Problem", "body_doc", "make_api", "parse_body", "problem",
    "problem_not_found",
]  # fmt: skip

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"
SCOPE_HEADER = "X-Shegong-Scope"
NOT_FOUND_DETAIL = "未找到该对象，或您无权查看"
TOKEN_TOUCH_INTERVAL = timedelta(minutes=1)


def problem(
    status: int,
    detail: str,
    *,
    title: str,
    slug: str | None = None,
    errors: list[dict[str, str]] | None = None,
) -> HttpResponse:
    """An RFC 9457 problem response; ``slug`` names the type /api/v1/problems/<slug>."""
    body = {
        "type": f"/api/v1/problems/{slug}" if slug else "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
        "errors": errors or [],
    }
    return HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=PROBLEM_CONTENT_TYPE
    )


def problem_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The 404 of /api/: unknown routes (called from the project's handler404) and objects."""
    return problem(404, NOT_FOUND_DETAIL, title="未找到", slug="not-found")


# --- authentication -----------------------------------------------------------------------------


class PasswordChangeRequired(NotPermitted):
    title = "请先修改初始密码"

    def __init__(self) -> None:
        super().__init__("请先修改初始密码：登录网页端，在「修改密码」页面设置新密码后再使用接口")


# Set in the session at login while the second factor is still owed (accounts.twofactor); the
# pages send such a session to the code page, the API refuses it.
SECOND_FACTOR_PENDING_KEY = "second_factor_pending"


class SecondFactorRequired(NotPermitted):
    title = "请先完成两步验证"

    def __init__(self) -> None:
        super().__init__("请先完成两步验证：在网页端输入验证码（或启用两步验证）后再使用接口")


def check_account(user: Any) -> Any:
    """Refuse an account that must still change its initial password (pages force it; the API
    has no page to show, so it answers 403)."""
    if user.must_change_password:
        raise PasswordChangeRequired()
    return user


class CookieAuth(SessionAuth):
    """The pages' session (scope chosen by the switcher, set by ScopeMiddleware); CSRF on
    unsafe methods. A request that carries an Authorization header is judged by it alone."""

    def __call__(self, request: HttpRequest) -> Any:
        if "Authorization" in request.headers:
            return None
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is not None and request.session.get(SECOND_FACTOR_PENDING_KEY):
            raise SecondFactorRequired()
        return check_account(user) if user is not None else None


class SharedRateThrottle(SimpleRateThrottle):
    """ninja's per-caller throttle (``throttle=SharedRateThrottle("20/m", scope="tokens")``) with
    the count in ``core.limits``: ninja's own keeps it in the process's cache, so N web
    processes would allow N times the rate. Per authenticated user, else per client address;
    fixed windows of the rate's period. Keeps no per-request state on the shared instance."""

    def __init__(self, rate: str, *, scope: str):
        super().__init__(rate)
        self.scope = scope

    def get_cache_key(self, request: HttpRequest) -> str | None:
        user = getattr(request, "auth", None)
        if getattr(user, "is_authenticated", False):
            ident = f"user:{user.pk}"  # type: ignore[union-attr]
        else:
            ident = f"ip:{client_ip(request)}"
        return f"api:{self.scope}:{ident}"

    def allow_request(self, request: HttpRequest) -> bool:
        key = self.get_cache_key(request)
        if key is None or self.num_requests is None or self.duration is None:
            return True
        return limits.hit(key, self.duration) <= self.num_requests

    def wait(self) -> float | None:
        """Until the current window ends."""
        if self.duration is None:
            return None
        return self.duration - limits.now() % self.duration


class Renderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}


def json_response(request: HttpRequest, data: Any, *, status: int) -> HttpResponse:
    """The API's JSON answer for ``data``, built where ninja would not yet build it (inside an
    action's transaction, to store it with what the action wrote: ``idempotency.store``)."""
    renderer = Renderer()
    return HttpResponse(
        renderer.render(request, data, response_status=status),
        status=status,
        content_type=f"{renderer.media_type}; charset={renderer.charset}",
    )


class ShegongAPI(NinjaAPI):
    """NinjaAPI whose every response, even ninja's own 405, is a problem on error, and which
    answers HEAD wherever it answers GET (ninja routes HEAD nowhere by itself)."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> Any:
        """The document, with every documented error under the media type it is served as
        (``application/problem+json``), not ninja's default ``application/json``."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        problem_ref = "#/components/schemas/Problem"
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for response in operation.get("responses", {}).values():
                    content = response.get("content", {})
                    body = content.get(self.renderer.media_type)
                    if body is not None and body.get("schema", {}).get("$ref") == problem_ref:
                        content[PROBLEM_CONTENT_TYPE] = content.pop(self.renderer.media_type)
        return schema

    def _get_urls(self) -> list[Any]:
        patterns = super()._get_urls()
        for pattern in patterns:
            callback = getattr(pattern, "callback", None)
            if callback is not None:
                pattern.callback = _problem_405(callback)
        return patterns


def _problem_405(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if request.method == "HEAD" and response.status_code == 405:
            if "GET" in (m.strip() for m in response.get("Allow", "").split(",")):
                # The GET operation answers; the server sends its headers only (gunicorn drops
                # the body of every HEAD answer, as HTTP requires).
                request.method = "GET"
                try:
                    response = view(request, *args, **kwargs)
                finally:
                    request.method = "HEAD"
        if response.status_code == 405 and response.get("Content-Type") != PROBLEM_CONTENT_TYPE:
            allow = response.get("Allow", "")
            replaced = problem(
                405,
                f"该地址不支持 {request.method} 方法（支持：{allow}）",
                title="请求方法不被允许",
                slug="method-not-allowed",
            )
            replaced["Allow"] = allow
            return replaced
        return response

    return wrapped


# --- errors → problem details ------------------------------------------------------------------

_VALIDATION_MESSAGES: dict[str, str] = {
    "missing": "此项为必填项",
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "bool_parsing": "应为 true 或 false",
    "bool_type": "应为 true 或 false",
    "string_type": "应为文本",
    "dict_type": "应为 JSON 对象",
    "model_type": "应为 JSON 对象",
    "model_attributes_type": "应为 JSON 对象",
    "list_type": "应为列表",
    "json_invalid": "不是有效的 JSON",
    "date_parsing": "应为日期，如 2026-01-31",
    "date_from_datetime_parsing": "应为日期，如 2026-01-31",
    "datetime_parsing": "应为日期时间，如 2026-01-31T08:00:00+08:00",
    "datetime_from_date_parsing": "应为日期时间，如 2026-01-31T08:00:00+08:00",
    "uuid_parsing": "应为 UUID",
    "finite_number": "应为有限的数字",
    "extra_forbidden": "不允许此字段",
}
_PARAM_SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}


def _field_name(loc: tuple[Any, ...]) -> str:
    """("body", "payload", "lat") → "lat"; ("query", "lat") → "lat"; ("body", "payload") → "body".

    The endpoint's parameter name (``payload``) is not part of the contract, so it is dropped.
    """
    parts = list(loc)
    source = parts.pop(0) if parts and parts[0] in _PARAM_SOURCES else None
    if source in {"body", "form"}:
        if len(parts) <= 1:
            return "body"
        parts = parts[1:]
    return ".".join(str(p) for p in parts) or (source or "")


def validation_message(error: Mapping[str, Any]) -> str:
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    if kind in _VALIDATION_MESSAGES:
        return _VALIDATION_MESSAGES[kind]
    if kind == "greater_than_equal":
        return f"不能小于 {ctx.get('ge')}"
    if kind == "greater_than":
        return f"应大于 {ctx.get('gt')}"
    if kind == "less_than_equal":
        return f"不能大于 {ctx.get('le')}"
    if kind == "less_than":
        return f"应小于 {ctx.get('lt')}"
    if kind == "string_too_long":
        return f"长度不能超过 {ctx.get('max_length')} 个字符"
    if kind == "string_too_short":
        return f"长度不能少于 {ctx.get('min_length')} 个字符"
    if kind in {"literal_error", "enum"}:
        return f"应为以下之一：{ctx.get('expected', '')}"
    if kind == "value_error" and ctx.get("error"):
        return str(ctx["error"])  # our own validators raise ValueError with a Chinese message
    return f"格式不正确（{error.get('msg', kind)}）"


def field_errors(exc: pydantic.ValidationError) -> list[dict[str, str]]:
    """A schema's errors as ``[{"field", "message"}]`` with Chinese messages, for an action that
    validates its input with a ninja Schema (the field is the schema's top-level name)."""
    return [
        {"field": str(e["loc"][0]) if e["loc"] else "", "message": validation_message(e)}
        for e in exc.errors(include_url=False)
    ]


def _on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {"field": _field_name(tuple(e.get("loc", ()))), "message": validation_message(e)}
        for e in exc.errors
    ]
    summary = "；".join(f"{e['field']}：{e['message']}" for e in errors[:3])
    return problem(
        422,
        f"请求参数有误：{summary}",
        title="请求参数有误",
        slug="validation-error",
        errors=errors,
    )


def _slug(exc: Exception) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "-", type(exc).__name__).lower()


def _field_error(error: dict[str, Any]) -> dict[str, Any]:
    """{"field","message"}, plus "row" when a file row is meant (imports number rows from 1)."""
    out = {"field": str(error.get("field", "")), "message": str(error.get("message", ""))}
    if error.get("row"):
        out["row"] = error["row"]
    return out


def _on_shegong_error(request: HttpRequest, exc: ShegongError) -> HttpResponse:
    errors = [_field_error(e) for e in exc.errors]
    return problem(exc.status, exc.detail, title=exc.title, slug=_slug(exc), errors=errors)


def _on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem_not_found(request)


def _on_permission_denied(request: HttpRequest, exc: Exception) -> HttpResponse:
    detail = str(exc) or "您当前的角色没有此操作的权限"
    return problem(403, detail, title="没有权限", slug="not-permitted")


def _on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    status = exc.status_code
    if isinstance(exc, AuthenticationError) or status == 401:
        return problem(401, "未登录或令牌无效", title="未认证", slug="not-authenticated")
    if isinstance(exc, Throttled):
        response = problem(
            429, "请求过于频繁，请稍后再试", title="请求过于频繁", slug="rate-limited"
        )
        if exc.wait:
            response["Retry-After"] = str(int(exc.wait) + 1)
        return response
    if status == 400 and exc.__cause__ is not None:
        # ninja raises HttpError(400) from the parser's exception when the body is not JSON.
        return problem(
            400,
            "请求体不是有效的 JSON",
            title="请求格式错误",
            slug="malformed-json",
            errors=[{"field": "body", "message": "请求体不是有效的 JSON"}],
        )
    if status == 403 and "CSRF" in exc.message:
        return problem(
            403,
            "CSRF 校验失败：请刷新页面后重试，或改用访问令牌",
            title="没有权限",
            slug="csrf-failed",
        )
    if status == 404:
        return problem_not_found(request)
    return problem(status, exc.message, title="请求无法处理")


def _on_malformed_body(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A multipart body without a boundary (or otherwise unreadable) is the client's error."""
    return problem(
        400,
        "请求体格式错误：multipart/form-data 缺少 boundary 或内容不完整",
        title="请求格式错误",
        slug="malformed-body",
        errors=[{"field": "body", "message": "multipart/form-data 请求体无法解析"}],
    )


def _on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("unhandled error in %s %s", request.method, request.path)
    if settings.DEBUG:
        raise exc
    return problem(500, "服务器内部错误，请稍后重试；如持续出现请联系管理员", title="服务器错误")


# --- the API ---------------------------------------------------------------------------------


def make_api(auth: list[Any]) -> ShegongAPI:
    """The /api/v1/ NinjaAPI with every error turned into problem details. The project's
    ``shegong/api.py`` gives it the authenticators and mounts the routers apps registered."""
    api = ShegongAPI(
        title="社工 shegong API",
        version="1.0.0",
        description=(
            "基层社会工作平台接口。认证：`Authorization: Bearer sg_…`"
            "（在「访问令牌」页面创建）或网页会话（非 GET 请求须带 CSRF 令牌）。"
            "用令牌时可用请求头 `X-Shegong-Scope: <角色授予编号>` 选择工作范围。"
            "错误统一为 RFC 9457 problem details（`application/problem+json`）。"
            "POST 支持 `Idempotency-Key` 请求头的接口在说明中注明。"
        ),
        urls_namespace="api",
        docs_url="/docs",
        # Swagger UI from ninja's bundled static files; no online validator badge (intranet).
        docs=Swagger(settings={"validatorUrl": None, "persistAuthorization": True}),
        auth=auth,
        renderer=Renderer(),
    )
    _add_handler(api, ValidationError, _on_validation_error)
    _add_handler(api, ShegongError, _on_shegong_error)
    _add_handler(api, Http404, _on_not_found)
    _add_handler(api, PermissionDenied, _on_permission_denied)
    _add_handler(api, HttpError, _on_http_error)
    _add_handler(api, MultiPartParserError, _on_malformed_body)
    _add_handler(api, Exception, _on_unexpected)
    return api


_E = TypeVar("_E", bound=Exception)


def _add_handler(
    api: NinjaAPI, exc_class: type[_E], handler: Callable[[HttpRequest, _E], HttpResponse]
) -> None:
    """``api.add_exception_handler`` for a handler that takes the raised exception."""
    # ninja types the handler's argument as ``_E | type[_E]``, but it only ever passes the
    # raised instance (it finds the handler by ``type(exc).__mro__``, which a class would miss).
    api.add_exception_handler(exc_class, handler)  # type: ignore[arg-type]


# --- a body validated inside the view, after the access check (an outsider gets 404, not 422) --


def body_doc(schema: type[pydantic.BaseModel], *, required: bool = False) -> dict[str, Any]:
    """OpenAPI for a body that is validated inside the view (after the access check)."""
    return {
        "requestBody": {
            "required": required,
            "content": {"application/json": {"schema": schema.model_json_schema()}},
        }
    }


def parse_body(schema: type[pydantic.BaseModel], payload: Any) -> Any:
    """The payload validated as ``schema``; a problem (422) naming the fields otherwise."""
    try:
        return schema.model_validate(payload if payload is not None else {})
    except pydantic.ValidationError as exc:
        errors = [
            {**error, "loc": ("body", "payload", *error["loc"])}
            for error in exc.errors(include_url=False)
        ]
        raise ValidationError(errors) from None
