"""Reads of activities, always through the access layer."""

from collections.abc import Iterable

from django.db.models import Count, QuerySet

from voronka.accounts import access

from .models import Activity, OutcomeKind


def activities_visible_to(*, user) -> QuerySet[Activity]:
    return access.visible(
        user,
        Activity.objects.select_related(
            "owner", "company", "contact", "deal", "lead", "type", "outcome"
        ),
    )


def postponements(
    *, companies: Iterable[int] | None = None, deals: Iterable[int] | None = None
) -> dict[int, int]:
    """How many times activities with a client (or about a deal) were postponed, by id."""
    field, ids = ("company_id", companies) if companies is not None else ("deal_id", deals)
    rows = (
        Activity.objects.filter(**{f"{field}__in": list(ids or [])})
        .filter(outcome__kind=OutcomeKind.POSTPONED)
        .values(field)
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row[field]: row["n"] for row in rows}
