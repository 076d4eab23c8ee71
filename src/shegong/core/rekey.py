"""Re-encrypt personal data under the current key (``shegong pii-rotate``).

Rotation: put the new key first in ``SHEGONG_PII_KEY`` (keeping the old one after it), run
``shegong pii-rotate``, then drop the old key. Every ``EncryptedTextField`` of every model is
found by introspection, so a new encrypted field needs no change here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.apps import apps
from django.db import connection, models, transaction

from . import audit, pii
from .audit import Verb

CHUNK = 500


def encrypted_fields() -> Iterator[tuple[type[models.Model], list[pii.EncryptedTextField]]]:
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields if isinstance(f, pii.EncryptedTextField)]
        if fields and model._meta.managed and not model._meta.proxy:
            yield model, fields


def _column(field: models.Field) -> str:
    # The stubs make ``column`` optional (a ForeignObject has none of its own); a concrete
    # field, as the primary key and every field from ``concrete_fields`` are, always has one.
    assert field.column is not None
    return field.column


@transaction.atomic(durable=True)
def rekey_pii(*, actor: Any = None) -> dict[str, int]:
    """Re-encrypt every value stored under an older key id; return rows changed per model."""
    current = pii.keyring().current_kid
    quote = connection.ops.quote_name
    counts: dict[str, int] = {}
    for model, fields in encrypted_fields():
        pk = _column(model._meta.pk)
        columns = ", ".join(quote(_column(f)) for f in fields)
        changed = 0
        # The stored ciphertext is read raw: the ORM would hand back plaintext.
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {quote(pk)}, {columns} FROM {quote(model._meta.db_table)}")  # noqa: S608
            stale: list[tuple[Any, dict[str, str]]] = []
            while batch := cursor.fetchmany(CHUNK):
                for row_pk, *values in batch:
                    updates = {
                        f.attname: pii.decrypt(v)
                        for f, v in zip(fields, values, strict=True)
                        if v and pii.key_id_of(v) != current
                    }
                    if updates:
                        stale.append((row_pk, updates))
        for row_pk, updates in stale:
            # update() encrypts the plaintext again, under the current key.
            model._base_manager.filter(pk=row_pk).update(**updates)
            changed += 1
        counts[model._meta.label] = changed
    audit.record(Verb.PII_REKEYED, actor=actor, data={"key": current, "rows": counts})
    return counts
