"""The audit trail's hash chain: each entry carries a gapless sequence number and an HMAC-SHA256 over its
content and the previous entry's hash, keyed with GONGKAI_AUDIT_CHAIN_KEY (docs/security.md).

Appends are serialised so that concurrent writers cannot fork the chain: on PostgreSQL by a transaction-level
advisory lock held until the recording transaction commits (a rolled-back transaction gives its number back,
so the committed sequence stays gapless); on SQLite writes are already serialised (`BEGIN IMMEDIATE`).

What is hashed is a canonical form that survives the database round trip (JSON with sorted keys, integral floats
as integers, timestamps in UTC to the microsecond, addresses in `ipaddress` form), so `verify` recomputes the
same hash from the stored row."""

import hashlib
import hmac
import ipaddress
import json
import math
from datetime import UTC, datetime

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, transaction
from django.utils import timezone

VERSION = "gongkai-audit-v1"
GENESIS = "0" * 64  # the "previous hash" of entry 1
ADVISORY_LOCK_ID = 7_106_625_010_316  # pg_advisory_xact_lock key of the audit chain ("gk-audit")

# The columns that enter the hash, in order (seq and prev_hash are added around them).
HASHED_FIELDS = ("at", "actor_id", "actor_label", "ip_address", "action", "object_type", "object_id",
                 "object_repr", "agency_id", "agency_path", "before", "after", "note", "backfilled")
STRING_FIELDS = ("actor_label", "action", "object_type", "object_id", "object_repr", "agency_path", "note")


def chain_key() -> bytes:
    key = getattr(settings, "GONGKAI_AUDIT_CHAIN_KEY", "")
    if not key:
        raise ImproperlyConfigured("GONGKAI_AUDIT_CHAIN_KEY 未设置：审计日志无法写入哈希链（见 docs/configuration.md）。")
    return key.encode()


def normalise_json(value):
    """The value as it reads back from a JSON column: integral floats become integers (PostgreSQL's jsonb
    prints 1e20 as an integer), NaN and infinities (which PostgreSQL refuses) become text."""
    if isinstance(value, bool) or value is None or isinstance(value, int | str):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        return int(value) if value.is_integer() else value
    if isinstance(value, dict):
        return {str(k): normalise_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [normalise_json(v) for v in value]
    return str(value)


def _ip(value):
    if not value:
        return None
    try:
        return ipaddress.ip_address(str(value)).compressed
    except ValueError:
        return str(value)


def _at(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(seq: int, fields: dict) -> bytes:
    row = [VERSION, seq]
    for name in HASHED_FIELDS:
        value = fields[name]
        if name == "at":
            value = _at(value)
        elif name == "ip_address":
            value = _ip(value)
        elif name in ("before", "after"):
            value = normalise_json(value)
        elif name in ("actor_id", "agency_id"):
            value = int(value) if value is not None else None
        elif name == "backfilled":
            value = bool(value)
        else:
            value = "" if value is None else str(value)
        row.append(value)
    return json.dumps(row, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def entry_hash(seq: int, prev_hash: str, fields: dict, key: bytes | None = None) -> str:
    message = prev_hash.encode() + b"\n" + canonical(seq, fields)
    return hmac.new(key or chain_key(), message, hashlib.sha256).hexdigest()


def lock_chain(using: str = "default") -> None:
    """Serialise appends until the surrounding transaction ends (call inside `transaction.atomic`)."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_ID])
    # SQLite: the transaction began with BEGIN IMMEDIATE (settings), so it already holds the write lock.


def append(model, fields: dict, using: str = "default"):
    """Create one chained entry of `model` (AuditEntry) from `fields`; `at` is taken after the lock, never
    earlier than the previous entry's, so timestamps are non-decreasing along the sequence."""
    key = chain_key()
    with transaction.atomic(using=using):
        lock_chain(using)
        head = model.objects.using(using).order_by("-seq").values_list("seq", "entry_hash", "at").first()
        seq, prev_hash, prev_at = (head[0] + 1, head[1], head[2]) if head else (1, GENESIS, None)
        now = timezone.now()
        fields = {**fields, "at": max(now, prev_at) if prev_at else now, "backfilled": False}
        for name in STRING_FIELDS:
            fields[name] = "" if fields.get(name) is None else str(fields[name])
        fields["before"] = normalise_json(fields.get("before"))
        fields["after"] = normalise_json(fields.get("after"))
        digest = entry_hash(seq, prev_hash, fields, key)
        return model.objects.using(using).create(seq=seq, prev_hash=prev_hash, entry_hash=digest, **fields)
