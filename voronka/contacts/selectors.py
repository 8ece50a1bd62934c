"""Reads of the customer database, always through the access layer."""

from django.db.models import QuerySet

from voronka.accounts import access

from .models import Company, Contact

RELATED_LIMIT = 20


def companies_visible_to(*, user) -> QuerySet[Company]:
    return access.visible(user, Company.objects.select_related("owner"))


def contacts_visible_to(*, user) -> QuerySet[Contact]:
    return access.visible(user, Contact.objects.select_related("owner", "company"))


def company_related(*, user, company: Company) -> dict:
    """What a company's page shows beside it: its people, deals and activities the user may see."""
    from voronka.activities.selectors import activities_visible_to, postponements
    from voronka.sales.selectors import deals_visible_to

    contacts = (
        contacts_visible_to(user=user)
        .filter(company=company)
        .order_by("last_name", "first_name", "pk")
    )
    deals = deals_visible_to(user=user).filter(company=company).order_by("-created_at", "-pk")
    activities = (
        activities_visible_to(user=user).filter(company=company).order_by("done", "-due_at", "-pk")
    )
    return {
        "contacts": list(contacts[:RELATED_LIMIT]),
        "contacts_count": contacts.count(),
        "deals": list(deals[:RELATED_LIMIT]),
        "deals_count": deals.count(),
        "activities": list(activities[:RELATED_LIMIT]),
        "activities_count": activities.count(),
        "postponed": postponements(companies=[company.pk]).get(company.pk, 0),
    }


def contact_related(*, user, contact: Contact) -> dict:
    from voronka.activities.selectors import activities_visible_to
    from voronka.sales.selectors import deals_visible_to

    deals = deals_visible_to(user=user).filter(contact=contact).order_by("-created_at", "-pk")
    activities = (
        activities_visible_to(user=user).filter(contact=contact).order_by("done", "-due_at", "-pk")
    )
    return {
        "deals": list(deals[:RELATED_LIMIT]),
        "deals_count": deals.count(),
        "activities": list(activities[:RELATED_LIMIT]),
        "activities_count": activities.count(),
    }
