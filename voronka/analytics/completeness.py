"""Data completeness: how many of the key fields (Settings → classification thresholds) are
filled on each manager's companies and contacts. Counted nightly into `CompletenessSnapshot`
(one GROUP BY per entity), read by the scorecard."""

from __future__ import annotations

import datetime

from django.db import models, transaction
from django.db.models import Count, Q

from voronka.contacts.models import Company, Contact

from .models import ClassificationSettings, CompletenessSnapshot


def filled(model: type[models.Model], name: str) -> Q | None:
    """The condition "this key field is filled", by the field's type; None for a name that
    is not a field of the model (settings edited by hand)."""
    try:
        field = model._meta.get_field(name)
    except Exception:
        return None
    if isinstance(field, models.JSONField):
        return ~Q(**{name: []}) & Q(**{f"{name}__isnull": False})
    if isinstance(field, models.CharField | models.TextField):
        return ~Q(**{name: ""})
    return Q(**{f"{name}__isnull": False})


def count(day: datetime.date | None = None) -> int:
    """Store the day's completeness per manager and entity; returns how many rows."""
    from django.utils import timezone

    day = day or timezone.localdate()
    settings = ClassificationSettings.get()
    snapshots = []
    for entity, model, names in (
        ("company", Company, settings.company_key_fields),
        ("contact", Contact, settings.contact_key_fields),
    ):
        conditions = {
            f"f{index}": Count("pk", filter=condition)
            for index, condition in enumerate(filled(model, name) for name in names)
            if condition is not None
        }
        for row in model.objects.values("owner").annotate(n=Count("pk"), **conditions).order_by():
            snapshots.append(
                CompletenessSnapshot(
                    day=day,
                    owner_id=row["owner"],
                    entity=entity,
                    records=row["n"],
                    fields=len(conditions),
                    filled=sum(row[key] for key in conditions),
                )
            )
    with transaction.atomic():
        CompletenessSnapshot.objects.filter(day=day).delete()
        CompletenessSnapshot.objects.bulk_create(snapshots)
    return len(snapshots)
