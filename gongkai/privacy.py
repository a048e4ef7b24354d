"""Personal data at rest (docs/privacy.md): applicants' and writers' identity numbers, phones, addresses,
names and e-mail addresses are stored encrypted (Fernet: AES-128-CBC + HMAC-SHA256), and identity numbers
are matched through a keyed hash, so a database dump or a log line never carries them in clear.

Keys (docs/configuration.md, Personal data):
- GONGKAI_FIELD_KEYS: comma-separated Fernet keys, newest first. Rotation: put a new key in front, restart,
  run `gongkai keys rotate` (re-encrypts every encrypted field with it), then drop the old key. Without it
  (demo, tests) a key is derived from SECRET_KEY. `gongkai check` refuses a malformed key (gongkai.E010).
- GONGKAI_IDENTITY_HASH_KEY: the HMAC key of `identity_key`, separate from the Fernet keys so that rotating
  them never changes an identity's hash (duplicate detection and the 109号 per-applicant fee count group by
  it). Unset: the former derivation (the first Fernet key, else SECRET_KEY) and a warning (gongkai.W011).

A value that none of the keys decrypts is read as an `Undecryptable` (shown as a placeholder), which the
field refuses to write back: saving such a record raises `UndecryptableFieldError` and the ciphertext stays."""

import base64
import hashlib
import hmac
import logging
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import signals

logger = logging.getLogger(__name__)

PLACEHOLDER = "［无法解密：密钥不匹配］"


class Undecryptable(str):
    """What an encrypted field holds when no configured key opens its ciphertext. It reads as the
    placeholder (templates, masks and snapshots keep working) and keeps the ciphertext, but the field refuses
    to serialise it, so a full save() can never replace the real data by the placeholder."""

    def __new__(cls, token: str):
        value = super().__new__(cls, PLACEHOLDER)
        value.token = token
        return value

    def __repr__(self) -> str:
        return "<Undecryptable>"


class UndecryptableFieldError(ValueError):
    """Saving a record whose encrypted field could not be decrypted (a key is missing or wrong)."""


class InvalidFieldKey(ValueError):
    pass


def _derived_key(secret: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(("gongkai-field-key:" + secret).encode()).digest()).decode()


def key_problem(key) -> str:
    """Why `key` is not a Fernet key (32 bytes in URL-safe base64), or "" when it is one."""
    try:
        Fernet(key.encode() if isinstance(key, str) else key)
    except (ValueError, TypeError) as error:
        return (str(error) or type(error).__name__).rstrip(".")
    return ""


@lru_cache(maxsize=8)
def _fernet(keys: tuple[str, ...], secret: str) -> MultiFernet:
    keys = keys or (_derived_key(secret),)
    fernets = []
    for position, key in enumerate(keys, start=1):
        try:
            fernets.append(Fernet(key.encode() if isinstance(key, str) else key))
        except (ValueError, TypeError) as error:
            # Never echo the key itself. `gongkai check` (gongkai.E010) reports this before anything runs.
            raise InvalidFieldKey(f"GONGKAI_FIELD_KEYS 的第 {position} 个密钥不是有效的 Fernet 密钥") from error
    return MultiFernet(fernets)


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.GONGKAI_FIELD_KEYS), settings.SECRET_KEY)


def primary_fernet() -> MultiFernet:
    """The newest key alone: a token it opens needs no rotation."""
    keys = tuple(settings.GONGKAI_FIELD_KEYS)
    return _fernet(keys[:1], settings.SECRET_KEY)


def encrypt(text: str) -> str:
    return fernet().encrypt(text.encode()).decode() if text else ""


def decrypt(token: str) -> str:
    """The plain text, or an `Undecryptable` (equal to PLACEHOLDER) when no key opens the token."""
    if not token:
        return ""
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        return Undecryptable(token)


def is_undecryptable(value) -> bool:
    return isinstance(value, Undecryptable)


# ---------------------------------------------------------------------------------------------- identity hash


def identity_hash_secret() -> bytes:
    """GONGKAI_IDENTITY_HASH_KEY; unset, the former derivation (first Fernet key, else SECRET_KEY), which a
    Fernet key rotation would change: `gongkai check` warns (gongkai.W011)."""
    configured = getattr(settings, "GONGKAI_IDENTITY_HASH_KEY", "")
    if configured:
        return configured.encode()
    return legacy_identity_hash_secret()


def legacy_identity_hash_secret() -> bytes:
    return (settings.GONGKAI_FIELD_KEYS[0] if settings.GONGKAI_FIELD_KEYS else settings.SECRET_KEY).encode()


def normalise_identifier(text: str) -> str:
    return "".join((text or "").split()).upper()


def identity_key(text: str, secret: bytes | None = None) -> str:
    """A keyed hash of a normalised identifier (ID number, credit code): equal inputs, equal keys; the key
    cannot be reversed or brute-forced without the server's secret."""
    secret = identity_hash_secret() if secret is None else secret
    return hmac.new(secret, normalise_identifier(text).encode(), hashlib.sha256).hexdigest()


# Models whose rows carry an identity hash computed from an encrypted field: "app.Model" → (hash field,
# source field). `gongkai keys rehash` recomputes them after GONGKAI_IDENTITY_HASH_KEY is introduced.
IDENTITY_HASHES = {"disclosure_requests.Applicant": ("id_key", "id_number")}


def mask(text: str, keep_start: int = 1, keep_end: int = 1) -> str:
    """For staff screens that need a hint but not the value: 110101********0017 style."""
    if not text:
        return ""
    if is_undecryptable(text):
        return PLACEHOLDER
    if len(text) <= keep_start + keep_end:
        return "*" * len(text)
    tail = text[len(text) - keep_end:] if keep_end else ""
    return text[:keep_start] + "*" * (len(text) - keep_start - keep_end) + tail


class EncryptedTextField(models.TextField):
    """Stores ciphertext; Python sees plain text. Not searchable or orderable by design. A value no key
    decrypts is an `Undecryptable`, which this field refuses to store (UndecryptableFieldError)."""

    personal_data = True  # audit.services masks it in snapshots

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value else value

    def _refuse(self, where: str):
        label = f"{self.model._meta.label}.{self.name}" if hasattr(self, "model") else self.name
        logger.error("refused to save %s%s: its stored value could not be decrypted with the configured keys",
                     label, where)
        raise UndecryptableFieldError(
            f"字段“{self.verbose_name}”（{label}{where}）无法用当前配置的密钥解密，拒绝保存，以免覆盖原有的加密数据。"
            "请恢复原密钥（GONGKAI_FIELD_KEYS，见 docs/privacy.md）后再修改。")

    def contribute_to_class(self, cls, name, *args, **kwargs):
        super().contribute_to_class(cls, name, *args, **kwargs)
        if not cls._meta.abstract:
            # Checked before save() touches the database, so the caller's transaction stays usable.
            signals.pre_save.connect(self._check_before_save, sender=cls, weak=False,
                                     dispatch_uid=f"gongkai.privacy.{cls._meta.label}.{name}")

    def _check_before_save(self, sender, instance, update_fields=None, **kwargs):
        if update_fields is not None and self.name not in update_fields and self.attname not in update_fields:
            return
        value = getattr(instance, self.attname, None)
        if is_undecryptable(value) or value == PLACEHOLDER:
            self._refuse(f" #{instance.pk}")

    def pre_save(self, model_instance, add):
        value = super().pre_save(model_instance, add)
        if is_undecryptable(value) or value == PLACEHOLDER:
            self._refuse(f" #{model_instance.pk}")
        return value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if is_undecryptable(value) or value == PLACEHOLDER:
            self._refuse("")
        return encrypt(value) if value else value


def encrypted_fields():
    """Every (model, field) using EncryptedTextField, across all installed apps."""
    return [(model, field) for model in apps.get_models() for field in model._meta.concrete_fields
            if isinstance(field, EncryptedTextField)]
