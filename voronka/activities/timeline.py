"""A record's timeline: its activities (with outcomes), notes, changes and stream events in one
chronological list, newest first, with what is still planned on top."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from itertools import groupby

from django.db.models import F, Q
from django.db.models.functions import Coalesce

from voronka.accounts import access
from voronka.accounts.models import Entity, User
from voronka.audit.models import StreamEvent
from voronka.audit.selectors import HistoryRow, stream
from voronka.audit.selectors import history as history_of

from .forms import QuickForm
from .models import ActivityKind
from .selectors import activities_visible_to

LINKS = {
    Entity.COMPANY: "company_id",
    Entity.CONTACT: "contact_id",
    Entity.DEAL: "deal_id",
    Entity.LEAD: "lead_id",
    Entity.CASE: "case_id",
}


@dataclass
class Item:
    at: datetime.datetime
    kind: str  # "activity", "changes" or "event"
    activity: object | None = None
    event: StreamEvent | None = None
    changes: list[HistoryRow] = field(default_factory=list)
    actor: str = ""


@dataclass
class Timeline:
    planned: list  # activities not done yet, the nearest first
    items: list[Item]


def timeline(
    *,
    user: User,
    entity: str,
    object_id: int,
    history: list[HistoryRow],
    events: list[StreamEvent],
    limit: int = 40,
) -> Timeline:
    """Two queries of activities on top of the history and events the page has already read."""
    about = activities_visible_to(user=user).filter(**{LINKS[entity]: object_id})
    planned = list(
        about.filter(done__is=False).exclude(kind=ActivityKind.NOTE).order_by("due_at", "pk")[:10]
    )
    past = list(
        about.filter(Q(done__is=True) | Q(kind=ActivityKind.NOTE))
        .annotate(moment=Coalesce(F("due_at"), F("done_at"), F("created_at")))
        # Done activities and notes always have a date (the services see to it), so the
        # newest are read from the (record, date) indexes, not sorted from all of the record's
        # activities (a client with thousands of letters has thousands of them).
        .order_by("-due_at", "-pk")[:limit]
    )
    items = [Item(at=a.moment, kind="activity", activity=a) for a in past]
    for _batch, rows in groupby(history, key=lambda row: row.batch):
        rows = list(rows)
        items.append(Item(at=rows[0].changed_at, kind="changes", changes=rows, actor=rows[0].actor))
    items += [Item(at=e.created_at, kind="event", event=e) for e in events]
    items.sort(key=lambda item: item.at, reverse=True)
    return Timeline(planned=planned, items=items[:limit])


def record_context(*, user: User, entity: str, record) -> dict:
    """What a record's page needs for its tabs: history, stream, timeline and the quick form."""
    history = history_of(
        entity=entity, object_id=record.pk, hidden=access.hidden_fields(user, entity)
    )
    events = list(stream(user=user, entity=entity, object_id=record.pk))
    links = {LINKS[entity].removesuffix("_id"): record.pk}
    if entity == Entity.DEAL:
        links |= {"company": record.company_id, "contact": record.contact_id}
    elif entity == Entity.CONTACT:
        links["company"] = record.company_id
    elif entity == Entity.CASE:
        links |= {"company": record.company_id, "contact": record.contact_id}
    return {
        "history": history,
        "events": events,
        "timeline": timeline(
            user=user, entity=entity, object_id=record.pk, history=history, events=events
        ),
        "quick_form": QuickForm(initial=links),
    }
