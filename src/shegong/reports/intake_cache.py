"""The intake's configuration, cached per process: active categories by service code, routing
rules by category, automatic reply templates by status.

A submission used to read all three from the database every time (three queries and their
Python); they change a few times a year. Each process keeps one copy, loaded on first use:

* a save or delete of a Category, RoutingRule, ResponseTemplate, Department or Region in this
  process clears it at once (signals), so the next submission sees the change;
* another web process clears its copy after ``TTL_SECONDS`` at the latest (a configuration
  page saves in one process; the others follow within seconds). A queryset ``update()`` on
  these models sends no signal and is covered by the same bound; call ``clear()`` after one.

The cached objects are shared by every request of the process: read them, never change them.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from django.db.models import F
from django.db.models.signals import post_delete, post_save

from shegong.accounts.models import Department
from shegong.regions.models import Region

from .models import Category, ResponseTemplate, RoutingRule

TTL_SECONDS = 10.0

_lock = threading.Lock()
_state: dict[str, Any] = {}


def clear(**_signal: Any) -> None:
    """Forget the cached configuration (the next use reloads it)."""
    with _lock:
        _state.clear()


def _loaded() -> dict[str, Any]:
    state = _state
    if state and time.monotonic() - state["at"] < TTL_SECONDS:
        return state
    categories = {c.service_code: c for c in Category.objects.filter(is_active=True)}
    rules: dict[int, list[RoutingRule]] = {}
    for rule in RoutingRule.objects.select_related("department", "region").order_by("pk"):
        rules.setdefault(rule.category_id, []).append(rule)
    templates: dict[str, list[ResponseTemplate]] = {}
    auto = ResponseTemplate.objects.filter(auto=True).order_by(
        F("category").asc(nulls_last=True), "pk"
    )
    for template in auto:
        templates.setdefault(template.status, []).append(template)
    fresh = {"at": time.monotonic(), "categories": categories, "rules": rules,
             "templates": templates}  # fmt: skip
    with _lock:
        _state.clear()
        _state.update(fresh)
    return fresh


def active_category(code: str) -> Category | None:
    """The active category with this service code."""
    return _loaded()["categories"].get(code)


def routing_rules(category: Category) -> list[RoutingRule]:
    """The category's routing rules, each with its department and region loaded."""
    return _loaded()["rules"].get(category.pk, [])


def auto_template(category: Category, status: str) -> ResponseTemplate | None:
    """The automatic reply for a case of ``category`` entering ``status``: the category's own
    template first, else the general one (the lowest pk of each)."""
    candidates = _loaded()["templates"].get(status, [])
    return next(
        (t for t in candidates if t.category_id in (category.pk, None)),
        None,
    )


for _model in (Category, RoutingRule, ResponseTemplate, Department, Region):
    post_save.connect(clear, sender=_model, dispatch_uid=f"intake_cache.save.{_model.__name__}")
    post_delete.connect(clear, sender=_model, dispatch_uid=f"intake_cache.del.{_model.__name__}")
