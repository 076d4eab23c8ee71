"""The API routers of grants."""
