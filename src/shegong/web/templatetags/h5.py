"""``{% load h5 %}``: the phone shell's bottom navigation (``{% h5_nav %}``) and its icons
(``{% h5_icon "camera" %}``)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from shegong.web.h5 import tiles_for
from shegong.web.queries import unread_count

register = template.Library()


@register.inclusion_tag("includes/h5_nav.html", takes_context=True)
def h5_nav(context: template.Context) -> dict[str, Any]:
    """首页 · the entries the apps registered for the user's bottom navigation · 消息 · 我的."""
    request = context.get("request")
    user = getattr(request, "user", None)
    path = getattr(request, "path", "")
    signed_in = bool(getattr(user, "is_authenticated", False))
    home, inbox, me = reverse("mobile_home"), reverse("m_inbox"), reverse("m_me")
    return {
        "home": {"url": home, "active": path == home},
        "entries": tiles_for(user, "nav", path),
        "inbox": {"url": inbox, "active": path.startswith(inbox)},
        "me": {"url": me, "active": path.startswith(me) or path == reverse("m_password_change")},
        "unread": unread_count(user) if signed_in else 0,
    }


@register.inclusion_tag("includes/h5_icon.html")
def h5_icon(name: str) -> dict[str, Any]:
    return {"name": name}
