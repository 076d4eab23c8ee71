"""The dashboard's state changes: the work brief's uploaded templates (each in one transaction,
with its audit entry), and the record that a brief was generated."""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction

from shegong.core import audit
from shegong.core.audit import Verb
from shegong.core.errors import InvalidInput, NotFound
from shegong.core.perms import Perm, require_perm
from shegong.core.scope import scope_prefix
from shegong.regions.models import Region

from . import brief
from .models import BriefTemplate

MAX_TEMPLATE_BYTES = 5 * 1024 * 1024
TEMPLATE_NOT_FOUND = "未找到该模板，或您无权管理"


def _require_region(actor: Any, region: Region) -> None:
    prefix = scope_prefix(actor)
    if prefix is None or not region.code.startswith(prefix):
        raise NotFound("未找到该区划，或您无权查看")


def upload_template(
    *, actor: Any, kind: str, region: Region, name: str, data: bytes
) -> BriefTemplate:
    """Store ``data`` (a .docx) as the active ``kind`` template for ``region`` after rendering
    it once with a sample (an unknown placeholder is refused, naming it); the region's previous
    active template of the kind is deactivated in the same transaction."""
    require_perm(actor, Perm.BRIEFS_MANAGE)
    _require_region(actor, region)
    brief.check_kind(kind)
    name = (name or "").strip()[:200]
    if not name.lower().endswith(".docx"):
        raise InvalidInput.field("file", "模板文件应为 Word（.docx）文件")
    if not data:
        raise InvalidInput.field("file", "模板文件为空")
    if len(data) > MAX_TEMPLATE_BYTES:
        raise InvalidInput.field("file", "模板文件不能超过 5 MB")
    brief.check_template(data)
    with transaction.atomic():
        replaced = list(
            BriefTemplate.objects.select_for_update()
            .filter(kind=kind, region=region, active=True)
            .values_list("pk", flat=True)
        )
        BriefTemplate.objects.filter(pk__in=replaced).update(active=False)
        template = BriefTemplate(kind=kind, region=region, name=name, uploaded_by=actor)
        template.file.save(f"{kind}.docx", ContentFile(data), save=False)
        template.save()
        audit.record(
            Verb.BRIEF_TEMPLATE_UPLOADED,
            actor=actor,
            target=template,
            data={"kind": kind, "name": name, "replaced": replaced},
        )
    return template


def remove_template(template: BriefTemplate, *, actor: Any) -> BriefTemplate:
    """Deactivate an uploaded template (the default comes back); the file stays for the record."""
    require_perm(actor, Perm.BRIEFS_MANAGE)
    prefix = scope_prefix(actor)
    if prefix is None or not template.region_id.startswith(prefix):
        raise NotFound(TEMPLATE_NOT_FOUND)
    with transaction.atomic():
        locked = BriefTemplate.objects.select_for_update().get(pk=template.pk)
        if not locked.active:
            raise InvalidInput.field("template", "该模板已停用")
        locked.active = False
        locked.save(update_fields=["active"])
        audit.record(
            Verb.BRIEF_TEMPLATE_REMOVED, actor=actor, target=locked, data={"kind": locked.kind}
        )
    return locked


def record_generated(made: brief.Brief, fmt: str, *, actor: Any) -> None:
    """The audit entry of a generated brief (who produced which region's figures, when)."""
    with transaction.atomic():
        audit.record(
            Verb.BRIEF_GENERATED,
            actor=actor,
            region=made.region,
            data={
                "kind": made.kind,
                "format": fmt,
                "start": made.period.start.isoformat(),
                "end": made.period.end.isoformat(),
                "figures": len(made.notes),
            },
        )
