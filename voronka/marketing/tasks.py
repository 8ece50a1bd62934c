"""Background jobs of the marketing: sending a mailing, starting the scheduled ones and
picking up a mailing whose worker died (its letters already taken are never resent)."""

from __future__ import annotations

import datetime
import logging

from django.db.models import Max
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import services
from .models import Mailing, MailingStatus

log = logging.getLogger("voronka.marketing")

STALLED_AFTER = datetime.timedelta(minutes=5)


@db_task()
def send_mailing(pk: int) -> int:
    try:
        return services.send(pk)
    except Exception:
        log.exception("Mailing %s: sending stopped", pk)
        return 0


def due_and_stalled(now: datetime.datetime | None = None) -> list[int]:
    now = now or timezone.now()
    Mailing.objects.filter(status=MailingStatus.SCHEDULED, scheduled_at__lte=now).update(
        status=MailingStatus.SENDING
    )
    pks = []
    for mailing in Mailing.objects.filter(status=MailingStatus.SENDING).annotate(
        last=Max("recipients__claimed_at")
    ):
        moment = mailing.last or mailing.queued_at or mailing.updated_at
        if moment is None or now - moment >= STALLED_AFTER:
            pks.append(mailing.pk)
    return pks


@db_periodic_task(crontab(minute="*"))
def mailings_every_minute() -> None:
    for pk in due_and_stalled():
        send_mailing(pk)
