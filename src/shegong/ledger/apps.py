from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "shegong.ledger"
    label = "ledger"
    verbose_name = "台账与党建覆盖"

    def ready(self) -> None:
        from shegong.core import registry

        from . import cards, indicators, menu, scans, todos  # noqa: F401  (scans registers scans and events)

        registry.menu.add(*menu.ENTRIES)
        registry.object_pages.add(*menu.OBJECT_PAGES)
        registry.cards.add(*cards.CARDS)
        registry.todos.add(*todos.TODOS)
        registry.indicators.add(*indicators.INDICATORS)
        registry.api_routers.add(
            registry.ApiRouter("/ledger", "shegong.ledger.api.records.router", "台账", order=20),
            registry.ApiRouter("/ledger", "shegong.ledger.api.coverage.router", "台账", order=21),
        )
        registry.demo_loaders.add(
            registry.DemoLoader("ledger", "shegong.ledger.demo.load", order=40)
        )
