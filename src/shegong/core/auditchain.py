"""The audit trail's hash chain: each entry stores the hash of the entry before it.

``hash = sha256(canonical JSON of the entry's fields + prev_hash)``. The chain runs in id order:
every writer (``AuditEvent.save``, ``bulk_create``, the ledger import's batched INSERT) calls
``AuditEvent.objects.seal()`` inside its transaction, which on PostgreSQL first takes a
transaction-scoped advisory lock (``lock()``), so the next writer reads the head only after this
one committed and the ids it draws come after ours. SQLite needs no lock: settings open every
transaction with BEGIN IMMEDIATE, so the writers are serialised from their first statement.

This module is the part without the database tables (hashing, the lock, the walk), so that
``core.models`` can use it: ``audit.verify_chain()`` feeds the whole table in id order, in keyset
batches (constant memory), to ``walk()``, which names the first entry whose stored hash does not
match its fields (changed) or whose prev_hash is not the hash of the entry before it (an entry
before it removed or changed, hash and all).

The purge removes a prefix of the chain (``audit.purge_expired``) and appends an
``AuditChainAnchor`` with the last removed entry's hash in the same transaction: the first
surviving entry must link to the newest anchor. Anchors are append-only like the entries.

What this does not stop: anyone who can write the database can rewrite every hash from the
changed entry on (sha256 has no secret). The walk catches changes made behind the
application's back without that effort, and the verify scan logs the head hash it checked, so a
copy kept outside the database pins the history up to that point.
"""

from __future__ import annotations

import functools
import hashlib
import ipaddress
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC
from decimal import Decimal
from typing import Any

from django.db import connections
from django.utils import timezone

GENESIS = ""  # prev_hash of the very first entry
BATCH = 5000
# pg_advisory_xact_lock key: "SHEGAUDT" read as a 64-bit integer (any fixed constant would do).
LOCK_KEY = int.from_bytes(b"SHEGAUDT", "big") - 2**63

# The fields a hash covers, in the order verify() reads them (all concrete fields but id and
# the two hash columns: the id is not known before the INSERT; the order is the chain's).
FIELDS = (
    "at",
    "actor_id",
    "actor_label",
    "verb",
    "target_type",
    "target_id",
    "target_label",
    "region_id",
    "ip",
    "via",
    "success",
    "data",
)


# The triggers that guard the audit tables (migration 0006): ``shegong check`` reports a missing
# one (a later migration that remakes the table on SQLite would drop them silently).
GUARD_TRIGGERS = {
    "sqlite": [
        "core_auditevent_no_update",
        "core_auditevent_no_young_delete",
        "core_auditchainanchor_no_update",
        "core_auditchainanchor_no_delete",
    ],
    "postgresql": [
        "core_auditevent_no_update",
        "core_auditevent_no_young_delete",
        "core_auditevent_no_truncate",
        "core_auditchainanchor_no_change",
        "core_auditchainanchor_no_truncate",
    ],
}


def missing_guards(using: str = "default") -> list[str]:
    """Names of guard triggers absent (or, on PostgreSQL, disabled)."""
    connection = connections[using]
    expected = GUARD_TRIGGERS.get(connection.vendor, [])
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        elif connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgenabled <> 'D'")
        else:
            return []
        present = {name for (name,) in cursor.fetchall()}
    return [name for name in expected if name not in present]


def _at(value: Any) -> str:
    if value.tzinfo is None:  # as Django stores a naive value: in the current time zone
        value = timezone.make_aware(value)
    return value.astimezone(UTC).isoformat(timespec="microseconds")


@functools.lru_cache(maxsize=4096)
def _ip(value: Any) -> str | None:
    # The packed bytes: PostgreSQL's inet and Python versions spell some IPv6 forms differently.
    return ipaddress.ip_address(value).packed.hex() if value else None


def _json(value: Any) -> Any:
    """The value as the database gives it back: JSON types only, and an integral float as an
    int, read from its shortest decimal form as jsonb does (PostgreSQL keeps numbers as
    decimals: 1e300 comes back as the integer 10**300, which is not int(1e300))."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if kind is dict or isinstance(value, dict):
        # A key as JSON writes it: True → "true", 1 → "1".
        return {k if type(k) is str else json.dumps(k): _json(v) for k, v in value.items()}
    if kind is list or isinstance(value, list | tuple):
        return [_json(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(Decimal(repr(value)))
    return value


def _id(value: Any) -> str | None:
    return None if value is None else str(value)


def entry_hash(prev_hash: str, values: dict[str, Any]) -> str:
    """The hash of one entry: ``values`` has every name in FIELDS (as Python values)."""
    canonical = {
        "prev": prev_hash,
        "at": _at(values["at"]),
        "actor": _id(values["actor_id"]),
        "actor_label": values["actor_label"],
        "verb": int(values["verb"]),
        "target_type": values["target_type"],
        "target_id": values["target_id"],
        "target_label": values["target_label"],
        "region": _id(values["region_id"]),
        "ip": _ip(values["ip"]),
        "via": values["via"],
        "success": bool(values["success"]),
        "data": _json(values["data"]),
    }
    text = json.dumps(canonical, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def lock(using: str = "default") -> None:
    """Serialise chain writers until this transaction ends. Call inside ``atomic()``."""
    connection = connections[using]
    assert connection.in_atomic_block, "the chain lock is held until COMMIT: call inside atomic()"
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


@dataclass(frozen=True)
class Report:
    checked: int
    last_id: int
    last_hash: str
    broken_id: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_id is None

    @property
    def message(self) -> str:
        if self.ok:
            return f"审计日志哈希链完整：核验{self.checked}条，至 #{self.last_id}"
        return f"审计日志哈希链在 #{self.broken_id} 处断开：{self.reason}"


def walk(
    rows: Iterable[tuple[Any, ...]], start: tuple[int, str], known: tuple[int, str] | None
) -> Report:
    """Check ``rows`` ((id, prev_hash, hash, *FIELDS) in id order) from ``start`` (the anchor:
    id and hash of the last purged entry); report the first broken entry.

    ``known``: (id, hash) of the head an earlier run verified. Unless purged since, it must
    still be there with that hash: removing the newest entries breaks no link, this notices it.
    """
    through_id, expected = start
    checked = 0
    last_id = through_id
    known_seen = known is None or known[0] <= through_id
    for row in rows:
        entry_id, prev_hash, stored = row[0], row[1], row[2]
        if prev_hash != expected:
            before = f"#{last_id}" if last_id else "链首"
            return Report(
                checked,
                last_id,
                expected,
                entry_id,
                f"与前一条（{before}）衔接不上，中间有记录被删除或改动",
            )
        if entry_hash(prev_hash, dict(zip(FIELDS, row[3:], strict=True))) != stored:
            return Report(checked, last_id, expected, entry_id, "内容与哈希不符，记录被改动")
        if known is not None and entry_id == known[0]:
            if stored != known[1]:
                return Report(checked, last_id, expected, entry_id, "与上次核验时的哈希不同")
            known_seen = True
        checked += 1
        last_id, expected = entry_id, stored
    if not known_seen:
        assert known is not None
        return Report(
            checked, last_id, expected, known[0], "上次核验过的记录已不存在（末尾被删除）"
        )
    return Report(checked, last_id, expected)
