from django.apps import AppConfig


class VolunteersConfig(AppConfig):
    name = "shegong.volunteers"
    label = "volunteers"
    verbose_name = "志愿者与专业社工"

    def ready(self) -> None:
        from shegong.core import registry

        from . import menu, scans, todos  # noqa: F401  (scans registers the scans and events)

        registry.menu.add(*menu.ENTRIES)
        registry.todos.add(*todos.TODOS)
        ApiRouter = registry.ApiRouter
        registry.api_routers.add(
            ApiRouter("/volunteers", "shegong.volunteers.api.people.router", "志愿者", order=50),
            ApiRouter(
                "/activities", "shegong.volunteers.api.activities.router", "志愿服务活动", order=51
            ),
            ApiRouter(
                "/service-records", "shegong.volunteers.api.hours.router", "服务时长", order=52
            ),
        )
        registry.demo_loaders.add(
            registry.DemoLoader("volunteers", "shegong.volunteers.demo.load", order=80)
        )
