from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "shegong.matching"
    label = "matching"
    verbose_name = "需求供给对接（四单）"

    def ready(self) -> None:
        from shegong.core import registry

        from . import cards, menu, scans, todos  # noqa: F401  (scans registers the scans)

        registry.menu.add(*menu.ENTRIES)
        registry.object_pages.add(*menu.OBJECT_PAGES)
        registry.cards.add(*cards.CARDS)
        registry.todos.add(*todos.TODOS)
        registry.api_routers.add(
            registry.ApiRouter(
                "/matching", "shegong.matching.api.orders.router", "服务订单", order=71
            )
        )
