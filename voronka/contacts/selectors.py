"""Reads of the customer database, always through the access layer."""

from django.db.models import QuerySet

from voronka.accounts import access

from .models import Company, Contact

RELATED_LIMIT = 20


def companies_visible_to(*, user) -> QuerySet[Company]:
    return access.visible(user, Company.objects.select_related("owner"))


def contacts_visible_to(*, user) -> QuerySet[Contact]:
    return access.visible(user, Contact.objects.select_related("owner", "company"))


def company_contacts(*, user, company: Company) -> dict:
    """The people of a company the user may see, for the company's page."""
    contacts = (
        contacts_visible_to(user=user)
        .filter(company=company)
        .order_by("last_name", "first_name", "pk")
    )
    return {"contacts": list(contacts[:RELATED_LIMIT]), "contacts_count": contacts.count()}
