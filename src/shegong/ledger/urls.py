"""/ledger/: one namespace, its patterns kept per subject so each module stays small."""

from . import urls_campaigns, urls_imports, urls_records, urls_rules

app_name = "ledger"
urlpatterns = [
    *urls_records.urlpatterns,
    *urls_rules.urlpatterns,
    *urls_imports.urlpatterns,
    *urls_campaigns.urlpatterns,
]
