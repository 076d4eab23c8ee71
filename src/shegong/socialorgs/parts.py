"""Where each part of the registrar's work registers its worklists, portal sections and detail
panels (``workbench``); ``apps.ready`` imports this module. Each part adds one import line."""

from __future__ import annotations

from . import (
    credit_registry,  # noqa: F401  (credit lists, issue 14 §4)
    workbench,  # noqa: F401  (the registries the parts below fill)
)
