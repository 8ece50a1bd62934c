"""Reads of activities, always through the access layer."""

from django.db.models import QuerySet

from voronka.accounts import access

from .models import Activity


def activities_visible_to(*, user) -> QuerySet[Activity]:
    return access.visible(
        user,
        Activity.objects.select_related("owner", "company", "contact", "deal", "type", "outcome"),
    )
