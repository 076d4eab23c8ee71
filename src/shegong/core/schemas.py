"""API contract shared by every app: the problem-details error shape and paginated lists.

Every error of /api/v1/ is an RFC 9457 problem (``Problem``) with a Chinese ``detail`` and one
entry per offending field in ``errors``. Every list is paginated by ``PagePagination``.
"""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 20


class FieldError(Schema):
    field: str = Field(description="出错的字段名，如 lat、name、boundary.coordinates")
    message: str = Field(description="中文错误说明")
    row: int | None = Field(None, description="批量导入时出错的行号（从1起）")


class Problem(Schema):
    """RFC 9457 problem details (served as application/problem+json)."""

    type: str = Field(description="问题类型：about:blank 或 /api/v1/problems/<slug>")
    title: str
    status: int
    detail: str
    errors: list[FieldError] = []


def problem_responses(*codes: int) -> dict[int, type[Problem]]:
    """``response={200: X, **problem_responses(401, 404)}``: documents the errors in OpenAPI."""
    return {code: Problem for code in codes or (400, 401, 403, 404, 422, 429)}


MAX_PAGE = 1_000_000


class PagePagination(PageNumberPagination):
    """``?page=&page_size=`` (at most 200) → ``{"items", "count", "page", "page_size"}``.

    The list is one COUNT plus one page of rows, whatever the number of rows: endpoints hand
    in a QuerySet that already has its ``select_related``/``only`` in place.
    """

    class Input(Schema):
        # Capped: a page number past the database's integers (99999999999999999999) was a 500.
        page: int = Field(1, ge=1, le=MAX_PAGE, description=f"页码，从 1 开始，最大 {MAX_PAGE}")
        page_size: int = Field(
            DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="每页条数，最多 200"
        )

    class Output(Schema):
        items: list[Any]
        count: int
        page: int
        page_size: int

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("page_size", DEFAULT_PAGE_SIZE)
        kwargs.setdefault("max_page_size", MAX_PAGE_SIZE)
        super().__init__(**kwargs)

    def paginate_queryset(
        self, queryset: QuerySet, pagination: Any, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        page_size = self._get_page_size(pagination.page_size)
        offset = (pagination.page - 1) * page_size
        return {
            "items": list(queryset[offset : offset + page_size]),
            "count": self._items_count(queryset),
            "page": pagination.page,
            "page_size": page_size,
        }
