"""The errors actions raise, shared by the API (problem details) and the pages.

Two families, on purpose apart:

- ``DomainError``: the request is understood but breaks a rule (409, 422, 429 …). A page shows
  it as a message on the form (``web.forms.run_action``); the API answers a problem.
- ``AccessDenied``: "not yours" — ``NotFound`` (missing or outside the caller's scope, the two
  indistinguishable) and ``NotPermitted`` (the role lacks the verb). Pages answer with the 404 or
  403 page (``web.middleware``), whatever the view was doing, so a view's ``except DomainError``
  never has to re-raise them.
"""

from __future__ import annotations


class ShegongError(Exception):
    """What every error of ours carries: an HTTP status, a title and a Chinese ``detail``, plus
    per-field ``errors`` ``[{"field", "message"}]``."""

    status = 400
    title = "请求无法处理"

    def __init__(self, detail: str, *, errors: list[dict[str, str]] | None = None):
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []


class DomainError(ShegongError):
    """A request that is well-formed but not allowed in the current state (HTTP 409)."""

    status = 409
    title = "操作无法完成"


class AccessDenied(ShegongError):
    """The object is not the caller's to see (NotFound) or the verb not theirs (NotPermitted)."""

    status = 403
    title = "没有权限"


class InvalidInput(DomainError):
    """Input that fails a domain rule; ``errors`` name the fields (HTTP 422)."""

    status = 422
    title = "输入有误"

    @classmethod
    def field(cls, field: str, message: str) -> InvalidInput:
        return cls(message, errors=[{"field": field, "message": message}])

    @classmethod
    def raise_if_any(cls, errors: list[dict[str, str]]) -> None:
        """Raise one InvalidInput naming every field collected in ``errors``, if any."""
        if errors:
            raise cls("；".join(e["message"] for e in errors), errors=errors)


class IllegalTransition(DomainError):
    """A workflow step not allowed from the current state; lists the allowed steps."""

    def __init__(self, current: str, target: str, allowed: list[str]):
        allowed_text = "、".join(allowed) if allowed else "无"
        super().__init__(
            f"当前状态为「{current}」，不能变更为「{target}」；允许的下一步：{allowed_text}"
        )
        self.current, self.target, self.allowed = current, target, allowed


class NotPermitted(AccessDenied):
    """The actor lacks the permission for this verb (HTTP 403)."""

    status = 403
    title = "没有权限"


class NotFound(AccessDenied):
    """Missing or outside the caller's scope: the two are indistinguishable by design."""

    status = 404
    title = "未找到"

    def __init__(self, detail: str = "未找到该对象，或您无权查看"):
        super().__init__(detail)


class RateLimited(DomainError):
    """Too many requests from one sender in a short time (HTTP 429)."""

    status = 429
    title = "操作过于频繁"
