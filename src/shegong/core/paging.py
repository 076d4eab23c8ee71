"""Pages of long lists.

``KeyPaginator`` sorts and slices only the rows' primary keys, then reads the page's rows by key.
SQLite puts every candidate's whole row (and its ``select_related`` rows) into its sorter before
it keeps the page, so a page of a 100,000-row list read that way costs a pass over every row;
sorting keys that an index covers does not. PostgreSQL is no worse for it.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet


class KeyPaginator(Paginator):
    """A ``Paginator`` over a QuerySet that reads a page in two short queries: the keys of the
    page (sorted, sliced), then those rows. ``count``: a total already counted with the very
    same filter (e.g. in the pass that counts the page's figures), so it is not counted again."""

    def __init__(
        self, object_list: QuerySet[Any], per_page: int, *, count: int | None = None
    ) -> None:
        super().__init__(object_list, per_page)
        self.queryset = object_list
        if count is not None:
            self.count = count  # the cached property's value, known already

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        keys = list(self.queryset.values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in self.queryset.filter(pk__in=keys)}
        return Page([rows[key] for key in keys if key in rows], number, self)
