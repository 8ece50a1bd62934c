"""Reads of cases, always through the access layer (which lets a team's members see the cases
waiting in its queue, and a deputy those of the colleague they cover for)."""

from __future__ import annotations

from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone

from voronka.accounts import access

from .models import OPEN_STATUSES, Case, CaseRating, Stakeholder


def cases_visible_to(*, user) -> QuerySet[Case]:
    cases = Case.objects.select_related("owner", "team", "company", "contact")
    return access.visible(user, cases)


def overdue(cases: QuerySet[Case], now=None) -> QuerySet[Case]:
    """Open cases past a deadline (the clock of a waiting case stands still)."""
    now = now or timezone.now()
    return cases.filter(status__in=[s for s in OPEN_STATUSES if s != "waiting"]).filter(
        Q(response_due_at__lt=now) | Q(resolve_due_at__lt=now) | Q(breached=True)
    )


def stakeholders_of(deal) -> list[Stakeholder]:
    return list(
        Stakeholder.objects.filter(deal=deal)
        .select_related("contact")
        .prefetch_related("influences")
        .order_by("role", "pk")
    )


def ratings_by(field: str, *, ratings: QuerySet[CaseRating]) -> dict[int, dict]:
    """Answered ratings per owner or team: {id: {"count": n, "average": x}}."""
    rows = (
        ratings.filter(score__isnull=False)
        .values(field)
        .annotate(count=Count("pk"), average=Avg("score"))
    )
    return {r[field]: {"count": r["count"], "average": r["average"]} for r in rows if r[field]}
