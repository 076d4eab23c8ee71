"""The default catalogue (``choices.DEFAULT_CATALOGUE``) installed into given models: by
migration 0002 with the historical models, and by ``shegong.testing.match_catalogue`` when a
transactional test (the browser tests' live server) has flushed the migration's rows."""

from __future__ import annotations

from typing import Any

from shegong.matching.choices import CATEGORY_SKILLS, DEFAULT_CATALOGUE


def install_defaults(category_model: Any, item_model: Any, skill_model: Any) -> None:
    """Add whatever of the default catalogue is missing (idempotent; edits are kept)."""
    for order, (code, name, mode, sensitive, items) in enumerate(DEFAULT_CATALOGUE, start=1):
        category, _ = category_model.objects.get_or_create(
            code=code,
            defaults={"name": name, "order": order, "dispatch_mode": mode, "sensitive": sensitive},
        )
        category.skills.add(*skill_model.objects.filter(code__in=CATEGORY_SKILLS.get(code, ())))
        for position, (item, minutes, frequency, urgency, risky) in enumerate(items, start=1):
            item_model.objects.get_or_create(
                category=category, name=item,
                defaults={"typical_minutes": minutes, "frequency": frequency, "urgency": urgency,
                          "risky": risky, "sensitive": sensitive, "order": position},
            )  # fmt: skip
