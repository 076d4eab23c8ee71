"""Request types and small URL helpers for the views and cards of the shell."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse


class AuthedRequest(HttpRequest):
    """The request of a view that only a signed-in user reaches: the annotation of ``request``
    in such views, for the type checker only.

    ``LoginRequiredMiddleware`` (settings) sends every anonymous request to the login page
    unless the view is marked ``@login_not_required``, so behind it ``request.user`` is never
    ``AnonymousUser`` — django-stubs cannot know that and types it ``User | AnonymousUser``.
    Here ``user`` is ``Any``: the user model lives in ``shegong.accounts``, which web does not
    import (core types actors as ``Any`` for the same reason).

    Nothing creates this class: Django still passes its own ``WSGIRequest``. Never annotate a
    ``@login_not_required`` view with it.
    """

    user: Any


def url_or_none(name: str) -> str | None:
    """The URL of a named page, or None where this deployment has no such page."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return None
