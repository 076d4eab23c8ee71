"""Where each part of the registrar's work registers its worklists, portal sections and detail
panels (``workbench``); ``apps.ready`` imports this module. Each part adds one import line."""

from __future__ import annotations

from . import (
    events,  # noqa: F401  (§2 registration events)
    workbench,  # noqa: F401  (the registries the parts below fill)
)
