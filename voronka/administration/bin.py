"""The recycle bin (корзина): a deleted record and everything deleted with it are kept as rows
in a BinEntry, so the lists, the access layer and the query budgets never see deleted records
(decision 0016-recycle-bin). Restoring puts the same rows back with the same ids; purging
drops the entry and then the stored files.

What goes with a record is what the database would delete with it (Django's Collector: a
company's contacts, deals, activities, documents, search tokens…), plus the files attached to
any of them; the rows elsewhere whose link to it is cleared (SET_NULL) are noted and linked
back on restore.
"""

from __future__ import annotations

import datetime
import json
from collections import defaultdict

from django.conf import settings
from django.core import serializers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, router, transaction
from django.db.models import Q
from django.db.models.deletion import Collector
from django.utils import timezone
from django.utils.translation import gettext as _

from voronka.accounts import access
from voronka.accounts.models import User
from voronka.activities import next_steps
from voronka.activities.models import Activity
from voronka.audit.services import RESTORED_FIELD, record_marker
from voronka.contacts.models import Company
from voronka.documents.attachables import ATTACHABLE
from voronka.documents.models import Attachment, Document
from voronka.sales.models import Deal

from .models import BinEntry

BIN_ENTITIES = ("company", "contact", "deal", "lead", "activity", "case")


def bin_days() -> int:
    return int(settings.VORONKA.get("BIN_DAYS", 30))


def _concrete(model: type[models.Model]) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if not f.primary_key]


def _rows(objs: list[models.Model]) -> list[dict]:
    by_model: dict[type, list] = defaultdict(list)
    for obj in objs:
        by_model[type(obj)].append(obj)
    rows: list[dict] = []
    for model, items in by_model.items():
        python = serializers.serialize("python", items, fields=_concrete(model))
        # Our own JSON: Django's encoder would cut the microseconds of the moments.
        rows.extend(json.loads(json.dumps(python, default=_json)))
    return rows


def _json(value):
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return str(value)


def _attachable_entity(model: type[models.Model]) -> str | None:
    for entity, attachable in ATTACHABLE.items():
        if attachable is model:
            return entity
    return None


def _owner_record(record: models.Model) -> models.Model:
    """The owned record whose entity and owner decide who sees the entry."""
    if isinstance(record, Attachment):
        model = ATTACHABLE.get(record.entity)
        parent = model._default_manager.filter(pk=record.object_id).first() if model else None
        return _owner_record(parent) if parent is not None else record
    if isinstance(record, Document):
        return record.deal
    return record


def keep_and_delete(*, actor: User | None, record: models.Model) -> BinEntry:
    """Put the record and what depends on it into the bin, then delete them (the stored files
    stay until the entry is purged)."""
    using = router.db_for_write(type(record))
    collector = Collector(using=using, origin=record)
    collector.collect([record])
    collector.sort()
    # Parents first, as they go back in; the rows deleted in bulk hang off the others.
    ordered: list[models.Model] = []
    for model in reversed(list(collector.data)):
        ordered.extend(sorted(collector.data[model], key=lambda o: o.pk))
    for queryset in collector.fast_deletes:
        ordered.extend(queryset)
    taken = {(type(o)._meta.label_lower, o.pk) for o in ordered}
    attachments: list[Attachment] = []
    if not isinstance(record, Attachment):
        wanted: dict[str, list[int]] = defaultdict(list)
        for obj in ordered:
            entity = _attachable_entity(type(obj))
            if entity:
                wanted[entity].append(obj.pk)
        for entity, ids in wanted.items():
            attachments.extend(
                Attachment.objects.filter(entity=entity, object_id__in=sorted(ids)).order_by("pk")
            )
    ordered.extend(attachments)
    links = []
    for (field, _value), groups in collector.field_updates.items():
        for group in groups:
            for obj in group:
                key = (type(obj)._meta.label_lower, obj.pk)
                if key in taken:
                    continue
                links.append([key[0], obj.pk, field.attname, getattr(obj, field.attname)])
    files = [a.file.name for a in attachments]
    if isinstance(record, Attachment):
        files.append(record.file.name)
    holder = _owner_record(record)
    entry = BinEntry.objects.create(
        entity=getattr(holder, "access_entity", "") or "",
        kind=type(record)._meta.label_lower,
        object_id=record.pk,
        label=str(record)[:255],
        owner_id=getattr(holder, "owner_id", None),
        deleted_by=actor,
        rows=_rows(ordered),
        links=links,
        files=files,
        count=len(ordered),
    )
    if attachments:
        # Their rows go now; the post_delete of the records then finds no file to remove.
        Attachment.objects.filter(pk__in=[a.pk for a in attachments]).delete()
    record.delete()
    return entry


def entries_visible_to(user: User) -> models.QuerySet[BinEntry]:
    """An administrator sees the whole bin; anyone else what they deleted and the records
    they could have deleted (the owner rule of each entity's delete)."""
    entries = BinEntry.objects.select_related("owner", "deleted_by")
    if access.is_admin(user):
        return entries
    allowed = Q(deleted_by=user)
    for entity in BIN_ENTITIES:
        ids = access.owner_ids(user, access.scope(user, entity, access.Action.DELETE))
        if ids is None:
            allowed |= Q(entity=entity)
        elif ids:
            allowed |= Q(entity=entity, owner_id__in=sorted(ids))
    return entries.filter(allowed)


def bin_restore(*, actor: User, entry: BinEntry) -> None:
    """Put the rows back as they were (same ids), link back what pointed at them, and say
    who restored it in the record's history."""
    if not entries_visible_to(actor).filter(pk=entry.pk).exists():
        raise PermissionDenied(_("You may not restore this record."))
    objects = list(serializers.deserialize("python", entry.rows))
    by_model: dict[type, list[int]] = defaultdict(list)
    for item in objects:
        by_model[type(item.object)].append(item.object.pk)
    for model, ids in by_model.items():
        if model._default_manager.filter(pk__in=ids).exists():
            raise ValidationError(
                _("“%(name)s” cannot be restored: some of its records exist again.")
                % {"name": entry.label}
            )
    try:
        with transaction.atomic():
            for item in objects:
                item.save()
            for label, pk, attname, value in entry.links:
                model = _model(label)
                model._default_manager.filter(pk=pk, **{attname: None}).update(**{attname: value})
            # The next planned activity of the deals and companies that got activities back.
            deals, companies = [], []
            for item in objects:
                if isinstance(item.object, Activity):
                    deals.append(item.object.deal_id)
                    companies.append(item.object.company_id)
                elif isinstance(item.object, Deal):
                    deals.append(item.object.pk)
                elif isinstance(item.object, Company):
                    companies.append(item.object.pk)
            next_steps.refresh(deals=deals, companies=companies)
            if entry.entity and entry.kind != Attachment._meta.label_lower:
                record_marker(
                    actor=actor,
                    entity=entry.entity,
                    object_id=entry.object_id,
                    field=RESTORED_FIELD,
                    old="",
                    new=entry.label,
                )
            entry.delete()
    except IntegrityError:
        raise ValidationError(
            _(
                "“%(name)s” cannot be restored: something it refers to (a user, a stage, a "
                "record) no longer exists."
            )
            % {"name": entry.label}
        ) from None


def _model(label: str) -> type[models.Model]:
    from django.apps import apps

    return apps.get_model(label)


def bin_purge(*, actor: User | None, entries: models.QuerySet[BinEntry] | list[BinEntry]) -> int:
    """Drop entries for good; their stored files go after the commit."""
    if actor is not None:
        access.require_configure(actor, _("Only an administrator can empty the recycle bin."))
    from django.core.files.storage import default_storage

    entries = list(entries)
    names = [name for entry in entries for name in entry.files]
    with transaction.atomic():
        BinEntry.objects.filter(pk__in=[e.pk for e in entries]).delete()

        def remove() -> None:
            for name in names:
                default_storage.delete(name)

        transaction.on_commit(remove)
    return len(entries)


def bin_purge_expired(*, now: datetime.datetime | None = None) -> int:
    """The periodic job: entries older than VORONKA["BIN_DAYS"] days go."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=bin_days())
    return bin_purge(actor=None, entries=BinEntry.objects.filter(deleted_at__lt=cutoff))
