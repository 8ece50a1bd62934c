"""Fetching a mailbox's new letters over IMAP (by UID), idempotently.

A folder remembers its UIDVALIDITY and the highest UID stored. A run asks the server for the
UIDs above it (the first run: the letters of the last N days only), leaves out those already
stored, fetches the rest in batches and stores each letter in its own transaction; the
folder's mark moves after each batch. A run killed half-way loses nothing and stores nothing
twice (the unique key on folder, UIDVALIDITY and UID is the last guard).

One mailbox is synced by one job at a time: a run holds the mailbox (`sync_started_at`), and
a hold older than HOLD expires (the job that took it was killed). A mailbox that fails is
marked with the error in plain words and tried again later, each time waiting longer; the
other mailboxes do not wait for it.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable

from django.db.models import Q
from django.utils import timezone
from imapclient import IMAPClient

from . import connections, store
from .models import Folder, Mailbox, Message

log = logging.getLogger("voronka.mail")

BATCH = 50
HOLD = datetime.timedelta(minutes=15)
MAX_BACKOFF = datetime.timedelta(hours=6)
SENT_FLAGS = (b"\\Sent",)


def backoff(failures: int) -> datetime.timedelta:
    """1, 2, 4, 8 … minutes after the 1st, 2nd, 3rd … failure in a row, at most 6 hours."""
    return min(datetime.timedelta(minutes=2 ** max(failures - 1, 0)), MAX_BACKOFF)


def _hold(mailbox: Mailbox) -> bool:
    now = timezone.now()
    free = Q(sync_started_at__isnull=True) | Q(sync_started_at__lt=now - HOLD)
    return bool(Mailbox.objects.filter(free, pk=mailbox.pk).update(sync_started_at=now))


def _release(mailbox: Mailbox, **fields) -> None:
    Mailbox.objects.filter(pk=mailbox.pk).update(sync_started_at=None, **fields)


def sync_mailbox(mailbox: Mailbox, *, client_factory=None) -> int | None:
    """Fetch the new letters of every folder to sync. Returns how many were stored, or None
    when another run holds the mailbox. Errors are written on the mailbox, not raised."""
    if not _hold(mailbox):
        return None
    opener = client_factory or connections.imap
    stored = 0
    try:
        with opener(mailbox) as client:
            for name, is_sent in folders_to_sync(mailbox, client):
                stored += sync_folder(mailbox, client, name=name, is_sent=is_sent)
    except Exception as error:
        failures = mailbox.failures + 1
        message = connections.explain(error, server=mailbox.imap_host)
        log.warning("Mailbox %s: %s", mailbox.pk, message)
        _release(
            mailbox,
            failures=failures,
            last_error=message,
            next_sync_at=timezone.now() + backoff(failures),
        )
        return stored
    _release(
        mailbox,
        failures=0,
        last_error="",
        last_sync_at=timezone.now(),
        next_sync_at=None,
        sync_total=0,
        sync_done=0,
    )
    return stored


def find_sent_folder(mailbox: Mailbox, client: IMAPClient) -> str | None:
    if mailbox.sent_folder:
        return mailbox.sent_folder
    try:
        found = client.find_special_folder(b"\\Sent")
    except Exception:
        found = None
    if found:
        return found
    names = {str(name).lower(): str(name) for _flags, _sep, name in client.list_folders()}
    for candidate in ("sent", "sent items", "sent messages", "отправленные", "inbox.sent"):
        if candidate in names:
            return names[candidate]
    return None


def folders_to_sync(mailbox: Mailbox, client: IMAPClient) -> list[tuple[str, bool]]:
    names = [(str(name), False) for name in (mailbox.folders or ["INBOX"]) if str(name).strip()]
    sent = find_sent_folder(mailbox, client)
    if sent and sent not in {name for name, _ in names}:
        names.append((sent, True))
    return [(name, is_sent or name == sent) for name, is_sent in names]


def _batches(items: list[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def sync_folder(mailbox: Mailbox, client: IMAPClient, *, name: str, is_sent: bool) -> int:
    folder, _created = Folder.objects.get_or_create(
        mailbox=mailbox, name=name, defaults={"is_sent": is_sent}
    )
    if folder.is_sent != is_sent:
        folder.is_sent = is_sent
        folder.save(update_fields=["is_sent"])
    selected = client.select_folder(name, readonly=True)
    uidvalidity = int(selected.get(b"UIDVALIDITY") or 0)
    if folder.uidvalidity != uidvalidity:
        # A new folder, or the server renumbered it: read it again from the start (letters
        # already stored are recognised by their Message-ID, see store.store_fetched).
        folder.uidvalidity, folder.last_uid = uidvalidity, 0
        folder.save(update_fields=["uidvalidity", "last_uid"])
    if folder.last_uid:
        uids = [
            u for u in client.search(["UID", f"{folder.last_uid + 1}:*"]) if u > folder.last_uid
        ]
    else:
        since = timezone.now().date() - datetime.timedelta(days=mailbox.first_sync_days)
        uids = client.search(["SINCE", since])
    uids = sorted(int(u) for u in uids)
    have = set()
    for chunk in _batches(uids, 1000):
        have |= set(
            Message.objects.filter(
                folder=folder, uidvalidity=uidvalidity, uid__in=chunk
            ).values_list("uid", flat=True)
        )
    todo = [u for u in uids if u not in have]
    if todo:
        Mailbox.objects.filter(pk=mailbox.pk).update(sync_total=len(todo), sync_done=0)
    stored = done = 0
    for chunk in _batches(todo, BATCH):
        fetched = client.fetch(chunk, ["BODY.PEEK[]", "FLAGS", "INTERNALDATE"])
        for uid in chunk:
            data = fetched.get(uid)
            if not data or b"BODY[]" not in data:
                continue
            internal = data.get(b"INTERNALDATE")
            if isinstance(internal, datetime.datetime) and timezone.is_naive(internal):
                internal = timezone.make_aware(internal)
            message = store.store_fetched(
                mailbox,
                folder,
                uid=uid,
                raw=data[b"BODY[]"],
                seen=b"\\Seen" in (data.get(b"FLAGS") or ()),
                internal_date=internal if isinstance(internal, datetime.datetime) else None,
            )
            stored += message is not None
        done += len(chunk)
        Folder.objects.filter(pk=folder.pk).update(last_uid=max(folder.last_uid, max(chunk)))
        folder.last_uid = max(folder.last_uid, max(chunk))
        Mailbox.objects.filter(pk=mailbox.pk).update(sync_done=done)
    if uids and max(uids) > folder.last_uid:
        Folder.objects.filter(pk=folder.pk).update(last_uid=max(uids))
    return stored
