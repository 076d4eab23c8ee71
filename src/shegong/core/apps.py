from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "shegong.core"
    label = "core"
    verbose_name = "平台基础"

    def ready(self) -> None:
        # Importing these registers their periodic scans; every app's tasks.py registers its own,
        # so the web process (system page) and the worker know the same list.
        from . import idempotency, scans  # noqa: F401

        scans.autodiscover()
