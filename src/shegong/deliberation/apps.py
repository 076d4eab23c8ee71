from django.apps import AppConfig


class DeliberationConfig(AppConfig):
    name = "shegong.deliberation"
    label = "deliberation"
    verbose_name = "议事厅（议题、议事会、落地实事）"

    def ready(self) -> None:
        from shegong.core import registry

        from . import cards, h5, indicators, menu, scans, todos  # noqa: F401  (scans registers the scans)

        registry.menu.add(*menu.ENTRIES)
        registry.object_pages.add(*menu.OBJECT_PAGES)
        registry.todos.add(*todos.TODOS)
        registry.indicators.add(*indicators.INDICATORS)
        registry.h5_tiles.add(*h5.TILES)
        registry.cards.add(*cards.CARDS)
        registry.api_routers.add(
            registry.ApiRouter(
                "/deliberation", "shegong.deliberation.api.topics.router", "议事厅：议题", order=80
            ),
            registry.ApiRouter(
                "/deliberation", "shegong.deliberation.api.meetings.router", "议事会", order=81
            ),
            registry.ApiRouter(
                "/deliberation", "shegong.deliberation.api.actions.router", "落地实事", order=82
            ),
            registry.ApiRouter(
                "/deliberation", "shegong.deliberation.api.statistics.router", "议事统计", order=89
            ),
        )
        registry.demo_loaders.add(
            registry.DemoLoader("deliberation", "shegong.deliberation.demo.load", order=100)
        )
