"""Writes to activities: plan, change, complete (with an outcome) and delete calls, meetings,
tasks, letters and notes."""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from voronka.accounts import access
from voronka.accounts.models import Entity, User
from voronka.audit.deletion import delete_record
from voronka.audit.records import FieldChange, create_record, update_record
from voronka.audit.values import require_active
from voronka.leads.services import lead_contacted

from . import next_steps
from .models import (
    Activity,
    ActivityKind,
    ActivitySearchToken,
    ActivityType,
    Outcome,
    OutcomeKind,
)
from .reminders import notify_assigned
from .tasks import send_invitations_later

_RELATED = ("company", "contact", "deal", "lead", "case")
log = logging.getLogger("voronka.activities")


def _after_commit(activity: Activity, actor: User, *, assigned: bool, invite: bool) -> None:
    """Tell the new owner an activity was given to them, and send a meeting's invitations,
    once the transaction is committed (a rolled-back save notifies nobody). A mail server that
    is down costs a log line, never the save."""

    def run() -> None:
        if assigned:
            try:
                notify_assigned(activity=activity, actor=actor)
            except Exception:
                log.exception("Could not notify the owner of activity %s", activity.pk)
        if invite:
            try:
                send_invitations_later(activity.pk)
            except Exception:
                log.exception("Could not send the invitations of activity %s", activity.pk)

    if assigned or invite:
        transaction.on_commit(run)


def _align_links(activity: Activity, changed: set[str]) -> list[FieldChange]:
    """The company, contact and deal of one activity tell one story. A call about a deal is
    about the deal's company (it shows on both): choosing another deal takes its company. A
    company typed against its deal, or a person of another company, is refused with what to
    do; nothing is dropped silently. `changed` names the links the user set."""
    extra = []
    deal, contact = activity.deal, activity.contact
    if deal is not None and deal.company_id:
        if activity.company_id != deal.company_id:
            if "company" in changed and "deal" not in changed and activity.company_id:
                raise ValidationError(
                    {
                        "company": _(
                            "The deal “%(deal)s” is with %(company)s: choose that company, "
                            "or another deal."
                        )
                        % {"deal": deal.name, "company": deal.company}
                    }
                )
            extra.append(FieldChange("company", activity.company_id, deal.company_id))
            activity.company = deal.company
    elif contact is not None and contact.company_id and not activity.company_id:
        extra.append(FieldChange("company", None, contact.company_id))
        activity.company = contact.company
    if (
        contact is not None
        and contact.company_id
        and activity.company_id
        and contact.company_id != activity.company_id
    ):
        raise ValidationError(
            {
                "contact": _(
                    "%(contact)s works at %(their)s, not at %(company)s: choose a person of "
                    "%(company)s, or none."
                )
                % {
                    "contact": contact.full_name,
                    "their": contact.company,
                    "company": activity.company,
                }
            }
        )
    return extra


def _derive(activity: Activity) -> list[FieldChange]:
    """The fields that follow from others: the kind from the type, when to remind."""
    extra = []
    if activity.type_id is not None and activity.kind != activity.type.kind:
        extra.append(FieldChange("kind", activity.kind, activity.type.kind))
        activity.kind = activity.type.kind
    if activity.type_id is None and activity.kind:
        activity.type = default_type(activity.kind)
        if activity.type is not None:
            extra.append(FieldChange("type", None, activity.type))
    remind_at = activity.compute_remind_at()
    if remind_at != activity.remind_at:
        extra.append(FieldChange("remind_at", activity.remind_at, remind_at))
        extra.append(FieldChange("reminded_at", activity.reminded_at, None))
        activity.remind_at, activity.reminded_at = remind_at, None
    return extra


def _first_contact(activity: Activity) -> None:
    """A done call, meeting or letter about a lead is its first contact."""
    if activity.lead_id and activity.done and activity.kind != ActivityKind.NOTE:
        lead_contacted(lead_id=activity.lead_id, at=activity.done_at or timezone.now())


def default_type(kind: str) -> ActivityType | None:
    """The first active type of a kind: what "plan a call" means when no type is chosen."""
    return ActivityType.objects.filter(kind=kind, is_active=True).order_by("order", "id").first()


def activity_create(
    *, actor: User, data: dict[str, Any], participants=None, assigned_by: User | None = None
) -> Activity:
    if not access.can_create(actor, Entity.ACTIVITY):
        raise PermissionDenied(_("You may not create records here."))
    data = dict(data)
    participants = data.pop("participants", participants)
    activity = Activity(**{"owner": actor, **data})
    _derive(activity)
    passed_task = activity.kind == ActivityKind.TASK and access.can_pass_task(actor, activity.owner)
    if not access.can_assign(actor, Entity.ACTIVITY, activity.owner) and not passed_task:
        raise ValidationError(
            {
                "owner": _(
                    "You may not make this user the owner of a record. "
                    "A task can be given to anyone."
                )
            }
        )
    access.require_links(actor, **{name: getattr(activity, name) for name in _RELATED})
    require_active(type=activity.type, outcome=activity.outcome)
    _align_links(activity, {name for name in _RELATED if getattr(activity, f"{name}_id")})
    if activity.kind == ActivityKind.NOTE and activity.due_at is None:
        activity.due_at = timezone.now()
    if activity.done:
        activity.done_at = timezone.now()
    if activity.owner_id != actor.pk:
        activity.assigned_by = assigned_by or actor
    _derive(activity)
    with transaction.atomic():
        create_record(activity)
        if participants:
            activity.participants.set(participants)
        next_steps.refresh(deals=[activity.deal_id], companies=[activity.company_id])
        _first_contact(activity)
        _after_commit(
            activity,
            actor,
            assigned=activity.owner_id != actor.pk,
            invite=activity.kind == ActivityKind.MEETING and bool(participants),
        )
    return activity


def activity_record_done(
    *,
    owner: User,
    kind: str,
    subject: str,
    at: datetime.datetime,
    company=None,
    contact=None,
    deal=None,
    lead=None,
    description: str = "",
) -> Activity:
    """A done activity the system records on a user's behalf: a letter that came or left (the
    mail's sync stores thousands of them). Nothing planned changes, so no reminder, invitation
    or next step is touched; the links tell one story as in `activity_create`. The caller has
    checked that the owner may see the records."""
    activity = Activity(
        owner=owner,
        kind=kind,
        type=default_type(kind),
        subject=(subject or "—")[:255],
        due_at=at,
        done=True,
        done_at=at,
        company=company,
        contact=contact,
        deal=deal,
        lead=lead,
        description=description,
    )
    _align_links(activity, {name for name in _RELATED if getattr(activity, f"{name}_id")})
    with transaction.atomic():
        activity.save(force_insert=True)
        ActivitySearchToken.objects.bulk_create(
            ActivitySearchToken(record=activity, kind=token_kind, token=token)
            for token_kind, token in activity.search_tokens_wanted()
        )
        _first_contact(activity)  # a letter to or from a lead is its first contact
    return activity


def activity_update(
    *, actor: User, activity: Activity, data: dict[str, Any], version: int | None
) -> Activity:
    data = dict(data)
    participants = data.pop("participants", None)

    def before_save(record: Activity, changes: list[FieldChange]) -> list[FieldChange]:
        fields = {c.field for c in changes}
        passed_task = record.kind == ActivityKind.TASK and access.can_pass_task(actor, record.owner)
        if (
            "owner" in fields
            and not access.can_assign(actor, Entity.ACTIVITY, record.owner)
            and not passed_task
        ):
            raise ValidationError({"owner": _("You may not make this user the owner of a record.")})
        access.require_links(
            actor, **{name: getattr(record, name) for name in fields & set(_RELATED)}
        )
        require_active(
            **{name: getattr(record, name) for name in ("type", "outcome") if name in fields}
        )
        links = fields & set(_RELATED)
        extra = _align_links(record, links) if links else []
        if "done" in fields:
            done_at = timezone.now() if record.done else None
            extra.append(FieldChange("done_at", record.done_at, done_at))
            record.done_at = done_at
        if "owner" in fields and record.owner_id != actor.pk:
            extra.append(FieldChange("assigned_by", record.assigned_by, actor))
            record.assigned_by = actor
        if changes:
            extra += _derive(record)
        return extra

    with transaction.atomic():
        before = set(activity.participants.values_list("pk", flat=True))
        activity, changes = update_record(
            activity, data, actor=actor, version=version, before_save=before_save
        )
        if changes:
            moved = {c.field: c.old for c in changes if c.field in ("deal", "company")}
            next_steps.refresh(
                deals=[activity.deal_id, moved.get("deal")],
                companies=[activity.company_id, moved.get("company")],
            )
        _first_contact(activity)
        added = False
        if participants is not None:
            activity.participants.set(participants)
            added = bool({p.pk for p in participants} - before)
        _after_commit(
            activity,
            actor,
            assigned=any(c.field == "owner" for c in changes) and activity.owner_id != actor.pk,
            invite=activity.kind == ActivityKind.MEETING and added and not activity.done,
        )
    return activity


def activity_set_done(*, actor: User, activity: Activity, done: bool = True) -> Activity:
    data: dict[str, Any] = {"done": done}
    if not done:
        data.update(outcome=None, outcome_note="")
    return activity_update(actor=actor, activity=activity, data=data, version=None)


def activity_complete(
    *,
    actor: User,
    activity: Activity,
    outcome: Outcome,
    note: str = "",
    new_due: datetime.datetime | None = None,
    version: int | None = None,
) -> tuple[Activity, Activity | None]:
    """Close an activity with its outcome. A postponement names the new date and the reason
    and plans the follow-up at once (same type, subject, links and owner); a refusal names the
    reason. Returns the activity and the follow-up, if any."""
    note = (note or "").strip()
    errors = {}
    if outcome.needs_note and not note:
        errors["note"] = (
            _("Say why.") if outcome.kind != OutcomeKind.OTHER else _("Describe the outcome.")
        )
    if outcome.needs_date:
        if new_due is None:
            errors["new_due"] = _("Give the new date.")
        elif new_due <= timezone.now():
            errors["new_due"] = _("The new date must be in the future.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        done = activity_update(
            actor=actor,
            activity=activity,
            data={"done": True, "outcome": outcome, "outcome_note": note},
            version=version,
        )
        follow_up = None
        if outcome.needs_date:
            length = done.end_at - done.due_at if done.end_at and done.due_at else None
            follow_up = activity_create(
                actor=actor,
                data={
                    "type": done.type,
                    "kind": done.kind,
                    "subject": done.subject,
                    "purpose": done.purpose,
                    "due_at": new_due,
                    "end_at": new_due + length if length is not None else None,
                    "remind_before": done.remind_before,
                    "company": done.company,
                    "contact": done.contact,
                    "deal": done.deal,
                    "owner": done.owner,
                    "description": done.description,
                },
                participants=list(done.participants.all()),
            )
            Activity.objects.filter(pk=done.pk).update(follow_up=follow_up)
            done.follow_up = follow_up
    return done, follow_up


def activity_delete(*, actor: User, activity: Activity) -> None:
    access.require(actor, access.Action.DELETE, activity)
    with transaction.atomic():
        deal_id, company_id = activity.deal_id, activity.company_id
        delete_record(actor=actor, record=activity, company=activity.company)
        next_steps.refresh(deals=[deal_id], companies=[company_id])
