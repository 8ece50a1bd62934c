"""Reads of the customer database, always through the access layer."""

from django.db.models import QuerySet

from voronka.accounts import access

from .models import Company, Contact

RELATED_LIMIT = 20


def companies_visible_to(*, user) -> QuerySet[Company]:
    return access.visible(user, Company.objects.select_related("owner"))


def contacts_visible_to(*, user) -> QuerySet[Contact]:
    return access.visible(user, Contact.objects.select_related("owner", "company"))


def contact_label(contact: Contact) -> str:
    """A person as an autocomplete offers them: the name, and the company to tell namesakes
    apart."""
    return f"{contact.full_name} ({contact.company.name})" if contact.company else contact.full_name


def contact_links(contact: Contact, *, user) -> dict:
    """What a form needs to know about a chosen person besides the name: the company, where
    company and person must agree (its name only for a user who may see it)."""
    links = {"company": contact.company_id}
    if contact.company is not None and access.can_view(user, contact.company):
        links["company_text"] = contact.company.name
    return links


def company_contacts(*, user, company: Company) -> dict:
    """The people of a company the user may see, for the company's page."""
    contacts = (
        contacts_visible_to(user=user)
        .filter(company=company)
        .order_by("last_name", "first_name", "pk")
    )
    return {"contacts": list(contacts[:RELATED_LIMIT]), "contacts_count": contacts.count()}
