from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "shegong.notices"
    label = "notices"
    verbose_name = "公示（公示与异议）"
