from django.apps import AppConfig


class StationsConfig(AppConfig):
    name = "shegong.stations"
    label = "stations"
    verbose_name = "暖新驿站与新就业群体关爱"
