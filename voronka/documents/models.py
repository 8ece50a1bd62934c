"""Documents generated from deals (КП, счёт, договор, акт, счёт-фактура and the types an
administrator adds), their gap-free numbering, our organisation's requisites, invoices'
payments, and the files attached to any record.

A document belongs to its deal: who may see the deal sees its documents, who may change the
deal makes and changes them (`selectors.documents_visible_to`). An attachment belongs to the
record it is attached to, by entity and id (`attachables.py` lists the entities)."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from voronka.core.money import currency_choices, default_currency
from voronka.core.validators import validate_bin, validate_inn, validate_kpp, validate_ogrn


class Requisites(models.Model):
    """Our organisation's requisites, as they go onto every document (one row)."""

    country = models.CharField(
        _("country"),
        max_length=2,
        choices=[("RU", _("Russia")), ("KZ", _("Kazakhstan"))],
        default="RU",
    )
    name = models.CharField(_("organisation name"), max_length=255, blank=True)
    inn = models.CharField(_("INN"), max_length=12, blank=True, validators=[validate_inn])
    kpp = models.CharField(_("KPP"), max_length=9, blank=True, validators=[validate_kpp])
    bin = models.CharField(_("BIN"), max_length=12, blank=True, validators=[validate_bin])
    ogrn = models.CharField(_("OGRN"), max_length=15, blank=True, validators=[validate_ogrn])
    bank = models.CharField(_("bank"), max_length=255, blank=True)
    bik = models.CharField(_("BIK"), max_length=11, blank=True)
    account = models.CharField(_("settlement account"), max_length=34, blank=True)
    correspondent_account = models.CharField(_("correspondent account"), max_length=34, blank=True)
    address = models.TextField(_("address"), blank=True)
    director = models.CharField(_("director"), max_length=150, blank=True)
    accountant = models.CharField(_("chief accountant"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    signature = models.ImageField(_("signature"), upload_to="requisites/", blank=True)
    stamp = models.ImageField(_("stamp"), upload_to="requisites/", blank=True)

    class Meta:
        verbose_name = _("our requisites")
        verbose_name_plural = _("our requisites")

    def __str__(self) -> str:
        return self.name or str(_("our requisites"))


class DocumentKind(models.TextChoices):
    QUOTE = "quote", _("commercial proposal")
    INVOICE = "invoice", _("invoice for payment")
    CONTRACT = "contract", _("contract")
    ACT = "act", _("act of work done")
    INVOICE_FACTURA = "factura", _("invoice-factura")
    OTHER = "other", _("other document")


class DocumentType(models.Model):
    """A kind of document with its templates: the stock HTML one (for PDF) per kind, and a
    DOCX one an administrator may upload. Types beyond the stock five are added in the
    settings."""

    name = models.CharField(pgettext_lazy("object", "name"), max_length=150, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=DocumentKind.choices)
    prefix = models.CharField(
        _("number prefix"), max_length=20, blank=True, help_text=_("For example «СЧ-».")
    )
    docx_template = models.FileField(
        _("DOCX template"),
        upload_to="templates/",
        blank=True,
        help_text=_("A Word document with {{ fields }}; rendered in a sandbox."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("document type")
        verbose_name_plural = _("document types")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class NumberCounter(models.Model):
    """The last number given to a type's documents in a year: locked (SELECT … FOR UPDATE)
    while a document takes the next one, so numbers have no gaps and no doubles."""

    type = models.ForeignKey(DocumentType, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["type", "year"], name="number_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.type_id}/{self.year}: {self.last}"


class InvoiceStatus(models.TextChoices):
    NONE = "", "—"
    ISSUED = "issued", _("issued")
    PARTLY_PAID = "partly_paid", _("partly paid")
    PAID = "paid", _("paid")
    CANCELLED = "cancelled", _("cancelled")


class Document(models.Model):
    """A generated document: numbered, dated, with what it said (`content`) and its files."""

    type = models.ForeignKey(
        DocumentType, on_delete=models.PROTECT, related_name="documents", verbose_name=_("type")
    )
    number = models.PositiveIntegerField(_("number"))
    year = models.PositiveIntegerField(_("year"))
    date = models.DateField(_("date"), default=timezone.localdate)
    deal = models.ForeignKey(
        "sales.Deal", on_delete=models.CASCADE, related_name="documents", verbose_name=_("deal")
    )
    company = models.ForeignKey(
        "contacts.Company",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("company"),
    )
    contact = models.ForeignKey(
        "contacts.Contact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("contact"),
    )
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2, default=0)
    vat_amount = models.DecimalField(
        _("VAT amount"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(
        _("currency"), max_length=3, choices=currency_choices, default=default_currency
    )
    # What the document said when it was made: parties, lines, totals, words.
    content = models.JSONField(default=dict, editable=False)
    pdf = models.FileField(_("PDF"), upload_to="documents/%Y/", blank=True, editable=False)
    docx = models.FileField(_("DOCX"), upload_to="documents/%Y/", blank=True, editable=False)
    status = models.CharField(_("status"), max_length=12, choices=InvoiceStatus.choices, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    paid_amount = models.DecimalField(
        _("paid"), max_digits=16, decimal_places=2, default=Decimal("0"), editable=False
    )
    overdue_task_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["type", "year", "number"], name="document_unique_number"
            )
        ]
        indexes = [
            models.Index(fields=["-date", "-id"], name="document_date_idx"),
            models.Index(fields=["company", "-date"], name="document_company_idx"),
            models.Index(fields=["status", "due_date"], name="document_status_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.type.name} № {self.display_number}"

    def get_absolute_url(self) -> str:
        return reverse("documents:detail", args=[self.pk])

    @property
    def display_number(self) -> str:
        return f"{self.type.prefix}{self.number}"

    @property
    def is_invoice(self) -> bool:
        return self.type.kind == "invoice"

    @property
    def balance(self) -> Decimal:
        return max(self.amount - self.paid_amount, Decimal("0"))


class Payment(models.Model):
    """Money received against an invoice, typed by hand or imported from a bank statement."""

    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="payments", verbose_name=_("invoice")
    )
    date = models.DateField(_("date"), default=timezone.localdate)
    amount = models.DecimalField(
        _("amount"),
        max_digits=16,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    reference = models.CharField(_("payment document"), max_length=100, blank=True)
    imported = models.BooleanField(_("imported"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["document", "date", "id"]
        indexes = [models.Index(fields=["date"], name="payment_date_idx")]

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y} {self.amount}"


def attachment_path(instance: Attachment, filename: str) -> str:
    """Stored under a random name: the user's file name is for display only (no path
    traversal, no guessing another record's file)."""
    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    """A file attached to a company, contact, deal, activity or document. Whoever sees the
    record sees its files; every download goes through that check."""

    entity = models.CharField(_("record type"), max_length=20)
    object_id = models.PositiveBigIntegerField(_("record"))
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["entity", "object_id"], name="attachment_record_idx")]

    def __str__(self) -> str:
        return self.name
