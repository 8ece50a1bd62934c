"""/reports/receivables/: what clients owe on open invoices, by client or by manager, in
ageing buckets; and the managers' money received in a period next to their won deals
(seed 004: «сумма оплаты и сумма отгрузки»). With the viewer's rights."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from voronka.documents.selectors import AGEING, payments_by_owner, receivables


def _date(raw: str | None, default: datetime.date) -> datetime.date:
    try:
        value = datetime.date.fromisoformat(raw or "")
    except ValueError:
        return default
    return value if datetime.date(2000, 1, 1) <= value <= datetime.date(2100, 1, 1) else default


@login_required
@require_GET
def receivables_page(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    by = "owner" if request.GET.get("by") == "owner" else "company"
    start = _date(request.GET.get("start"), today.replace(day=1))
    end = _date(request.GET.get("end"), today)
    rows = receivables(request.user, today=today, by=by)
    totals: dict[str, list] = {}
    for row in rows:
        bucket = totals.setdefault(row["currency"], [0] * (len(AGEING) + 1))
        for index, amount in enumerate(row["buckets"]):
            bucket[index] += amount
        bucket[-1] += row["total"]
    return render(
        request,
        "analytics/receivables.html",
        {
            "rows": rows,
            "totals": sorted(totals.items()),
            "by": by,
            "start": start,
            "end": end,
            "payments": payments_by_owner(request.user, start=start, end=end),
            "section": "reports",
        },
    )
