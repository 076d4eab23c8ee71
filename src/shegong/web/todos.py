"""The workbench's "待办" panel: the to-dos every app registered (``core.registry.todos``) that
``user`` may see, with their counts and the filtered lists they open. The shell knows no app:
it asks each to-do whether it applies, counts it, and links it."""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse

from shegong.core import registry


def todos_for(user: Any) -> list[dict[str, Any]] | None:
    """The to-dos that apply to ``user``, in ``order``, each {key, label, count, url, icon,
    hint}; those at zero are left out. None when no to-do applies to the user at all (an
    auditor has none: the panel is not shown), an empty list when all are done."""
    applicable = False
    items: list[dict[str, Any]] = []
    for todo in registry.todos:
        if not todo.applies_to(user):
            continue
        try:
            url = reverse(todo.url_name)
        except NoReverseMatch:
            continue  # a page not built in this deployment
        count = todo.count(user)
        if count is None:
            continue
        applicable = True
        if count:
            items.append({
                "key": todo.key, "label": todo.label, "count": count, "icon": todo.icon,
                "url": f"{url}?{todo.query}" if todo.query else url, "hint": todo.hint,
            })  # fmt: skip
    return items if applicable else None
