"""Pages of documents and files: the documents list, a document's page (its PDF and DOCX,
payments, sending), making one from a deal, our requisites and the document types, and
uploading, downloading and deleting files of any record — every id through the access layer."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from voronka.accounts import access
from voronka.core.bounds import parse_id
from voronka.sales.models import Deal

from . import files, services
from .attachables import get_record
from .forms import (
    DocumentCreateForm,
    DocumentTypeForm,
    PaymentForm,
    RequisitesForm,
    SendForm,
)
from .models import Attachment, Document, DocumentType, InvoiceStatus, Requisites
from .rendering import TemplateRefused
from .selectors import documents_visible_to

LIST_LIMIT = 200


def _get_document(request: HttpRequest, pk: int) -> Document:
    try:
        return (
            documents_visible_to(request.user)
            .select_related("type", "deal__owner", "company", "contact", "created_by")
            .get(pk=pk)
        )
    except Document.DoesNotExist:
        raise Http404(_("No such record, or you have no access to it.")) from None


@login_required
@require_GET
def document_list(request: HttpRequest) -> HttpResponse:
    documents = documents_visible_to(request.user).select_related("type", "company", "deal")
    filters = {}
    for name in ("deal", "company", "type"):
        value = parse_id(request.GET.get(name, ""))
        if value is not None:
            documents = documents.filter(**{f"{name}_id": value})
            filters[name] = value
    status = request.GET.get("status", "")
    if status in InvoiceStatus.values and status:
        documents = documents.filter(status=status)
    return render(
        request,
        "documents/document_list.html",
        {
            "documents": list(documents[:LIST_LIMIT]),
            "limit": LIST_LIMIT,
            "types": DocumentType.objects.all(),
            "statuses": [c for c in InvoiceStatus.choices if c[0]],
            "status": status,
            "filters": filters,
            "section": "documents",
        },
    )


@login_required
@require_POST
def document_create(request: HttpRequest, pk: int) -> HttpResponse:
    deal = access.get_changeable(
        request.user, Deal.objects.select_related("company", "contact"), pk
    )
    form = DocumentCreateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a document type."))
        return redirect(deal.get_absolute_url() + "#documents")
    try:
        document = services.document_create(
            actor=request.user,
            deal=deal,
            doc_type=form.cleaned_data["type"],
            day=form.cleaned_data.get("date") or None,
            due_date=form.cleaned_data.get("due_date") or None,
        )
    except (ValidationError, TemplateRefused) as error:
        text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        messages.error(request, text)
        return redirect(deal.get_absolute_url() + "#documents")
    messages.success(request, _("%(document)s is made.") % {"document": document})
    return redirect(document.get_absolute_url())


@login_required
@require_GET
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = _get_document(request, pk)
    may_change = access.can_change(request.user, document.deal)
    client_emails = document.company.emails if document.company else []
    if document.contact and getattr(document.contact, "emails", None):
        client_emails = document.contact.emails
    return render(
        request,
        "documents/document_detail.html",
        {
            "object": document,
            "may_change": may_change,
            "payments": list(document.payments.all()),
            "payment_form": PaymentForm(
                initial={"date": timezone.localdate(), "amount": document.balance}
            ),
            "send_form": SendForm(
                initial={
                    "to": ", ".join(client_emails[:3]),
                    "message": _("Good day! Please find %(document)s attached.")
                    % {"document": document},
                }
            ),
            "section": "documents",
        },
    )


@login_required
@require_GET
def document_file(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    document = _get_document(request, pk)
    field = document.docx if kind == "docx" else document.pdf
    if not field:
        if kind == "docx":
            raise Http404(_("This document has no Word file."))
        services.store_files(document)
        field = document.pdf
    name = f"{document.type.name} {document.display_number}.{kind}"
    response = FileResponse(
        field.open("rb"),
        as_attachment=kind == "docx" or request.GET.get("download") == "1",
        filename=name,
        content_type="application/pdf" if kind == "pdf" else files.OCTET,
    )
    return _harden(response)


@login_required
@require_POST
def payment_add(request: HttpRequest, pk: int) -> HttpResponse:
    document = _get_document(request, pk)
    form = PaymentForm(request.POST)
    if form.is_valid():
        try:
            services.payment_add(
                actor=request.user,
                document=document,
                amount=form.cleaned_data["amount"],
                day=form.cleaned_data["date"],
                reference=form.cleaned_data["reference"],
            )
            messages.success(request, _("The payment is recorded."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, form.errors.as_text())
    return redirect(document.get_absolute_url())


@login_required
@require_POST
def invoice_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    document = _get_document(request, pk)
    try:
        services.invoice_cancel(actor=request.user, document=document)
        messages.success(request, _("The invoice is cancelled."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(document.get_absolute_url())


@login_required
@require_POST
def document_send(request: HttpRequest, pk: int) -> HttpResponse:
    document = _get_document(request, pk)
    form = SendForm(request.POST)
    if form.is_valid():
        services.document_send(
            actor=request.user,
            document=document,
            to=form.cleaned_data["to"],
            message=form.cleaned_data["message"],
        )
        messages.success(request, _("The document is sent; the deal's timeline shows it."))
    else:
        messages.error(request, form.errors.as_text())
    return redirect(document.get_absolute_url())


@login_required
@require_POST
def payments_import(request: HttpRequest) -> HttpResponse:
    """Payments from a bank statement (XLSX/CSV): «Счёт», «Дата», «Сумма», «Документ»."""
    upload = request.FILES.get("file")
    if upload is None or upload.size > 5 * 1024 * 1024:
        messages.error(request, _("Choose an XLSX or CSV file of at most 5 MB."))
        return redirect("documents:list")
    try:
        recorded, problems = services.payments_import(
            actor=request.user, name=upload.name, content=upload.read()
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("documents:list")
    messages.success(request, _("Payments recorded: %(count)s.") % {"count": recorded})
    for problem in problems[:10]:
        messages.warning(request, problem)
    return redirect(reverse("documents:list") + "?status=")


# Files ---------------------------------------------------------------------------------------


def _harden(response: HttpResponse) -> HttpResponse:
    """No file of ours runs in the browser: no sniffing, nothing fetched, and a sandbox —
    except for a PDF shown inline, which the browser's PDF viewer (a plugin, which a
    sandboxed document may not run) must be allowed to display."""
    response["X-Content-Type-Options"] = "nosniff"
    inline_pdf = response.get("Content-Type") == "application/pdf" and not response.get(
        "Content-Disposition", ""
    ).startswith("attachment")
    response["Content-Security-Policy"] = (
        "default-src 'none'; object-src 'self'; frame-ancestors 'none'"
        if inline_pdf
        else "default-src 'none'; frame-ancestors 'none'; sandbox"
    )
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


@login_required
@require_POST
def file_upload(request: HttpRequest, entity: str, pk: int) -> HttpResponse:
    record = get_record(request.user, entity, pk, change=True)
    uploads = request.FILES.getlist("files")
    if not uploads:
        messages.error(request, _("Choose one or more files."))
    stored = 0
    for upload in uploads[:20]:
        try:
            services.attachment_add(actor=request.user, record=record, upload=upload)
            stored += 1
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    if stored:
        messages.success(request, _("Files uploaded: %(count)s.") % {"count": stored})
    return redirect(_record_url(record) + "#files")


def _record_url(record) -> str:
    return record.get_absolute_url()


def _get_attachment(request: HttpRequest, pk: int, *, change: bool = False):
    """The file, if the user may see the record it hangs off: 404 otherwise, also for a
    guessed id (the storage path is never a URL)."""
    attachment = Attachment.objects.filter(pk=pk).first()
    if attachment is None:
        raise Http404(_("No such record, or you have no access to it."))
    record = get_record(request.user, attachment.entity, attachment.object_id, change=change)
    return attachment, record


@login_required
@require_GET
def file_download(request: HttpRequest, pk: int) -> HttpResponse:
    attachment, _record = _get_attachment(request, pk)
    inline = request.GET.get("preview") == "1" and files.is_inline(attachment.content_type)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=not inline,
        filename=attachment.name,
        content_type=attachment.content_type if inline else files.OCTET,
    )
    return _harden(response)


@login_required
@require_POST
def file_delete(request: HttpRequest, pk: int) -> HttpResponse:
    attachment, record = _get_attachment(request, pk)
    services.attachment_delete(actor=request.user, attachment=attachment, record=record)
    messages.success(request, _("The file is deleted."))
    return redirect(_record_url(record) + "#files")


# Settings ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def requisites_edit(request: HttpRequest) -> HttpResponse:
    access.require_configure(request.user)
    instance = Requisites.objects.order_by("pk").first() or Requisites()
    form = RequisitesForm(request.POST or None, request.FILES or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The requisites are saved."))
        return redirect("documents:requisites")
    return render(request, "documents/requisites_form.html", {"form": form})


@login_required
@require_GET
def document_type_list(request: HttpRequest) -> HttpResponse:
    access.require_configure(request.user)
    return render(
        request, "documents/document_type_list.html", {"types": DocumentType.objects.all()}
    )


@login_required
@require_http_methods(["GET", "POST"])
def document_type_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    access.require_configure(request.user)
    instance = DocumentType.objects.filter(pk=pk).first() if pk else DocumentType()
    if instance is None:
        raise Http404(_("No such record, or you have no access to it."))
    form = DocumentTypeForm(request.POST or None, request.FILES or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("docx_template")
        if upload and hasattr(upload, "read"):
            error = services.check_docx_template(upload.read())
            upload.seek(0)
            if error:
                form.add_error("docx_template", error)
        if form.is_valid():
            form.save()
            messages.success(request, _("The document type is saved."))
            return redirect("documents:type-list")
    return render(request, "documents/document_type_form.html", {"form": form, "object": instance})
