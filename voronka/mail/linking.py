"""Which records a letter is about: the contacts and companies whose e-mails appear in its
From, To or Cc, the open deals of those contacts, and the deal of its thread.

Addresses are matched through the search-token tables (exact e-mail tokens, one indexed
lookup per table for a whole letter). A letter's own mailbox address is left out, or every
letter would be about whoever shares it.

Leads: a letter from or to a lead's address is about the lead (a lead not yet converted:
once converted, its company and contact take the letters).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError

from voronka.accounts import access
from voronka.accounts.models import Entity, User
from voronka.activities.models import ActivityKind
from voronka.activities.services import activity_record_done
from voronka.contacts.models import Company, CompanySearchToken, Contact, ContactSearchToken
from voronka.core import text
from voronka.core.search import TokenKind
from voronka.leads.models import Lead, LeadSearchToken, LeadStatus
from voronka.sales.models import Deal, StageKind

from .models import Direction, Link, Message

log = logging.getLogger("voronka.mail")

# A letter to a whole mailing list is not about its hundred readers' deals.
MAX_DEALS = 3


@dataclass
class Matches:
    contacts: list[int] = field(default_factory=list)
    companies: list[int] = field(default_factory=list)
    deals: list[int] = field(default_factory=list)
    leads: list[int] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.contacts or self.companies or self.deals or self.leads)

    def pairs(self) -> list[tuple[str, int]]:
        return (
            [(Entity.CONTACT, pk) for pk in self.contacts]
            + [(Entity.COMPANY, pk) for pk in self.companies]
            + [(Entity.DEAL, pk) for pk in self.deals]
            + [("lead", pk) for pk in self.leads]
        )


def addresses_of(message: Message) -> set[str]:
    found = {message.from_address} | set(message.recipients)
    found.discard(message.mailbox.email.lower())
    return {text.fold(a)[: text.TOKEN_MAX_LENGTH] for a in found if a}


def _leads_by_address(addresses: set[str]) -> list[int]:
    """The leads (not converted) whose e-mail is among the addresses."""
    return sorted(
        Lead.objects.filter(
            pk__in=LeadSearchToken.objects.filter(
                kind=TokenKind.EMAIL, token__in=sorted(addresses)
            ).values("record_id")
        )
        .exclude(status=LeadStatus.CONVERTED)
        .values_list("pk", flat=True)
    )


def match(addresses: set[str], *, thread_deal_id: int | None = None) -> Matches:
    found = Matches()
    if addresses:
        found.contacts = sorted(
            set(
                ContactSearchToken.objects.filter(
                    kind=TokenKind.EMAIL, token__in=sorted(addresses)
                ).values_list("record_id", flat=True)
            )
        )
        companies = set(
            CompanySearchToken.objects.filter(
                kind=TokenKind.EMAIL, token__in=sorted(addresses)
            ).values_list("record_id", flat=True)
        )
        if found.contacts:
            companies |= set(
                Contact.objects.filter(pk__in=found.contacts, company__isnull=False).values_list(
                    "company_id", flat=True
                )
            )
        if found.contacts and not thread_deal_id:
            # A thread about a deal is about that deal only; otherwise the letter is about
            # the open deals of the people in it.
            found.deals = list(
                Deal.objects.filter(contact_id__in=found.contacts, stage__kind=StageKind.OPEN)
                .order_by("-created_at")
                .values_list("pk", flat=True)[:MAX_DEALS]
            )
        found.companies = sorted(companies)
        found.leads = _leads_by_address(addresses)
    if thread_deal_id and thread_deal_id not in found.deals:
        found.deals.append(thread_deal_id)
    return found


def link(message: Message, matches: Matches) -> None:
    """Write the letter's links (again: a re-run adds only what is missing)."""
    existing = set(message.links.values_list("entity", "object_id"))
    Link.objects.bulk_create(
        [
            Link(
                message=message,
                entity=entity,
                object_id=pk,
                mailbox_id=message.mailbox_id,
                date=message.date,
            )
            for entity, pk in matches.pairs()
            if (entity, pk) not in existing
        ]
    )


def _primary(user: User, matches: Matches, *, deal_id: int | None):
    """The deal, contact and company a letter's activity is about: those the mailbox's owner
    may see, the thread's deal first."""
    deals = {d.pk: d for d in Deal.objects.filter(pk__in=matches.deals).select_related("company")}
    deal = deals.get(deal_id) if deal_id else None
    if deal is None and len(deals) == 1:
        deal = next(iter(deals.values()))
    if deal is not None and not access.can_view(user, deal):
        deal = None
    contacts = list(Contact.objects.filter(pk__in=matches.contacts).order_by("pk"))
    contact = None
    for candidate in contacts:
        if not access.can_view(user, candidate):
            continue
        if deal is None or not deal.company_id or candidate.company_id in (None, deal.company_id):
            contact = candidate
            break
    company = None
    if deal is None and contact is None and matches.companies:
        company = (
            access.visible(user, Company.objects.filter(pk__in=matches.companies))
            .order_by("pk")
            .first()
        )
    lead = None
    if deal is None and contact is None and company is None and matches.leads:
        lead = (
            access.visible(user, Lead.objects.filter(pk__in=matches.leads)).order_by("pk").first()
        )
    return deal, contact, company, lead


def record_activity(message: Message, matches: Matches, *, actor: User, deal_id=None):
    """The letter as a done activity of kind e-mail on its main record (the timeline shows
    it there); None when the mailbox's owner may see none of the records."""
    if not matches:
        return None
    deal, contact, company, lead = _primary(actor, matches, deal_id=deal_id)
    if deal is None and contact is None and company is None and lead is None:
        return None
    who = (
        message.sender
        if message.direction == Direction.INCOMING
        else ", ".join(message.recipients[:3])
    )
    try:
        return activity_record_done(
            owner=actor,
            kind=ActivityKind.EMAIL,
            subject=message.subject,
            at=message.date,
            deal=deal,
            contact=contact,
            company=company,
            lead=lead,
            description=f"{'←' if message.direction == Direction.INCOMING else '→'} {who}"[:500],
        )
    except (ValidationError, PermissionDenied):
        log.warning("Letter %s: no activity on its records", message.pk, exc_info=True)
        return None
