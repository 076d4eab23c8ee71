from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "shegong.accounts"
    label = "accounts"
    verbose_name = "账号与权限"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (audits axes login failures and lockouts)
