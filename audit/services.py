"""The one way to write the audit trail. Every service that changes state calls `record`."""

from datetime import date, datetime
from decimal import Decimal

from django.db import models

from .chain import append
from .context import current_actor
from .models import AuditEntry

# Fields that must never be copied into the audit trail (privacy: docs/architecture.md, Personal data; docs/privacy.md).
REDACTED_FIELDS = {"password", "identity_number", "id_number", "phone", "address", "identity_proof"}


def _jsonable(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict:
    """The concrete field values of a model instance, for `before`/`after`, minus personal data."""
    data = {}
    public = getattr(instance, "audit_public_fields", frozenset())
    for field in instance._meta.concrete_fields:
        name = field.attname
        if fields is not None and field.name not in fields and name not in fields:
            continue
        private = field.name in REDACTED_FIELDS and field.name not in public
        if private or getattr(field, "personal_data", False):
            data[field.name] = "［已隐去］" if getattr(instance, name) else None
            continue
        data[field.name] = _jsonable(getattr(instance, name))
    return data


def _agency_of(instance):
    # The agency model is the one AuditEntry's foreign key names ("orgs.Agency"): audit imports no other app.
    agency_model = AuditEntry._meta.get_field("agency").related_model
    if isinstance(instance, agency_model):
        return instance
    agency = getattr(instance, "audit_agency", None) or getattr(instance, "agency", None)
    return agency if isinstance(agency, agency_model) else None


def record(action: str, instance: models.Model | None = None, *, before: dict | None = None,
           after: dict | None = None, agency=None, note: str = "", object_type: str = "",
           object_id: str = "", object_repr: str = "") -> AuditEntry:
    actor = current_actor()
    user = actor.user if actor else None
    if instance is not None:
        object_type = object_type or instance._meta.label_lower
        object_id = object_id or str(instance.pk)
        object_repr = object_repr or str(instance)[:300]
        agency = agency or _agency_of(instance)
    label = (actor.label if actor and actor.label else "") or (
        (user.get_full_name() or user.get_username()) if user is not None else "系统")
    return append(AuditEntry, {
        "actor_id": user.pk if user is not None and user.pk else None,
        "actor_label": label[:150],
        "ip_address": actor.ip_address if actor else None,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "object_repr": object_repr,
        "agency_id": agency.pk if agency is not None else None,
        "agency_path": agency.path if agency is not None else "",
        "before": _jsonable(before) if before is not None else None,
        "after": _jsonable(after) if after is not None else None,
        "note": note[:500],
    })
