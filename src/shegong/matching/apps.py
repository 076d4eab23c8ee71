from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "shegong.matching"
    label = "matching"
    verbose_name = "需求供给对接（四单）"
