from django.apps import AppConfig


class StationsConfig(AppConfig):
    name = "shegong.stations"
    label = "stations"
    verbose_name = "暖新驿站与新就业群体关爱"

    def ready(self) -> None:
        from shegong.core import registry

        from . import h5, indicators, menu, todos

        registry.menu.add(*menu.ENTRIES)
        registry.notice_kinds.add(
            registry.NoticeKind(
                "stations.honors", "先进典型公示", days=7, holds=True, names="full", order=50
            )
        )
        registry.object_pages.add(*menu.OBJECT_PAGES)
        registry.h5_tiles.add(*h5.TILES)
        registry.todos.add(*todos.TODOS)
        registry.indicators.add(*indicators.INDICATORS)
        registry.api_routers.add(
            registry.ApiRouter(
                "/stations", "shegong.stations.api.stations.router", "驿站", order=40
            ),
            registry.ApiRouter("/stations", "shegong.stations.api.me.router", "驿站", order=41),
        )
        registry.demo_loaders.add(
            registry.DemoLoader("stations", "shegong.stations.demo.load", order=60),
            registry.DemoLoader("workers", "shegong.stations.demo.load_workers", order=70),
        )
