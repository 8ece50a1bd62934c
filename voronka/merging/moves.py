"""Moving what hangs off one record to another, without knowing which apps hang things off it.

Django's `Model._meta.related_objects` lists every foreign key that points at a model (deals,
activities, contacts, leads, the classification's changes, and whatever later apps add), so
a merge or a conversion re-points them all. Rows that name their record by entity and id
(history, stream, letters…: `audit.keys`) are re-keyed here too. Every move returns exactly
what it moved, so it can be moved back.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db import models

from voronka.audit import keys
from voronka.audit.models import StreamEvent
from voronka.core.search import token_model


def relations(model: type[models.Model]) -> list[tuple[type[models.Model], str]]:
    """(model, field) of every foreign key that points at `model`, but its search tokens
    (rebuilt from the record's own values). Many-to-many and one-to-one links are not moved:
    none points at the merged records, and a unique link cannot be merged blindly."""
    tokens = token_model(model) if hasattr(model, "search_tokens") else None
    found = []
    for relation in model._meta.related_objects:
        if relation.many_to_many or relation.one_to_one:
            continue
        if relation.related_model is tokens:
            continue
        found.append((relation.related_model, relation.field.name))
    return found


def repoint(*, source: models.Model, target: models.Model) -> list[dict[str, Any]]:
    """Every row that points at `source` points at `target` instead. Returns what moved:
    [{"model": "sales.deal", "field": "company", "ids": [...]}, …]."""
    moved = []
    for related, field in relations(type(source)):
        manager = related._default_manager
        ids = sorted(manager.filter(**{field: source}).values_list("pk", flat=True))
        if ids:
            manager.filter(pk__in=ids).update(**{field: target})
            moved.append({"model": related._meta.label_lower, "field": field, "ids": ids})
    return moved


def put_back(moved: list[dict[str, Any]], *, source_id: int, target: models.Model) -> None:
    """Undo `repoint`: the rows it moved (and that still point at `target`) point at the
    source again."""
    for entry in moved:
        model = apps.get_model(entry["model"])
        field = entry["field"]
        model._default_manager.filter(pk__in=entry["ids"], **{field: target}).update(
            **{f"{field}_id": source_id}
        )


def rekey(*, entity: str, source_id: int, target_id: int) -> dict[str, Any]:
    """Every row that names the source record by entity and id (history, stream, recent
    views, notifications, letters' links: `audit.keys`) names the target instead, so the
    target's pages show them; for a company, the stream events of its deals follow too."""
    by_company = []
    if entity == "company":
        by_company = sorted(
            StreamEvent.objects.filter(company_id=source_id).values_list("pk", flat=True)
        )
        StreamEvent.objects.filter(pk__in=by_company).update(company_id=target_id)
    return {
        "keys": keys.rekey(entity=entity, source_id=source_id, target_id=target_id),
        "stream_company": by_company,
    }


def unkey(rekeyed: dict[str, Any], *, source_id: int) -> None:
    """Undo `rekey`: those rows are the source record's again."""
    keys.unkey(rekeyed.get("keys", {}), source_id=source_id)
    StreamEvent.objects.filter(pk__in=rekeyed.get("stream_company", [])).update(
        company_id=source_id
    )


def _raw(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return value


def snapshot(record: models.Model) -> dict[str, Any]:
    """Every concrete field of a record (by attname) as JSON keeps it."""
    return {f.attname: _raw(getattr(record, f.attname)) for f in record._meta.concrete_fields}


def restore(model: type[models.Model], values: dict[str, Any]) -> models.Model:
    """A record rebuilt from its snapshot (not saved)."""
    record = model()
    for field in model._meta.concrete_fields:
        if field.attname in values:
            value = values[field.attname]
            if value is not None and not field.is_relation:
                value = field.to_python(value)
            setattr(record, field.attname, value)
    return record
