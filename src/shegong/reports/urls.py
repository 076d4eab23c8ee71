"""Every URL of the closed loop, mounted by the project (``shegong/urls.py``):

- ``urlpatterns``: staff pages under ``/reports/`` (namespace ``reports``): Open311 keys,
  configuration, the supervisor board and appointments, the workbench and the case page;
- ``mobile_patterns``: H5 pages under ``/m/`` (namespace ``reports_m``);
- ``public_patterns``: case pages under ``/public/``, no login (namespace ``reports_public``);
- ``open311_patterns``: Open311 GeoReport v2 under ``/open311/v2/`` (namespace ``open311``), every
  method as ``.xml`` and ``.json`` — a protocol's fixed paths, not pages.
"""

from django.urls import path, register_converter

from . import open311
from .views import board, config, holding, keys, mobile, public, staff

app_name = "reports"

urlpatterns = [
    # Open311 API keys
    path("keys/", keys.api_keys, name="api_keys"),
    path("keys/<int:pk>/revoke/", keys.api_key_revoke, name="api_key_revoke"),
    # catalogue, routing rules, response templates
    path("categories/", config.categories, name="categories"),
    path("categories/new/", config.category_form, name="category_new"),
    path("categories/<int:pk>/", config.category_form, name="category_edit"),
    path("categories/<int:pk>/active/", config.category_active, name="category_active"),
    path("routing/", config.routing, name="routing"),
    path("routing/<int:pk>/delete/", config.routing_delete, name="routing_delete"),
    path("templates/", config.templates, name="templates"),
    path("templates/new/", config.template_form, name="template_new"),
    path("templates/<int:pk>/", config.template_form, name="template_edit"),
    # supervisor board, metrics and appointments
    path("board/", board.board, name="board"),
    path("board/export/", board.metrics_export, name="metrics_export"),
    path("board/definitions/", board.definitions, name="definitions"),
    path("appointments/", board.appointments, name="appointments"),
    path("appointments/new/", board.appoint, name="appoint"),
    path("appointments/export/", board.appointments_export, name="appointments_export"),
    path("appointments/<int:pk>/end/", board.appointment_end, name="appointment_end"),
    # department workbench, dispatch desk and the case page
    path("", staff.queue, name="queue"),
    path("export/", staff.export, name="export"),
    path("bulk-transfer/", staff.bulk_transfer, name="bulk_transfer"),
    path("dispatch/", staff.dispatch, name="dispatch"),
    path("<int:pk>/", staff.detail, name="detail"),
    path("<int:pk>/do/<slug:verb>/", staff.act, name="act"),
    path("<int:pk>/assign-down/", holding.assign, name="assign_down"),
    path(
        "<int:pk>/photos/<slug:photo_set>/<int:index>/<slug:kind>/",
        staff.photo,
        name="photo",
    ),
]

mobile_patterns = [
    path("tasks/", holding.tasks, name="tasks"),
    path("tasks/<int:pk>/", holding.task_detail, name="task_detail"),
    path("report/", mobile.report, name="report"),
    path("report/duplicates/", mobile.duplicates, name="duplicates"),
    path("report/<int:pk>/follow/", mobile.follow, name="follow"),
    path("my-reports/", mobile.my_reports, name="my_reports"),
    path("my-reports/<int:pk>/", mobile.my_detail, name="my_detail"),
    path("my-reports/<int:pk>/verify/", mobile.verify, name="verify"),
    path("my-reports/<int:pk>/reopen/", mobile.reopen, name="reopen"),
    path("my-reports/<int:pk>/rate/", mobile.rate, name="rate"),
    path(
        "my-reports/<int:pk>/photos/<int:index>/<str:kind>/",
        mobile.photo,
        name="photo",
    ),
]

public_patterns = [
    path("cases/", public.case_list, name="list"),
    path("cases/<int:pk>/", public.case_detail, name="detail"),
    path(
        "cases/<int:pk>/photos/<int:index>/<str:kind>/",
        public.case_photo,
        name="photo",
    ),
]


class FormatConverter:
    """The format suffix of an Open311 URL."""

    regex = "xml|json"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FormatConverter, "open311fmt")

open311_patterns = [
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
