"""Where each part of the registrar's work registers its worklists, portal sections and detail
panels (``workbench``); ``apps.ready`` imports this module. Each part adds one import line."""

from __future__ import annotations

from . import (
    election_registry,  # noqa: F401  (§5: 换届 and dormant organizations)
    workbench,  # noqa: F401  (the registries the parts below fill)
)
