"""Writing history, stream events and recent views. Called by the domain services, inside
their transactions, never by signals (ARCHITECTURE.md, rule 3)."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import timezone

from voronka.accounts.access import acting_for, entity_of
from voronka.accounts.models import Entity, User

from .models import HistoryEntry, RecentView, StreamEvent, Verb

# The fields whose changes are kept, per entity, in the order one edit's entries are listed
# (the seed's deal history reads: amount, stage, probability).
TRACKED_FIELDS: dict[str, list[str]] = {
    Entity.DEAL: [
        "name",
        "amount",
        "currency",
        "stage",
        "probability",
        "expected_close_date",
        "pipeline",
        "type",
        "company",
        "contact",
        "owner",
        "lead_source",
        "direction",
        "quantity",
        "lost_reason",
        "lost_to",
    ],
    Entity.COMPANY: [
        "name",
        "is_customer",
        "is_supplier",
        "is_partner",
        "is_competitor",
        "industry",
        "region",
        "city",
        "address",
        "phones",
        "emails",
        "website",
        "inn",
        "kpp",
        "ogrn",
        "bin",
        "owner",
    ],
    Entity.CONTACT: [
        "last_name",
        "first_name",
        "middle_name",
        "company",
        "position",
        "phones",
        "emails",
        "birthday",
        "mailing_consent",
        "owner",
    ],
    Entity.LEAD: [
        "person_name",
        "company_name",
        "phone",
        "email",
        "source",
        "question",
        "status",
        "disqualify_reason",
        "owner",
        "team",
        "requested_at",
        "company",
        "contact",
        "deal",
    ],
    Entity.CASE: [
        "subject",
        "kind",
        "priority",
        "status",
        "owner",
        "team",
        "company",
        "contact",
        "deal",
        "document",
        "resolution",
    ],
}

# A change of a deal's amount by at least this share is news for the stream.
BIG_AMOUNT_CHANGE = Decimal("0.5")


def _raw(value: Any) -> Any:
    """A value as JSON keeps it: decimals and dates as text, links as ids."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return value


def _labels(model: type[models.Model], field_name: str, ids: Iterable) -> dict:
    field = model._meta.get_field(field_name)
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    related = field.related_model
    return {obj.pk: str(obj) for obj in related._default_manager.filter(pk__in=ids)}


def record_changes(*, actor: User | None, record: models.Model, changes: list) -> None:
    """Keep the tracked fields among `changes` (audit.records.FieldChange) as history."""
    entity = getattr(record, "access_entity", None)
    tracked = TRACKED_FIELDS.get(entity)
    if not tracked:
        return
    wanted = sorted(
        (c for c in changes if c.field in tracked), key=lambda c: tracked.index(c.field)
    )
    if not wanted:
        return
    model = type(record)
    batch, now = uuid.uuid4(), timezone.now()
    entries = []
    for position, change in enumerate(wanted):
        field = model._meta.get_field(change.field)
        old_label = new_label = ""
        if field.is_relation:
            labels = _labels(model, change.field, [change.old, change.new])
            old_label = labels.get(change.old, "")
            new_label = labels.get(change.new, "")
        entries.append(
            HistoryEntry(
                entity=entity,
                object_id=record.pk,
                batch=batch,
                position=position,
                field=change.field,
                old_value=_raw(change.old),
                new_value=_raw(change.new),
                old_label=old_label[:255],
                new_label=new_label[:255],
                actor=actor,
                changed_at=now,
            )
        )
    owner_id = getattr(record, "owner_id", None)
    if acting_for(actor, owner_id):
        # A deputy's change is written as made on the absent owner's behalf («от имени»).
        entries.append(
            HistoryEntry(
                entity=entity,
                object_id=record.pk,
                batch=batch,
                position=len(entries),
                field="on_behalf_of",
                new_value=owner_id,
                new_label=str(record.owner)[:255],
                actor=actor,
                changed_at=now,
            )
        )
    HistoryEntry.objects.bulk_create(entries)
    for listener in _LISTENERS:
        listener(event=None, record=record, changes=wanted)


def record_entry(
    *,
    actor: User | None,
    record: models.Model,
    field: str,
    old: Any = None,
    new: Any = None,
    old_label: str = "",
    new_label: str = "",
    batch: uuid.UUID | None = None,
    position: int = 0,
    at: datetime.datetime | None = None,
) -> HistoryEntry:
    """One history row about more than a field of the record (a checklist item ticked on a
    deal): who, when, and what the reader sees in the labels. Rows of one save share the
    `batch` and `at` and read in `position` order."""
    return HistoryEntry.objects.create(
        entity=entity_of(record),
        object_id=record.pk,
        batch=batch or uuid.uuid4(),
        position=position,
        field=field,
        old_value=_raw(old),
        new_value=_raw(new),
        old_label=old_label[:255],
        new_label=new_label[:255],
        actor=actor,
        changed_at=at or timezone.now(),
    )


def record_event(
    *,
    verb: str,
    actor: User | None,
    record: models.Model,
    amount: Decimal | None = None,
    currency: str = "",
    company: models.Model | None = None,
    **data: Any,
) -> StreamEvent:
    """Put a business event about a record on the activity stream."""
    event = StreamEvent.objects.create(
        verb=verb,
        actor=actor,
        entity=entity_of(record),
        object_id=record.pk,
        label=str(record)[:255],
        owner_id=record.owner_id,
        company_id=company.pk if company is not None else None,
        company_label=str(company)[:255] if company is not None else "",
        amount=amount,
        currency=currency,
        data={k: _raw(v) for k, v in data.items()},
    )
    for listener in _LISTENERS:
        listener(event=event, record=record, changes=None)
    return event


# Who is told of every stream event and every tracked change, in the saving transaction (the
# webhooks and workflow rules of the apps above register here in their AppConfig.ready; they
# send nothing before the commit).
_LISTENERS: list = []


@dataclass(frozen=True)
class Announcement:
    """An event that leaves no stream row (a letter received about a record): told to the
    listeners like a StreamEvent."""

    verb: str
    entity: str
    object_id: int
    label: str = ""
    actor_id: int | None = None
    data: dict = field(default_factory=dict)


def announce(
    *, verb: str, entity: str, object_id: int, label: str = "", actor_id=None, **data
) -> None:
    event = Announcement(verb, entity, object_id, label[:255], actor_id, data)
    for listener in _LISTENERS:
        listener(event=event, record=None, changes=None)


def listen(listener) -> None:
    """`listener(*, event, record, changes)`: event is a StreamEvent (changes None) or None
    (changes the list of FieldChange of one save)."""
    if listener not in _LISTENERS:
        _LISTENERS.append(listener)


def follow_owner(*, entity: str, ids: Iterable[int], owner_id: int) -> None:
    """The stream shows an event to those who may see its record: when records change hands,
    their events go with them (the old team no longer sees them, the new one does)."""
    StreamEvent.objects.filter(entity=entity, object_id__in=sorted(set(ids))).update(
        owner_id=owner_id
    )


def is_big_amount_change(old: Decimal | None, new: Decimal | None) -> bool:
    old, new = old or Decimal(0), new or Decimal(0)
    if old == new:
        return False
    if old == 0:
        return new > 0
    return abs(new - old) / old >= BIG_AMOUNT_CHANGE


def record_deal_events(*, actor: User | None, deal, changes: list, old_stage=None) -> None:
    """The stream's news in a deal's edit: closed won or lost, reopened, a big amount change."""
    fields = {c.field: c for c in changes}
    common = {"amount": deal.amount, "currency": deal.currency, "company": deal.company}
    if "stage" in fields and old_stage is not None and deal.stage.kind != old_stage.kind:
        if deal.stage.kind == "won":
            record_event(verb=Verb.WON, actor=actor, record=deal, **common)
        elif deal.stage.kind == "lost":
            record_event(
                verb=Verb.LOST,
                actor=actor,
                record=deal,
                reason=str(deal.lost_reason or ""),
                **common,
            )
        elif old_stage.kind != "open":
            record_event(verb=Verb.REOPENED, actor=actor, record=deal, **common)
    change = fields.get("amount")
    if change is not None and is_big_amount_change(
        Decimal(str(change.old or 0)), Decimal(str(change.new or 0))
    ):
        record_event(
            verb=Verb.AMOUNT_CHANGED,
            actor=actor,
            record=deal,
            old_amount=Decimal(str(change.old or 0)),
            **common,
        )


def record_view(*, user: User, record: models.Model) -> None:
    """Remember that the user opened this record (for the top bar's recent views)."""
    # One INSERT … ON CONFLICT DO UPDATE (SQLite and PostgreSQL alike), not a read and a write.
    RecentView.objects.bulk_create(
        [
            RecentView(
                user=user,
                entity=entity_of(record),
                object_id=record.pk,
                label=str(record)[:255],
                viewed_at=timezone.now(),
            )
        ],
        update_conflicts=True,
        unique_fields=["user", "entity", "object_id"],
        update_fields=["label", "viewed_at"],
    )


def record_deleted(*, actor: User | None, record: models.Model, company=None) -> None:
    """A deleted company, contact, deal or activity leaves who and when: a history row under
    its id and an event on the stream (seen by those who saw the record)."""
    label = str(record)[:255]
    HistoryEntry.objects.create(
        entity=entity_of(record),
        object_id=record.pk,
        batch=uuid.uuid4(),
        field=DELETED_FIELD,
        old_value=label,
        new_value=None,
        old_label=label,
        actor=actor,
    )
    record_event(verb=Verb.DELETED, actor=actor, record=record, company=company)


# The field name of the history row that says a record or a setting was deleted.
DELETED_FIELD = "__deleted__"
# … that a duplicate was merged into a record, or the merge undone (on both records).
MERGED_FIELD = "__merged__"
UNMERGED_FIELD = "__unmerged__"
# … that it came back from the recycle bin.
RESTORED_FIELD = "__restored__"


def record_marker(
    *, actor: User | None, entity: str, object_id: int, field: str, old: str, new: str
) -> None:
    """One history row that is not a field's change (a merge, its undoing): the labels of
    the time as its old and new values."""
    HistoryEntry.objects.create(
        entity=entity,
        object_id=object_id,
        batch=uuid.uuid4(),
        field=field,
        old_value=old[:255],
        new_value=new[:255],
        old_label=old[:255],
        new_label=new[:255],
        actor=actor,
    )


# … and that it was added (a setting's first row).
ADDED_FIELD = "__added__"


def setting_key(setting: models.Model) -> str:
    """Where a setting's history and events are kept: its model label ("sales.pipeline")."""
    return setting._meta.label_lower


def setting_snapshot(setting: models.Model) -> dict[str, Any]:
    """A setting's own values (not its id), as JSON keeps them: to compare before and after."""
    # A model may keep fields out of its history (a user's password hash, last sign-in).
    skipped = getattr(setting, "history_exclude", ())
    return {
        field.name: _raw(getattr(setting, field.attname))
        for field in setting._meta.concrete_fields
        if not field.primary_key and field.name not in skipped
    }


def record_setting(
    *,
    actor: User | None,
    setting: models.Model,
    verb: str,
    before: dict[str, Any] | None = None,
) -> None:
    """A change of the settings (a pipeline, a stage, an entry of a list of values, a role, a
    saved report or plan): who and when, as history rows (one per changed value; `before` is
    the `setting_snapshot` taken before the change) and an event on the administrators'
    stream."""
    key, batch, now = setting_key(setting), uuid.uuid4(), timezone.now()
    label = str(setting)[:255]
    if verb == Verb.SETTING_ADDED:
        rows = [(ADDED_FIELD, None, label)]
    elif verb == Verb.SETTING_DELETED:
        rows = [(DELETED_FIELD, label, None)]
    else:
        after = setting_snapshot(setting)
        rows = [
            (name, (before or {}).get(name), value)
            for name, value in after.items()
            if before is None or before.get(name) != value
        ]
        if not rows:
            return
    HistoryEntry.objects.bulk_create(
        [
            HistoryEntry(
                entity=key,
                object_id=setting.pk or 0,
                batch=batch,
                position=position,
                field=field,
                old_value=old,
                new_value=new,
                actor=actor,
                changed_at=now,
            )
            for position, (field, old, new) in enumerate(rows)
        ]
    )
    StreamEvent.objects.create(
        verb=verb,
        actor=actor,
        entity=key,
        object_id=setting.pk or 0,
        label=label,
    )
