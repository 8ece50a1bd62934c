"""Writes of the automation app: saving date rules, and the daily run that plans activities.

`run_date_rules` is called once a day by the Huey job in `tasks.py` (and by hand with
`manage.py run_date_rules`). It may run twice, or in two processes at once: a record gets one
activity per rule and occurrence all the same, because each one is created together with its
`DateRuleHit` row, whose (rule, record, occurrence) is unique.

29 February: in a year without it, a yearly rule treats 28 February as the anniversary (still
in February, and better a day early than a day late for a greeting).
"""

from __future__ import annotations

import calendar
import datetime
import logging
import zoneinfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from voronka.accounts import access
from voronka.accounts.models import Entity, User
from voronka.activities.services import activity_create

from .models import ACTIVITY_LINK, DateRule, DateRuleHit

logger = logging.getLogger(__name__)

CHUNK = 500
DUE_TIME = datetime.time(10, 0)


def date_rule_save(*, actor: User, rule: DateRule) -> DateRule:
    if not access.can_configure(actor):
        raise PermissionDenied(_("Only an administrator can change this setting."))
    rule.full_clean()
    rule.save()
    return rule


def anniversary(date: datetime.date, year: int) -> datetime.date:
    """The date's anniversary in a year; 29 February falls on 28 February in common years."""
    try:
        return date.replace(year=year)
    except ValueError:
        return datetime.date(year, 2, 28)


def next_anniversary(date: datetime.date, today: datetime.date) -> datetime.date:
    this_year = anniversary(date, today.year)
    return this_year if this_year >= today else anniversary(date, today.year + 1)


def month_day_filter(field: str, start: datetime.date, end: datetime.date) -> Q:
    """Records whose date's month and day fall within [start, end], any year: one condition
    per calendar month of the window, so the database does the selecting."""
    if (end - start).days >= 365:
        return Q(**{f"{field}__isnull": False})
    condition = Q()
    cursor = start
    while cursor <= end:
        last = datetime.date(
            cursor.year, cursor.month, calendar.monthrange(cursor.year, cursor.month)[1]
        )
        segment_end = min(end, last)
        part = Q(**{f"{field}__month": cursor.month})
        if cursor.day > 1:
            part &= Q(**{f"{field}__day__gte": cursor.day})
        if segment_end != last:
            part &= Q(**{f"{field}__day__lte": segment_end.day})
        if cursor.month == 2 and segment_end.day == 28 and not calendar.isleap(cursor.year):
            # 29 February is celebrated on the 28th in a common year.
            part |= Q(**{f"{field}__month": 2, f"{field}__day": 29})
        condition |= part
        cursor = segment_end + datetime.timedelta(days=1)
    return condition


def _occurrence(rule: DateRule, value: datetime.date | None, today, end):
    if value is None:
        return None
    occurrence = next_anniversary(value, today) if rule.yearly else value
    if not today <= occurrence <= end or occurrence < value:
        return None
    return occurrence


def _due_at(owner: User, occurrence: datetime.date) -> datetime.datetime:
    """10:00 of the day in the owner's time zone; now, if that moment has already passed."""
    try:
        zone = zoneinfo.ZoneInfo(owner.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        zone = timezone.get_current_timezone()
    due = datetime.datetime.combine(occurrence, DUE_TIME, tzinfo=zone)
    now = timezone.now()
    return due if due > now else now.replace(second=0, microsecond=0)


def _subject(rule: DateRule, record, occurrence: datetime.date) -> str:
    subject = rule.subject.replace("{name}", str(record)).replace(
        "{date}", formats.date_format(occurrence, "SHORT_DATE_FORMAT")
    )
    return subject[:255]


def _candidates(rule: DateRule, today: datetime.date, end: datetime.date):
    """The rule's records whose date falls in the window, in chunks by id."""
    field = rule.field
    queryset = rule.model.objects.filter(owner__is_active=True)
    if rule.yearly:
        queryset = queryset.filter(month_day_filter(field, today, end))
    else:
        queryset = queryset.filter(**{f"{field}__range": (today, end)})
    if rule.entity == Entity.DEAL:
        # A closed deal needs no reminder about its dates.
        queryset = queryset.filter(closed_at__isnull=True)
    queryset = queryset.select_related("owner").order_by("pk")
    last = 0
    while True:
        chunk = list(queryset.filter(pk__gt=last)[:CHUNK])
        if not chunk:
            return
        yield chunk
        last = chunk[-1].pk


def _fire(rule: DateRule, record, occurrence: datetime.date) -> bool:
    """Plan the activity and remember the hit, both or neither. False if another run did."""
    owner = record.owner
    try:
        with transaction.atomic():
            hit, created = DateRuleHit.objects.get_or_create(
                rule=rule, object_id=record.pk, occurrence=occurrence
            )
            if not created:
                return False
            activity = activity_create(
                actor=owner,
                data={
                    "type": rule.activity_type,
                    "kind": rule.activity_type.kind,
                    "subject": _subject(rule, record, occurrence),
                    "due_at": _due_at(owner, occurrence),
                    "owner": owner,
                    ACTIVITY_LINK[Entity(rule.entity)]: record,
                },
            )
            hit.activity = activity
            hit.save(update_fields=["activity"])
    except IntegrityError:
        return False
    except (PermissionDenied, ValidationError) as error:
        logger.warning(
            "Date rule %s could not plan an activity for %s %s: %s",
            rule.pk,
            rule.entity,
            record.pk,
            error,
        )
        return False
    return True


def run_rule(rule: DateRule, *, today: datetime.date) -> int:
    end = today + datetime.timedelta(days=rule.days_ahead)
    created = 0
    for chunk in _candidates(rule, today, end):
        wanted = {}
        for record in chunk:
            occurrence = _occurrence(rule, getattr(record, rule.field), today, end)
            if occurrence is not None:
                wanted[record.pk] = (record, occurrence)
        if not wanted:
            continue
        done = set(
            DateRuleHit.objects.filter(rule=rule, object_id__in=list(wanted)).values_list(
                "object_id", "occurrence"
            )
        )
        for pk, (record, occurrence) in wanted.items():
            if (pk, occurrence) not in done and _fire(rule, record, occurrence):
                created += 1
    return created


def run_date_rules(*, today: datetime.date | None = None) -> int:
    """Run every active rule for the day; returns how many activities were planned."""
    today = today or timezone.localdate()
    created = 0
    rules = DateRule.objects.filter(is_active=True)
    for rule in rules.select_related("activity_type"):
        try:
            rule.clean()
        except ValidationError:
            logger.warning("Date rule %s names a missing field %s", rule.pk, rule.field)
            continue
        created += run_rule(rule, today=today)
    return created
