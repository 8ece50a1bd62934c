"""iCalendar documents: the personal feed and the invitation to a meeting (RFC 5545/5546),
built with the `icalendar` library."""

from __future__ import annotations

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from .models import Activity

PRODID = "-//Voronka CRM//Calendar//RU"


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "voronka"


def uid(activity: Activity) -> str:
    """Stable for an activity: a calendar program updates the event instead of copying it."""
    return f"activity-{activity.pk}@{_host()}"


def _utc(moment: datetime.datetime) -> datetime.datetime:
    return moment.astimezone(datetime.UTC)


def _description(activity: Activity) -> str:
    lines = []
    if activity.company_id:
        lines.append(_("Company: %(name)s") % {"name": activity.company.name})
    if activity.contact_id:
        lines.append(_("Contact: %(name)s") % {"name": activity.contact.full_name})
    if activity.deal_id:
        lines.append(_("Deal: %(name)s") % {"name": activity.deal.name})
    if activity.purpose:
        lines.append(activity.purpose)
    if activity.description:
        lines.append(activity.description)
    return "\n".join(lines)


def _calendar(method: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    return calendar


def _event(activity: Activity, *, stamp: datetime.datetime) -> Event:
    event = Event()
    event.add("uid", uid(activity))
    event.add("dtstamp", _utc(stamp))
    event.add("dtstart", _utc(activity.due_at))
    event.add("dtend", _utc(activity.ends_at))
    summary = activity.subject
    if activity.done:
        summary = f"✓ {summary}"
    event.add("summary", summary)
    description = _description(activity)
    if description:
        event.add("description", description)
    event.add("url", settings.SITE_URL + activity.get_absolute_url())
    # VEVENT knows TENTATIVE / CONFIRMED / CANCELLED only; a done one is marked in the summary
    # and with the non-standard but widely shown X- property.
    event.add("status", "CONFIRMED")
    if activity.done:
        event.add("x-voronka-done", "TRUE")
    event.add("sequence", max(activity.version - 1, 0))
    if activity.updated_at:
        event.add("last-modified", _utc(activity.updated_at))
    if activity.type_id:
        event.add("categories", [activity.type.name])
    return event


def feed(user, activities: list[Activity]) -> bytes:
    calendar = _calendar()
    calendar.add("x-wr-calname", _("Voronka: %(name)s") % {"name": user.display_name})
    calendar.add("x-published-ttl", "PT1H")
    stamp = timezone.now()
    for activity in activities:
        calendar.add_component(_event(activity, stamp=stamp))
    return calendar.to_ical()


def _address(user, role: str | None = None) -> vCalAddress:
    address = vCalAddress(f"mailto:{user.email}")
    address.params["cn"] = vText(user.display_name)
    if role:
        address.params["role"] = vText(role)
        address.params["partstat"] = vText("NEEDS-ACTION")
        address.params["rsvp"] = vText("TRUE")
    return address


def invitation(activity: Activity) -> bytes:
    """A METHOD:REQUEST calendar inviting the participants with an e-mail to a meeting."""
    calendar = _calendar("REQUEST")
    event = _event(activity, stamp=timezone.now())
    if activity.owner.email:
        event.add("organizer", _address(activity.owner))
    for person in activity.participants.all():
        if person.email and person.pk != activity.owner_id:
            event.add("attendee", _address(person, "REQ-PARTICIPANT"))
    calendar.add_component(event)
    return calendar.to_ical()
