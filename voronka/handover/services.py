"""Handing clients over (переназначить клиентов): when a manager is ill, on leave or gone,
a head of sales moves their companies to a colleague together with the companies' contacts,
open deals and open activities. Closed deals stay with whoever closed them, and every moved
record gets an owner change in its history; the stream says what moved."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from voronka.accounts import access
from voronka.accounts.models import Action, Entity, User
from voronka.activities.models import Activity
from voronka.audit.models import HistoryEntry, StreamEvent, Verb
from voronka.audit.services import follow_owner
from voronka.contacts.models import Company, Contact
from voronka.leads.models import OPEN_STATUSES, Lead
from voronka.notifications.models import Kind
from voronka.notifications.services import notify
from voronka.sales.models import Deal, StageKind


@dataclass
class Moved:
    companies: int = 0
    contacts: int = 0
    deals: int = 0
    activities: int = 0
    leads: int = 0
    refused: list[str] = field(default_factory=list)

    def sentence(self) -> str:
        parts = [
            ngettext("%(n)s company", "%(n)s companies", self.companies) % {"n": self.companies},
            ngettext("%(n)s contact", "%(n)s contacts", self.contacts) % {"n": self.contacts},
            ngettext("%(n)s open deal", "%(n)s open deals", self.deals) % {"n": self.deals},
            ngettext("%(n)s open activity", "%(n)s open activities", self.activities)
            % {"n": self.activities},
        ]
        if self.leads:
            parts.append(ngettext("%(n)s lead", "%(n)s leads", self.leads) % {"n": self.leads})
        return ", ".join(parts)


def _reassign(model: type[models.Model], ids: list[int], *, actor: User, to_user: User) -> int:
    """Give these records to `to_user`: one UPDATE, and an owner change in each history."""
    if not ids:
        return 0
    rows = list(
        model.objects.filter(pk__in=ids).exclude(owner=to_user).values_list("pk", "owner_id")
    )
    if not rows:
        return 0
    names = {u.pk: u.display_name for u in User.objects.filter(pk__in={o for _p, o in rows})}
    model.objects.filter(pk__in=[pk for pk, _o in rows]).update(
        owner=to_user, version=F("version") + 1, updated_at=timezone.now()
    )
    entity = model.access_entity
    follow_owner(entity=entity, ids=[pk for pk, _o in rows], owner_id=to_user.pk)
    if entity in (Entity.COMPANY, Entity.CONTACT, Entity.DEAL, Entity.LEAD):
        now = timezone.now()
        HistoryEntry.objects.bulk_create(
            [
                HistoryEntry(
                    entity=entity,
                    object_id=pk,
                    batch=uuid.uuid4(),
                    field="owner",
                    old_value=owner_id,
                    new_value=to_user.pk,
                    old_label=names.get(owner_id, ""),
                    new_label=to_user.display_name,
                    actor=actor,
                    changed_at=now,
                )
                for pk, owner_id in rows
            ],
            batch_size=2000,
        )
    return len(rows)


def _check(actor: User, to_user: User) -> None:
    if not to_user.is_active:
        raise ValidationError({"to_user": _("This user is not active.")})
    for entity in (Entity.COMPANY, Entity.CONTACT, Entity.DEAL, Entity.ACTIVITY):
        if not access.can_assign(actor, entity, to_user):
            raise PermissionDenied(_("You may not hand records over to this user."))


def _changeable_ids(actor: User, queryset: models.QuerySet) -> list[int]:
    return list(access.changeable(actor, queryset).values_list("pk", flat=True))


def _tell_the_new_owner(actor: User, to_user: User, from_user: User | None, moved: Moved):
    """The manager who gets the clients hears of it under the bell (and by e-mail if they
    wish), in their language."""
    if to_user.pk == actor.pk or not (moved.companies or moved.leads or moved.deals):
        return
    with translation.override(to_user.language or settings.LANGUAGE_CODE):
        # Translators: names in the nominative (a template cannot decline them).
        title = (
            _("Clients handed over to you (%(from)s → you)") % {"from": from_user.display_name}
            if from_user is not None
            else _("Clients handed over to you")
        )
        body = moved.sentence()
    transaction.on_commit(
        lambda: notify(
            user=to_user,
            kind=Kind.ASSIGNED,
            title=title,
            body=body,
            url=reverse("contacts:company-list") + f"?owner={to_user.pk}",
            actor=actor,
        )
    )


def _tell_the_stream(
    actor: User, to_user: User, from_user: User | None, company_ids: list[int], moved: Moved
) -> None:
    """A line per handed-over company (the first hundreds), and one summary line."""
    companies = list(Company.objects.filter(pk__in=company_ids[:200]).select_related("owner"))
    StreamEvent.objects.bulk_create(
        [
            StreamEvent(
                verb=Verb.REASSIGNED,
                actor=actor,
                entity=Entity.COMPANY,
                object_id=company.pk,
                label=company.name[:255],
                owner=to_user,
                data={
                    "from": from_user.display_name if from_user else "",
                    "to": to_user.display_name,
                },
            )
            for company in companies
        ]
    )
    if from_user is not None:
        StreamEvent.objects.create(
            verb=Verb.HANDOVER,
            actor=actor,
            entity=Entity.COMPANY,
            object_id=0,
            label=from_user.display_name,
            owner=to_user,
            data={
                "from": from_user.display_name,
                "to": to_user.display_name,
                "summary": moved.sentence(),
            },
        )


def handover(
    *,
    actor: User,
    to_user: User,
    from_user: User | None = None,
    companies: models.QuerySet[Company] | None = None,
) -> Moved:
    """Move everything of `from_user`, or the chosen `companies`, to `to_user`.

    With `from_user`: all their companies, contacts, open deals, open activities and the
    leads still being worked.
    With `companies`: those companies, and their contacts, open deals and open activities
    that had the same owner as the company.
    """
    if from_user is not None and not access.can_hand_over(actor):
        raise PermissionDenied(_("Only a head of sales or an administrator hands clients over."))
    _check(actor, to_user)
    if from_user is not None and from_user.pk == to_user.pk:
        raise ValidationError({"to_user": _("Choose another manager to hand over to.")})
    with transaction.atomic():
        if companies is None:
            if from_user is None:
                raise ValidationError(_("Choose whose clients to hand over."))
            if not access.can(actor, Action.CHANGE, Company(owner=from_user)):
                raise PermissionDenied(_("You may not hand over this manager's records."))
            company_q = Company.objects.filter(owner=from_user)
            contact_q = Contact.objects.filter(owner=from_user)
            deal_q = Deal.objects.filter(owner=from_user, stage__kind=StageKind.OPEN)
            activity_q = Activity.objects.filter(owner=from_user, done__is=False)
            lead_q = Lead.objects.filter(owner=from_user, status__in=OPEN_STATUSES)
        else:
            chosen = list(access.changeable(actor, companies).values_list("pk", "owner_id"))
            by_owner = Q(pk__in=[])
            for company_id, owner_id in chosen:
                by_owner |= Q(company_id=company_id, owner_id=owner_id)
            company_q = Company.objects.filter(pk__in=[pk for pk, _o in chosen])
            contact_q = Contact.objects.filter(by_owner)
            deal_q = Deal.objects.filter(by_owner, stage__kind=StageKind.OPEN)
            activity_q = Activity.objects.filter(by_owner, done__is=False)
            lead_q = Lead.objects.none()
        moved = Moved()
        company_ids = _changeable_ids(actor, company_q)
        moved.companies = _reassign(Company, company_ids, actor=actor, to_user=to_user)
        moved.contacts = _reassign(
            Contact, _changeable_ids(actor, contact_q), actor=actor, to_user=to_user
        )
        moved.deals = _reassign(Deal, _changeable_ids(actor, deal_q), actor=actor, to_user=to_user)
        moved.activities = _reassign(
            Activity, _changeable_ids(actor, activity_q), actor=actor, to_user=to_user
        )
        moved.leads = _reassign(Lead, _changeable_ids(actor, lead_q), actor=actor, to_user=to_user)
        _tell_the_stream(actor, to_user, from_user, company_ids, moved)
        _tell_the_new_owner(actor, to_user, from_user, moved)
    return moved


def reassign(*, actor: User, queryset: models.QuerySet, to_user: User) -> tuple[int, int]:
    """Give the chosen records of one list to another owner; returns (moved, not allowed)."""
    _check(actor, to_user)
    wanted = list(queryset.values_list("pk", flat=True))
    allowed = _changeable_ids(actor, queryset)
    with transaction.atomic():
        moved = _reassign(queryset.model, allowed, actor=actor, to_user=to_user)
    return moved, len(wanted) - len(allowed)


def handover_preview(*, owner: User) -> Moved:
    """What handing over everything of this manager would move."""
    return Moved(
        companies=Company.objects.filter(owner=owner).count(),
        contacts=Contact.objects.filter(owner=owner).count(),
        deals=Deal.objects.filter(owner=owner, stage__kind=StageKind.OPEN).count(),
        activities=Activity.objects.filter(owner=owner, done__is=False).count(),
        leads=Lead.objects.filter(owner=owner, status__in=OPEN_STATUSES).count(),
    )
