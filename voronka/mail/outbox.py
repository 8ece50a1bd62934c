"""The outbox: sending a composed letter through the mailbox's SMTP server and saving a copy
to its Sent folder over IMAP. Run by the background jobs (`mail.tasks`); a failure is written
on the letter and tried again, each time later, up to MAX_ATTEMPTS; then «send again» on the
letter's page starts over.
"""

from __future__ import annotations

import datetime
import logging
import re

from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from . import connections, files
from .models import Folder, Message, SendStatus
from .sync import backoff, find_sent_folder

log = logging.getLogger("voronka.mail")

MAX_ATTEMPTS = 8
SENDING_HOLD = datetime.timedelta(minutes=15)
_APPENDUID = re.compile(rb"APPENDUID (\d+) (\d+)")


def send_letter(message_pk: int) -> bool:
    """Send one letter of the outbox; True when it left. Its state is written on it."""
    now = timezone.now()
    claimed = Message.objects.filter(
        pk=message_pk, status__in=[SendStatus.QUEUED, SendStatus.FAILED]
    ).update(status=SendStatus.SENDING, attempts=F("attempts") + 1, next_attempt_at=now)
    if not claimed:
        return False
    message = Message.objects.select_related("mailbox").get(pk=message_pk)
    mailbox = message.mailbox
    raw = files.read(message.raw)
    try:
        with connections.smtp(mailbox) as session:
            session.sendmail(mailbox.email, message.recipients, raw)
    except Exception as error:
        text = connections.explain(error, server=mailbox.smtp_host)
        retry = message.attempts < MAX_ATTEMPTS
        Message.objects.filter(pk=message.pk).update(
            status=SendStatus.FAILED,
            send_error=text,
            next_attempt_at=now + backoff(message.attempts) if retry else None,
        )
        log.warning("Letter %s not sent: %s", message.pk, text)
        return False
    Message.objects.filter(pk=message.pk).update(
        status=SendStatus.SENT, send_error="", next_attempt_at=None
    )
    save_to_sent(message, raw)
    return True


def save_to_sent(message: Message, raw: bytes) -> None:
    """A copy in the mailbox's Sent folder; a failure here is noted, the letter has left."""
    mailbox = message.mailbox
    try:
        with connections.imap(mailbox) as client:
            name = find_sent_folder(mailbox, client)
            if not name:
                return
            answer = client.append(name, raw, flags=[b"\\Seen"], msg_time=message.date)
            found = _APPENDUID.search(answer or b"")
            if found:
                uidvalidity, uid = int(found.group(1)), int(found.group(2))
                folder, _created = Folder.objects.get_or_create(
                    mailbox=mailbox, name=name, defaults={"is_sent": True}
                )
                Message.objects.filter(pk=message.pk).update(
                    folder=folder, uidvalidity=uidvalidity, uid=uid
                )
    except Exception as error:
        note = _("Sent, but not saved to the Sent folder: %(error)s") % {
            "error": connections.explain(error, server=mailbox.imap_host)
        }
        Message.objects.filter(pk=message.pk).update(send_error=note)


def letters_due() -> list[int]:
    """Letters to (re)send now: failed ones whose time has come, queued ones whose job was
    lost, and those a killed job left «being sent»."""
    now = timezone.now()
    stuck = now - SENDING_HOLD
    Message.objects.filter(status=SendStatus.SENDING, next_attempt_at__lt=stuck).update(
        status=SendStatus.FAILED
    )
    return list(
        Message.objects.filter(
            Q(status=SendStatus.FAILED, next_attempt_at__lte=now, attempts__lt=MAX_ATTEMPTS)
            | Q(status=SendStatus.QUEUED, created_at__lt=now - datetime.timedelta(minutes=2))
        ).values_list("pk", flat=True)[:100]
    )
