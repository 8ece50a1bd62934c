"""Writes of the documents app: documents made from deals with gap-free numbers, their
files, payments and invoice statuses (kept on the deal as its invoice state for the stage
rules), the overdue reminders, and attachments."""

from __future__ import annotations

import datetime
import logging
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from markupsafe import Markup

from voronka.accounts import access
from voronka.accounts.models import User
from voronka.activities.models import ActivityKind
from voronka.activities.services import activity_create
from voronka.audit.deletion import delete_record
from voronka.catalog.selectors import vat_rates_on
from voronka.catalog.services import parse_money, read_table
from voronka.core import text
from voronka.sales.models import Deal, InvoiceState

from . import files, rendering
from .attachables import documents_visible_to, entity_of
from .models import (
    Attachment,
    Document,
    DocumentKind,
    DocumentType,
    InvoiceStatus,
    NumberCounter,
    Payment,
    Requisites,
)
from .words import amount_in_words

log = logging.getLogger("voronka.documents")

_MONTHS = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
]
_CURRENCY_SHORT = {"RUB": "руб.", "KZT": "тенге", "USD": "долл. США", "EUR": "евро"}
_TEMPLATES = {DocumentKind.INVOICE: "invoice", DocumentKind.QUOTE: "quote"}
DEFAULT_PAYMENT_DAYS = 5


def requisites() -> Requisites:
    return Requisites.objects.order_by("pk").first() or Requisites()


def date_words(day: datetime.date) -> str:
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year} г."


# Numbering -----------------------------------------------------------------------------------


def take_number(doc_type: DocumentType, year: int) -> int:
    """The next number of a type in a year. Call inside the transaction that saves the
    document: the counter row stays locked until it commits, and a rollback gives the number
    back, so there are no gaps and no doubles however many are made at once."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("take_number() must run inside the document's transaction")
    NumberCounter.objects.get_or_create(type=doc_type, year=year)
    counter = NumberCounter.objects.select_for_update().get(type=doc_type, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


# Content -------------------------------------------------------------------------------------


def _party_of_org(org: Requisites) -> dict[str, str]:
    def image(field) -> str:
        if not field:
            return ""
        try:
            with field.open("rb") as stream:
                return rendering.data_uri(stream.read(), files.detect_type(field.name, b"")[0])
        except OSError:
            return ""

    return {
        "name": org.name,
        "inn": org.inn,
        "kpp": org.kpp,
        "bin": org.bin,
        "ogrn": org.ogrn,
        "bank": org.bank,
        "bik": org.bik,
        "account": org.account,
        "correspondent_account": org.correspondent_account,
        "address": org.address,
        "director": org.director,
        "accountant": org.accountant,
        "phone": org.phone,
        "email": org.email,
        "country": org.country,
        "signature": image(org.signature),
        "stamp": image(org.stamp),
    }


def build_content(*, deal: Deal, doc_type: DocumentType, day: datetime.date) -> dict[str, Any]:
    """What the document says: the parties, the deal's lines (or the deal itself as one line
    when it has none), VAT at the rates in force on the document's date, the totals and the
    amount in words. Kept on the document as plain JSON."""
    org = requisites()
    rates = vat_rates_on(country=org.country, on=day)
    company = deal.company
    lines = list(deal.lines.all())
    rows = []
    vat_total, vat_rates, has_vat = Decimal("0"), set(), False
    attribute_names = {}
    for line in lines:
        if line.price_list_line_id and not attribute_names:
            attribute_names = {
                a.code: a.name for a in line.price_list_line.price_list.type.attributes.all()
            }
    source = lines or [None]
    for number, line in enumerate(source, start=1):
        if line is None:
            row = {
                "name": deal.name,
                "quantity": "1",
                "unit": "усл",
                "unit_code": "876",
                "price": str(deal.amount),
                "discount": "0",
                "total": str(deal.amount),
                "vat_kind": "standard",
                "attributes": [],
            }
        else:
            row = {
                "name": line.name,
                "quantity": str(line.quantity),
                "unit": line.unit,
                "unit_code": line.unit_code,
                "price": str(line.price),
                "discount": str(line.discount_percent),
                "total": str(line.total),
                "vat_kind": line.vat_kind,
                "attributes": [
                    {"name": attribute_names.get(code, code), "value": str(value)}
                    for code, value in (line.attributes or {}).items()
                    if value not in (None, "")
                ],
            }
        rate = rates.get(row["vat_kind"])
        vat = None
        if rate is not None:
            has_vat = True
            vat = (Decimal(row["total"]) * rate / (100 + rate)).quantize(Decimal("0.01"))
            vat_total += vat
            vat_rates.add(rate)
        row |= {
            "n": number,
            "vat_rate": None if rate is None else str(rate),
            "vat": None if vat is None else str(vat),
        }
        rows.append(row)
    amount = sum((Decimal(r["total"]) for r in rows), start=Decimal("0"))
    if not has_vat:
        vat_label = "Без налога (НДС)"
    elif len(vat_rates) == 1:
        vat_label = f"В том числе НДС {next(iter(vat_rates)).normalize():f} %"
    else:
        vat_label = "В том числе НДС"
    contact = deal.contact
    return {
        "doc": {
            "title": doc_type.name,
            "kind": doc_type.kind,
            "date": f"{day:%d.%m.%Y}",
            "date_words": date_words(day),
            "number": "",
            "due_date": "",
        },
        "org": _party_of_org(org),
        "client": {
            "name": company.name if company else (contact.full_name if contact else ""),
            "inn": company.inn if company else "",
            "kpp": company.kpp if company else "",
            "bin": company.bin if company else "",
            "ogrn": company.ogrn if company else "",
            "address": company.address if company else "",
            "contact": contact.full_name if contact else "",
        },
        "deal": {"name": deal.name, "id": deal.pk},
        "lines": rows,
        "totals": {
            "amount": str(amount),
            "vat": str(vat_total) if has_vat else None,
            "vat_label": vat_label,
            "count": len(rows),
            "currency": deal.currency,
            "currency_short": _CURRENCY_SHORT.get(deal.currency, deal.currency),
            "words": amount_in_words(amount, deal.currency),
            "words_kk": amount_in_words(amount, deal.currency, language="kk")
            if org.country == "KZ"
            else "",
            "has_discount": any(Decimal(r["discount"]) for r in rows),
        },
    }


def render_pdf(document: Document) -> bytes:
    template = _TEMPLATES.get(document.type.kind, "generic")
    css = Markup((rendering.STOCK_DIR / "base.css").read_text(encoding="utf-8"))  # noqa: S704 — our own file
    html = rendering.render_html(template, {**document.content, "css": css})
    return rendering.html_to_pdf(html)


def render_docx(document: Document) -> bytes | None:
    if not document.type.docx_template:
        return None
    with document.type.docx_template.open("rb") as stream:
        template = stream.read()
    return rendering.render_docx(template, document.content)


# Documents -----------------------------------------------------------------------------------


def document_create(
    *,
    actor: User,
    deal: Deal,
    doc_type: DocumentType,
    day: datetime.date | None = None,
    due_date: datetime.date | None = None,
    render: bool = True,
) -> Document:
    """A document from a deal: numbered in its type's sequence of the year, its content
    fixed, its PDF (and DOCX, when the type has a template) stored."""
    access.require(actor, access.Action.CHANGE, deal)
    if not doc_type.is_active:
        raise ValidationError(_("This document type is switched off."))
    day = day or timezone.localdate()
    content = build_content(deal=deal, doc_type=doc_type, day=day)
    is_invoice = doc_type.kind == DocumentKind.INVOICE
    if is_invoice and due_date is None:
        due_date = day + datetime.timedelta(days=DEFAULT_PAYMENT_DAYS)
    if doc_type.docx_template:
        # A broken or hostile template is refused before a number is taken.
        rendering.render_docx(doc_type.docx_template.open("rb").read(), content)
    with transaction.atomic():
        number = take_number(doc_type, day.year)
        content["doc"]["number"] = f"{doc_type.prefix}{number}"
        content["doc"]["due_date"] = f"{due_date:%d.%m.%Y}" if due_date else ""
        document = Document.objects.create(
            type=doc_type,
            number=number,
            year=day.year,
            date=day,
            deal=deal,
            company=deal.company,
            contact=deal.contact,
            amount=Decimal(content["totals"]["amount"]),
            vat_amount=Decimal(content["totals"]["vat"]) if content["totals"]["vat"] else None,
            currency=deal.currency,
            content=content,
            status=InvoiceStatus.ISSUED if is_invoice else InvoiceStatus.NONE,
            due_date=due_date,
            created_by=actor,
        )
        if is_invoice:
            sync_deal_invoice_state(deal.pk)
    if render:
        store_files(document)
    return document


def store_files(document: Document) -> Document:
    """Render and store the document's PDF (and DOCX): after the number is committed, so a
    slow rendering holds no lock; a failed one leaves the document to be rendered again."""
    name = f"{document.type.kind}-{document.year}-{document.number}"
    pdf = render_pdf(document)
    document.pdf.save(f"{name}.pdf", ContentFile(pdf), save=False)
    fields = ["pdf"]
    docx = render_docx(document)
    if docx is not None:
        document.docx.save(f"{name}.docx", ContentFile(docx), save=False)
        fields.append("docx")
    document.save(update_fields=fields)
    return document


def sync_deal_invoice_state(deal_id: int) -> str:
    """The deal's invoice state for the stage rules: paid when an invoice is paid, issued
    when one is issued or partly paid, none otherwise (cancelled ones do not count)."""
    statuses = set(
        Document.objects.filter(deal_id=deal_id, type__kind=DocumentKind.INVOICE).values_list(
            "status", flat=True
        )
    )
    if InvoiceStatus.PAID in statuses:
        state = InvoiceState.PAID
    elif statuses & {InvoiceStatus.ISSUED, InvoiceStatus.PARTLY_PAID}:
        state = InvoiceState.ISSUED
    else:
        state = InvoiceState.NONE
    Deal.objects.filter(pk=deal_id).update(invoice_state=state)
    return state


def _require_invoice(actor: User, document: Document) -> None:
    access.require(actor, access.Action.CHANGE, document.deal)
    if not document.is_invoice:
        raise ValidationError(_("Payments are recorded against invoices only."))


def payment_add(
    *,
    actor: User,
    document: Document,
    amount: Decimal,
    day: datetime.date | None = None,
    reference: str = "",
    imported: bool = False,
) -> Payment:
    """Money received against an invoice; the invoice becomes partly paid or paid."""
    _require_invoice(actor, document)
    if document.status == InvoiceStatus.CANCELLED:
        raise ValidationError(_("The invoice is cancelled."))
    payment = Payment(
        document=document,
        amount=amount,
        date=day or timezone.localdate(),
        reference=reference,
        imported=imported,
        created_by=actor,
    )
    payment.full_clean()
    with transaction.atomic():
        locked = Document.objects.select_for_update().get(pk=document.pk)
        payment.save()
        paid = locked.payments.aggregate(s=Sum("amount"))["s"] or Decimal("0")
        locked.paid_amount = paid
        locked.status = InvoiceStatus.PAID if paid >= locked.amount else InvoiceStatus.PARTLY_PAID
        locked.save(update_fields=["paid_amount", "status"])
        sync_deal_invoice_state(locked.deal_id)
    document.paid_amount, document.status = locked.paid_amount, locked.status
    return payment


def invoice_cancel(*, actor: User, document: Document) -> Document:
    _require_invoice(actor, document)
    if document.payments.exists():
        raise ValidationError(_("An invoice with payments cannot be cancelled."))
    with transaction.atomic():
        document.status = InvoiceStatus.CANCELLED
        document.save(update_fields=["status"])
        sync_deal_invoice_state(document.deal_id)
    return document


def remind_overdue_invoices(*, today: datetime.date | None = None) -> int:
    """A task for the deal's owner for each invoice past its due date and not paid, once."""
    today = today or timezone.localdate()
    overdue = Document.objects.filter(
        type__kind=DocumentKind.INVOICE,
        status__in=[InvoiceStatus.ISSUED, InvoiceStatus.PARTLY_PAID],
        due_date__lt=today,
        overdue_task_at__isnull=True,
    ).select_related("deal__owner", "type")
    made = 0
    for document in overdue:
        owner = document.deal.owner
        with transaction.atomic():
            claimed = Document.objects.filter(pk=document.pk, overdue_task_at__isnull=True).update(
                overdue_task_at=timezone.now()
            )
            if not claimed:
                continue
            activity_create(
                actor=owner,
                data={
                    "kind": ActivityKind.TASK,
                    "subject": _("Invoice № %(number)s is overdue: remind the client")
                    % {"number": document.display_number},
                    "purpose": _("%(balance)s %(currency)s unpaid, due on %(due)s.")
                    % {
                        "balance": document.balance,
                        "currency": document.currency,
                        "due": f"{document.due_date:%d.%m.%Y}",
                    },
                    "due_at": timezone.now(),
                    "deal": document.deal,
                    "owner": owner,
                },
            )
        made += 1
    return made


def document_send(*, actor: User, document: Document, to: list[str], message: str) -> None:
    """E-mail the document's PDF (plain SMTP until the mail app lands); the sending is noted
    on the deal's timeline as a done e-mail activity."""
    access.require(actor, access.Action.CHANGE, document.deal)
    if not to:
        raise ValidationError({"to": _("Give at least one address.")})
    if not document.pdf:
        store_files(document)
    email = EmailMessage(
        subject=str(document), body=message, from_email=settings.DEFAULT_FROM_EMAIL, to=to
    )
    with document.pdf.open("rb") as stream:
        email.attach(
            f"{document.type.kind}-{document.number}.pdf", stream.read(), "application/pdf"
        )
    email.send()
    activity_create(
        actor=actor,
        data={
            "kind": ActivityKind.EMAIL,
            "subject": _("Sent: %(document)s") % {"document": str(document)},
            "description": _("To: %(to)s") % {"to": ", ".join(to)} + "\n\n" + message,
            "deal": document.deal,
            "done": True,
            "due_at": timezone.now(),
        },
    )


# Attachments ---------------------------------------------------------------------------------


def attachment_add(*, actor: User, record, upload) -> Attachment:
    """Store an uploaded file on a record the actor may change: size checked, type read from
    the content, name cleaned (kept in Unicode for display), stored under a random name."""
    access_record = record.deal if isinstance(record, Document) else record
    if not access.can_change(actor, access_record):
        raise PermissionDenied(_("You may not change this record."))
    limit = settings.MAX_UPLOAD_MB * 1024 * 1024
    if upload.size > limit:
        raise ValidationError(
            _("The file «%(name)s» is larger than %(mb)s MB.")
            % {"name": files.clean_name(upload.name), "mb": settings.MAX_UPLOAD_MB}
        )
    head = upload.read(4096)
    upload.seek(0)
    content_type, _inline = files.detect_type(upload.name, head)
    attachment = Attachment(
        entity=entity_of(record),
        object_id=record.pk,
        name=files.clean_name(upload.name),
        content_type=content_type,
        size=upload.size,
        uploaded_by=actor,
    )
    attachment.file.save("upload", upload, save=False)
    attachment.save()
    return attachment


def attachment_delete(*, actor: User, attachment: Attachment, record) -> None:
    """Delete a file: into the recycle bin (the stored file goes when the bin is purged)."""
    access_record = record.deal if isinstance(record, Document) else record
    if not access.can_change(actor, access_record):
        raise PermissionDenied(_("You may not change this record."))
    # Into the recycle bin when there is one (the stored file goes when the bin is purged).
    delete_record(actor=actor, record=attachment, history=False)


def check_docx_template(content: bytes) -> str | None:
    """Try an uploaded DOCX template on a sample document's content: the refusal's message,
    or None when it renders."""
    sample = {
        "doc": {
            "title": "Счёт на оплату",
            "kind": "invoice",
            "date": "01.01.2026",
            "date_words": "1 января 2026 г.",
            "number": "1",
            "due_date": "",
        },
        "org": dict.fromkeys(
            (
                "name",
                "inn",
                "kpp",
                "bin",
                "ogrn",
                "bank",
                "bik",
                "account",
                "correspondent_account",
                "address",
                "director",
                "accountant",
                "phone",
                "email",
                "country",
                "signature",
                "stamp",
            ),
            "",
        ),
        "client": dict.fromkeys(("name", "inn", "kpp", "bin", "ogrn", "address", "contact"), ""),
        "deal": {"name": "", "id": 0},
        "lines": [
            {
                "n": 1,
                "name": "",
                "quantity": "1",
                "unit": "шт",
                "unit_code": "796",
                "price": "0",
                "discount": "0",
                "total": "0",
                "vat_kind": "standard",
                "vat_rate": None,
                "vat": None,
                "attributes": [],
            }
        ],
        "totals": {
            "amount": "0",
            "vat": None,
            "vat_label": "",
            "count": 1,
            "currency": "RUB",
            "currency_short": "руб.",
            "words": "",
            "words_kk": "",
            "has_discount": False,
        },
    }
    try:
        rendering.render_docx(content, sample)
    except rendering.TemplateRefused as error:
        return str(error)
    return None


# Payments imported from a bank statement -----------------------------------------------------

IMPORT_HEADERS = {
    "number": ("счет", "счёт", "номер счета", "номер счёта", "invoice"),
    "date": ("дата", "дата платежа", "date"),
    "amount": ("сумма", "сумма платежа", "amount"),
    "reference": (
        "документ",
        "платежный документ",
        "платёжный документ",
        "назначение",
        "reference",
    ),
}


def payments_import(*, actor: User, name: str, content: bytes) -> tuple[int, list[str]]:
    """Payments from an XLSX/CSV statement: columns «Счёт» (the invoice's number), «Дата»,
    «Сумма» and optionally «Документ». Each row is recorded against the open invoice of that
    number the actor may change; rows that do not fit are reported, the others recorded."""
    rows = read_table(name, content)
    if not rows:
        raise ValidationError(_("The file is empty."))
    keys = [" ".join(text.words(h)) for h in rows[0]]
    columns = {}
    for field, names in IMPORT_HEADERS.items():
        wanted = {" ".join(text.words(n)) for n in names}
        columns[field] = next((i for i, k in enumerate(keys) if k in wanted), None)
    if None in (columns["number"], columns["date"], columns["amount"]):
        raise ValidationError(_("The first row must name the columns «Счёт», «Дата» and «Сумма»."))
    invoices = list(
        documents_visible_to(actor)
        .filter(
            type__kind=DocumentKind.INVOICE,
            status__in=[InvoiceStatus.ISSUED, InvoiceStatus.PARTLY_PAID],
        )
        .select_related("type", "deal")
    )
    by_number: dict[str, Document] = {}
    for invoice in sorted(invoices, key=lambda d: d.date):
        by_number[invoice.display_number.casefold()] = invoice
    recorded, problems = 0, []
    for number, row in enumerate(rows[1:], start=2):

        def cell(field, row=row):
            index = columns[field]
            return row[index].strip() if index is not None and index < len(row) else ""

        if not any(row):
            continue
        invoice = by_number.get(cell("number").lstrip("№ ").casefold())
        amount = parse_money(cell("amount"))
        day = _parse_day(cell("date"))
        if invoice is None:
            problems.append(
                _("Row %(row)s: no open invoice № %(number)s.")
                % {"row": number, "number": cell("number")}
            )
            continue
        if not amount or day is None:
            problems.append(_("Row %(row)s: check the date and the amount.") % {"row": number})
            continue
        reference = cell("reference")[:100]
        if invoice.payments.filter(
            imported=True, date=day, amount=amount, reference=reference
        ).exists():
            problems.append(_("Row %(row)s: this payment is recorded already.") % {"row": number})
            continue
        try:
            payment_add(
                actor=actor,
                document=invoice,
                amount=amount,
                day=day,
                reference=reference,
                imported=True,
            )
        except (ValidationError, PermissionDenied) as error:
            problems.append(
                _("Row %(row)s: %(error)s")
                % {"row": number, "error": " ".join(getattr(error, "messages", [str(error)]))}
            )
            continue
        recorded += 1
    return recorded, problems


def _parse_day(raw: str) -> datetime.date | None:
    raw = raw.strip()[:10]
    for pattern in ("%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y"):
        try:
            day = datetime.datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
        return day if datetime.date(2000, 1, 1) <= day <= datetime.date(2100, 1, 1) else None
    return None
