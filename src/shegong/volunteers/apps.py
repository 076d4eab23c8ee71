from django.apps import AppConfig


class VolunteersConfig(AppConfig):
    name = "shegong.volunteers"
    label = "volunteers"
    verbose_name = "志愿者与专业社工"

    def ready(self) -> None:
        from shegong.core import registry

        from . import h5, indicators, menu, scans, todos  # noqa: F401  (scans registers the scans and events)

        registry.menu.add(*menu.ENTRIES)
        registry.object_pages.add(*menu.OBJECT_PAGES)
        registry.h5_tiles.add(*h5.TILES)
        registry.todos.add(*todos.TODOS)
        registry.indicators.add(*indicators.INDICATORS)
        ApiRouter = registry.ApiRouter
        registry.api_routers.add(
            ApiRouter("/volunteers", "shegong.volunteers.api.people.router", "志愿者", order=50),
            ApiRouter(
                "/activities", "shegong.volunteers.api.activities.router", "志愿服务活动", order=51
            ),
            ApiRouter(
                "/service-records", "shegong.volunteers.api.hours.router", "服务时长", order=52
            ),
            ApiRouter(
                "/star-awards", "shegong.volunteers.api.star_awards.router", "星级认定", order=53
            ),
        )
        registry.notice_kinds.add(
            registry.NoticeKind(
                "volunteers.stars", "星级志愿者认定公示", days=10, holds=False, names="masked",
                order=30,
            ),
            registry.NoticeKind(
                "volunteers.certificates", "志愿服务记录证明公示", days=7, holds=False,
                names="masked", order=31,
            ),
        )  # fmt: skip
        registry.demo_loaders.add(
            registry.DemoLoader("volunteers", "shegong.volunteers.demo.load", order=80)
        )
