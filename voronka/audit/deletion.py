"""Deleting a record: the one call every domain service's delete goes through.

With a recycle bin installed (an app above registers it in its AppConfig.ready), the record
and what depends on it are kept in the bin before the rows go; without one they are simply
deleted. History says who deleted either way.
"""

from __future__ import annotations

from django.db import models

from voronka.accounts.models import User

from .services import record_deleted

_BIN = None


def register_bin(handler) -> None:
    """`handler(*, actor, record)` keeps the record and its dependants, then deletes them."""
    global _BIN
    _BIN = handler


def delete_record(
    *, actor: User | None, record: models.Model, company=None, history: bool = True
) -> None:
    if history:
        record_deleted(actor=actor, record=record, company=company)
    if _BIN is None:
        record.delete()
    else:
        _BIN(actor=actor, record=record)
