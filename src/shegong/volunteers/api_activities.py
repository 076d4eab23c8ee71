"""/api/v1/ operations of volunteer activities (mounted in shegong.core.api)."""

from ninja import Router

router = Router()
