"""Mailbox passwords are kept encrypted (Fernet: AES with an HMAC) with a key from the
environment, MAIL_SECRET_KEY, so a copy of the database alone does not give them away.

MAIL_SECRET_KEY may hold several keys, comma-separated: the first encrypts, every one
decrypts, so a key is rotated by putting the new one first. Any text works as a key (it is
stretched with SHA-256). Without one the key is derived from SECRET_KEY, which suits a
laptop only: `check --deploy` warns (mail.checks)."""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class PasswordUnreadable(Exception):
    """The stored password was encrypted with a key this server no longer has."""


def _fernet(secret: str) -> Fernet:
    digest = hashlib.sha256(("voronka-mail:" + secret).encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _keys() -> MultiFernet:
    secrets = [s.strip() for s in (settings.MAIL_SECRET_KEY or "").split(",") if s.strip()]
    if not secrets:
        secrets = [settings.SECRET_KEY]
    return MultiFernet([_fernet(secret) for secret in secrets])


def encrypt(password: str) -> str:
    if not password:
        return ""
    return _keys().encrypt(password.encode()).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _keys().decrypt(token.encode()).decode()
    except InvalidToken:
        raise PasswordUnreadable() from None
