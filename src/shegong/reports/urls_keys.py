"""The Open311 API-key page (work package: Open311)."""

urlpatterns: list = []
