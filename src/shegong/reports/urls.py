"""Staff pages of the closed loop under /reports/ (one namespace, several route lists)."""

from .urls_board import urlpatterns as board_patterns
from .urls_config import urlpatterns as config_patterns
from .urls_keys import urlpatterns as key_patterns
from .urls_staff import urlpatterns as staff_patterns

app_name = "reports"

urlpatterns = [*key_patterns, *config_patterns, *board_patterns, *staff_patterns]
