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
        # Every app's tasks.py registers its periodic scans: the web process (system page) and
        # the worker know the same list.
        scans.autodiscover()
