from django.apps import AppConfig


class SocialOrgsConfig(AppConfig):
    name = "shegong.socialorgs"
    label = "socialorgs"
    verbose_name = "社会组织登记管理"

    def ready(self) -> None:
        from shegong.core import registry

        from . import indicators, menu, parts, supervision, workbench

        del parts  # imported for its registrations
        registry.menu.add(*menu.ENTRIES)
        registry.indicators.add(*indicators.INDICATORS)
        registry.notice_kinds.add(
            registry.NoticeKind(
                "socialorgs.inspection",
                "社会组织年检结果公示",
                days=7,
                holds=False,
                names="full",
                order=40,
            )
        )
        registry.todos.add(*(item.todo for item in workbench.worklists if item.on_home))
        registry.todos.add(supervision.TODO)  # the business supervisor's 待初审
        registry.object_pages.add(*menu.OBJECT_PAGES)
        registry.api_routers.add(
            registry.ApiRouter(
                "/socialorgs", "shegong.socialorgs.api.socialorgs.router", "社会组织", order=50
            ),
            registry.ApiRouter(
                "/socialorgs", "shegong.socialorgs.api.inspection.router", "社会组织", order=52
            ),
            registry.ApiRouter(
                "/socialorgs", "shegong.socialorgs.api.stats.router", "社会组织", order=57
            ),
            registry.ApiRouter(
                "/socialorgs", "shegong.socialorgs.api.charity.router", "社会组织", order=55
            ),
        )
        registry.api_routers.add(  # §7 screening
            registry.ApiRouter(
                "/socialorgs", "shegong.socialorgs.api.screening.router", "社会组织", order=56
            ),
            registry.ApiRouter(
                "/socialorgs", "shegong.socialorgs.api.election.router", "社会组织", order=54
            ),
            registry.ApiRouter(
                "/socialorgs", "shegong.socialorgs.api.events.router", "社会组织", order=51
            ),
            registry.ApiRouter(
                "/socialorgs", "shegong.socialorgs.api.credit.router", "社会组织", order=53
            ),
        )
        registry.demo_loaders.add(
            registry.DemoLoader("socialorgs", "shegong.socialorgs.demo.load", order=80),
        )
