"""Every stream event and every tracked change passes here (audit.services.listen): after the
commit, the webhooks that want it get a delivery and the workflow rules it may trigger run,
both in the background."""

from __future__ import annotations

import contextvars
from typing import Any

from django.db import models, transaction
from django.utils import timezone

# How deep a chain of rules may go (a rule's action triggering another rule …), and which
# rules are already in the chain (a rule never triggers itself).
MAX_DEPTH = 3
chain: contextvars.ContextVar[tuple[int, ...]] = contextvars.ContextVar("rule_chain", default=())


def _raw(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str | list | dict):
        return value
    return str(value)


def event_type(*, entity: str, verb: str) -> str:
    return f"{entity}.{verb}"


def on_change(*, event, record: models.Model | None, changes) -> None:
    if event is not None:
        entity, object_id = event.entity, event.object_id
        verb, label, actor_id = event.verb, event.label, event.actor_id
        data = event.data or {}
        changed = []
    else:
        entity = getattr(record, "access_entity", None)
        object_id = record.pk
        verb, label, actor_id, data = "updated", str(record)[:255], None, {}
        changed = [{"field": c.field, "old": _raw(c.old), "new": _raw(c.new)} for c in changes]
    if not entity or "." in entity:
        # (Settings' events are keyed by their model label: not records, not sent.)
        return
    payload = {
        "event": event_type(entity=entity, verb=verb),
        "entity": entity,
        "id": object_id,
        "label": label,
        "actor": actor_id,
        "at": timezone.now().isoformat(),
        "data": data,
        "changes": changed,
    }
    current = chain.get()
    transaction.on_commit(lambda: dispatch(payload, current))


def dispatch(payload: dict, rule_chain: tuple[int, ...] = ()) -> None:
    from . import webhooks, workflow

    webhooks.enqueue(payload)
    workflow.enqueue(payload, rule_chain)
