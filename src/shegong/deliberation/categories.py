"""The default topic categories (``choices.DEFAULT_CATEGORIES``) installed into a given model:
by migration 0002 with the historical model, and by ``shegong.testing.deliberation_categories``
when a transactional test (a browser test's live server) has flushed the migration's rows."""

from __future__ import annotations

from typing import Any

from shegong.deliberation.choices import DEFAULT_CATEGORIES


def install_defaults(category_model: Any) -> None:
    """Add whatever default category is missing (idempotent; edits are kept)."""
    for order, (code, name) in enumerate(DEFAULT_CATEGORIES, start=1):
        category_model.objects.get_or_create(code=code, defaults={"name": name, "order": order})
