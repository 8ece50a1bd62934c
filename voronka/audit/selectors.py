"""Reading history, the activity stream and recent views, through the access layer."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.apps import apps
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_date
from django.utils.formats import date_format, number_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from voronka.accounts import access
from voronka.accounts.models import Entity, User
from voronka.core.phones import format_phone

from .models import HistoryEntry, RecentView, StreamEvent, Verb

MODELS = {
    Entity.COMPANY: "contacts.Company",
    Entity.CONTACT: "contacts.Contact",
    Entity.DEAL: "sales.Deal",
    Entity.ACTIVITY: "activities.Activity",
    Entity.LEAD: "leads.Lead",
    Entity.CASE: "service.Case",
}

URL_NAMES = {
    Entity.COMPANY: "contacts:company-detail",
    Entity.CONTACT: "contacts:contact-detail",
    Entity.DEAL: "sales:deal-detail",
    Entity.ACTIVITY: "activities:activity-detail",
    Entity.LEAD: "leads:lead-detail",
    Entity.CASE: "service:case-detail",
}


# History rows that are not a field of the record (audit.services.record_entry), by name.
EXTRA_FIELDS = {
    "checklist": gettext_lazy("checklist"),
    "on_behalf_of": gettext_lazy("on behalf of"),
    "stakeholder_map": gettext_lazy("people around the deal"),
}


def model_of(entity: str) -> type[models.Model]:
    return apps.get_model(MODELS[entity])


@dataclass
class HistoryRow:
    field: str
    label: str
    old: str
    new: str
    actor: str
    username: str
    changed_at: datetime.datetime
    batch: str


def display_value(field: models.Field, value, label: str = "") -> str:
    """A stored raw value as the reader should see it, in their language."""
    if label:
        return label
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(field, models.BooleanField):
        return _("yes") if value else _("no")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.DecimalField):
        try:
            return number_format(Decimal(str(value)), decimal_pos=2, force_grouping=True)
        except InvalidOperation:
            return str(value)
    if isinstance(field, models.DateField) and isinstance(value, str):
        day = parse_date(value[:10])
        return date_format(day, "SHORT_DATE_FORMAT") if day else value
    if isinstance(value, list):
        if field.name == "phones":
            return ", ".join(format_phone(v) for v in value)
        return ", ".join(str(v) for v in value)
    return str(value)


def _marker_labels() -> dict[str, str]:
    return {
        "__deleted__": _("deleted"),
        "__added__": _("added"),
        "__merged__": _("merged with a duplicate"),
        "__unmerged__": _("merge undone"),
        "__imported__": _("import"),
        "__import_undone__": _("import undone"),
        "__restored__": _("restored from the recycle bin"),
    }


def history(
    *, entity: str, object_id: int, limit: int = 200, hidden: frozenset[str] = frozenset()
) -> list[HistoryRow]:
    """A record's change history, newest first; one edit's fields in their listed order.
    The `hidden` fields (access.hidden_fields of the reader) are left out."""
    model = model_of(entity)
    entries = (
        HistoryEntry.objects.filter(entity=entity, object_id=object_id)
        .exclude(field__in=sorted(hidden))
        .select_related("actor")
        .order_by("-changed_at", "batch", "position")[:limit]
    )
    rows = []
    for entry in entries:
        try:
            field = model._meta.get_field(entry.field)
        except Exception:  # a marker, or a field removed since: still show what was recorded
            field = models.CharField(name=entry.field)
            field.verbose_name = {**EXTRA_FIELDS, **_marker_labels()}.get(entry.field, entry.field)
        rows.append(
            HistoryRow(
                field=entry.field,
                label=capfirst(str(field.verbose_name)),
                old=display_value(field, entry.old_value, entry.old_label),
                new=display_value(field, entry.new_value, entry.new_label),
                actor=entry.actor.display_name if entry.actor else _("system"),
                username=entry.actor.username if entry.actor else "",
                changed_at=entry.changed_at,
                batch=str(entry.batch),
            )
        )
    return rows


class StreamScope:
    MINE = "mine"
    TEAM = "team"
    ALL = "all"


def stream(
    *,
    user: User,
    scope: str = StreamScope.ALL,
    entity: str | None = None,
    object_id: int | None = None,
    limit: int = 20,
) -> QuerySet[StreamEvent] | list[StreamEvent]:
    """Stream events this user may see: theirs, their team's, or everything visible; or the
    events of one record (a company's include those of its deals)."""
    events = access.visible_events(user, StreamEvent.objects.select_related("actor"))
    if access.can_see_field(user, Entity.DEAL, "amount"):
        return _stream_of(
            events, user=user, scope=scope, entity=entity, object_id=object_id, limit=limit
        )
    # A reader who may not see deal amounts: no event about one, and none carries one.
    events = events.exclude(entity=Entity.DEAL, verb=Verb.AMOUNT_CHANGED)
    found = list(
        _stream_of(events, user=user, scope=scope, entity=entity, object_id=object_id, limit=limit)
    )
    for event in found:
        event.amount = None
        event.data = {k: v for k, v in (event.data or {}).items() if "amount" not in k}
    return found


def _stream_of(events, *, user, scope, entity, object_id, limit):
    if entity is not None:
        ordered = ("-created_at", "-id")
        own = list(events.filter(entity=entity, object_id=object_id).order_by(*ordered)[:limit])
        if entity != Entity.COMPANY:
            return own
        # Two index searches, not one OR that makes the database scan the whole stream.
        deals = list(events.filter(company_id=object_id).order_by(*ordered)[:limit])
        merged = {event.pk: event for event in own + deals}.values()
        return sorted(merged, key=lambda e: (e.created_at, e.pk), reverse=True)[:limit]
    if scope == StreamScope.MINE:
        events = events.filter(Q(owner=user) | Q(actor=user))
    elif scope == StreamScope.TEAM:
        team = access.owner_ids(user, access.Scope.SUBTREE if user.team_id else access.Scope.OWN)
        events = events.filter(owner_id__in=sorted(team or [user.pk]))
    return events.order_by("-created_at", "-id")[:limit]


def recent_views(*, user: User, limit: int = 10) -> list[RecentView]:
    return list(RecentView.objects.filter(user=user).order_by("-viewed_at")[:limit])
