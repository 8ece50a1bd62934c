"""The record writes every service uses: validated inserts, and updates under a row lock
with optimistic locking (a version) and the change history written in the same transaction."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import models, transaction

from voronka.accounts import access
from voronka.core import search
from voronka.core.errors import ConflictError

from .services import follow_owner, record_changes

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any
    new: Any


def _value(obj: models.Model, field_name: str) -> Any:
    field = obj._meta.get_field(field_name)
    return getattr(obj, field.attname)


def _comparable(obj: models.Model, field_name: str, value: Any) -> Any:
    field = obj._meta.get_field(field_name)
    if field.is_relation and isinstance(value, models.Model):
        return value.pk
    return value


def apply_changes(obj: models.Model, data: dict[str, Any]) -> list[FieldChange]:
    """Set the values that differ and say which ones did (old and new raw values)."""
    changes = []
    for name, value in data.items():
        old = _value(obj, name)
        new = _comparable(obj, name, value)
        if old != new:
            changes.append(FieldChange(name, old, new))
            setattr(obj, name, value)
    return changes


def update_record(
    obj: M,
    data: dict[str, Any],
    *,
    actor,
    version: int | None,
    before_save=None,
    exclude_from_clean: Iterable[str] = (),
) -> tuple[M, list[FieldChange]]:
    """Update a record under a row lock, refusing a stale version and a user without the right.

    Re-reads the row with SELECT … FOR UPDATE, so the rights are checked and the "old" values
    taken on the stored row, not on an instance a form has already changed.
    """
    model = type(obj)
    with transaction.atomic():
        locked = model.objects.select_for_update().get(pk=obj.pk)
        access.require(actor, access.Action.CHANGE, locked)
        if version is not None and locked.version != version:
            raise ConflictError()
        changes = apply_changes(locked, data)
        if before_save is not None:
            changes += before_save(locked, changes)
        if not changes:
            return locked, []
        locked.full_clean(exclude=list(exclude_from_clean))
        locked.version += 1
        fields = sorted({c.field for c in changes} | {"version", "updated_at"})
        locked.save(update_fields=fields)
        if hasattr(locked, "search_tokens_wanted"):
            search.reindex(locked)
        record_changes(actor=actor, record=locked, changes=changes)
        if any(c.field == "owner" for c in changes) and hasattr(locked, "access_entity"):
            follow_owner(entity=locked.access_entity, ids=[locked.pk], owner_id=locked.owner_id)
    return locked, changes


def create_record(obj: M) -> M:
    """Validate and insert a new record and its search tokens in one transaction."""
    obj.full_clean()
    with transaction.atomic():
        obj.save(force_insert=True)
        if hasattr(obj, "search_tokens_wanted"):
            search.reindex(obj)
    return obj
