"""The social organizations pages under /socialorgs/ (namespace ``socialorgs``)."""

app_name = "socialorgs"

urlpatterns: list = []
