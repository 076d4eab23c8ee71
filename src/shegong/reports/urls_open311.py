"""Open311 GeoReport v2 under /open311/v2/: every method as ``.xml`` and ``.json``."""

from django.urls import path, register_converter

from . import open311


class FormatConverter:
    """The format suffix of an Open311 URL."""

    regex = "xml|json"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FormatConverter, "open311fmt")

app_name = "open311"

urlpatterns = [
    path("discovery.<open311fmt:fmt>", open311.discovery, name="discovery"),
    path("services.<open311fmt:fmt>", open311.services, name="services"),
    path(
        "services/<slug:service_code>.<open311fmt:fmt>",
        open311.service_definition,
        name="service_definition",
    ),
    path("requests.<open311fmt:fmt>", open311.requests, name="requests"),
    path(
        "requests/<str:service_request_id>.<open311fmt:fmt>",
        open311.request_detail,
        name="request",
    ),
    path("tokens/<str:token>.<open311fmt:fmt>", open311.token, name="token"),
    path(
        "servicerequestupdates.<open311fmt:fmt>",
        open311.service_request_updates,
        name="updates",
    ),
    path("media/<int:pk>/<int:index>.jpg", open311.media, name="media"),
    path("<path:rest>", open311.unknown, name="unknown"),
]
