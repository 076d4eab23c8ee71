from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "shegong.dashboard"
    label = "dashboard"
    verbose_name = "数据看板与工作简报"

    def ready(self) -> None:
        from shegong.core import registry

        from . import cards, menu, scans  # noqa: F401  (scans registers the rollup scans)

        registry.menu.add(*menu.ENTRIES)
        registry.demo_loaders.add(
            registry.DemoLoader("dashboard", "shegong.dashboard.demo.load", order=900)
        )
        registry.cards.add(*cards.CARDS)
        registry.api_routers.add(
            registry.ApiRouter("/dashboard", "shegong.dashboard.api.router", "数据看板", order=95)
        )
        registry.checks.add(
            registry.Check("dashboard.rollups", "shegong.dashboard.checks.rollup_drift", order=80)
        )
