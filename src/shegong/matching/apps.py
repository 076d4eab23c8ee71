from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "shegong.matching"
    label = "matching"
    verbose_name = "需求供给对接（四单）"

    def ready(self) -> None:
        from shegong.core import registry

        from . import cards, menu

        registry.menu.add(*menu.ENTRIES)
        registry.cards.add(*cards.CARDS)
        registry.demo_loaders.add(
            registry.DemoLoader("matching", "shegong.matching.demo.load", order=90)
        )
