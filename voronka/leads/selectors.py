"""Reads of leads, always through the access layer."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from voronka.accounts import access

from .models import Lead, LeadStatus


def leads_visible_to(*, user) -> QuerySet[Lead]:
    """The leads a user may see, and those waiting in the queue of their team (any member may
    take one)."""
    leads = Lead.objects.select_related("owner", "source", "disqualify_reason")
    visible = access.visible(user, leads)
    if user.is_authenticated and user.team_id and not access.is_admin(user):
        teams = sorted(access.team_ids_below(user.team_id))
        queued = leads.filter(in_queue=True, team_id__in=teams)
        return leads.filter(Q(pk__in=visible.values("pk")) | Q(pk__in=queued.values("pk")))
    return visible


def overdue_since(hours: int, now: datetime.datetime | None = None) -> datetime.datetime:
    return (now or timezone.now()) - datetime.timedelta(hours=hours)


def overdue(leads: QuerySet[Lead], hours: int) -> QuerySet[Lead]:
    """New leads nobody contacted within the setting's hours."""
    return leads.filter(
        status=LeadStatus.NEW,
        first_contact_at__isnull=True,
        requested_at__lt=overdue_since(hours),
    )
