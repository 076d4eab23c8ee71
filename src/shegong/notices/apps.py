from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "shegong.notices"
    label = "notices"
    verbose_name = "公示（公示与异议）"

    def ready(self) -> None:
        from shegong.core import registry

        from . import cards, menu, todos

        registry.notice_kinds.add(
            registry.NoticeKind("notices.general", "其他公示", days=7, holds=False, order=99)
        )
        registry.menu.add(*menu.ENTRIES)
        registry.object_pages.add(*menu.OBJECT_PAGES)
        registry.todos.add(*todos.TODOS)
        registry.cards.add(*cards.CARDS)
        registry.api_routers.add(
            registry.ApiRouter("/notices", "shegong.notices.api.notices.router", "公示", order=90)
        )
