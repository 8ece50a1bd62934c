"""Reads of documents, payments and files, with the viewer's rights."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone

from voronka.accounts import access

from .attachables import documents_visible_to
from .models import Attachment, Document, DocumentKind, InvoiceStatus, Payment

__all__ = ["attachments_of", "documents_visible_to", "receivables"]

AGEING = [(0, 0), (1, 30), (31, 60), (61, 90), (91, None)]


def attachments_of(entity: str, record) -> QuerySet[Attachment]:
    """The files of a record the caller has already checked the user may see."""
    return Attachment.objects.filter(entity=entity, object_id=record.pk).select_related(
        "uploaded_by"
    )


def open_invoices(user) -> QuerySet[Document]:
    return documents_visible_to(user).filter(
        type__kind=DocumentKind.INVOICE,
        status__in=[InvoiceStatus.ISSUED, InvoiceStatus.PARTLY_PAID],
    )


def receivables(user, *, today: datetime.date | None = None, by: str = "company") -> list[dict]:
    """What clients owe on open invoices, by client (or by manager), in ageing buckets of
    days past due: not yet due, 1–30, 31–60, 61–90, over 90. Amounts per currency."""
    today = today or timezone.localdate()
    rows: dict[tuple, dict] = {}
    invoices = open_invoices(user).select_related("company", "deal__owner")
    for invoice in invoices:
        if by == "owner":
            key = (invoice.deal.owner_id, invoice.currency)
            label = invoice.deal.owner.display_name
        else:
            key = (invoice.company_id, invoice.currency)
            label = (
                invoice.company.name
                if invoice.company
                else invoice.content.get("client", {}).get("name", "—")
            )
        row = rows.setdefault(
            key,
            {
                "label": label,
                "currency": invoice.currency,
                "buckets": [Decimal("0")] * 5,
                "total": Decimal("0"),
                "count": 0,
                "company_id": invoice.company_id,
            },
        )
        days = (today - invoice.due_date).days if invoice.due_date else 0
        index = 0
        for position, (low, high) in enumerate(AGEING):
            if days >= low and (high is None or days <= high):
                index = position
        balance = invoice.balance
        row["buckets"][index] += balance
        row["total"] += balance
        row["count"] += 1
    return sorted(rows.values(), key=lambda r: (-r["total"], r["label"]))


def payments_by_owner(user, *, start: datetime.date, end: datetime.date) -> list[dict]:
    """Managers' figures by money received (seed 004: «сумма оплаты»), next to won deals."""
    visible = documents_visible_to(user).values("pk")
    totals: dict[tuple, Decimal] = defaultdict(Decimal)
    names: dict[int, str] = {}
    for payment in Payment.objects.filter(
        document__in=visible, date__gte=start, date__lte=end
    ).select_related("document__deal__owner"):
        owner = payment.document.deal.owner
        names[owner.pk] = owner.display_name
        totals[(owner.pk, payment.document.currency)] += payment.amount
    return sorted(
        (
            {"owner": names[pk], "currency": currency, "paid": amount}
            for (pk, currency), amount in totals.items()
        ),
        key=lambda r: (-r["paid"], r["owner"]),
    )


def can_change_document(user, document: Document) -> bool:
    return access.can_change(user, document.deal)
