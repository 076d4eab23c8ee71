from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "shegong.matching"
    label = "matching"
    verbose_name = "需求供给对接（四单）"

    def ready(self) -> None:
        from shegong.core import registry

        from . import h5

        registry.h5_tiles.add(*h5.TILES)
