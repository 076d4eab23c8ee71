from django.urls import URLPattern, path  # noqa: F401  (each part adds its paths)

app_name = "deliberation"

urlpatterns: list[URLPattern] = [
]  # fmt: skip
mobile_patterns: list[URLPattern] = [
]  # fmt: skip
public_patterns: list[URLPattern] = [
]  # fmt: skip
