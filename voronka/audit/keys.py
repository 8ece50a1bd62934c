"""The tables that name a record by its entity and id instead of a foreign key: the history,
the stream, recent views — and those of the apps above (notifications, the letters' links).

Each app registers its own in its `AppConfig.ready()`, so that moving a record's rows to
another record (merging duplicates) reaches them all without knowing the apps. A row that
would double one the target already has (the same letter linked to both) is dropped and kept
aside, so the move can be undone exactly.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db import models


@dataclass(frozen=True)
class RecordKey:
    model: type[models.Model]
    entity_field: str = "entity"
    id_field: str = "object_id"
    # The other fields that, with the record, make a row unique (a letter's link: the letter).
    unique_with: tuple[str, ...] = ()


_KEYED: dict[str, RecordKey] = {}


def register(model: type[models.Model], **options) -> None:
    _KEYED[model._meta.label_lower] = RecordKey(model=model, **options)


def registered() -> list[RecordKey]:
    return list(_KEYED.values())


def _json(value: Any) -> Any:
    """A value as a JSON field keeps it; the model's fields read it back when the row returns."""
    if isinstance(value, datetime.date | datetime.datetime | datetime.time):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    return value


def _values(row: models.Model) -> dict[str, Any]:
    return {
        field.attname: _json(getattr(row, field.attname)) for field in row._meta.concrete_fields
    }


def rekey(*, entity: str, source_id: int, target_id: int) -> dict[str, dict]:
    """Every row naming the source record names the target instead. Returns what moved and
    what was dropped as a double, by table, for `unkey`."""
    done: dict[str, dict] = {}
    for key in registered():
        manager = key.model._default_manager
        pk_name = key.model._meta.pk.attname
        mine = manager.filter(**{key.entity_field: entity, key.id_field: source_id})
        dropped = []
        if key.unique_with:
            columns = [key.model._meta.get_field(name).attname for name in key.unique_with]
            theirs = set(
                manager.filter(**{key.entity_field: entity, key.id_field: target_id}).values_list(
                    *columns
                )
            )
            doubles = [
                row[0] for row in mine.values_list(pk_name, *columns) if tuple(row[1:]) in theirs
            ]
            if doubles:
                dropped = [_values(row) for row in manager.filter(pk__in=doubles)]
                manager.filter(pk__in=doubles).delete()
        moved = sorted(mine.values_list(pk_name, flat=True))
        manager.filter(pk__in=moved).update(**{key.id_field: target_id})
        if moved or dropped:
            done[key.model._meta.label_lower] = {"moved": moved, "dropped": dropped}
    return done


def unkey(rekeyed: dict[str, dict], *, source_id: int) -> None:
    """Undo `rekey`: the moved rows name the source again, the dropped ones come back."""
    for label, entry in rekeyed.items():
        key = _KEYED.get(label)
        model = key.model if key else apps.get_model(label)
        id_field = key.id_field if key else "object_id"
        model._default_manager.filter(pk__in=entry.get("moved", [])).update(**{id_field: source_id})
        if entry.get("dropped"):
            model._default_manager.bulk_create([model(**row) for row in entry["dropped"]])
