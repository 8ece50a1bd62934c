"""The mail pages: the inbox (/mail/), a thread, a letter's HTML in an isolated frame,
attachments, composing, mailboxes, templates and the signature."""

from __future__ import annotations

import base64
import mimetypes

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from voronka.accounts import access
from voronka.contacts.models import Company, Contact
from voronka.core.errors import ConflictError, DuplicatesFound
from voronka.core.pagination import CappedPaginator
from voronka.leads.models import Lead
from voronka.sales.models import Deal

from . import (
    connections,
    files,
    leads_from_letters,
    sanitize,
    selectors,
    sending,
    services,
    templating,
)
from .forms import ComposeForm, MailboxForm, SignatureForm, TemplateForm
from .models import Mailbox, Template
from .tasks import sync_mailbox_task

# Served inside a sandboxed frame (no scripts, an origin of its own): nothing may run or load
# but images, and remote ones only after the reader asked for them.
BODY_CSP = (
    "default-src 'none'; img-src data:{remote}; style-src 'unsafe-inline'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'self'"
)
# Pictures sent inside a letter are put into its HTML as data: URLs up to this size (the
# sandboxed frame has no cookies to fetch them with).
INLINE_IMAGE_LIMIT = 2 * 1024 * 1024
# Shown inline only when these; anything else (HTML, SVG, scripts, unknown) is a download.
INLINE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf"}


def _int(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**62 else None


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    mailboxes = list(selectors.mailboxes_readable(user=request.user).order_by("name"))
    mailbox_id = _int(request.GET.get("mailbox"))
    show = request.GET.get("show", "")
    query = (request.GET.get("q") or "").strip()[:200]
    threads = selectors.threads_for(
        user=request.user,
        mailbox_id=mailbox_id,
        query=query,
        unread=show == "unread",
        unlinked=show == "unlinked",
    )
    page = CappedPaginator(threads, settings.VORONKA["PAGE_SIZE"]).get_page(request.GET.get("page"))
    context = {
        "page_obj": page,
        "mailboxes": mailboxes,
        "mailbox_id": mailbox_id,
        "show": show,
        "query": query,
        "broken": [m for m in mailboxes if m.last_error and m.owner_id == request.user.pk],
        "syncing": [m for m in mailboxes if m.progress is not None],
    }
    if request.htmx and request.htmx.target == "results":
        return render(request, "mail/inbox.html#results", context)
    return render(request, "mail/inbox.html", context)


@login_required
@require_GET
def thread(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.thread_for(user=request.user, pk=pk)
    letters = selectors.thread_messages(thread=found)
    services.thread_mark_read(thread=found)
    links = selectors.links_of(messages=letters)
    records = _records(request.user, links)
    for letter in letters:
        pairs = links.get(letter.pk, [])
        letter.is_linked = bool(pairs)
        letter.linked_records = [records[pair] for pair in pairs if pair in records]
    return render(
        request,
        "mail/thread.html",
        {
            "thread": found,
            "letters": letters,
            "may_send": access.can_send_from(request.user, found.mailbox),
        },
    )


def _records(user, links: dict) -> dict:
    """The linked records the reader may open, by (entity, id), with their names."""
    wanted: dict[str, set[int]] = {}
    for pairs in links.values():
        for entity, pk in pairs:
            wanted.setdefault(entity, set()).add(pk)
    models = {"contact": Contact, "company": Company, "deal": Deal}
    found = {}
    for entity, ids in wanted.items():
        model = models.get(entity)
        if model is None:
            continue
        for record in access.visible(user, model.objects.filter(pk__in=sorted(ids))):
            found[(entity, record.pk)] = record
    return found


@login_required
@require_GET
@xframe_options_sameorigin
def message_body(request: HttpRequest, pk: int) -> HttpResponse:
    """The letter's HTML, sanitised, for the sandboxed frame of the thread page."""
    message = selectors.message_for(user=request.user, pk=pk)
    cid_urls = {
        a.content_id: f"data:{a.content_type};base64,"
        + base64.b64encode(files.read(a.file)).decode()
        for a in message.attachments.all()
        if a.content_id
        and a.content_type in INLINE_TYPES - {"application/pdf"}
        and a.size <= INLINE_IMAGE_LIMIT
    }
    html, _blocked = sanitize.clean(
        message.html, cid_urls=cid_urls, remote_images=message.remote_images
    )
    page = (
        "<!doctype html><html><head><meta charset='utf-8'>"
        "<style>body{font-family:system-ui,sans-serif;font-size:14px;margin:8px;"
        "overflow-wrap:anywhere}img{max-width:100%;height:auto}</style></head>"
        f"<body>{html}</body></html>"
    )
    response = HttpResponse(page, content_type="text/html; charset=utf-8")
    remote = " https: http:" if message.remote_images else ""
    response["Content-Security-Policy"] = BODY_CSP.format(remote=remote)
    response["Referrer-Policy"] = "no-referrer"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def message_images(request: HttpRequest, pk: int) -> HttpResponse:
    message = selectors.message_for(user=request.user, pk=pk)
    services.message_allow_images(message=message)
    return redirect(message.get_absolute_url())


def _download(handle, *, filename: str, content_type: str) -> FileResponse:
    inline = content_type in INLINE_TYPES
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=filename,
        content_type=content_type if inline else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_GET
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    found = selectors.attachment_for(user=request.user, pk=pk)
    content_type = (found.content_type or mimetypes.guess_type(found.filename)[0] or "").lower()
    return _download(
        files.open_file(found.file), filename=found.filename, content_type=content_type
    )


@login_required
@require_GET
def original(request: HttpRequest, pk: int) -> FileResponse:
    message = selectors.message_for(user=request.user, pk=pk)
    return _download(
        files.open_file(message.raw),
        filename=f"letter-{message.pk}.eml",
        content_type="message/rfc822",
    )


@login_required
@require_POST
def message_retry(request: HttpRequest, pk: int) -> HttpResponse:
    message = selectors.message_for(user=request.user, pk=pk)
    sending.letter_retry(actor=request.user, message=message)
    messages.success(request, _("The letter is queued to be sent again."))
    return redirect(message.get_absolute_url())


@login_required
@require_POST
def message_to_contact(request: HttpRequest, pk: int) -> HttpResponse:
    message = selectors.message_for(user=request.user, pk=pk)
    try:
        contact = services.letter_to_contact(actor=request.user, message=message)
    except DuplicatesFound:
        messages.error(request, _("A contact with this address already exists."))
        return redirect(message.get_absolute_url())
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, "; ".join(getattr(error, "messages", [str(error)])))
        return redirect(message.get_absolute_url())
    messages.success(
        request, _("Contact “%(name)s” created; check the name.") % {"name": contact.full_name}
    )
    return redirect("contacts:contact-edit", contact.pk)


@login_required
@require_POST
def message_to_lead(request: HttpRequest, pk: int) -> HttpResponse:
    message = selectors.message_for(user=request.user, pk=pk)
    try:
        lead = leads_from_letters.letter_to_lead(actor=request.user, message=message)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, "; ".join(getattr(error, "messages", [str(error)])))
        return redirect(message.get_absolute_url())
    messages.success(request, _("Lead “%(name)s” created.") % {"name": lead})
    return redirect(lead.get_absolute_url())


def _linked(user, request_data) -> dict:
    """The records a compose form is about, from ids, through the access layer."""
    found = {}
    for name, model in (("contact", Contact), ("company", Company), ("deal", Deal), ("lead", Lead)):
        pk = _int(request_data.get(name))
        found[name] = access.get_visible(user, model, pk) if pk else None
    return found


def _prefill(request: HttpRequest, linked: dict, mailboxes: list[Mailbox]) -> dict:
    user = request.user
    initial: dict = {"mailbox": mailboxes[0].pk if mailboxes else None}
    contact, deal, company = linked["contact"], linked["deal"], linked["company"]
    if deal is not None and contact is None and deal.contact_id:
        contact = deal.contact if access.can_view(user, deal.contact) else None
    address = (contact.emails or [""])[0] if contact is not None else ""
    if not address and company is not None:
        address = (company.emails or [""])[0]
    if not address and linked.get("lead") is not None:
        address = linked["lead"].email  # the letter links to the lead by its address
    initial["to"] = address
    signature = selectors.signature_of(user=user)
    initial["body"] = f"\n\n-- \n{signature}" if signature else ""
    for name in ("contact", "company", "deal"):
        record = {"contact": contact, "company": company, "deal": deal}[name]
        initial[name] = record.pk if record is not None else None
    reply = _int(request.GET.get("reply"))
    forward = _int(request.GET.get("forward"))
    if reply:
        answered = selectors.message_for(user=user, pk=reply)
        initial["reply"] = answered.pk
        initial["subject"] = sending.reply_subject(answered)
        initial["to"] = (
            answered.from_address
            if answered.direction == "in"
            else ", ".join(answered.recipients[:1])
        )
        if answered.mailbox_id in [m.pk for m in mailboxes]:
            initial["mailbox"] = answered.mailbox_id
        initial["body"] += "\n\n" + sending.quoted(answered)
        initial["deal"] = initial["deal"] or answered.thread.deal_id
    elif forward:
        forwarded = selectors.message_for(user=user, pk=forward)
        initial["forward"] = forwarded.pk
        initial["subject"] = sending.forward_subject(forwarded)
        initial["to"] = ""
        initial["body"] += "\n\n" + sending.quoted(forwarded)
    return initial


def _apply_template(user, template: Template, linked: dict) -> tuple[str, str]:
    context = templating.values(
        contact=linked.get("contact"),
        company=linked.get("company"),
        deal=linked.get("deal"),
        sender=user,
    )
    return templating.render(template.subject, context), templating.render(template.body, context)


@login_required
@require_http_methods(["GET", "POST"])
def compose(request: HttpRequest) -> HttpResponse:
    user = request.user
    mailboxes = selectors.mailboxes_to_send_from(user=user)
    templates = selectors.templates_for(user=user)
    source = request.POST if request.method == "POST" else request.GET
    linked = _linked(user, source)
    if not mailboxes:
        return render(request, "mail/compose.html", {"no_mailbox": True})
    if request.method == "POST":
        form = ComposeForm(request.POST, request.FILES, mailboxes=mailboxes, templates=templates)
        if form.is_valid():
            data = form.cleaned_data
            reply = (
                selectors.message_for(user=user, pk=data["reply"]) if data.get("reply") else None
            )
            forward = (
                selectors.message_for(user=user, pk=data["forward"])
                if data.get("forward")
                else None
            )
            try:
                message = sending.letter_compose(
                    actor=user,
                    mailbox=data["mailbox"],
                    to=data["to"],
                    cc=data["cc"],
                    subject=data["subject"],
                    body=data["body"],
                    uploads=request.FILES.getlist("attachments"),
                    reply_to=reply,
                    forward=forward,
                    deal=linked["deal"],
                    contact=linked["contact"],
                    company=linked["company"],
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("The letter is being sent."))
                back = request.POST.get("next", "")
                if back and url_has_allowed_host_and_scheme(
                    back, allowed_hosts={request.get_host()}
                ):
                    return HttpResponseRedirect(back)
                return redirect(message.get_absolute_url())
    else:
        initial = _prefill(request, linked, mailboxes)
        template_pk = _int(request.GET.get("template"))
        if template_pk:
            template = selectors.template_for(user=user, pk=template_pk)
            initial["subject"], text = _apply_template(user, template, linked)
            initial["body"] = text + initial.get("body", "")
            initial["template"] = template.pk
        form = ComposeForm(initial=initial, mailboxes=mailboxes, templates=templates)
    return render(
        request,
        "mail/compose.html",
        {"form": form, "linked": linked, "next": source.get("next", "")},
    )


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@login_required
@require_GET
def compose_template(request: HttpRequest) -> HttpResponse:
    """htmx: the subject and text of the chosen template, filled for the letter's records."""
    user = request.user
    linked = _linked(user, request.GET)
    template = selectors.template_for(user=user, pk=_int(request.GET.get("template")) or 0)
    subject, body = _apply_template(user, template, linked)
    signature = selectors.signature_of(user=user)
    if signature:
        body += f"\n\n-- \n{signature}"
    form = ComposeForm(
        initial={"subject": subject, "body": body},
        mailboxes=selectors.mailboxes_to_send_from(user=user),
        templates=selectors.templates_for(user=user),
    )
    return render(request, "mail/compose.html#template-fields", {"form": form})


# Mailboxes


@login_required
@require_GET
def mailbox_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "mail/mailbox_list.html",
        {"mailboxes": selectors.mailboxes_configurable(user=request.user)},
    )


def _configurable(request: HttpRequest, pk: int) -> Mailbox:
    try:
        mailbox = Mailbox.objects.get(pk=int(pk))
    except (Mailbox.DoesNotExist, ValueError):
        mailbox = None
    if mailbox is None or not access.can_configure_mailbox(request.user, mailbox):
        raise Http404(_("No such record, or you have no access to it."))
    return mailbox


@login_required
@require_http_methods(["GET", "POST"])
def mailbox_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = request.user
    mailbox = _configurable(request, pk) if pk is not None else None
    may_share = access.is_admin(user)
    form = MailboxForm(request.POST or None, instance=mailbox, may_share=may_share)
    if request.method == "POST" and form.is_valid():
        data = form.mailbox_data()
        passwords = {
            "imap_password": form.cleaned_data["imap_password"],
            "smtp_password": form.cleaned_data["smtp_password"],
        }
        try:
            if mailbox is None:
                mailbox = services.mailbox_create(actor=user, data=data, **passwords)
                messages.success(
                    request, _("The mailbox is connected; its letters are on their way.")
                )
            else:
                mailbox = services.mailbox_update(
                    actor=user,
                    mailbox=mailbox,
                    data=data,
                    version=form.cleaned_data.get("version"),
                    **passwords,
                )
                messages.success(request, _("The mailbox settings are saved."))
        except ConflictError as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return redirect("mail:mailbox-list")
    return render(request, "mail/mailbox_form.html", {"form": form, "mailbox": mailbox})


@login_required
@require_POST
def mailbox_check(request: HttpRequest, pk: int) -> HttpResponse:
    """«Check the connection»: what the IMAP and SMTP servers answered, in plain words."""
    mailbox = _configurable(request, pk)
    results = connections.check(mailbox)
    return render(request, "mail/_check.html", {"results": results, "mailbox": mailbox})


@login_required
@require_POST
def mailbox_sync(request: HttpRequest, pk: int) -> HttpResponse:
    mailbox = _configurable(request, pk)
    Mailbox.objects.filter(pk=mailbox.pk).update(next_sync_at=None, failures=0)
    sync_mailbox_task(mailbox.pk)
    messages.success(request, _("The mailbox will be checked for new letters in a moment."))
    return redirect("mail:mailbox-list")


# Templates and the signature


@login_required
@require_GET
def template_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "mail/template_list.html",
        {"templates": selectors.templates_for(user=request.user).select_related("owner")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = request.user
    template = selectors.template_for(user=user, pk=pk) if pk is not None else None
    if template is not None and template.owner_id != user.pk and not access.is_admin(user):
        raise PermissionDenied(_("You may not change this template."))
    form = TemplateForm(request.POST or None, instance=template, may_share=access.is_admin(user))
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.fields}
        try:
            services.template_save(actor=user, data=data, template=template)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The template is saved."))
            return redirect("mail:template-list")
    return render(
        request,
        "mail/template_form.html",
        {"form": form, "template": template, "fields": templating.FIELDS},
    )


@login_required
@require_POST
def template_delete(request: HttpRequest, pk: int) -> HttpResponse:
    template = selectors.template_for(user=request.user, pk=pk)
    services.template_delete(actor=request.user, template=template)
    messages.success(request, _("The template is deleted."))
    return redirect("mail:template-list")


@login_required
@require_http_methods(["GET", "POST"])
def signature(request: HttpRequest) -> HttpResponse:
    form = SignatureForm(
        request.POST or None, initial={"text": selectors.signature_of(user=request.user)}
    )
    if request.method == "POST" and form.is_valid():
        services.signature_save(user=request.user, text=form.cleaned_data["text"])
        messages.success(request, _("The signature is saved."))
        return redirect("mail:signature")
    return render(request, "mail/signature.html", {"form": form})
