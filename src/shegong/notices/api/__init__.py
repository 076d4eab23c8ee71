"""The API routers of notices."""
