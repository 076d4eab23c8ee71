from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "shegong.core"
    label = "core"
    verbose_name = "平台基础"

    def ready(self) -> None:
        from . import (
            checks,
            idempotency,  # noqa: F401  (registers its purge scan)
            registry,
            scans,
        )

        registry.checks.add(*checks.CHECKS)
        # A saved or deleted calendar day clears this process's copy of the entered days.
        from django.db.models.signals import post_delete, post_save

        from . import workdays
        from .models import CalendarDay, CalendarYear

        for model in (CalendarDay, CalendarYear):
            post_save.connect(workdays.invalidate, sender=model, dispatch_uid=f"workdays.{model}")
            post_delete.connect(
                workdays.invalidate, sender=model, dispatch_uid=f"workdays.del.{model}"
            )
        # Every app's tasks.py registers its periodic scans: the web process (system page) and
        # the worker know the same list.
        scans.autodiscover()
