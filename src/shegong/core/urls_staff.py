"""URL patterns of the staff pages in ``views_staff.py``, one list per namespace.

Included from ``shegong/urls.py`` as ``include((audit_patterns, "audit"))`` and so on.
"""

from django.urls import path

from . import views_staff

audit_patterns = [
    path("", views_staff.audit_list, name="list"),
    path("<int:pk>/", views_staff.audit_detail, name="detail"),
]

inbox_patterns = [
    path("", views_staff.inbox_list, name="list"),
    path("<int:pk>/read/", views_staff.inbox_read, name="read"),
    path("read-all/", views_staff.inbox_read_all, name="read_all"),
]

system_patterns = [
    path("", views_staff.system_status, name="status"),
]
