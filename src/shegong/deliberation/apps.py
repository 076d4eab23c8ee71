from django.apps import AppConfig


class DeliberationConfig(AppConfig):
    name = "shegong.deliberation"
    label = "deliberation"
    verbose_name = "议事厅（议题、议事会、落地实事）"

    def ready(self) -> None:
        from shegong.core import registry

        from . import menu

        registry.menu.add(*menu.ENTRIES)
        registry.object_pages.add(*menu.OBJECT_PAGES)

        from . import h5, scans, todos  # noqa: F401  (scans registers the scans)

        registry.todos.add(*todos.TODOS)
        registry.h5_tiles.add(*h5.TILES)
        registry.api_routers.add(
            registry.ApiRouter(
                "/deliberation", "shegong.deliberation.api.actions.router", "落地实事", order=82
            ),
        )
