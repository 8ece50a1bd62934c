"""Writes to activities: plan, change, complete and delete calls, meetings, tasks and notes."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from voronka.accounts import access
from voronka.accounts.models import Entity, User
from voronka.core.services import FieldChange, create_record, update_record

from .models import Activity, ActivityKind

_RELATED = ("company", "contact", "deal")


def _check_related(actor: User, activity: Activity, fields) -> None:
    errors = {}
    for name in fields:
        related = getattr(activity, name)
        if related is not None and not access.can_view(actor, related):
            errors[name] = _("No such record, or you have no access to it.")
    if errors:
        raise ValidationError(errors)


def _fill_links(activity: Activity) -> None:
    """A call about a deal is also about the deal's company, so it shows on both."""
    if activity.deal_id and not activity.company_id:
        activity.company_id = activity.deal.company_id
    if activity.contact_id and not activity.company_id:
        activity.company_id = activity.contact.company_id


def activity_create(*, actor: User, data: dict[str, Any]) -> Activity:
    if not access.can_create(actor, Entity.ACTIVITY):
        raise PermissionDenied(_("You may not create records here."))
    activity = Activity(**{"owner": actor, **data})
    if not access.can_assign(actor, Entity.ACTIVITY, activity.owner):
        raise ValidationError({"owner": _("You may not make this user the owner of a record.")})
    _check_related(actor, activity, _RELATED)
    _fill_links(activity)
    if activity.kind == ActivityKind.NOTE and activity.due_at is None:
        activity.due_at = timezone.now()
    if activity.done:
        activity.done_at = timezone.now()
    return create_record(activity)


def activity_update(
    *, actor: User, activity: Activity, data: dict[str, Any], version: int | None
) -> Activity:

    def before_save(record: Activity, changes: list[FieldChange]) -> list[FieldChange]:
        fields = {c.field for c in changes}
        if "owner" in fields and not access.can_assign(actor, Entity.ACTIVITY, record.owner):
            raise ValidationError({"owner": _("You may not make this user the owner of a record.")})
        _check_related(actor, record, fields & set(_RELATED))
        extra = []
        if "done" in fields:
            done_at = timezone.now() if record.done else None
            extra.append(FieldChange("done_at", record.done_at, done_at))
            record.done_at = done_at
        return extra

    activity, _changes = update_record(
        activity, data, actor=actor, version=version, before_save=before_save
    )
    return activity


def activity_set_done(*, actor: User, activity: Activity, done: bool = True) -> Activity:
    return activity_update(actor=actor, activity=activity, data={"done": done}, version=None)


def activity_delete(*, actor: User, activity: Activity) -> None:
    access.require(actor, access.Action.DELETE, activity)
    with transaction.atomic():
        activity.delete()
