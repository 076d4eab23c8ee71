"""The registrar's workbench (every part's worklists, by section), the organization portal's
home, and the registered cards of an organization's page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from shegong.core.perms import Perm, require_perm
from shegong.core.pii import mask_phone

from .. import stats
from ..models import SocialOrg
from ..portal import portal_org
from ..workbench import SECTIONS, detail_panels, portal_sections, public_pages, worklists


def _worklist_rows(user: Any) -> list[dict[str, Any]]:
    grouped: dict[str, list[dict[str, Any]]] = {key: [] for key in SECTIONS}
    for item in worklists:
        todo = item.todo
        if not todo.applies_to(user):
            continue
        count = todo.count(user)
        if count is None:
            continue
        url = reverse(todo.url_name) + (f"?{todo.query}" if todo.query else "")
        grouped.setdefault(item.section, []).append({"todo": todo, "count": count, "url": url})
    return [
        {"key": key, "title": SECTIONS.get(key, key), "items": items}
        for key, items in grouped.items()
        if items
    ]


def _key_figures(user: Any, year: int) -> list[dict[str, Any]]:
    """The featured indicators of the year (a row at the top of the workbench)."""
    return [row for section in stats.figures(user, year, featured=True) for row in section["rows"]]


@require_safe
def workbench(request: HttpRequest) -> HttpResponse:
    """登记管理工作台: the year's key figures and quick links, then each part's worklists with
    their counts, grouped by section."""
    user = request.user
    require_perm(user, Perm.SOCIALORGS_VIEW)
    year = stats.default_year()
    return render(
        request,
        "socialorgs/workbench.html",
        {
            "sections": _worklist_rows(user),
            "year": year,
            "figures": _key_figures(user, year),
            "can_manage": user.has_perm_in_scope(Perm.SOCIALORGS_MANAGE),
            "public_pages": [
                {"page": page, "url": reverse(page.url_name)} for page in public_pages
            ],
        },
    )


@require_safe
def portal(request: HttpRequest) -> HttpResponse:
    """本组织: the organization portal's home for an ``org_account`` user."""
    so = portal_org(request.user)
    cards = [
        {
            "section": section,
            "url": reverse(section.url_name),
            "summary": section.summary(so) if section.summary else "",
        }
        for section in portal_sections
    ]
    return render(request, "socialorgs/portal.html", {"so": so, "cards": cards})


def panels(so: SocialOrg, user: Any) -> dict[str, list[dict[str, Any]]]:
    """The registered cards of an organization's page, by column."""
    can_manage = user.has_perm_in_scope(Perm.SOCIALORGS_MANAGE)
    found: dict[str, list[dict[str, Any]]] = {"main": [], "side": []}
    for panel in detail_panels:
        context = panel.context(so, user)
        if context is None:
            continue
        context = {**context, "so": so, "can_manage": can_manage}
        found.setdefault(panel.column, []).append({"template": panel.template, "context": context})
    return found


def account_rows(so: SocialOrg) -> list[dict[str, Any]]:
    return [
        {"pk": a.pk, "phone": mask_phone(a.user.phone), "name": a.user.name_masked}
        for a in so.accounts.select_related("user")
    ]
