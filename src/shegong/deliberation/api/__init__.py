"""The API of deliberation under /api/v1/deliberation/ (topics, meetings, action items)."""
