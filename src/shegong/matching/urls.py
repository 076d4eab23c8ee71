from django.urls import URLPattern, path

from shegong.matching.views import board, orders

app_name = "matching"

urlpatterns: list[URLPattern] = [
    path("board/", board.dispatch_board, name="board"),
    path("unmet/", board.unmet, name="unmet"),
    path("orders/", orders.order_list, name="orders"),
    path("orders/export/", orders.order_export, name="orders_export"),
    path("orders/new/", orders.order_new, name="order_new"),
    path("orders/<int:pk>/", orders.order_detail, name="order"),
    path("orders/<int:pk>/reveal/", orders.order_reveal, name="order_reveal"),
    path("orders/<int:pk>/<slug:verb>/", orders.order_act, name="order_act"),
]
mobile_patterns: list[URLPattern] = []
