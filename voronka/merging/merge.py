"""Merging two duplicate companies (or two contacts) into one, and undoing it.

The kept record takes the values chosen field by field; everything that pointed at the
merged one (deals, activities, contacts of a company, leads, and any later app's rows) points
at the kept one; the merged record's history and stream become the kept one's. A `Merge`
row keeps the merged record's values and exactly what moved, so `merge_revert` restores the
record and moves back exactly that. Both records' history says so.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from voronka.accounts import access
from voronka.accounts.models import Entity, User
from voronka.activities import next_steps
from voronka.audit.models import Verb
from voronka.audit.records import update_record
from voronka.audit.services import (
    MERGED_FIELD,
    TRACKED_FIELDS,
    UNMERGED_FIELD,
    record_event,
    record_marker,
)
from voronka.contacts.models import Company, Contact
from voronka.core import search

from . import moves
from .models import Merge

MODELS = {Entity.COMPANY: Company, Entity.CONTACT: Contact}
# Fields whose values hold lists: a merge may keep both lists' entries.
LIST_FIELDS = ("phones", "emails")


def merge_fields(entity: str) -> list[str]:
    """The fields a person chooses between, in the order the history lists them."""
    return [name for name in TRACKED_FIELDS[entity] if name != "owner"] + ["owner"]


def _check(actor: User, survivor: models.Model, loser: models.Model) -> str:
    if type(survivor) is not type(loser) or survivor.pk == loser.pk:
        raise ValidationError(_("Choose two different records of one kind."))
    entity = access.entity_of(survivor)
    if entity not in MODELS:
        raise ValidationError(_("Only companies and contacts are merged."))
    access.require(actor, access.Action.CHANGE, survivor)
    if not access.can_delete(actor, loser):
        raise PermissionDenied(_("You may not merge this record away: you may not delete it."))
    return entity


def merge_values(survivor, loser, choices: dict[str, str]) -> dict[str, Any]:
    """The kept record's new values from the choice per field: "survivor", "loser", or for
    phones and e-mails "both" (the kept record's first)."""
    data = {}
    for name, choice in choices.items():
        if choice == "loser":
            data[name] = getattr(loser, name)
        elif choice == "both" and name in LIST_FIELDS:
            data[name] = list(dict.fromkeys([*getattr(survivor, name), *getattr(loser, name)]))
    return data


def merge(
    *, actor: User, survivor: models.Model, loser: models.Model, data: dict[str, Any]
) -> Merge:
    """Merge `loser` into `survivor`, which takes `data` (field → value; see `merge_values`)."""
    entity = _check(actor, survivor, loser)
    allowed = set(merge_fields(entity))
    unknown = set(data) - allowed
    if unknown:
        raise ValidationError(_("These fields cannot be merged: %s") % ", ".join(sorted(unknown)))
    model = type(survivor)
    with transaction.atomic():
        # Both rows locked in id order, so two merges of the same pair cannot interleave.
        locked = {
            r.pk: r
            for r in model.objects.select_for_update()
            .filter(pk__in=sorted([survivor.pk, loser.pk]))
            .order_by("pk")
        }
        if len(locked) != 2:
            raise ValidationError(_("One of the records is gone."))
        survivor, loser = locked[survivor.pk], locked[loser.pk]
        record = Merge(
            entity=entity,
            survivor_id=survivor.pk,
            loser_id=loser.pk,
            survivor_label=str(survivor)[:255],
            loser_label=str(loser)[:255],
            loser_values=moves.snapshot(loser),
            actor=actor,
        )
        # Everything that pointed at the loser points at the survivor: a contact of the
        # merged company, a deal, an activity, a lead… and their history and stream.
        record.moved = moves.repoint(source=loser, target=survivor)
        record.rekeyed = moves.rekey(entity=entity, source_id=loser.pk, target_id=survivor.pk)
        before = moves.snapshot(survivor)
        survivor, changes = update_record(survivor, data, actor=actor, version=None)
        record.survivor_before = {
            c.field: before[model._meta.get_field(c.field).attname] for c in changes
        }
        loser_id, loser_label = loser.pk, str(loser)
        loser.delete()  # only its search tokens go with it: everything else was moved
        record.save()
        record_marker(
            actor=actor,
            entity=entity,
            object_id=survivor.pk,
            field=MERGED_FIELD,
            old=loser_label,
            new=str(survivor),
        )
        record_marker(
            actor=actor,
            entity=entity,
            object_id=loser_id,
            field=MERGED_FIELD,
            old=loser_label,
            new=str(survivor),
        )
        record_event(verb=Verb.MERGED, actor=actor, record=survivor, other=loser_label)
        if entity == Entity.COMPANY:
            next_steps.refresh(companies=[survivor.pk])
    return record


def merge_revert(*, actor: User, merge_record: Merge) -> models.Model:
    """Undo a merge: the merged record comes back with its values and id, the rows that were
    moved go back to it, its history and stream are its own again, and the kept record's
    fields get their values before the merge. Returns the restored record."""
    model = MODELS[merge_record.entity]
    with transaction.atomic():
        locked = Merge.objects.select_for_update().get(pk=merge_record.pk)
        if locked.reverted_at is not None:
            raise ValidationError(_("This merge is already undone."))
        survivor = model.objects.select_for_update().filter(pk=locked.survivor_id).first()
        if survivor is None:
            raise ValidationError(_("The kept record is gone: the merge cannot be undone."))
        access.require(actor, access.Action.CHANGE, survivor)
        if model.objects.filter(pk=locked.loser_id).exists():
            raise ValidationError(_("The merged record exists already."))
        loser = moves.restore(model, locked.loser_values)
        owner_ok = loser.owner.is_active and access.can_assign(actor, locked.entity, loser.owner)
        if not owner_ok and not access.is_admin(actor):
            raise PermissionDenied(_("You may not restore a record of this owner."))
        loser.save(force_insert=True)
        search.reindex(loser)
        moves.put_back(locked.moved, source_id=loser.pk, target=survivor)
        moves.unkey(locked.rekeyed, source_id=loser.pk)
        if locked.survivor_before:
            restored = {}
            for name, value in locked.survivor_before.items():
                field = model._meta.get_field(name)
                if field.is_relation:
                    restored[name] = field.related_model._default_manager.filter(pk=value).first()
                else:
                    restored[name] = field.to_python(value) if value is not None else None
            survivor, _changes = update_record(survivor, restored, actor=actor, version=None)
        for object_id in (survivor.pk, loser.pk):
            record_marker(
                actor=actor,
                entity=locked.entity,
                object_id=object_id,
                field=UNMERGED_FIELD,
                old=str(survivor),
                new=str(loser),
            )
        record_event(verb=Verb.UNMERGED, actor=actor, record=survivor, other=str(loser))
        locked.reverted_at, locked.reverted_by = timezone.now(), actor
        locked.save(update_fields=["reverted_at", "reverted_by"])
        if locked.entity == Entity.COMPANY:
            next_steps.refresh(companies=[survivor.pk, loser.pk])
    return loser


def merges_of(*, entity: str, object_id: int) -> models.QuerySet[Merge]:
    """The merges a record took part in, newest first."""
    return Merge.objects.filter(
        models.Q(survivor_id=object_id) | models.Q(loser_id=object_id), entity=entity
    ).select_related("actor", "reverted_by")
