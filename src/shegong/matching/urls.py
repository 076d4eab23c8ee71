from django.urls import URLPattern, path

from .views import mobile

app_name = "matching"

urlpatterns: list[URLPattern] = []
mobile_patterns: list[URLPattern] = [
    path("matching/", mobile.place, name="place"),
    path("matching/orders/", mobile.my_orders, name="orders"),
    path("matching/orders/<int:pk>/", mobile.order, name="order"),
    path(
        "matching/orders/<int:pk>/photos/<int:index>/<str:kind>/",
        mobile.order_photo,
        name="order_photo",
    ),
    path("matching/helper/", mobile.helper_home, name="helper"),
    path("matching/helper/orders/<int:pk>/", mobile.helper_order, name="helper_order"),
    path(
        "matching/helper/orders/<int:pk>/photos/<int:index>/<str:kind>/",
        mobile.helper_photo,
        name="helper_photo",
    ),
]
