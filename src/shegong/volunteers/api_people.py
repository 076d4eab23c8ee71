"""/api/v1/ operations of volunteer people (mounted in shegong.core.api)."""

from ninja import Router

router = Router()
