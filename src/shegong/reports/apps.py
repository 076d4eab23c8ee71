from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "shegong.reports"
    label = "reports"
    verbose_name = "随手拍与接诉即办"

    def ready(self) -> None:
        from shegong.core import registry

        from . import h5, indicators, menu, scans, todos  # noqa: F401  (scans registers the SLA scan and events)

        registry.menu.add(*menu.ENTRIES)
        registry.object_pages.add(*menu.OBJECT_PAGES)
        registry.h5_tiles.add(*h5.TILES)
        registry.todos.add(*todos.TODOS)
        registry.indicators.add(*indicators.INDICATORS)
        registry.api_routers.add(
            registry.ApiRouter("/reports", "shegong.reports.api.reports.router", "随手拍", order=30)
        )
        registry.demo_loaders.add(
            registry.DemoLoader("reports", "shegong.reports.demo.load", order=50)
        )
