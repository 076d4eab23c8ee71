from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "shegong.matching"
    label = "matching"
    verbose_name = "需求供给对接（四单）"

    def ready(self) -> None:
        from shegong.core import registry

        from . import menu, todos

        # the two lists (m-lists)
        registry.menu.add(*menu.ENTRIES)
        registry.todos.add(*todos.TODOS)
        registry.api_routers.add(
            registry.ApiRouter(
                "/matching", "shegong.matching.api.lists.router", "需求对接", order=70
            )
        )
