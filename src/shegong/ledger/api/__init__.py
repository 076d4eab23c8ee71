"""The ledger's API: one router per subject, each mounted by ``core/api.py`` under /api/v1.

``records``: organizations, people, party organizations; ``coverage``: the coverage summary and
the party-building worklists. Both live under /ledger with the tag 台账.
"""

from . import coverage, records

ROUTERS = [
    ("/ledger", records.router, "台账"),
    ("/ledger", coverage.router, "台账"),
]
