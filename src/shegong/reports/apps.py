from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "shegong.reports"
    label = "reports"
    verbose_name = "随手拍与接诉即办"

    def ready(self) -> None:
        # Registers the SLA scan and the notification events (see scans.py).
        from . import scans  # noqa: F401
