"""The /api/v1/ NinjaAPI: auth, problem details, routers of every app."""

from __future__ import annotations

from ninja import NinjaAPI

api = NinjaAPI(title="社工 shegong API", version="1.0.0", urls_namespace="api")
