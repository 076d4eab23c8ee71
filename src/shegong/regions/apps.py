from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "shegong.regions"
    label = "regions"
    verbose_name = "区划与网格"

    def ready(self) -> None:
        from shegong.core import registry

        from . import cards, menu

        registry.menu.add(*menu.ENTRIES)
        registry.object_pages.add(*menu.OBJECT_PAGES)
        registry.cards.add(*cards.CARDS)
        registry.api_routers.add(
            registry.ApiRouter("/regions", "shegong.regions.api.router", "区划", order=10)
        )
        registry.demo_loaders.add(
            registry.DemoLoader("regions", "shegong.regions.demo.load_regions", order=10)
        )
