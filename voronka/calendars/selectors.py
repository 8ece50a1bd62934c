"""Reads for the calendar: the events of a period (whose: mine, a colleague's, a team's) and
the activities of a user's iCalendar feed."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from voronka.accounts import access
from voronka.accounts.models import Team, User
from voronka.activities.models import DEFAULT_LENGTH, Activity, ActivityKind
from voronka.activities.selectors import activities_visible_to
from voronka.core import bounds

# At most this many events are sent for one period (a month of a big team still fits).
MAX_EVENTS = 2000
# Calls, tasks and letters have no end: the calendar draws them this long.
# The feed: from this long ago to this far ahead.
FEED_PAST = datetime.timedelta(days=90)
FEED_AHEAD = datetime.timedelta(days=365)


@dataclass(frozen=True)
class Whose:
    """Whose calendar is shown: the user's own, a colleague's or a team's."""

    user_id: int | None = None
    team_ids: frozenset[int] | None = None


def parse_moment(value: str | None) -> datetime.datetime | None:
    """An ISO date or date-time from the calendar; without an offset it is in the user's zone.
    None if it is not one; a ValidationError if it lies outside the dates of core.bounds (a
    day added to year 9999, or a zone applied to year 1, would overflow)."""
    if not value:
        return None
    value = value.strip().replace(" ", "+")  # a "+" in a query string arrives as a space
    try:
        moment = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if not bounds.day_in_range(moment):
        raise bounds.day_range_error()
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_current_timezone())
    return moment


def parse_period(start: str | None, end: str | None) -> tuple[datetime.datetime, ...]:
    """The period the calendar asks for, or a ValidationError saying what is wrong with it."""
    first, last = parse_moment(start), parse_moment(end)
    if first is None or last is None or last <= first:
        raise ValidationError(_("Give the start and the end of the period."))
    return first, last


def calendar_teams(user: User) -> QuerySet[Team]:
    """The teams whose calendar a user may open: their own, and for a head the ones below."""
    return Team.objects.filter(pk__in=sorted(access.calendar_team_ids(user)))


def whose(user: User, *, user_id: str | None = None, team_id: str | None = None) -> Whose:
    """Read the `user` / `team` parameters. A team the user may not open shows nothing; a
    colleague outside their view scope shows nothing too (the access filter drops it). A
    parameter that cannot be an id is a ValidationError naming it."""
    if team_id:
        team_id = bounds.parse_id(team_id)
        if team_id is None:
            raise ValidationError({"team": bounds.NO_SUCH_ID})
        allowed = access.calendar_team_ids(user)
        if team_id not in allowed:
            return Whose(team_ids=frozenset())
        # A head's calendar of a department shows its sub-teams too: all within `allowed`.
        ids = access.team_ids_below(team_id) & allowed
        return Whose(team_ids=frozenset(ids))
    if user_id:
        colleague = bounds.parse_id(user_id)
        if colleague is None:
            raise ValidationError({"user": bounds.NO_SUCH_ID})
        return Whose(user_id=colleague)
    return Whose(user_id=user.pk)


def _of_user(user_id: int) -> Q:
    meetings = Activity.participants.through.objects.filter(user_id=user_id)
    return Q(owner_id=user_id) | Q(pk__in=meetings.values("activity_id"))


def events(
    *, user: User, start: datetime.datetime, end: datetime.datetime, of: Whose | None = None
) -> list[Activity]:
    """The planned activities (not notes) the user may see that overlap [start, end), at most
    MAX_EVENTS of them, earliest first. A fixed number of queries whatever the period."""
    of = of or Whose(user_id=user.pk)
    activities = (
        activities_visible_to(user=user)
        .exclude(kind=ActivityKind.NOTE)
        .filter(due_at__isnull=False, due_at__lt=end)
        .filter(
            Q(end_at__isnull=False, end_at__gt=start)
            | Q(end_at__isnull=True, due_at__gt=start - DEFAULT_LENGTH)
        )
    )
    if of.team_ids is not None:
        activities = activities.filter(owner__team_id__in=sorted(of.team_ids))
    elif of.user_id is not None:
        activities = activities.filter(_of_user(of.user_id))
    return list(activities.order_by("due_at", "id")[:MAX_EVENTS])


def feed_activities(*, user: User, now: datetime.datetime | None = None) -> list[Activity]:
    """A user's own activities (owned, or a meeting they take part in) for the feed."""
    now = now or timezone.now()
    return list(
        Activity.objects.select_related("company", "contact", "deal", "owner", "type")
        .exclude(kind=ActivityKind.NOTE)
        .filter(due_at__gte=now - FEED_PAST, due_at__lte=now + FEED_AHEAD)
        .filter(_of_user(user.pk))
        .order_by("due_at", "id")[:MAX_EVENTS]
    )
