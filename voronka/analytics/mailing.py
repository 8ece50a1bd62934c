"""Saved reports e-mailed on their schedule: weekly on Mondays, monthly on the 1st, to their
author, with the rows the author may see, in the author's language, as an XLSX attachment."""

from __future__ import annotations

import datetime
import logging

from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from voronka.core.export import XLSX_TYPE, xlsx_bytes

from . import builder
from .models import ReportSchedule, SavedReport

logger = logging.getLogger(__name__)


def due(day: datetime.date) -> Q:
    kinds = []
    if day.weekday() == 0:
        kinds.append(ReportSchedule.WEEKLY)
    if day.day == 1:
        kinds.append(ReportSchedule.MONTHLY)
    return Q(schedule__in=kinds)


def send_due_reports(day: datetime.date | None = None) -> int:
    """Send the reports due on `day` (today) that were not sent that day; returns how many."""
    day = day or timezone.localdate()
    sent = 0
    reports = SavedReport.objects.filter(due(day), author__is_active=True).select_related("author")
    for report in reports:
        if report.last_sent_at and timezone.localtime(report.last_sent_at).date() >= day:
            continue  # sent that day (or later): not twice
        author = report.author
        if not author.email:
            continue
        with translation.override(author.language or None):
            try:
                result = builder.run(report.entity, report.spec, author, everything=True)
            except ValidationError as error:  # no longer valid: skip it, send the others
                logger.warning("Report %s not sent: %s", report.pk, error.messages)
                continue
            workbook = xlsx_bytes(report.name, result.headers, result.rows)
            message = EmailMessage(
                subject=_("Report “%(name)s” for %(day)s") % {"name": report.name, "day": day},
                body=_("The report “%(name)s” is attached: %(rows)s rows, as you may see them.")
                % {"name": report.name, "rows": len(result.rows)},
                to=[author.email],
            )
            message.attach(
                f"report-{report.pk}-{day.isoformat()}.xlsx",
                workbook,
                XLSX_TYPE,
            )
            message.send()
        SavedReport.objects.filter(pk=report.pk).update(last_sent_at=timezone.now())
        sent += 1
    return sent
