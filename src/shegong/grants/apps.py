from django.apps import AppConfig


class GrantsConfig(AppConfig):
    name = "shegong.grants"
    label = "grants"
    verbose_name = "公益创投与社区慈善基金"

    def ready(self) -> None:
        from shegong.core import registry

        from . import cards, indicators, menu, scans, todos  # noqa: F401  (scans registers the scans)

        registry.notice_kinds.add(
            registry.NoticeKind("grants.award", "公益创投立项公示", days=7, names="full", order=10),
            registry.NoticeKind(
                "grants.disclosure", "社区慈善基金收支公示", days=30, holds=False, order=20
            ),
        )
        registry.menu.add(*menu.ENTRIES)
        registry.object_pages.add(*menu.OBJECT_PAGES)
        registry.todos.add(*todos.TODOS)
        registry.indicators.add(*indicators.INDICATORS)
        registry.cards.add(*cards.CARDS)
        registry.api_routers.add(
            registry.ApiRouter("/grants", "shegong.grants.api.calls.router", "公益创投", order=91),
            registry.ApiRouter(
                "/grants", "shegong.grants.api.funds.router", "社区慈善基金", order=92
            ),
        )
        registry.demo_loaders.add(
            registry.DemoLoader("grants", "shegong.grants.demo.calls.load", order=110),
            registry.DemoLoader("funds", "shegong.grants.demo.funds.load", order=111),
        )
