"""Open311 ``api_key``s: create, revoke, and check one on a request.

Only a hash of a key is stored; the plaintext is shown once, when it is created.
"""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from shegong.accounts.models import User
from shegong.core import audit
from shegong.core.audit import Verb
from shegong.core.errors import InvalidInput
from shegong.core.perms import Perm, require_perm

from ..models import ApiKey

__all__ = ["check_api_key", "create_api_key", "revoke_api_key"]


def _hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic(durable=True)
def create_api_key(*, actor: User | None, name: str) -> tuple[ApiKey, str]:
    """A new Open311 ``api_key``; the plaintext is returned once and never stored."""
    if actor is not None:
        require_perm(actor, Perm.REPORTS_CONFIGURE)
    if not (name or "").strip():
        raise InvalidInput.field("name", "请填写用途")
    key = "o311_" + secrets.token_urlsafe(24)
    api_key = ApiKey.objects.create(
        name=name.strip()[:60],
        prefix=key[:9],
        key_hash=_hash_key(key),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit.record(Verb.API_KEY_CREATED, actor=actor, target=api_key, data={"name": api_key.name})
    return api_key, key


@transaction.atomic(durable=True)
def revoke_api_key(api_key: ApiKey, *, actor: User | None) -> ApiKey:
    if actor is not None:
        require_perm(actor, Perm.REPORTS_CONFIGURE)
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at"])
        audit.record(Verb.API_KEY_REVOKED, actor=actor, target=api_key)
    return api_key


def check_api_key(key: str) -> ApiKey | None:
    """The live key matching ``key`` (its last use is recorded), or None."""
    if not key:
        return None
    api_key = ApiKey.objects.filter(key_hash=_hash_key(key), revoked_at=None).first()
    if api_key is not None:
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=timezone.now())
    return api_key
