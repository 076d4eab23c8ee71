"""State changes of the reply templates (回复模板), and the placeholders a template may use.

Like every verb of the closed loop's configuration (see ``categories``): a keyword-only
``actor`` with ``reports.configure``, one durable transaction with its audit entry. Templates
are district-wide configuration.
"""

from __future__ import annotations

import re

from django.db import transaction

from shegong.accounts.models import User
from shegong.core import audit
from shegong.core.audit import Verb
from shegong.core.perms import Perm, require_perm

from ..choices import Status
from ..models import Category, ResponseTemplate
from .categories import _Errors

__all__ = ["AUTO_STATUSES", "PLACEHOLDERS", "save_template"]

# Statuses on whose entry ``actions.reports._auto_reply`` sends a template: only the transfer
# (the acknowledgement "已转××办理"). An automatic template for another status would never be
# sent.
AUTO_STATUSES = {Status.TRANSFERRED}
PLACEHOLDERS = {
    "number": "工单编号",
    "category": "类别",
    "department": "承办部门",
    "due": "响应期限",
}
PLACEHOLDER = re.compile(r"{{\s*(\w*)\s*}}")


def _normalise_placeholders(text: str, errors: _Errors) -> str:
    """``{{number}}`` → ``{{ number }}`` (the form ``actions.reports._auto_reply`` fills in)."""
    unknown = sorted({name for name in PLACEHOLDER.findall(text) if name not in PLACEHOLDERS})
    if unknown:
        known = "、".join(f"{{{{ {k} }}}}" for k in PLACEHOLDERS)
        errors.add("text", f"未知的占位符：{'、'.join(unknown) or '（空）'}；可用：{known}")
    text = PLACEHOLDER.sub(lambda m: f"{{{{ {m.group(1)} }}}}", text)
    if text.count("{{") != text.count("}}"):
        errors.add("text", "占位符的花括号不成对")
    return text


@transaction.atomic(durable=True)
def save_template(
    template: ResponseTemplate | None,
    *,
    actor: User,
    category: Category | None,
    status: str,
    title: str,
    text: str,
    auto: bool = False,
) -> ResponseTemplate:
    """Create or change a reply template. An automatic one is sent by the system when a case
    of its category (or any category) enters ``status``; there is at most one per category and
    status, so which text a reporter gets is never a coin toss."""
    require_perm(actor, Perm.REPORTS_CONFIGURE)
    errors = _Errors()
    title = (title or "").strip()
    text = (text or "").strip()
    if not title:
        errors.add("title", "请填写名称")
    elif len(title) > 60:
        errors.add("title", "名称不能超过60字")
    if not text:
        errors.add("text", "请填写内容")
    elif len(text) > 1000:
        errors.add("text", "内容不能超过1000字")
    else:
        text = _normalise_placeholders(text, errors)
    if status not in Status.values:
        errors.add("status", "请选择适用状态")
    elif auto and status not in AUTO_STATUSES:
        labels = "、".join(Status(s).label for s in AUTO_STATUSES)
        errors.add("auto", f"目前只有「{labels}」时会自动发送回复")
    if auto and status in Status.values:
        clash = ResponseTemplate.objects.filter(auto=True, status=status, category=category)
        if template is not None:
            clash = clash.exclude(pk=template.pk)
        other = clash.first()
        if other is not None:
            scope = f"类别「{category.name}」" if category else "全部类别"
            errors.add(
                "auto", f"{scope}在「{Status(status).label}」时已有自动回复「{other.title}」"
            )
    errors.raise_if_any()
    values = {"category": category, "status": status, "title": title, "text": text, "auto": auto}
    created = template is None
    if template is None:
        template = ResponseTemplate.objects.create(**values)
        changed = sorted(values)
    else:
        template = ResponseTemplate.objects.select_for_update().get(pk=template.pk)
        changed = sorted(k for k, v in values.items() if getattr(template, k) != v)
        for key in changed:
            setattr(template, key, values[key])
        if changed:
            template.save(update_fields=changed)
    if changed:
        audit.record(
            Verb.TEMPLATE_SAVED,
            actor=actor,
            target=template,
            data={
                "created": created,
                "category": category.service_code if category else None,
                "status": status,
                "auto": auto,
                "fields": changed,
            },
        )
    return template
