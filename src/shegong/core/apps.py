from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "shegong.core"
    label = "core"
    verbose_name = "平台基础"

    def ready(self) -> None:
        from . import scans  # noqa: F401  (registers the periodic scans)
