"""Where each part of the registrar's work registers its worklists, portal sections and detail
panels (``workbench``); ``apps.ready`` imports this module. Each part adds one import line."""

from __future__ import annotations

from . import (
    charity,  # noqa: F401  (§6 charities and fundraising)
    credit_registry,  # noqa: F401  (credit lists, issue 14 §4)
    election_registry,  # noqa: F401  (§5: 换届 and dormant organizations)
    events,  # noqa: F401  (§2 registration events)
    inspections,  # noqa: F401  (§3 annual inspection)
    screening_registry,  # noqa: F401  (§7 screening and party building)
    stats,  # noqa: F401  (登记概况: the record's own indicators)
    workbench,  # noqa: F401  (the registries the parts below fill)
)
