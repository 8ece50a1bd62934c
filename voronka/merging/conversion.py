"""Converting a lead: in one step it becomes a company (or is linked to an existing one), a
contact (or a link to one) and, if wanted, a deal in a chosen pipeline. The lead keeps links
to what it became; what was planned and logged on it (its activities, and any other app's
rows that point at it) gets the new company, contact and deal, and its stream events show
on the company's page. Decision 0007 says why this lives above the activities.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from voronka.accounts import access
from voronka.accounts.models import User
from voronka.activities import next_steps
from voronka.audit.models import StreamEvent, Verb
from voronka.audit.records import FieldChange, update_record
from voronka.audit.services import record_event
from voronka.contacts.duplicates import company_matches, contact_matches
from voronka.contacts.models import Company, Contact
from voronka.contacts.services import company_create, contact_create
from voronka.leads.models import Lead, LeadStatus
from voronka.sales.models import Deal, Pipeline
from voronka.sales.services import deal_create

from .moves import relations

# What the lead's related rows get, by the name of their link field.
_LINKS = ("company", "contact", "deal")


PATRONYMIC_ENDINGS = ("вич", "вна", "ична", "инична", "оглы", "кызы", "улы", "қызы")


def split_person(name: str) -> tuple[str, str, str]:
    """A name as typed into a form, as last, first and middle name. «Иванов Пётр Сергеевич»
    (with a patronymic) is in the formal order; two words are how people introduce themselves,
    «Болат Турсынхан» = first and last; a single word is taken as the last name."""
    parts = (name or "").split()
    if not parts:
        return "", "", ""
    if len(parts) == 1:
        return parts[0], "", ""
    if len(parts) == 2:
        return parts[1], parts[0], ""
    if parts[-1].casefold().endswith(PATRONYMIC_ENDINGS):
        return parts[0], parts[1], " ".join(parts[2:])
    return parts[-1], parts[0], " ".join(parts[1:-1])


def company_suggestions(lead: Lead):
    """Companies that look like the lead's: same e-mail, phone, or name after normalising."""
    return company_matches(
        name=lead.company_name,
        emails=[lead.email] if lead.email else [],
        phones=[lead.phone] if lead.phone else [],
    )


def contact_suggestions(lead: Lead):
    return contact_matches(
        name=lead.person_name,
        emails=[lead.email] if lead.email else [],
        phones=[lead.phone] if lead.phone else [],
    )


@dataclass
class Converted:
    lead: Lead
    company: Company | None
    contact: Contact | None
    deal: Deal | None


def _move_related(lead: Lead, links: dict[str, Any]) -> None:
    """Rows that point at the lead (its activities, and whatever other apps hang off a lead)
    get the company, contact and deal they do not have yet; they keep the lead too."""
    for model, field in relations(Lead):
        names = {f.name for f in model._meta.concrete_fields}
        rows = model._default_manager.filter(**{field: lead})
        for name, record in links.items():
            if record is not None and name in names:
                rows.filter(**{f"{name}__isnull": True}).update(**{name: record})


def lead_convert(
    *,
    actor: User,
    lead: Lead,
    company: Company | None = None,
    company_data: dict[str, Any] | None = None,
    contact: Contact | None = None,
    contact_data: dict[str, Any] | None = None,
    deal_data: dict[str, Any] | None = None,
) -> Converted:
    """Convert a lead. Either link an existing `company` or create one from `company_data`
    (likewise the contact; neither means no contact); `deal_data` (name, pipeline, amount,
    currency…) creates a deal with the lead's source. The duplicates were shown before
    (`company_suggestions`), so new records are saved even if they look alike."""
    access.require(actor, access.Action.CHANGE, lead)
    if not lead.is_open:
        raise ValidationError(_("Only an open lead can be converted."))
    if company is None and company_data is None:
        raise ValidationError({"company": _("Choose a company or create one.")})
    access.require_links(actor, company=company, contact=contact)
    with transaction.atomic():
        if company is None:
            company = company_create(
                actor=actor,
                data={"owner": lead.owner, "is_customer": True, **company_data},
                allow_duplicates=True,
            )
        if contact is None and contact_data is not None:
            contact = contact_create(
                actor=actor,
                data={"owner": lead.owner, "company": company, **contact_data},
                allow_duplicates=True,
            )
        deal = None
        if deal_data is not None:
            deal_data = dict(deal_data)
            pipeline: Pipeline = deal_data.pop("pipeline")
            stage = pipeline.first_open_stage()
            if stage is None:
                raise ValidationError({"pipeline": _("This pipeline has no open stage.")})
            deal = deal_create(
                actor=actor,
                data={
                    "owner": lead.owner,
                    "company": company,
                    "contact": contact,
                    "stage": stage,
                    "lead_source": lead.source,
                    "amount": deal_data.pop("amount", None) or Decimal("0"),
                    "description": lead.question,
                    **deal_data,
                },
            )
        links = {"company": company, "contact": contact, "deal": deal}

        def before_save(record: Lead, changes: list[FieldChange]) -> list[FieldChange]:
            if record.first_contact_at is None:
                record.first_contact_at = timezone.now()
                return [FieldChange("first_contact_at", None, record.first_contact_at)]
            return []

        lead, _changes = update_record(
            lead,
            {
                "status": LeadStatus.CONVERTED,
                "converted_at": timezone.now(),
                "company": company,
                "contact": contact,
                "deal": deal,
            },
            actor=actor,
            version=None,
            before_save=before_save,
        )
        _move_related(lead, links)
        # The lead's stream shows on the company's page (a company's stream takes the events
        # that name it).
        StreamEvent.objects.filter(entity=lead.access_entity, object_id=lead.pk).update(
            company_id=company.pk, company_label=str(company)[:255]
        )
        record_event(verb=Verb.CONVERTED, actor=actor, record=lead, company=company)
        next_steps.refresh(deals=[deal.pk if deal else None], companies=[company.pk])
    return Converted(lead=lead, company=company, contact=contact, deal=deal)


__all__ = [
    "Converted",
    "company_suggestions",
    "contact_suggestions",
    "lead_convert",
    "split_person",
]
