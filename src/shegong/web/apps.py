from django.apps import AppConfig


class WebConfig(AppConfig):
    """The UI kit (forms and fields, run_action, maps, pager) and the shell (home, menu, the
    audit, inbox and system pages, error pages, base templates)."""

    name = "shegong.web"
    label = "web"
    verbose_name = "界面与工作台"

    def ready(self) -> None:
        from shegong.core import registry

        from . import cards, menu

        registry.menu.add(*menu.ENTRIES)
        registry.cards.add(*cards.CARDS)
