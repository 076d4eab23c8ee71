"""Care URLs: campaigns and insurance batches (joined into the ``stations`` namespace by
``urls.py``) and the worker's own H5 page (``mobile_patterns``, namespace ``stations_care``,
mounted at /m/)."""

from django.urls import path

from .views import care as views_care

care_patterns = [
    path("campaigns/", views_care.campaigns, name="campaigns"),
    path("campaigns/<int:pk>/", views_care.campaign, name="campaign"),
    path("campaigns/<int:pk>/stock/", views_care.campaign_stock, name="campaign_stock"),
    path("campaigns/<int:pk>/give/", views_care.campaign_give, name="campaign_give"),
    path("insurance/", views_care.insurance, name="insurance"),
    path("insurance/<int:pk>/", views_care.insurance_batch, name="insurance_batch"),
    path("insurance/<int:pk>/export/", views_care.insurance_export, name="insurance_export"),
]

mobile_patterns = [
    path("my-care/", views_care.m_my_care, name="my_care"),
]
