"""Personal data at rest (DEVELOPERS.md, Privacy): identity numbers, phones and addresses are stored
encrypted (Fernet: AES-128-CBC + HMAC-SHA256) and matched through a keyed hash, so a database dump or a
log line never carries them in clear.

Keys: GONGKAI_FIELD_KEYS is a comma-separated list of Fernet keys, newest first (rotation: add a new key in
front, re-save rows, then drop the old one). Without it (demo, tests) a key is derived from SECRET_KEY."""

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...], secret: str) -> MultiFernet:
    if not keys:
        derived = base64.urlsafe_b64encode(hashlib.sha256(("gongkai-field-key:" + secret).encode()).digest())
        keys = (derived.decode(),)
    return MultiFernet([Fernet(k.encode() if isinstance(k, str) else k) for k in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.GONGKAI_FIELD_KEYS), settings.SECRET_KEY)


def encrypt(text: str) -> str:
    return fernet().encrypt(text.encode()).decode() if text else ""


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        return "［无法解密：密钥不匹配］"


def identity_key(text: str) -> str:
    """A keyed hash of a normalised identifier (ID number, credit code): equal inputs, equal keys; the key
    cannot be reversed or brute-forced without the server's secret."""
    normalised = "".join((text or "").split()).upper()
    secret = (settings.GONGKAI_FIELD_KEYS[0] if settings.GONGKAI_FIELD_KEYS else settings.SECRET_KEY).encode()
    return hmac.new(secret, normalised.encode(), hashlib.sha256).hexdigest()


def mask(text: str, keep_start: int = 1, keep_end: int = 1) -> str:
    """For staff screens that need a hint but not the value: 110101********0017 style."""
    if not text:
        return ""
    if len(text) <= keep_start + keep_end:
        return "*" * len(text)
    tail = text[len(text) - keep_end:] if keep_end else ""
    return text[:keep_start] + "*" * (len(text) - keep_start - keep_end) + tail


class EncryptedTextField(models.TextField):
    """Stores ciphertext; Python sees plain text. Not searchable or orderable by design."""

    personal_data = True  # audit.services masks it in snapshots

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return encrypt(value) if value else value
