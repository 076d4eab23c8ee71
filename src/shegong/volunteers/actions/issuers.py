"""出具单位信息: the seal image and names a 志愿服务记录证明 carries (民发〔2015〕149号: the
issuer's 公章 and the signatures of its 负责人 and 经办人).

``save_issuer`` keeps the profile of a registered organization (by those who run one of its
teams) or of a street/community office (by its staff with volunteers.manage). The seal is an
upload checked by ``core.documents`` (what the bytes are, not the name), then opened with Pillow:
only a PNG or JPEG picture of at most ``SEAL_MAX_BYTES`` and sensible size is kept. Certificates
already issued keep the seal file and names they were issued with.
"""

from __future__ import annotations

import io
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, UnidentifiedImageError

from shegong.accounts.models import User
from shegong.core import audit
from shegong.core.audit import Verb
from shegong.core.documents import check_documents
from shegong.core.errors import InvalidInput, NotFound
from shegong.volunteers.models import CertificateIssuer
from shegong.volunteers.queries import access
from shegong.volunteers.queries.issuers import (
    ISSUER_NOT_FOUND,
    editable_organizations,
    editable_regions,
)

__all__ = ["SEAL_MAX_BYTES", "check_seal", "save_issuer"]

SEAL_MAX_BYTES = 1024 * 1024
SEAL_MIN_PIXELS = 60
SEAL_MAX_PIXELS = 3000
SEAL_TYPES = {"image/png": "png", "image/jpeg": "jpg"}


def check_seal(upload: Any) -> tuple[bytes, str]:
    """(bytes, extension) of a seal image upload, or InvalidInput on ``seal``."""
    doc = check_documents([upload], field="seal", max_files=1)[0]
    if doc.content_type not in SEAL_TYPES:
        raise InvalidInput.field("seal", "印章图片须为 PNG 或 JPG 格式")
    if doc.size > SEAL_MAX_BYTES:
        raise InvalidInput.field("seal", f"印章图片不能超过 {SEAL_MAX_BYTES // 1024} KB")
    try:
        with Image.open(io.BytesIO(doc.content)) as image:
            image.verify()
        with Image.open(io.BytesIO(doc.content)) as image:
            width, height = image.size
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise InvalidInput.field("seal", "印章图片已损坏，无法打开，请重新上传") from exc
    if min(width, height) < SEAL_MIN_PIXELS or max(width, height) > SEAL_MAX_PIXELS:
        raise InvalidInput.field(
            "seal", f"印章图片的边长应在 {SEAL_MIN_PIXELS} 至 {SEAL_MAX_PIXELS} 像素之间"
        )
    return doc.content, SEAL_TYPES[doc.content_type]


def _text(value: Any, field: str, label: str, limit: int, *, required: bool) -> str:
    text = access.one_line(value)
    if required and not text:
        raise InvalidInput.field(field, f"请填写{label}")
    if len(text) > limit:
        raise InvalidInput.field(field, f"{label}不能超过 {limit} 字")
    return text


@transaction.atomic(durable=True)
def save_issuer(
    actor: User | None, *, organization: Any = None, region: Any = None, name: str = "",
    head_name: str, handler_name: str, phone: str = "", seal: Any = None,
) -> CertificateIssuer:  # fmt: skip
    """Create or update the issuer profile of ``organization`` (registered, run by the actor)
    or of ``region``'s office (the actor's own region). A new profile needs a seal image."""
    from shegong.ledger.models import Organization

    if (organization in (None, "")) == (region in (None, "")):
        raise InvalidInput.field("organization", "请选择登记的组织，或以本街道/社区名义")
    head = _text(head_name, "head_name", "单位负责人", 50, required=True)
    handler = _text(handler_name, "handler_name", "经办人", 50, required=True)
    phone = _text(phone, "phone", "联系电话", 20, required=False)
    if organization not in (None, ""):
        pk = getattr(organization, "pk", organization)
        orgs = Organization.objects.all() if actor is None else editable_organizations(actor)
        org = orgs.filter(pk=pk).first() if str(pk).isdigit() else None
        if org is None or not org.credit_code:
            raise NotFound(ISSUER_NOT_FOUND)
        found = CertificateIssuer.objects.select_for_update().filter(organization=org).first()
        default_name, region_id = org.name, org.region_id
        key: dict[str, Any] = {"organization": org}
    else:
        code = str(getattr(region, "pk", region))
        if actor is not None and code not in editable_regions(actor):
            raise NotFound(ISSUER_NOT_FOUND)
        found = CertificateIssuer.objects.select_for_update().filter(region_id=code).first()
        default_name, region_id = "", code
        key = {"region_id": code}
    title = _text(name or default_name, "name", "出具单位名称", 100, required=True)
    checked = check_seal(seal) if seal else None
    if checked is None and (found is None or not found.seal):
        raise InvalidInput.field("seal", "请上传出具单位的印章图片（PNG 或 JPG）")
    created = found is None
    issuer = found or CertificateIssuer(**key)
    before = {"name": issuer.name, "head_name": issuer.head_name,
              "handler_name": issuer.handler_name, "phone": issuer.phone}  # fmt: skip
    issuer.name, issuer.head_name, issuer.handler_name, issuer.phone = title, head, handler, phone
    issuer.updated_by = access.actor_or_none(actor)
    issuer.updated_at = timezone.now()
    if checked is not None:
        # A new file name every time: certificates already issued keep pointing at their seal.
        stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
        issuer.seal.save(f"seal-{stamp}.{checked[1]}", ContentFile(checked[0]), save=False)
    issuer.save()
    after = {"name": title, "head_name": head, "handler_name": handler, "phone": phone}
    audit.record(
        Verb.CERTIFICATE_ISSUER_SAVED, actor=actor, target=issuer, region=region_id,
        data={"created": created, "seal_replaced": checked is not None,
              "changed": {k: [before[k], v] for k, v in after.items() if before[k] != v}},
    )  # fmt: skip
    return issuer
