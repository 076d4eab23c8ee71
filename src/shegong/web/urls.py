"""The shell's pages: the workbench home, the H5 home with its 消息 and 我的, health, and the
audit, inbox and system pages. ``urlpatterns`` are mounted at the site root; the staff pages
keep their namespaces."""

from django.urls import include, path

from .views import calendar, home, mobile, staff

audit_patterns = [
    path("", staff.audit_list, name="list"),
    path("<int:pk>/", staff.audit_detail, name="detail"),
]

inbox_patterns = [
    path("", staff.inbox_list, name="list"),
    path("<int:pk>/read/", staff.inbox_read, name="read"),
    path("read-all/", staff.inbox_read_all, name="read_all"),
]

system_patterns = [
    path("", staff.system_status, name="status"),
    path("calendar/", calendar.calendar, name="calendar"),
    path("calendar/template/", calendar.calendar_template, name="calendar_template"),
]

urlpatterns = [
    path("", home.home, name="home"),
    path("m/", mobile.mobile_home, name="mobile_home"),
    path("m/inbox/", mobile.mobile_inbox, name="m_inbox"),
    path("m/me/", mobile.mobile_me, name="m_me"),
    path("healthz", home.healthz, name="healthz"),
    path("audit/", include((audit_patterns, "audit"))),
    path("inbox/", include((inbox_patterns, "inbox"))),
    path("system/", include((system_patterns, "system"))),
]
