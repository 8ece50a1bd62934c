"""Writes to leads: create (from a page, the API, a web form or an import), change, take from a
queue, change status, delete; the distribution of new leads and the settings.

`lead_create` is the one way a lead comes in. An import calls it per row with `actor` the
importing user; a web form with `actor=None` (nobody signed in) and its form.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from voronka.accounts import access
from voronka.accounts.models import Entity, User
from voronka.audit.deletion import delete_record
from voronka.audit.models import Verb
from voronka.audit.records import FieldChange, create_record, update_record
from voronka.audit.services import (
    follow_owner,
    record_changes,
    record_event,
    record_setting,
    setting_snapshot,
)
from voronka.audit.values import require_active
from voronka.notifications.models import Kind
from voronka.notifications.services import notify

from .models import Distribution, Lead, LeadSettings, LeadStatus, WebForm

log = logging.getLogger("voronka.leads")


def lead_settings() -> LeadSettings:
    """The organisation's lead settings (made with the defaults the first time)."""
    found = LeadSettings.objects.order_by("pk").first()
    return found or LeadSettings.objects.create()


def settings_save(*, actor: User, data: dict[str, Any]) -> LeadSettings:
    access.require_configure(actor)
    with transaction.atomic():
        current = LeadSettings.objects.select_for_update().filter(pk=lead_settings().pk).first()
        before = setting_snapshot(current)
        for name, value in data.items():
            setattr(current, name, value)
        current.full_clean()
        current.save()
        record_setting(actor=actor, setting=current, verb=Verb.SETTING_CHANGED, before=before)
    return current


def _team_members(team) -> list[User]:
    return list(
        User.objects.filter(team=team, is_active=True).order_by("last_name", "first_name", "pk")
    )


def distribute() -> tuple[User | None, Any, bool]:
    """Who gets the next new lead: (owner, team, in_queue) by the settings. Round robin takes
    the team's active members in turn (the row is locked so two leads at once go to two
    people). None when nobody suitable is set up."""
    current = LeadSettings.objects.select_for_update().filter(pk=lead_settings().pk).first()
    fallback = current.owner if current.owner and current.owner.is_active else None
    if current.distribution == Distribution.ROUND_ROBIN and current.team_id:
        members = _team_members(current.team)
        if members:
            ids = [m.pk for m in members]
            after = (
                ids.index(current.last_assigned_id) + 1 if current.last_assigned_id in ids else 0
            )
            chosen = members[after % len(members)]
            current.last_assigned = chosen
            current.save(update_fields=["last_assigned"])
            return chosen, None, False
    if current.distribution == Distribution.QUEUE and current.team_id:
        holder = fallback or next(iter(_team_members(current.team)), None)
        return holder, current.team, holder is not None
    return fallback, None, False


def _administrator() -> User | None:
    """Who gets a web form's lead when nothing else is set up: the first administrator."""
    return (
        User.objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(role__is_admin=True))
        .order_by("pk")
        .first()
    )


def _notify_new(lead: Lead, actor: User | None) -> None:
    """Tell the new owner (or, for a queue, the team) a lead is theirs, after the commit."""
    people = _team_members(lead.team) if lead.in_queue and lead.team_id else [lead.owner]
    if not lead.in_queue:
        # Whoever covers for the owner today (accounts.Deputy) is told too.
        people += access.deputies_of(lead.owner_id)
    people = [p for p in people if p.is_active and (actor is None or p.pk != actor.pk)]

    def run() -> None:
        for person in people[:50]:
            try:
                with translation.override(person.language or django_settings.LANGUAGE_CODE):
                    if lead.in_queue:
                        title = _("A new lead in your team's queue: %(lead)s") % {"lead": lead}
                    else:
                        title = _("A new lead for you: %(lead)s") % {"lead": lead}
                    body = lead.question[:500]
                notify(
                    user=person,
                    kind=Kind.ASSIGNED,
                    title=title,
                    body=body,
                    url=lead.get_absolute_url(),
                    actor=actor,
                    entity=Entity.LEAD,
                    object_id=lead.pk,
                )
            except Exception:  # the lead is saved; a failed bell costs a log line
                log.exception("Could not notify %s of lead %s", person.pk, lead.pk)

    if people:
        transaction.on_commit(run)


def lead_create(
    *,
    actor: User | None,
    data: dict[str, Any],
    web_form: WebForm | None = None,
    distribute_new: bool | None = None,
) -> Lead:
    """A new lead. Without an owner in `data`, a web form's owner or the distribution of the
    settings chooses one (`distribute_new=False` keeps the author as the owner instead). The
    new owner is told, unless they made it themselves. `actor=None` is a visitor of a web
    form: no rights to check, the history says "system"."""
    data = {k: v for k, v in data.items() if not (k == "owner" and v is None)}
    if actor is not None and not access.can_create(actor, Entity.LEAD):
        raise PermissionDenied(_("You may not create records here."))
    if distribute_new is None:
        distribute_new = "owner" not in data
    with transaction.atomic():
        if "owner" in data:
            if actor is not None and not access.can_assign(actor, Entity.LEAD, data["owner"]):
                raise ValidationError(
                    {"owner": _("You may not make this user the owner of a record.")}
                )
        elif web_form is not None and web_form.owner and web_form.owner.is_active:
            data["owner"] = web_form.owner
        elif distribute_new:
            owner, team, in_queue = distribute()
            if owner is not None:
                data.update(owner=owner, team=team, in_queue=in_queue)
        if "owner" not in data:
            data["owner"] = actor if actor is not None else _administrator()
        if data.get("owner") is None:
            raise ValidationError(
                {"owner": _("Nobody can get this lead: choose the owner of new leads.")}
            )
        lead = Lead(**data)
        if web_form is not None:
            lead.web_form = web_form
            lead.source = lead.source or web_form.source
            lead.campaign_id = lead.campaign_id or web_form.campaign_id
        if web_form is None:
            require_active(source=lead.source)
        if lead.status == LeadStatus.CONVERTED:
            raise ValidationError({"status": _("A lead becomes converted by its conversion.")})
        if lead.status != LeadStatus.NEW:
            lead.first_contact_at = timezone.now()
        create_record(lead)
        record_event(
            verb=Verb.CREATED,
            actor=actor,
            record=lead,
            source=str(lead.source) if lead.source else "",
        )
        _notify_new(lead, actor)
    return lead


def _check_status(record: Lead, fields: dict[str, FieldChange]) -> list[FieldChange]:
    extra = []
    if "status" in fields:
        old = fields["status"].old
        if old == LeadStatus.CONVERTED or record.status == LeadStatus.CONVERTED:
            raise ValidationError(
                {"status": _("A converted lead keeps its status; its conversion made it.")}
            )
        if old == LeadStatus.NEW and record.first_contact_at is None:
            now = timezone.now()
            extra.append(FieldChange("first_contact_at", None, now))
            record.first_contact_at = now
    if record.status != LeadStatus.DISQUALIFIED and record.disqualify_reason_id is not None:
        extra.append(FieldChange("disqualify_reason", record.disqualify_reason_id, None))
        record.disqualify_reason = None
    return extra


def lead_update(*, actor: User, lead: Lead, data: dict[str, Any], version: int | None) -> Lead:
    """Change a lead. Handing it to someone takes it out of a queue and tells them; leaving
    "new" is its first contact; a disqualification needs its reason."""

    def before_save(record: Lead, changes: list[FieldChange]) -> list[FieldChange]:
        fields = {c.field: c for c in changes}
        extra = []
        if "owner" in fields:
            if not access.can_assign(actor, Entity.LEAD, record.owner):
                raise ValidationError(
                    {"owner": _("You may not make this user the owner of a record.")}
                )
            if record.in_queue:
                extra.append(FieldChange("in_queue", True, False))
                record.in_queue = False
        require_active(
            **{
                name: getattr(record, name)
                for name in ("source", "disqualify_reason")
                if name in fields
            }
        )
        return extra + _check_status(record, fields)

    with transaction.atomic():
        lead, changes = update_record(
            lead, data, actor=actor, version=version, before_save=before_save
        )
        if any(c.field == "owner" for c in changes):
            _notify_new(lead, actor)
    return lead


def lead_set_status(
    *, actor: User, lead: Lead, status: str, reason=None, version: int | None = None
) -> Lead:
    """Move a lead on the board or by its buttons: in work, qualified, disqualified (with a
    reason), back to new."""
    data: dict[str, Any] = {"status": status}
    if status == LeadStatus.DISQUALIFIED:
        data["disqualify_reason"] = reason
    return lead_update(actor=actor, lead=lead, data=data, version=version)


def can_take(user: User, lead: Lead) -> bool:
    """A lead in a team's queue may be taken by any active member of that team (or of a team
    above it: a head of sales hands queue leads out too)."""
    if not lead.in_queue or lead.team_id is None or not user.is_active:
        return False
    if access.can_change(user, lead):
        return True
    return user.team_id is not None and lead.team_id in access.team_ids_below(user.team_id)


def lead_take(*, actor: User, lead: Lead) -> Lead:
    """Take a lead from the team's queue: it becomes the actor's."""
    with transaction.atomic():
        locked = Lead.objects.select_for_update().get(pk=lead.pk)
        if not can_take(actor, locked):
            raise PermissionDenied(_("This lead is not in a queue you may take from."))
        changes = [
            FieldChange("owner", locked.owner_id, actor.pk),
            FieldChange("in_queue", True, False),
        ]
        locked.owner, locked.in_queue = actor, False
        locked.version += 1
        locked.save(update_fields=["owner", "in_queue", "version", "updated_at"])
        record_changes(actor=actor, record=locked, changes=changes)
        follow_owner(entity=Entity.LEAD, ids=[locked.pk], owner_id=actor.pk)
    return locked


def lead_contacted(*, lead_id: int | None, at) -> None:
    """A call, meeting or letter with the lead was done: its first contact, if it had none
    (the activities' services call this; a new lead stops being overdue)."""
    if lead_id is None or at is None:
        return
    Lead.objects.filter(pk=lead_id, first_contact_at__isnull=True).update(first_contact_at=at)


def lead_delete(*, actor: User, lead: Lead) -> None:
    access.require(actor, access.Action.DELETE, lead)
    with transaction.atomic():
        delete_record(actor=actor, record=lead)


def web_form_save(*, actor: User, form: WebForm) -> WebForm:
    """Add or change a web form (administrators), with its history."""
    access.require_configure(actor)
    before = None
    if form.pk is not None:
        stored = WebForm.objects.filter(pk=form.pk).first()
        before = setting_snapshot(stored) if stored is not None else None
    form.full_clean()
    with transaction.atomic():
        form.save()
        record_setting(
            actor=actor,
            setting=form,
            verb=Verb.SETTING_ADDED if before is None else Verb.SETTING_CHANGED,
            before=before,
        )
    return form


def web_form_delete(*, actor: User, form: WebForm) -> None:
    access.require_configure(actor)
    with transaction.atomic():
        record_setting(actor=actor, setting=form, verb=Verb.SETTING_DELETED)
        form.delete()
