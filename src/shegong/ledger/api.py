"""/api/v1/ledger/: organizations, people, party organizations, coverage summary (all scoped)."""

from ninja import Router

router = Router()


router.add_router("", "shegong.ledger.api_coverage.router")
