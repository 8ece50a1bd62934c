"""Storing a letter fetched from a folder: once, in its thread, linked to its records.

Each letter is stored in a transaction of its own, and a folder's letter is unique by
(folder, UIDVALIDITY, UID); so a sync killed half-way leaves whole letters behind, and the
next run skips what is already stored. A letter sent from the CRM comes back from the Sent
folder with the Message-ID it was given: it is matched to the row that sent it, not stored
again.
"""

from __future__ import annotations

import datetime
import html
import logging

import nh3
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from voronka.audit.services import announce
from voronka.core import search, text
from voronka.core.search import TokenKind
from voronka.notifications.models import Kind
from voronka.notifications.services import notify

from . import files, hooks, leads_from_letters, linking
from .models import Attachment, Direction, Folder, Mailbox, Message, Thread, thread_tokens
from .parsing import Parsed, message_key, parse

log = logging.getLogger("voronka.mail")


def _people(parsed_or_message) -> list[tuple[str, str]]:
    people = []
    if parsed_or_message.from_address:
        people.append((parsed_or_message.from_name, parsed_or_message.from_address))
    return people + list(map(tuple, parsed_or_message.to)) + list(map(tuple, parsed_or_message.cc))


def find_thread(mailbox: Mailbox, *, key: str, refs: list[str]) -> Thread | None:
    """The thread of the letters this one answers (In-Reply-To, References), or of a letter
    that answered it before it arrived."""
    keys = [message_key(r) for r in refs if r]
    if keys:
        found = (
            Message.objects.filter(mailbox=mailbox, message_key__in=keys)
            .order_by("-date")
            .values_list("thread_id", flat=True)
            .first()
        )
        if found:
            return Thread.objects.get(pk=found)
    return None


def touch_thread(thread: Thread, message: Message, *, people) -> None:
    """Count the letter in its thread: latest date, counts, snippet, who, search words."""
    updates = {
        "message_count": F("message_count") + 1,
        "unread_count": F("unread_count") + (0 if message.seen else 1),
    }
    if message.date >= thread.last_at:
        updates["last_at"] = message.date
        # An HTML-only letter's beginning: its HTML without tags, styles and scripts.
        body = message.text or html.unescape(nh3.clean(message.html[:20000], tags=set()))
        updates["snippet"] = " ".join(body.split())[:200]
        if message.subject:
            updates["subject"] = message.subject[:500]
    if message.has_attachments:
        updates["has_attachments"] = True
    model = search.token_model(Thread)
    have = set(model.objects.filter(record=thread).values_list("kind", "token"))
    # Who wrote and was written to, by name (the address when there is none), once each and
    # without the mailbox itself.
    known = {token for kind, token in have if kind == TokenKind.EMAIL}
    own = thread.mailbox.email.lower()
    names = [thread.participants] if thread.participants else []
    for name, address in people[:10]:
        folded = text.fold(address)
        if address.lower() == own or folded in known:
            continue
        known.add(folded)
        names.append(name or address)
    updates["participants"] = ", ".join(names)[:500]
    Thread.objects.filter(pk=thread.pk).update(**updates)
    wanted = thread_tokens(subjects=[message.subject], people=people[:50])
    model.objects.bulk_create(
        [model(record=thread, kind=kind, token=token) for kind, token in wanted - have]
    )


def new_thread(mailbox: Mailbox, *, subject: str, at: datetime.datetime, deal=None) -> Thread:
    return Thread.objects.create(mailbox=mailbox, subject=subject[:500], last_at=at, deal=deal)


def _direction(mailbox: Mailbox, folder: Folder, parsed: Parsed) -> str:
    if folder.is_sent or parsed.from_address == mailbox.email.lower():
        return Direction.OUTGOING
    return Direction.INCOMING


def store_fetched(
    mailbox: Mailbox,
    folder: Folder,
    *,
    uid: int,
    raw: bytes,
    seen: bool,
    internal_date: datetime.datetime | None,
) -> Message | None:
    """Store one letter of a folder; None when it was already stored."""
    parsed = parse(raw)
    key = message_key(parsed.message_id)
    for pk, direction, stored_uid, folder_id, uidvalidity in Message.objects.filter(
        mailbox=mailbox, message_key=key
    ).values_list("pk", "direction", "uid", "folder_id", "uidvalidity"):
        if folder_id == folder.pk and uidvalidity == folder.uidvalidity and stored_uid == uid:
            return None  # stored already
        # Our own letter back from the Sent folder: the row that sent it takes the UID; the
        # same letter under a new UIDVALIDITY (the server renumbered the folder) likewise.
        if (direction == Direction.OUTGOING and stored_uid is None) or folder_id == folder.pk:
            Message.objects.filter(pk=pk).update(
                folder=folder, uidvalidity=folder.uidvalidity, uid=uid
            )
            return None
    raw_name = files.store(raw, kind="raw")
    stored_files = [(a, files.store(a.payload, kind="files")) for a in parsed.attachments]
    date = parsed.date or internal_date or timezone.now()
    if internal_date and parsed.date and parsed.date > internal_date + datetime.timedelta(days=2):
        date = internal_date  # a date from the future would sit on top of the inbox for ever
    try:
        with transaction.atomic():
            message = _insert(
                mailbox,
                folder,
                parsed,
                key=key,
                uid=uid,
                raw_name=raw_name,
                size=len(raw),
                seen=seen,
                date=date,
                stored_files=stored_files,
            )
    except IntegrityError:
        # Another run of the sync stored it a moment ago.
        return None
    return message


def _insert(mailbox, folder, parsed, *, key, uid, raw_name, size, seen, date, stored_files):
    refs = [parsed.in_reply_to, *reversed(parsed.references)]
    thread = find_thread(mailbox, key=key, refs=refs)
    if thread is None:
        thread = new_thread(mailbox, subject=parsed.subject, at=date)
    message = Message.objects.create(
        mailbox=mailbox,
        thread=thread,
        folder=folder,
        uidvalidity=folder.uidvalidity,
        uid=uid,
        direction=_direction(mailbox, folder, parsed),
        message_id=parsed.message_id,
        message_key=key,
        in_reply_to=parsed.in_reply_to,
        references=" ".join(parsed.references),
        subject=parsed.subject,
        from_name=parsed.from_name,
        from_address=parsed.from_address,
        to=[list(p) for p in parsed.to],
        cc=[list(p) for p in parsed.cc],
        date=date,
        seen=seen,
        text=parsed.text,
        html=parsed.html,
        size=size,
        raw=raw_name,
        has_attachments=any(not a.inline for a, _name in stored_files),
        problems="\n".join(parsed.problems)[:2000],
    )
    Attachment.objects.bulk_create(
        [
            Attachment(
                message=message,
                filename=attachment.filename,
                content_type=attachment.content_type,
                size=len(attachment.payload),
                file=name,
                content_id=attachment.content_id,
                is_inline=attachment.inline,
            )
            for attachment, name in stored_files
        ]
    )
    touch_thread(thread, message, people=_people(parsed))
    link_and_record(message, thread=thread)
    return message


def link_and_record(message: Message, *, thread: Thread) -> None:
    """Links, the activity on the main record, the thread's «linked» mark, and the deal
    owner's notification; inside the letter's transaction."""
    if message.mailbox.cases_from_letters:
        for handler in hooks.case_handlers():
            handler(message, thread)
    matches = linking.match(linking.addresses_of(message), thread_deal_id=thread.deal_id)
    if (
        not matches
        and message.direction == Direction.INCOMING
        and message.mailbox.leads_from_strangers
        and message.from_address
    ):
        lead = leads_from_letters.lead_from_letter(message)
        matches = linking.Matches(leads=[lead.pk])
    if not matches:
        return
    linking.link(message, matches)
    if message.direction == Direction.INCOMING:
        # Workflow rules and webhooks may start on "a letter is received" about a record.
        for entity, pk in matches.pairs():
            announce(
                verb="letter_received",
                entity=entity,
                object_id=pk,
                label=message.subject or "",
                message=message.pk,
            )
    if not thread.is_linked:
        Thread.objects.filter(pk=thread.pk).update(is_linked=True)
    activity = linking.record_activity(
        message, matches, actor=message.mailbox.owner, deal_id=thread.deal_id
    )
    if activity is not None:
        Message.objects.filter(pk=message.pk).update(activity=activity)
        message.activity = activity
    if (
        thread.deal_id
        and message.direction == Direction.INCOMING
        and message.mailbox.notify_deal_owner
    ):
        transaction.on_commit(lambda: _tell_deal_owner(message.pk))


def _tell_deal_owner(message_pk: int) -> None:
    message = Message.objects.select_related("thread__deal__owner").get(pk=message_pk)
    deal = message.thread.deal
    if deal is None or not deal.owner.is_active:
        return
    with override(deal.owner.language):
        notify(
            user=deal.owner,
            kind=Kind.SYSTEM,
            title=_("A letter on the deal “%(deal)s”") % {"deal": deal.name},
            body=_("%(sender)s: %(subject)s")
            % {"sender": message.sender, "subject": message.subject},
            url=message.get_absolute_url(),
            entity="deal",
            object_id=deal.pk,
        )
