"""The next step of a deal and of a customer: the nearest planned activity (a call, meeting,
task… not yet done; notes do not count). The activities' services keep it on the deal
(`next_activity_at`, `next_activity_subject`) and the company (`next_activity_at`) whenever an
activity is planned, moved, done or deleted, so that the board, the lists' "without a next
step" filters, the home page and the scorecard read one column instead of a subquery."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from voronka.contacts.models import Company
from voronka.sales.models import Deal

from .models import Activity, ActivityKind


def _planned():
    # Constants (`__is`): SQLite then reads the partial indexes of open activities.
    return Activity.objects.filter(done__is=False).exclude(kind__is=ActivityKind.NOTE)


def _moment():
    # A planned activity always has its date (Activity.clean); the creation time stands in
    # for one written around the services.
    return Coalesce(F("due_at"), F("created_at"))


def refresh(*, deals: Iterable[int | None] = (), companies: Iterable[int | None] = ()) -> None:
    """Recompute the next step of these deals and companies (ids; None is skipped). Each row is
    locked first, so two activities planned at once on one deal leave the right answer."""
    with transaction.atomic():
        for deal_id in sorted({pk for pk in deals if pk}):
            list(Deal.objects.select_for_update().filter(pk=deal_id).values_list("pk"))
            nearest = (
                _planned()
                .filter(deal_id=deal_id)
                .annotate(moment=_moment())
                .order_by("moment", "pk")
                .values_list("moment", "subject")
                .first()
            )
            Deal.objects.filter(pk=deal_id).update(
                next_activity_at=nearest[0] if nearest else None,
                next_activity_subject=nearest[1] if nearest else "",
            )
        for company_id in sorted({pk for pk in companies if pk}):
            list(Company.objects.select_for_update().filter(pk=company_id).values_list("pk"))
            moment = (
                _planned()
                .filter(company_id=company_id)
                .annotate(moment=_moment())
                .order_by("moment")
                .values_list("moment", flat=True)
                .first()
            )
            Company.objects.filter(pk=company_id).update(next_activity_at=moment)


def refresh_all() -> None:
    """Every deal's and company's next step in two statements: after activities were written
    in bulk (the volume data set, an import), and once when the columns were added."""
    upcoming = _planned().annotate(moment=_moment()).order_by("moment", "pk")
    by_deal = upcoming.filter(deal_id=OuterRef("pk"))
    Deal.objects.update(
        next_activity_at=Subquery(by_deal.values("moment")[:1]),
        next_activity_subject=Coalesce(Subquery(by_deal.values("subject")[:1]), Value("")),
    )
    Company.objects.update(
        next_activity_at=Subquery(upcoming.filter(company_id=OuterRef("pk")).values("moment")[:1])
    )
