"""The «Service» report: cases opened in a period and how they went — what is open now, the
deadlines breached, the average times to the first answer and to the resolution (wall-clock
hours), the cases by type, the complaints by product and the clients' satisfaction."""

from __future__ import annotations

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet

from voronka.service.models import OPEN_STATUSES, Case, CaseKind


def _hours(value) -> float | None:
    return round(value.total_seconds() / 3600, 1) if value is not None else None


def figures(cases: QuerySet[Case], opened: QuerySet[Case]) -> dict:
    """`cases`: every case the user sees (for what is open now); `opened`: those opened in
    the period."""
    totals = opened.aggregate(
        count=Count("pk"),
        breached=Count("pk", filter=Q(breached=True)),
        complaints=Count("pk", filter=Q(kind=CaseKind.COMPLAINT)),
        average=Avg("satisfaction"),
        rated=Count("pk", filter=Q(satisfaction__isnull=False)),
        first_answer=Avg(
            ExpressionWrapper(F("first_response_at") - F("opened_at"), output_field=DurationField())
        ),
        resolution=Avg(
            ExpressionWrapper(F("resolved_at") - F("opened_at"), output_field=DurationField())
        ),
    )
    labels = dict(CaseKind.choices)
    by_kind = [
        {"label": labels.get(row["kind"], row["kind"]), "n": row["n"], "breached": row["b"]}
        for row in opened.values("kind")
        .annotate(n=Count("pk"), b=Count("pk", filter=Q(breached=True)))
        .order_by("-n")
    ]
    by_product = list(
        opened.filter(kind=CaseKind.COMPLAINT)
        .values("product")
        .annotate(n=Count("pk"), average=Avg("satisfaction"))
        .order_by("-n", "product")[:20]
    )
    return {
        "open_now": cases.filter(status__in=OPEN_STATUSES).count(),
        "count": totals["count"],
        "breached": totals["breached"],
        "complaints": totals["complaints"],
        "satisfaction": round(totals["average"], 2) if totals["average"] else None,
        "rated": totals["rated"],
        "first_answer_hours": _hours(totals["first_answer"]),
        "resolution_hours": _hours(totals["resolution"]),
        "by_kind": by_kind,
        "by_product": by_product,
    }
