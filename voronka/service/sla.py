"""Working-time arithmetic for the service deadlines (SLA), free of the database.

A calendar says which days are working (the days of the week, minus the holidays, plus the
transferred working days of the production calendar) and the working hours of a day, in its
time zone. Deadlines count only working time, and not the periods a case waited for the
client (pauses). Every loop is bounded by `MAX_DAYS`, so a bad calendar cannot hang a page.
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

MAX_DAYS = 3 * 366

Interval = tuple[datetime.datetime, datetime.datetime | None]


@dataclass(frozen=True)
class Calendar:
    zone: datetime.tzinfo = field(default_factory=lambda: zoneinfo.ZoneInfo("Europe/Moscow"))
    starts: datetime.time = datetime.time(9, 0)
    ends: datetime.time = datetime.time(18, 0)
    weekdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    holidays: frozenset[datetime.date] = frozenset()
    working_days: frozenset[datetime.date] = frozenset()  # transferred: a Saturday worked

    def is_working(self, day: datetime.date) -> bool:
        if day in self.holidays:
            return False
        if day in self.working_days:
            return True
        return day.weekday() in self.weekdays

    def window(self, day: datetime.date) -> tuple[datetime.datetime, datetime.datetime] | None:
        """The working hours of a day as aware moments; None on a day off."""
        if not self.is_working(day) or self.ends <= self.starts:
            return None
        return (
            datetime.datetime.combine(day, self.starts, tzinfo=self.zone),
            datetime.datetime.combine(day, self.ends, tzinfo=self.zone),
        )


def _minus(
    window: tuple[datetime.datetime, datetime.datetime], pauses: list[Interval], far
) -> list[tuple[datetime.datetime, datetime.datetime]]:
    """A window with the pauses cut out (an open pause runs to `far`)."""
    pieces = [window]
    for start, end in pauses:
        end = end or far
        cut = []
        for a, b in pieces:
            if end <= a or start >= b:
                cut.append((a, b))
                continue
            if start > a:
                cut.append((a, start))
            if end < b:
                cut.append((end, b))
        pieces = cut
    return pieces


def _windows(
    calendar: Calendar, since: datetime.datetime, pauses: Iterable[Interval] = ()
) -> Iterator[tuple[datetime.datetime, datetime.datetime]]:
    """Working time from `since` on, piece by piece, without the pauses."""
    pauses = sorted(pauses, key=lambda p: p[0])
    far = since + datetime.timedelta(days=MAX_DAYS + 2)
    day = since.astimezone(calendar.zone).date()
    for _ in range(MAX_DAYS):
        window = calendar.window(day)
        if window is not None and window[1] > since:
            window = (max(window[0], since), window[1])
            yield from _minus(window, pauses, far)
        day += datetime.timedelta(days=1)


def working_seconds(
    calendar: Calendar,
    start: datetime.datetime,
    end: datetime.datetime,
    pauses: Iterable[Interval] = (),
) -> int:
    """The working time between two moments, without the pauses, in seconds."""
    if end <= start:
        return 0
    total = 0.0
    for a, b in _windows(calendar, start, pauses):
        if a >= end:
            break
        total += (min(b, end) - a).total_seconds()
    return int(total)


def add_working(
    calendar: Calendar,
    start: datetime.datetime,
    seconds: float,
    pauses: Iterable[Interval] = (),
) -> datetime.datetime | None:
    """The moment `seconds` of working time after `start`, skipping the pauses. None when the
    time cannot run out: the clock is paused with no end, or the calendar has no working
    day within `MAX_DAYS`."""
    pauses = list(pauses)
    if any(end is None for _start, end in pauses):
        open_from = min(s for s, e in pauses if e is None)
    else:
        open_from = None
    left = float(seconds)
    for a, b in _windows(calendar, start, pauses):
        if open_from is not None and a >= open_from:
            return None
        length = (b - a).total_seconds()
        if left <= length:
            return a + datetime.timedelta(seconds=left)
        left -= length
    return None


def due(
    calendar: Calendar,
    opened: datetime.datetime,
    hours: float,
    pauses: Iterable[Interval] = (),
) -> datetime.datetime | None:
    """The deadline of a case opened at `opened` with `hours` of working time for a step."""
    if hours <= 0:
        return None
    return add_working(calendar, opened, hours * 3600, pauses)


def left_seconds(
    calendar: Calendar,
    opened: datetime.datetime,
    hours: float,
    now: datetime.datetime,
    pauses: Iterable[Interval] = (),
) -> int:
    """Working seconds left until the deadline (negative once breached)."""
    used = working_seconds(calendar, opened, now, pauses)
    return int(hours * 3600) - used
