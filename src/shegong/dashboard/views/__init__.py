"""The dashboard's pages: the dashboard and its drill-down (board), the big screen (screen) and
the work brief (briefs)."""
