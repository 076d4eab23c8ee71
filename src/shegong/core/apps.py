from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "shegong.core"
    label = "core"
    verbose_name = "平台基础"

    def ready(self) -> None:
        # Importing these registers their periodic scans.
        from . import idempotency, scans  # noqa: F401
