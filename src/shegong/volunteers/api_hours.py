"""/api/v1/ operations of volunteer hours (mounted in shegong.core.api)."""

from ninja import Router

router = Router()
