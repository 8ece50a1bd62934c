"""Letters written in the CRM: composed (new, reply, forward) into the outbox, then sent by a
background job through the mailbox's SMTP server and saved to its Sent folder over IMAP, so
the mail program sees them too. A failed sending is written on the letter and tried again,
each time later; nothing is lost.
"""

from __future__ import annotations

import logging
import mimetypes
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr, make_msgid

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from voronka.accounts import access
from voronka.accounts.models import User

from . import files, linking, store
from .models import Attachment, Direction, Mailbox, Message, SendStatus, Thread
from .parsing import message_key
from .tasks import send_letter_task

log = logging.getLogger("voronka.mail")

MAX_ATTACHMENTS_SIZE = 25 * 1024 * 1024


def parse_addresses(value: str, *, field: str) -> list[str]:
    """«a@b.kz, Анна <c@d.ru>; e@f.com» → the addresses; a wrong one is refused by name."""
    from email.utils import getaddresses

    found = []
    for _name, address in getaddresses([(value or "").replace(";", ",")]):
        address = address.strip()
        if not address:
            continue
        try:
            validate_email(address)
        except ValidationError:
            raise ValidationError(
                {field: _("“%(address)s” is not an e-mail address.") % {"address": address}}
            ) from None
        found.append(address.lower())
    return list(dict.fromkeys(found))


def references_of(message: Message) -> str:
    """The References of a reply: the answered letter's, then the letter itself."""
    return " ".join([*message.references.split(), message.message_id][-20:])


def _subject_with(prefix: str, subject: str) -> str:
    if subject.lower().startswith(prefix.lower()):
        return subject
    return f"{prefix} {subject}".strip()


def reply_subject(message: Message) -> str:
    return _subject_with("Re:", message.subject)


def forward_subject(message: Message) -> str:
    return _subject_with("Fwd:", message.subject)


def quoted(message: Message) -> str:
    """The text of a letter answered or forwarded, quoted below the new text."""
    header = _("%(date)s, %(sender)s wrote:") % {
        "date": timezone.localtime(message.date).strftime("%d.%m.%Y %H:%M"),
        "sender": message.sender,
    }
    body = message.text or ""
    return header + "\n" + "\n".join("> " + line for line in body.splitlines())


def _build(
    *,
    mailbox: Mailbox,
    author: User,
    to: list[str],
    cc: list[str],
    subject: str,
    body: str,
    attachments: list[tuple[str, str, bytes]],
    reply_to: Message | None,
    message_id: str,
) -> bytes:
    letter = EmailMessage(policy=SMTP)
    sender_name = mailbox.name if mailbox.is_shared else author.display_name
    letter["From"] = formataddr((sender_name, mailbox.email))
    letter["To"] = ", ".join(to)
    if cc:
        letter["Cc"] = ", ".join(cc)
    letter["Subject"] = subject
    letter["Date"] = format_datetime(timezone.now())
    letter["Message-ID"] = message_id
    if reply_to is not None and reply_to.message_id:
        letter["In-Reply-To"] = reply_to.message_id
        letter["References"] = references_of(reply_to)
    # Quoted-printable keeps the letter 7-bit clean for servers without 8BITMIME.
    letter.set_content(body or "", charset="utf-8", cte="quoted-printable")
    for filename, content_type, payload in attachments:
        maintype, _sep, subtype = (content_type or "application/octet-stream").partition("/")
        letter.add_attachment(
            payload, maintype=maintype, subtype=subtype or "octet-stream", filename=filename
        )
    return letter.as_bytes()


def letter_compose(
    *,
    actor: User,
    mailbox: Mailbox,
    to: list[str],
    cc: list[str] | None = None,
    subject: str,
    body: str,
    uploads=(),
    reply_to: Message | None = None,
    forward: Message | None = None,
    deal=None,
    contact=None,
    company=None,
) -> Message:
    """Put a letter into the outbox (sent after the commit by `send_letter`), in its thread,
    linked to its records, with an activity of kind e-mail on the main one."""
    cc = cc or []
    if not access.can_send_from(actor, mailbox):
        raise PermissionDenied(_("You may not send letters from this mailbox."))
    if not to:
        raise ValidationError({"to": _("Give at least one recipient.")})
    access.require_links(actor, deal=deal, contact=contact, company=company)
    attachments = [
        (
            upload.name[:200],
            upload.content_type
            or mimetypes.guess_type(upload.name)[0]
            or "application/octet-stream",
            upload.read(),
        )
        for upload in uploads
    ]
    if forward is not None:
        attachments += [
            (a.filename, a.content_type, files.read(a.file))
            for a in forward.attachments.filter(is_inline=False)
        ]
    if sum(len(payload) for _n, _t, payload in attachments) > MAX_ATTACHMENTS_SIZE:
        raise ValidationError({"attachments": _("The attachments are larger than 25 MB together.")})
    domain = mailbox.email.rpartition("@")[2] or "voronka.local"
    message_id = make_msgid(domain=domain)
    raw = _build(
        mailbox=mailbox,
        author=actor,
        to=to,
        cc=cc,
        subject=subject,
        body=body,
        attachments=attachments,
        reply_to=reply_to,
        message_id=message_id,
    )
    raw_name = files.store(raw, kind="raw")
    stored = [(name, kind, files.store(payload, kind="files"), len(payload))
              for name, kind, payload in attachments]  # fmt: skip
    now = timezone.now()
    with transaction.atomic():
        if reply_to is not None and reply_to.mailbox_id == mailbox.pk:
            thread = Thread.objects.select_for_update().get(pk=reply_to.thread_id)
        else:
            thread = store.new_thread(mailbox, subject=subject, at=now, deal=deal)
        if deal is not None and thread.deal_id is None:
            Thread.objects.filter(pk=thread.pk).update(deal=deal)
            thread.deal = deal
        message = Message.objects.create(
            mailbox=mailbox,
            thread=thread,
            direction=Direction.OUTGOING,
            message_id=message_id,
            message_key=message_key(message_id),
            in_reply_to=reply_to.message_id if reply_to is not None else "",
            references=references_of(reply_to) if reply_to is not None else "",
            subject=subject[:500],
            from_name=actor.display_name,
            from_address=mailbox.email.lower(),
            to=[["", a] for a in to],
            cc=[["", a] for a in cc],
            date=now,
            seen=True,
            text=body,
            size=len(raw),
            raw=raw_name,
            has_attachments=bool(stored),
            author=actor,
            status=SendStatus.QUEUED,
        )
        Attachment.objects.bulk_create(
            [
                Attachment(message=message, filename=n, content_type=t, file=f, size=s)
                for n, t, f, s in stored
            ]
        )
        store.touch_thread(
            thread,
            message,
            people=[(actor.display_name, mailbox.email.lower())] + [("", a) for a in to + cc],
        )
        _link_composed(message, thread=thread, actor=actor, deal=deal, contact=contact,
                       company=company)  # fmt: skip
        transaction.on_commit(lambda: _enqueue(message.pk))
    return message


def _link_composed(message: Message, *, thread: Thread, actor, deal, contact, company) -> None:
    matches = linking.match(linking.addresses_of(message), thread_deal_id=thread.deal_id)
    for record, bucket in ((contact, matches.contacts), (company, matches.companies)):
        if record is not None and record.pk not in bucket:
            bucket.insert(0, record.pk)
    if deal is not None and deal.pk not in matches.deals:
        matches.deals.insert(0, deal.pk)
    if not matches:
        return
    linking.link(message, matches)
    Thread.objects.filter(pk=thread.pk).update(is_linked=True)
    primary = linking.Matches(
        contacts=[contact.pk] if contact is not None else matches.contacts,
        companies=[company.pk] if company is not None else matches.companies,
        deals=[deal.pk] if deal is not None else matches.deals,
    )
    activity = linking.record_activity(
        message, primary, actor=actor, deal_id=deal.pk if deal is not None else thread.deal_id
    )
    if activity is not None:
        Message.objects.filter(pk=message.pk).update(activity=activity)
        message.activity = activity


def _enqueue(pk: int) -> None:
    send_letter_task(pk)


def letter_retry(*, actor: User, message: Message) -> None:
    """«Send again» on a letter that could not be sent."""
    if message.author_id != actor.pk and not access.can_send_from(actor, message.mailbox):
        raise PermissionDenied(_("You may not send letters from this mailbox."))
    updated = Message.objects.filter(pk=message.pk, status=SendStatus.FAILED).update(
        status=SendStatus.QUEUED, attempts=0, next_attempt_at=None
    )
    if updated:
        transaction.on_commit(lambda: _enqueue(message.pk))
