from django.apps import AppConfig


class VolunteersConfig(AppConfig):
    name = "shegong.volunteers"
    label = "volunteers"
    verbose_name = "志愿者与专业社工"

    def ready(self) -> None:
        # Registers the periodic scans and notification events of volunteer service (scans.py).
        from shegong.volunteers import scans  # noqa: F401
