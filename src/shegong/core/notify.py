"""``notify(recipient, event, context)``: the in-app inbox always, external channels after commit.

``notify`` runs inside the caller's transaction and only writes rows: one ``Notification`` (the
inbox) and one ``Delivery`` per configured channel that wants the event (the outbox). After the
transaction commits, a task is enqueued per channel to send what is due; nothing is sent from a
request, and a rolled-back action sends nothing. If the enqueue is lost (worker down, crash
between commit and enqueue), the ``notify.flush`` scan sends due deliveries within a minute.

Sending is ``core.deliveries`` (run by the task and the scan in ``core.tasks``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Any

from django.db import transaction
from django.template import Context, Template

from . import channels
from .models import Delivery, Notification
from .tasks import send_deliveries

logger = logging.getLogger("shegong.notify")


# --- events and rendering ---------------------------------------------------------------------


@dataclass(frozen=True)
class EventTemplate:
    title: str
    body: str = ""
    link: str = ""


EVENTS: dict[str, EventTemplate] = {}


def register_event(event: str, *, title: str, body: str = "", link: str = "") -> None:
    """Declare an event's title/body/link as Django templates rendered with the context.

    Apps call this at import time, e.g. ``register_event("report.assigned", title="新工单：
    {{ report.title }}", link="/reports/{{ report.pk }}/")``.
    """
    EVENTS[event] = EventTemplate(title, body, link)


@lru_cache(maxsize=512)
def _compiled(text: str) -> Template:
    """Event texts are a few dozen constants: compile each once, not once per message."""
    return Template(text)


def _render(text: str, context: dict[str, Any]) -> str:
    if "{" not in text:
        return text
    # Plain text for inbox, robots and SMS: no HTML escaping.
    return _compiled(text).render(Context(context, autoescape=False)).strip()


def render(event: str, context: dict[str, Any]) -> tuple[str, str, str]:
    """(title, body, link) for an event: its registered templates, else the context's own."""
    template = EVENTS.get(event) or EventTemplate(
        context.get("title") or event, context.get("body", ""), context.get("link", "")
    )
    title = _render(template.title, context)[:200] or event
    return title, _render(template.body, context), _render(template.link, context)[:300]


# --- notify ----------------------------------------------------------------------------------


def notify(recipient: Any, event: str, context: dict[str, Any] | None = None) -> Notification:
    """Write the inbox entry and the outbox rows now; send after the caller's commit."""
    context = dict(context or {})
    title, body, link = render(event, context)
    targets: list[str] = []
    # Joins the caller's transaction (no savepoint): the rows live or die with the action.
    with transaction.atomic(savepoint=False):
        notification = Notification.objects.create(
            recipient=recipient, event=event, title=title, body=body, link=link
        )
        for channel in channels.configured():
            if not channel.wants(event):
                continue
            address = ""
            if channel.needs_address:
                address = getattr(recipient, "phone", "") or ""
                if not address:
                    continue
            Delivery.objects.create(
                channel=channel.name,
                notification=notification,
                address=address,
                title=title,
                body=body,
            )
            targets.append(channel.name)
    for name in targets:
        transaction.on_commit(partial(enqueue_send, name))
    return notification


def enqueue_send(channel_name: str) -> None:
    """Queue the task that sends a channel's due deliveries. Never raises into a request."""
    try:
        send_deliveries.enqueue(channel_name)
    except Exception:  # the notify.flush scan sends them within a minute anyway
        logger.exception("could not enqueue notify task for channel %s", channel_name)
