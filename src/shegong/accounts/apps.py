from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "shegong.accounts"
    label = "accounts"
    verbose_name = "账号与权限"

    def ready(self) -> None:
        from shegong.core import registry

        from . import menu, signals  # noqa: F401  (signals audits axes login failures and lockouts)

        registry.menu.add(*menu.ENTRIES)
        registry.object_pages.add(*menu.OBJECT_PAGES)
        registry.api_routers.add(
            registry.ApiRouter("", "shegong.accounts.api.router", "账号", order=0)
        )
        registry.demo_loaders.add(
            registry.DemoLoader("departments", "shegong.accounts.demo.load_departments", order=20),
            registry.DemoLoader("users", "shegong.accounts.demo.load_users", order=30),
        )
