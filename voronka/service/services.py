"""Writes to cases, their deadlines and ratings, and to the stakeholders of a deal.

`case_create` is the one way a case comes in: by hand, from the API, a web form or a letter to
a shared mailbox (`actor=None`: nobody signed in, the history says "system")."""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from voronka.accounts import access
from voronka.accounts.models import Entity, User
from voronka.audit.deletion import delete_record
from voronka.audit.models import Verb
from voronka.audit.records import FieldChange, create_record, update_record
from voronka.audit.services import announce, record_changes, record_entry, record_event
from voronka.notifications.models import Kind
from voronka.notifications.services import notify
from voronka.sales.models import Deal

from . import sla
from .models import (
    DONE_STATUSES,
    Case,
    CasePause,
    CaseRating,
    CaseStatus,
    SlaRule,
    SlaState,
    Stakeholder,
    StakeholderRole,
    WorkCalendar,
)

log = logging.getLogger(__name__)

# A case is "about to breach" when this share of its working time is left (or less).
WARN_SHARE = 0.2
MAX_COMMENT = 2000


def calendar() -> sla.Calendar:
    found = WorkCalendar.objects.filter(is_default=True).first() or WorkCalendar.objects.first()
    return found.as_calendar() if found is not None else sla.Calendar()


def rule_for(case: Case) -> SlaRule | None:
    return SlaRule.objects.filter(kind=case.kind, priority=case.priority).first()


def _pauses(case: Case) -> list[sla.Interval]:
    if case.pk is None:
        return []
    return list(case.pauses.values_list("started_at", "ended_at"))


def deadlines(case: Case, *, cal: sla.Calendar | None = None, rule=None) -> tuple:
    """(first answer due, resolution due) with the pauses counted out; None where there is
    no rule, the step is done, or the clock is paused."""
    rule = rule if rule is not None else rule_for(case)
    if rule is None or case.status in DONE_STATUSES:
        return None, None
    cal = cal or calendar()
    pauses = _pauses(case)
    response = None
    if case.first_response_at is None:
        response = sla.due(cal, case.opened_at, rule.first_response_hours, pauses)
    resolve = sla.due(cal, case.opened_at, rule.resolve_hours, pauses)
    return response, resolve


def refresh_sla(case: Case, *, now: datetime.datetime | None = None) -> Case:
    """Recompute and store the deadlines (service fields: no version, no history)."""
    now = now or timezone.now()
    response, resolve = deadlines(case)
    case.response_due_at, case.resolve_due_at = response, resolve
    if any(d is not None and d < now for d in (response, resolve)):
        case.breached = True
        case.sla_state = SlaState.BREACHED
    elif case.sla_state == SlaState.BREACHED and not case.breached:
        case.sla_state = SlaState.OK
    Case.objects.filter(pk=case.pk).update(
        response_due_at=response,
        resolve_due_at=resolve,
        breached=case.breached,
        sla_state=case.sla_state,
    )
    return case


def time_left(case: Case, *, now: datetime.datetime | None = None, cal=None) -> int | None:
    """Working seconds to the nearest deadline (negative once breached); None without one."""
    now = now or timezone.now()
    dues = [d for d in (case.response_due_at, case.resolve_due_at) if d is not None]
    if not dues or not case.is_open or case.is_paused:
        return None
    due = min(dues)
    cal = cal or calendar()
    if due >= now:
        return sla.working_seconds(cal, now, due)
    return -sla.working_seconds(cal, due, now)


def _team_members(team) -> list[User]:
    if team is None:
        return []
    return list(User.objects.filter(team=team, is_active=True))


def _heads_of(team) -> list[User]:
    """The heads of a team: members (or members of the teams above) who manage more than
    their own records."""
    heads, seen = [], set()
    while team is not None and team.pk not in seen:
        seen.add(team.pk)
        heads = [u for u in _team_members(team) if access.heads_team(u)]
        if heads:
            return heads
        team = team.parent
    return heads


def _tell(people, *, title, body="", case: Case, actor=None, kind=Kind.ASSIGNED) -> None:
    people = {p.pk: p for p in people if p is not None and p.is_active}
    if actor is not None:
        people.pop(actor.pk, None)

    def run() -> None:
        for person in list(people.values())[:50]:
            with translation.override(person.language or django_settings.LANGUAGE_CODE):
                notify(
                    user=person,
                    kind=kind,
                    title=str(title(case)) if callable(title) else title,
                    body=body,
                    url=case.get_absolute_url(),
                    actor=actor,
                    entity=Entity.CASE,
                    object_id=case.pk,
                )

    transaction.on_commit(run)


def case_create(*, actor: User | None, data: dict[str, Any]) -> Case:
    """A new case. With a team and no owner it waits in the team's queue; with neither, the
    author owns it."""
    data = dict(data)
    if actor is not None and not access.can_create(actor, Entity.CASE):
        raise PermissionDenied(_("You may not create records here."))
    owner = data.get("owner")
    if owner is None and data.get("team") is None:
        if actor is None:
            raise ValidationError({"team": _("Choose the team queue or the owner.")})
        data["owner"] = owner = actor
    if owner is not None and actor is not None and not access.can_assign(actor, Entity.CASE, owner):
        raise ValidationError({"owner": _("You may not make this user the owner of a record.")})
    if actor is not None:
        access.require_links(
            actor, **{k: data.get(k) for k in ("company", "contact", "deal") if data.get(k)}
        )
    data.setdefault("status", CaseStatus.NEW)
    if data["status"] not in (CaseStatus.NEW, CaseStatus.IN_WORK):
        data["status"] = CaseStatus.NEW
    with transaction.atomic():
        case = Case(**data)
        if case.status == CaseStatus.IN_WORK:
            case.first_response_at = timezone.now()
        create_record(case)
        refresh_sla(case)
        record_event(verb=Verb.CREATED, actor=actor, record=case, company=case.company)
        if case.owner_id is None:
            _tell(
                _team_members(case.team),
                title=lambda c: _("A new case in your team's queue: %(case)s") % {"case": c},
                body=case.description[:500],
                case=case,
                actor=actor,
            )
        else:
            _tell(
                [case.owner, *access.deputies_of(case.owner_id)],
                title=lambda c: _("A new case for you: %(case)s") % {"case": c},
                body=case.description[:500],
                case=case,
                actor=actor,
            )
    return case


def case_update(*, actor: User, case: Case, data: dict[str, Any], version=None) -> Case:
    links = {k: data.get(k) for k in ("company", "contact", "deal") if data.get(k)}
    access.require_links(actor, **links)

    def before_save(record: Case, changes: list[FieldChange]) -> list[FieldChange]:
        fields = {c.field: c for c in changes}
        if (
            "owner" in fields
            and record.owner is not None
            and not access.can_assign(actor, Entity.CASE, record.owner)
        ):
            raise ValidationError({"owner": _("You may not make this user the owner of a record.")})
        if record.owner_id is None and record.team_id is None:
            raise ValidationError({"team": _("Choose the team queue or the owner.")})
        return []

    data = {k: v for k, v in data.items() if k != "status"}
    with transaction.atomic():
        case, changes = update_record(
            case, data, actor=actor, version=version, before_save=before_save
        )
        if changes:
            refresh_sla(case)
    return case


def case_delete(*, actor: User, case: Case) -> None:
    access.require(actor, access.Action.DELETE, case)
    with transaction.atomic():
        # Through the one deletion path: to the recycle bin when it is installed.
        delete_record(actor=actor, record=case, company=case.company)


def can_take(user: User, case: Case) -> bool:
    return case.owner_id is None and case.is_open and access.can_change(user, case)


def case_take(*, actor: User, case: Case) -> Case:
    """A member of the queue's team takes a waiting case: it becomes theirs, in work."""
    if not can_take(actor, case):
        raise ValidationError(_("This case is not waiting in your team's queue."))
    with transaction.atomic():
        data: dict[str, Any] = {"owner": actor}
        if case.status in (CaseStatus.NEW, CaseStatus.REOPENED):
            data["status"] = CaseStatus.IN_WORK
            if case.first_response_at is None:
                data["first_response_at"] = timezone.now()
        case, _changes = update_record(case, data, actor=actor, version=None)
        refresh_sla(case)
    return case


ALLOWED = {
    CaseStatus.NEW: {CaseStatus.IN_WORK, CaseStatus.WAITING, CaseStatus.RESOLVED},
    CaseStatus.IN_WORK: {CaseStatus.WAITING, CaseStatus.RESOLVED},
    CaseStatus.WAITING: {CaseStatus.IN_WORK, CaseStatus.RESOLVED},
    CaseStatus.REOPENED: {CaseStatus.IN_WORK, CaseStatus.WAITING, CaseStatus.RESOLVED},
    CaseStatus.RESOLVED: {CaseStatus.CLOSED, CaseStatus.REOPENED},
    CaseStatus.CLOSED: {CaseStatus.REOPENED},
}


def case_set_status(*, actor: User, case: Case, status: str, resolution: str = "") -> Case:
    """Move a case: waiting for the client stops its clock, resolving asks for the
    resolution and sends the client a rating request."""
    if status not in ALLOWED.get(case.status, set()):
        raise ValidationError(
            _("A case cannot go from «%(old)s» to «%(new)s».")
            % {"old": case.get_status_display(), "new": CaseStatus(status).label}
            if status in CaseStatus.values
            else _("Choose the status.")
        )
    resolution = (resolution or "").strip()[: MAX_COMMENT * 5]
    if status == CaseStatus.RESOLVED and not (resolution or case.resolution):
        raise ValidationError({"resolution": _("Say how the case was resolved.")})
    now = timezone.now()
    data: dict[str, Any] = {"status": status}
    if resolution:
        data["resolution"] = resolution
    if case.first_response_at is None and status != CaseStatus.NEW:
        data["first_response_at"] = now
    if status == CaseStatus.RESOLVED:
        data["resolved_at"] = now
    if status == CaseStatus.CLOSED:
        data["closed_at"] = now
    if status == CaseStatus.REOPENED:
        data.update(resolved_at=None, closed_at=None)
    with transaction.atomic():
        case, _changes = update_record(case, data, actor=actor, version=None)
        if status == CaseStatus.WAITING:
            CasePause.objects.create(case=case, started_at=now)
        else:
            CasePause.objects.filter(case=case, ended_at__isnull=True).update(ended_at=now)
        if status == CaseStatus.REOPENED:
            record_event(verb=Verb.REOPENED, actor=actor, record=case, company=case.company)
        refresh_sla(case)
        if status == CaseStatus.RESOLVED:
            request_rating(case)
    return case


def client_replied(*, case: Case) -> Case:
    """The client answered (a letter in the case's thread): a case waiting for them goes back
    to work and its clock runs again; a resolved or closed one is reopened."""
    if case.status == CaseStatus.WAITING:
        new = CaseStatus.IN_WORK
    elif case.status in DONE_STATUSES:
        new = CaseStatus.REOPENED
    else:
        return case
    now = timezone.now()
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        old = locked.status
        locked.status = new
        locked.version += 1
        locked.save(update_fields=["status", "version", "updated_at"])
        CasePause.objects.filter(case=locked, ended_at__isnull=True).update(ended_at=now)
        record_changes(actor=None, record=locked, changes=[FieldChange("status", old, new)])
        refresh_sla(locked)
        if locked.owner is not None:
            _tell(
                [locked.owner, *access.deputies_of(locked.owner_id)],
                title=lambda c: _("The client answered on the case %(case)s") % {"case": c},
                case=locked,
                kind=Kind.SYSTEM,
            )
    return locked


def answered(*, case: Case, at: datetime.datetime) -> None:
    """Our letter in the case's thread: the first answer, if it was not given yet."""
    if case.first_response_at is None:
        Case.objects.filter(pk=case.pk, first_response_at__isnull=True).update(first_response_at=at)
        case.first_response_at = at
        refresh_sla(case)


def request_rating(case: Case) -> CaseRating:
    """A one-answer link for the client's rating of a resolved case; e-mailed to the client
    when their address is known."""
    rating = CaseRating.objects.create(case=case, owner=case.owner, team=case.team)
    email = case.client_email
    if not email and case.contact_id and case.contact.emails:
        email = case.contact.emails[0]
    base = getattr(django_settings, "SITE_URL", "").rstrip("/")
    if email:
        link = f"{base}{rating.public_url()}"

        def run() -> None:
            try:
                send_mail(
                    _("How did we do? Case %(case)s") % {"case": case},
                    _("Your case is resolved. Please rate our work (1–5): %(link)s")
                    % {"link": link},
                    None,
                    [email],
                )
            except Exception:  # the link is on the case's page too
                log.exception("rating request for case %s not sent", case.pk)

        transaction.on_commit(run)
    return rating


def rate(*, rating: CaseRating, score: int, comment: str = "") -> CaseRating:
    """The client's one answer by the link."""
    if not 1 <= int(score) <= 5:
        raise ValidationError({"score": _("Choose a rating from 1 to 5.")})
    with transaction.atomic():
        locked = CaseRating.objects.select_for_update().get(pk=rating.pk)
        if locked.answered_at is not None:
            raise ValidationError(_("This link has already been used. Thank you!"))
        locked.score = int(score)
        locked.comment = (comment or "").strip()[:MAX_COMMENT]
        locked.answered_at = timezone.now()
        locked.save(update_fields=["score", "comment", "answered_at"])
        case = locked.case
        Case.objects.filter(pk=case.pk).update(satisfaction=locked.score)
        record_entry(
            actor=None,
            record=case,
            field="satisfaction",
            old=case.satisfaction,
            new=locked.score,
        )
        if case.owner is not None:
            _tell(
                [case.owner],
                title=lambda c: (
                    _("The client rated the case %(case)s: %(score)s of 5")
                    % {"case": c, "score": locked.score}
                ),
                body=locked.comment[:500],
                case=case,
                kind=Kind.SYSTEM,
            )
    return locked


def check_deadlines(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """The periodic job: tell the owner of a case about to breach, and the head of its team
    of a breached one — once each."""
    now = now or timezone.now()
    cal = calendar()
    rules = {(r.kind, r.priority): r for r in SlaRule.objects.all()}
    warned = breached = 0
    open_cases = (
        Case.objects.filter(status__in=[CaseStatus.NEW, CaseStatus.IN_WORK, CaseStatus.REOPENED])
        .exclude(sla_state=SlaState.BREACHED)
        .select_related("owner", "team", "team__parent")
    )
    for case in open_cases.iterator(chunk_size=200):
        rule = rules.get((case.kind, case.priority))
        if rule is None:
            continue
        pauses = _pauses(case)
        hours = [rule.resolve_hours]
        if case.first_response_at is None:
            hours.append(rule.first_response_hours)
        lefts = [(sla.left_seconds(cal, case.opened_at, h, now, pauses), h) for h in hours]
        left, budget = min(lefts)
        with transaction.atomic():
            if left < 0:
                Case.objects.filter(pk=case.pk).update(sla_state=SlaState.BREACHED, breached=True)
                # Workflow rules and webhooks may start on «a case breaches its deadline».
                announce(
                    verb="deadline_breached", entity=Entity.CASE, object_id=case.pk, label=str(case)
                )
                team = case.team or (case.owner.team if case.owner else None)
                _tell(
                    _heads_of(team),
                    title=lambda c: _("Deadline breached: %(case)s") % {"case": c},
                    case=case,
                    kind=Kind.SYSTEM,
                )
                breached += 1
            elif left <= budget * 3600 * WARN_SHARE and case.sla_state == SlaState.OK:
                Case.objects.filter(pk=case.pk).update(sla_state=SlaState.WARNED)
                people = [case.owner] if case.owner else _team_members(case.team)
                if case.owner_id:
                    people += access.deputies_of(case.owner_id)
                _tell(
                    people,
                    title=lambda c: (
                        _("A case is about to breach its deadline: %(case)s") % {"case": c}
                    ),
                    case=case,
                    kind=Kind.REMINDER,
                )
                warned += 1
    return {"warned": warned, "breached": breached}


# The people around a deal.


def _sync_decision_maker(deal) -> None:
    known = Stakeholder.objects.filter(deal=deal, role=StakeholderRole.DECISION_MAKER).exists()
    Deal.objects.filter(pk=deal.pk).update(decision_maker_known=known)


def stakeholder_save(
    *, actor: User, deal, contact, role: str, attitude: str, note: str = "", influences=()
) -> Stakeholder:
    access.require(actor, access.Action.CHANGE, deal)
    access.require_links(actor, contact=contact)
    with transaction.atomic():
        person, _created = Stakeholder.objects.update_or_create(
            deal=deal, contact=contact, defaults={"role": role, "attitude": attitude, "note": note}
        )
        person.full_clean()
        targets = [s for s in influences if s.deal_id == deal.pk and s.pk != person.pk]
        person.influences.set(targets)
        record_entry(
            actor=actor,
            record=deal,
            field="stakeholder_map",
            new=person.pk,
            new_label=f"{contact} — {person.get_role_display()}, {person.get_attitude_display()}",
        )
        _sync_decision_maker(deal)
    return person


def stakeholder_delete(*, actor: User, stakeholder: Stakeholder) -> None:
    deal = stakeholder.deal
    access.require(actor, access.Action.CHANGE, deal)
    with transaction.atomic():
        record_entry(
            actor=actor,
            record=deal,
            field="stakeholder_map",
            old=stakeholder.pk,
            old_label=str(stakeholder),
        )
        stakeholder.delete()
        _sync_decision_maker(deal)
