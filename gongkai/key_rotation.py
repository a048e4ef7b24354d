"""Re-encrypting personal data with the newest field key, and re-computing identity hashes
(`gongkai keys rotate|status|rehash`; docs/privacy.md).

Both work on the stored ciphertext of every EncryptedTextField of every installed model, in batches by primary
key, each batch in its own transaction, and never through Model.save(): no signal, no `auto_now` date moves,
and a row whose value no key opens is counted and left exactly as it is. Each row is written back only if
its ciphertext is still the one read (compare and set), so an edit made meanwhile is never undone. A run
that stops half-way can simply be repeated: rows already under the newest key are skipped."""

import logging
from dataclasses import dataclass, field

from cryptography.fernet import InvalidToken, MultiFernet
from django.apps import apps
from django.db import models, transaction
from django.db.models import ExpressionWrapper, F, Value

from .privacy import (
    IDENTITY_HASHES,
    encrypted_fields,
    fernet,
    identity_hash_secret,
    identity_key,
    primary_fernet,
)

logger = logging.getLogger(__name__)

BATCH_SIZE = 500


@dataclass
class FieldCount:
    label: str  # "mailboxes.Letter.writer_phone"
    rows: int = 0  # rows with a value
    current: int = 0  # already under the newest key
    rotated: int = 0  # re-encrypted by this run (or, in a dry run / status, that would be)
    undecryptable: int = 0  # no configured key opens it: left unchanged
    changed_meanwhile: int = 0  # edited by someone else between read and write: left to the edit


@dataclass
class Report:
    fields: list[FieldCount] = field(default_factory=list)

    @property
    def undecryptable(self) -> int:
        return sum(f.undecryptable for f in self.fields)

    @property
    def rotated(self) -> int:
        return sum(f.rotated for f in self.fields)

    @property
    def pending(self) -> int:
        return sum(f.rows - f.current for f in self.fields)


def _raw(name: str):
    # The column as stored: a plain TextField output skips EncryptedTextField.from_db_value.
    return ExpressionWrapper(F(name), output_field=models.TextField())


def _batches(model, column_name: str, batch_size: int):
    manager = model._base_manager
    last = None
    while True:
        rows = manager.alias(_raw_value=_raw(column_name)).exclude(_raw_value="").filter(_raw_value__isnull=False)
        if last is not None:
            rows = rows.filter(pk__gt=last)
        batch = list(rows.order_by("pk").annotate(_stored=_raw(column_name)).values_list("pk", "_stored")[:batch_size])
        if not batch:
            return
        yield batch
        last = batch[-1][0]


def _compare_and_set(model, pk, column_name: str, old: str, new: str) -> bool:
    # A plain TextField value: written as given, not encrypted again by EncryptedTextField.get_prep_value.
    return bool(model._base_manager.filter(pk=pk).alias(_raw_value=_raw(column_name)).filter(_raw_value=old)
                .update(**{column_name: Value(new, output_field=models.TextField())}))


def rotate(*, dry_run: bool = False, batch_size: int = BATCH_SIZE, progress=None) -> Report:
    """Re-encrypt every stored value that the newest key does not open yet, with the newest key."""
    newest, every = primary_fernet(), fernet()
    report = Report()
    for model, model_field in encrypted_fields():
        count = FieldCount(f"{model._meta.label}.{model_field.name}")
        report.fields.append(count)
        for batch in _batches(model, model_field.attname, batch_size):
            with transaction.atomic():
                for pk, token in batch:
                    count.rows += 1
                    try:
                        newest.decrypt(token.encode())
                        count.current += 1
                        continue
                    except InvalidToken:
                        pass
                    try:
                        fresh = every.rotate(token.encode()).decode()
                    except InvalidToken:
                        count.undecryptable += 1
                        logger.warning("key rotation: %s #%s cannot be decrypted with any configured key; left as is",
                                       count.label, pk)
                        continue
                    if dry_run or _compare_and_set(model, pk, model_field.attname, token, fresh):
                        count.rotated += 1
                    else:
                        count.changed_meanwhile += 1
            if progress:
                progress(count)
    return report


def status(*, batch_size: int = BATCH_SIZE) -> Report:
    """What `rotate` would do: rows under the newest key, under an older one, and under none."""
    return rotate(dry_run=True, batch_size=batch_size)


@dataclass
class RehashCount:
    label: str
    rows: int = 0
    changed: int = 0
    unchanged: int = 0
    undecryptable: int = 0


def rehash(*, dry_run: bool = False, batch_size: int = BATCH_SIZE) -> list[RehashCount]:
    """Recompute identity hashes (IDENTITY_HASHES) from the decrypted identifiers with the current
    GONGKAI_IDENTITY_HASH_KEY: the step that introduces that key on an existing database."""
    secret = identity_hash_secret()
    every = fernet()
    counts = []
    for label, (hash_field, source_field) in IDENTITY_HASHES.items():
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        count = RehashCount(f"{label}.{hash_field}")
        counts.append(count)
        source_column = model._meta.get_field(source_field).attname
        manager = model._base_manager
        last = None
        while True:
            rows = manager.order_by("pk")
            if last is not None:
                rows = rows.filter(pk__gt=last)
            batch = list(rows.annotate(_stored=_raw(source_column)).values_list("pk", "_stored", hash_field)
                         [:batch_size])
            if not batch:
                break
            last = batch[-1][0]
            with transaction.atomic():
                for pk, token, old_hash in batch:
                    count.rows += 1
                    try:
                        plain = every.decrypt(token.encode()).decode() if token else ""
                    except InvalidToken:
                        count.undecryptable += 1
                        logger.warning("rehash: %s #%s cannot be decrypted; its hash is left as is", label, pk)
                        continue
                    new_hash = identity_key(plain, secret)
                    if new_hash == old_hash:
                        count.unchanged += 1
                        continue
                    if not dry_run:
                        manager.filter(pk=pk, **{hash_field: old_hash}).update(**{hash_field: new_hash})
                    count.changed += 1
    return counts


def _rewrite_in_place(model, field_names, batch_size: int, rewritten) -> int:
    """Each stored value of `field_names` through `rewritten(fernet, stored)`: its new value, or None to leave
    it; written compare-and-set, a batch per transaction. Returns how many values were written."""
    every, changed = fernet(), 0
    for name in field_names:
        column = model._meta.get_field(name).attname
        for batch in _batches(model, column, batch_size):
            with transaction.atomic():
                for pk, stored in batch:
                    new = rewritten(every, stored)
                    if new is not None:
                        changed += _compare_and_set(model, pk, column, stored, new)
    return changed


def _encrypted(every: MultiFernet, stored: str) -> str | None:
    try:
        every.decrypt(stored.encode())
    except InvalidToken:
        return every.encrypt(stored.encode()).decode()
    return None  # a token already


def _decrypted(every: MultiFernet, stored: str) -> str | None:
    try:
        return every.decrypt(stored.encode()).decode()
    except InvalidToken:
        return None  # no configured key opens it: left as it is


def encrypt_in_place(model, field_names, *, batch_size: int = BATCH_SIZE) -> int:
    """For a migration that turns clear-text columns into EncryptedTextFields: encrypt every stored value that
    is not a token yet (a value some configured key opens is left alone, so the step can be re-run). Works on
    historical models; returns how many values were encrypted."""
    return _rewrite_in_place(model, field_names, batch_size, _encrypted)


def decrypt_in_place(model, field_names, *, batch_size: int = BATCH_SIZE) -> int:
    """The reverse of encrypt_in_place (a migration rolled back): every value a configured key opens is
    written back in clear; one that none opens is left as it is."""
    return _rewrite_in_place(model, field_names, batch_size, _decrypted)
