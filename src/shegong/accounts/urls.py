from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("scope/", views.switch_scope, name="switch_scope"),
    path("users/", views.users, name="users"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/", views.user_detail, name="user"),
    path("users/<int:pk>/reveal/", views.user_reveal, name="user_reveal"),
    path("users/<int:pk>/grant/", views.user_grant, name="user_grant"),
    path(
        "users/<int:pk>/memberships/<int:membership>/revoke/",
        views.user_revoke,
        name="user_revoke",
    ),
    path("users/<int:pk>/do/<slug:verb>/", views.user_action, name="user_action"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]

# Global (non-namespaced) names: settings.LOGIN_URL, the menu and the middleware reverse
# "login", "logout" and "password_change". Included without a namespace in shegong/urls.py.
auth_urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("login/verify/", views.otp_verify, name="otp_verify"),
    path("2fa/setup/", views.otp_setup, name="otp_setup"),
    path("2fa/", views.otp_manage, name="otp_manage"),
    path("2fa/codes/", views.otp_regenerate, name="otp_regenerate"),
    path("2fa/disable/", views.otp_disable, name="otp_disable"),
]

# The phone shell's account page, mounted at /m/ without a namespace (like the names above).
mobile_auth_urlpatterns = [
    path("password/", views.m_password_change, name="m_password_change"),
]
