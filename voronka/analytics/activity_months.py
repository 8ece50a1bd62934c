"""The activities completed per manager, month, kind and outcome kind (`ActivityMonth`).

A department's scorecard for a year would otherwise read every activity of the year (over
half a million on the volume data set, more than a second on SQLite). The months before the
current one are summed nightly, after the classification; a period is then counted as its
whole summed months from the summary plus the rest (the current month, partial months at its
edges, months not summed yet) from the activities themselves. An activity changed in an
already summed month shows from the next night, like the data completeness."""

from __future__ import annotations

import datetime
from functools import reduce
from operator import or_

from django.db import transaction
from django.db.models import Count, Max, Min, Q, Sum
from django.utils import timezone

from voronka.accounts import access
from voronka.accounts.models import Entity
from voronka.activities.models import Activity
from voronka.core import dates

from .models import ActivityMonth
from .selectors import _moments


def _month_rows(qs) -> list[dict]:
    # COUNT(*), not COUNT(id): PostgreSQL can then answer from the index of done activities.
    return list(
        qs.filter(owner__isnull=False)
        .values("owner", "kind", "outcome__kind")
        .annotate(n=Count("*"))
        .order_by()
    )


def rebuild(today: datetime.date | None = None) -> int:
    """Sum every month before the current one (in the installation's time zone) anew: one
    grouped query per month over its range of `done_at`, which the index of done activities
    serves; the table replaced in one transaction. Returns the number of rows."""
    today = today or timezone.localdate()
    current = dates.month_start(today)
    done = Activity.objects.filter(done__is=True)
    first = done.aggregate(first=Min("done_at"))["first"]
    found = []
    if first is not None:
        month = dates.month_start(timezone.localdate(first))
        while month < current:
            start, after = _moments(month, dates.next_month(month) - datetime.timedelta(days=1))
            for row in _month_rows(done.filter(done_at__gte=start, done_at__lt=after)):
                found.append(
                    ActivityMonth(
                        month=month,
                        owner_id=row["owner"],
                        kind=row["kind"],
                        outcome_kind=row["outcome__kind"] or "",
                        count=row["n"],
                    )
                )
            month = dates.next_month(month)
    with transaction.atomic():
        ActivityMonth.objects.all().delete()
        ActivityMonth.objects.bulk_create(found, batch_size=2000)
    return len(found)


def summed_months(start: datetime.date, end: datetime.date) -> tuple[datetime.date, ...] | None:
    """The first and last whole month of [start, end] that the summary holds, or None."""
    through = ActivityMonth.objects.aggregate(last=Max("month"))["last"]
    if through is None:
        return None
    first = start if start.day == 1 else dates.next_month(start)
    # The last month that ends inside the period: the one before the month of the day after.
    last = min(through, dates.month_start(end + datetime.timedelta(days=1), back=1))
    return (first, last) if first <= last else None


def done_by_kind(user, owner_ids, start: datetime.date, end: datetime.date) -> list[dict]:
    """(owner, kind, outcome__kind, n) rows of the activities the user may see that the given
    managers completed in [start, end]; from the summary where it can, the rest counted."""
    first, after = _moments(start, end)
    live = Activity.objects.filter(done__is=True, owner__in=owner_ids)
    months = summed_months(start, end)
    if months is None:
        return _month_rows(access.visible(user, live.filter(done_at__gte=first, done_at__lt=after)))
    lo, hi = months
    lo_moment, _ = _moments(lo, lo)
    hi_after, _ = _moments(dates.next_month(hi), dates.next_month(hi))
    ranges = []
    if first < lo_moment:
        ranges.append(Q(done_at__gte=first, done_at__lt=lo_moment))
    if hi_after < after:
        ranges.append(Q(done_at__gte=hi_after, done_at__lt=after))
    rows = _month_rows(access.visible(user, live.filter(reduce(or_, ranges)))) if ranges else []
    summed = access.visible_by_owner(
        user,
        Entity.ACTIVITY,
        ActivityMonth.objects.filter(month__gte=lo, month__lte=hi, owner__in=owner_ids),
    )
    for row in summed.values("owner", "kind", "outcome_kind").annotate(n=Sum("count")).order_by():
        rows.append(
            {
                "owner": row["owner"],
                "kind": row["kind"],
                "outcome__kind": row["outcome_kind"] or None,
                "n": row["n"],
            }
        )
    return rows
