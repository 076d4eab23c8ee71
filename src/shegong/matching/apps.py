from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "shegong.matching"
    label = "matching"
    verbose_name = "需求供给对接（四单）"

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
                "/matching", "shegong.matching.api.lists.router", "需求对接", order=70
            ),
            registry.ApiRouter(
                "/matching", "shegong.matching.api.orders.router", "服务订单", order=71
            ),
            registry.ApiRouter(
                "/matching", "shegong.matching.api.standing.router", "常态化服务", order=72
            ),
        )
        registry.demo_loaders.add(
            registry.DemoLoader("matching", "shegong.matching.demo.load", order=90),
            registry.DemoLoader(
                "matching_standing", "shegong.matching.demo_standing.load", order=95
            ),
        )
