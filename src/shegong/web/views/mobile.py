"""The phone shell's own pages: the H5 home (``/m/``), 消息 (``/m/inbox/``) and 我的
(``/m/me/``). What the apps offer on a phone comes from ``core.registry.h5_tiles``; these pages
name no app."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from shegong.core.pii import mask_phone
from shegong.web import queries
from shegong.web.h5 import tiles_for
from shegong.web.http import AuthedRequest, url_or_none
from shegong.web.menu import opened_by_role_of_their_own

INBOX_PAGE_SIZE = 20


@require_safe
def mobile_home(request: AuthedRequest) -> HttpResponse:
    """The H5 home for riders, volunteers and residents (and anyone on a phone): a greeting
    with the user's own name in full, the tiles the apps registered, the identity switch."""
    user = request.user
    context = {
        "membership": user.active_membership,
        "memberships": user.membership_list(),
        "tiles": tiles_for(user, "home", request.path),
        "unread": queries.unread_count(user),
        # A team's leader runs the team on the workbench pages: /m/ links them.
        "runs_on_workbench": not user.is_workbench_user and opened_by_role_of_their_own(user),
    }
    return render(request, "web/mobile_home.html", context)


@require_safe
def mobile_inbox(request: AuthedRequest) -> HttpResponse:
    """消息 in the phone shell: the user's own notifications (``?show=unread``: unread only).
    Marking read posts to the inbox's actions with ``h5=1`` so they come back here."""
    show = "unread" if request.GET.get("show") == "unread" else "all"
    notifications = queries.inbox(request.user, unread_only=show == "unread")
    page = Paginator(notifications, INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "web/m_inbox.html",
        {"page": page, "show": show, "unread": queries.unread_count(request.user)},
    )


@require_safe
def mobile_me(request: AuthedRequest) -> HttpResponse:
    """我的: one's own name in full (masking is for others), the phone masked, the roles held,
    and the links the apps registered for the 我的 page, then 修改密码 and 退出登录."""
    user = request.user
    context = {
        "phone": mask_phone(user.phone),
        "membership": user.active_membership,
        "memberships": user.membership_list(),
        "links": tiles_for(user, "me", request.path),
        "password_url": url_or_none("m_password_change") or url_or_none("password_change"),
        "workbench_url": url_or_none("home") if user.is_workbench_user else None,
    }
    return render(request, "web/m_me.html", context)
