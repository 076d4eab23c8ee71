"""Template context for the workbench shell: site name, menu, scope switcher."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def shell(request: HttpRequest) -> dict[str, Any]:
    from .maps import tiles_json
    from .menu import menu_for

    user = getattr(request, "user", None)
    return {
        "SITE_NAME": settings.SITE_NAME,
        # Called only by a page that draws a map (templates call a callable when they use it).
        "MAP_TILES": tiles_json,
        "menu": menu_for(user, request.path) if user and user.is_authenticated else [],
    }
