from django.urls import URLPattern, path

from shegong.matching.views import board, lists, mobile, orders, standing, statistics

app_name = "matching"

urlpatterns: list[URLPattern] = [
    # the dispatch board and the orders (views/board.py, views/orders.py)
    path("board/", board.dispatch_board, name="board"),
    path("unmet/", board.unmet, name="unmet"),
    path("orders/", orders.order_list, name="orders"),
    path("orders/export/", orders.order_export, name="orders_export"),
    path("orders/new/", orders.order_new, name="order_new"),
    path("orders/<int:pk>/", orders.order_detail, name="order"),
    path("orders/<int:pk>/reveal/", orders.order_reveal, name="order_reveal"),
    path("orders/<int:pk>/<slug:verb>/", orders.order_act, name="order_act"),
    # the two lists, the catalogue, a community's settings (views/lists.py)
    path("needs/", lists.needs, name="needs"),
    path("needs/new/", lists.need_new, name="need_new"),
    path("needs/export/", lists.export_needs, name="needs_export"),
    path("needs/<int:pk>/edit/", lists.need_edit, name="need_edit"),
    path("needs/<int:pk>/status/", lists.need_status, name="need_status"),
    path("offers/", lists.offers, name="offers"),
    path("offers/new/", lists.offer_new, name="offer_new"),
    path("offers/export/", lists.export_offers, name="offers_export"),
    path("offers/<int:pk>/edit/", lists.offer_edit, name="offer_edit"),
    path("offers/<int:pk>/review/", lists.offer_review, name="offer_review"),
    path("needs/import/", lists.import_list, {"kind": "needs"}, name="needs_import"),
    path("offers/import/", lists.import_list, {"kind": "offers"}, name="offers_import"),
    path(
        "needs/import/template/", lists.import_template, {"kind": "needs"},
        name="needs_import_template",
    ),
    path(
        "offers/import/template/", lists.import_template, {"kind": "offers"},
        name="offers_import_template",
    ),
    path("catalogue/", lists.catalogue, name="catalogue"),
    path("settings/", lists.community_settings, name="settings"),
    # standing orders (views/standing.py)
    path("standing/", standing.standing_list, name="standing_list"),
    path("standing/new/", standing.standing_new, name="standing_new"),
    path("standing/generate/", standing.standing_generate, name="standing_generate"),
    path("standing/summary/", standing.standing_summary, name="standing_summary"),
    path("standing/<int:pk>/", standing.standing_detail, name="standing"),
    path("standing/<int:pk>/edit/", standing.standing_edit, name="standing_edit"),
    path("standing/<int:pk>/rota/", standing.standing_rota, name="standing_rota"),
    path("standing/<int:pk>/pause/", standing.standing_pause, name="standing_pause"),
    path("standing/<int:pk>/resume/", standing.standing_resume, name="standing_resume"),
    path("standing/<int:pk>/end/", standing.standing_end, name="standing_end"),
    # the numbers (views/statistics.py)
    path("statistics/", statistics.statistics_page, name="statistics"),
    path("statistics/export/", statistics.statistics_export, name="statistics_export"),
]  # fmt: skip
mobile_patterns: list[URLPattern] = [
    # residents and helpers (views/mobile.py)
    path("matching/", mobile.place, name="place"),
    path("matching/orders/", mobile.my_orders, name="orders"),
    path("matching/orders/<int:pk>/", mobile.order, name="order"),
    path(
        "matching/orders/<int:pk>/photos/<int:index>/<str:kind>/", mobile.order_photo,
        name="order_photo",
    ),
    path("matching/offers/", mobile.my_offers, name="my_offers"),
    path("matching/helper/", mobile.helper_home, name="helper"),
    path("matching/helper/orders/<int:pk>/", mobile.helper_order, name="helper_order"),
    path(
        "matching/helper/orders/<int:pk>/photos/<int:index>/<str:kind>/", mobile.helper_photo,
        name="helper_photo",
    ),
    # standing tasks (views/standing.py)
    path("matching/tasks/", standing.m_tasks, name="standing_tasks"),
    path("matching/tasks/<int:pk>/done/", standing.m_task_done, name="standing_task_done"),
]  # fmt: skip
