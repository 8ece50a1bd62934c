import datetime
import zoneinfo

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from icalendar import Calendar

from conftest import client_for
from tests.factories import (
    ActivityFactory,
    CompanyFactory,
    DealFactory,
    TeamFactory,
    UserFactory,
)
from voronka.activities import ics, invitations
from voronka.activities.models import Activity, ActivityKind
from voronka.calendars import selectors, services
from voronka.calendars.models import CalendarFeed
from voronka.core.errors import ConflictError

pytestmark = pytest.mark.django_db

ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")  # the factories' users live here


def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, 12, day, hour, minute, tzinfo=ALMATY)


def week(client, **params):
    query = {"start": "2026-11-30T00:00:00", "end": "2026-12-07T00:00:00", **params}
    response = client.get("/calendar/events/", query)
    assert response.status_code == 200, response.content
    return response.json()


def ids(events) -> set[int]:
    return {int(e["id"]) for e in events}


# ---- the events of the page -------------------------------------------------------------


def test_the_page_opens_with_the_calendar(owner):
    response = client_for(owner).get("/calendar/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="calendar"' in html
    assert 'data-time-zone="Asia/Almaty"' in html
    assert "ru.global.min.js" in html


def test_the_page_needs_a_sign_in(client):
    assert client.get("/calendar/").status_code == 302
    assert client.get("/calendar/events/?start=2026-12-01&end=2026-12-02").status_code == 302


def test_my_events_are_mine_in_the_range_without_notes(owner, teammate):
    mine = ActivityFactory(owner=owner, due_at=at(1, 10), subject="Позвонить")
    meeting = ActivityFactory(
        owner=teammate, kind=ActivityKind.MEETING, due_at=at(2, 15), end_at=at(2, 16)
    )
    meeting.participants.add(owner)
    ActivityFactory(owner=owner, due_at=at(10, 10))  # next week
    ActivityFactory(owner=owner, kind=ActivityKind.NOTE, due_at=at(1, 11))
    ActivityFactory(owner=teammate, due_at=at(1, 12))  # a colleague's
    events = week(client_for(owner))
    assert ids(events) == {mine.pk, meeting.pk}
    call = next(e for e in events if e["id"] == str(mine.pk))
    assert call["title"] == "Позвонить"
    assert call["start"] == "2026-12-01T10:00:00"  # wall time in the user's zone
    assert call["end"] == "2026-12-01T10:30:00"  # a call without an end: 30 minutes
    assert call["url"] == f"/activities/{mine.pk}/"
    assert call["editable"] is True
    assert call["extendedProps"]["version"] == mine.version


def test_a_colleague_and_a_team_within_the_access_rules(owner, teammate, outsider, head):
    theirs = ActivityFactory(owner=teammate, due_at=at(1, 10))
    mine = ActivityFactory(owner=owner, due_at=at(1, 11))
    foreign = ActivityFactory(owner=outsider, due_at=at(1, 12))
    client = client_for(owner)
    colleague = week(client, user=teammate.pk)
    assert ids(colleague) == {theirs.pk}
    assert colleague[0]["editable"] is False  # a manager changes only their own
    assert week(client, user=outsider.pk) == []
    assert ids(week(client, team=owner.team_id)) == {theirs.pk, mine.pk}
    assert week(client, team=outsider.team_id) == []
    # The head of sales sees the department and the teams below it.
    below = UserFactory(team=TeamFactory(parent=owner.team))
    deeper = ActivityFactory(owner=below, due_at=at(2, 9))
    assert ids(week(client_for(head), team=head.team_id)) == {theirs.pk, mine.pk, deeper.pk}
    assert ids(week(client, team=owner.team_id)) == {theirs.pk, mine.pk}
    assert foreign.pk not in ids(week(client_for(head), team=head.team_id))


def test_done_and_overdue_are_marked(owner):
    past = timezone.now() - datetime.timedelta(days=1)
    overdue = ActivityFactory(owner=owner, due_at=past)
    done = ActivityFactory(owner=owner, due_at=past + datetime.timedelta(hours=1), done=True)
    start = (past - datetime.timedelta(days=1)).astimezone(ALMATY).replace(tzinfo=None)
    events = week(
        client_for(owner),
        start=start.isoformat(),
        end=(start + datetime.timedelta(days=3)).isoformat(),
    )
    by_id = {int(e["id"]): e for e in events}
    assert "is-overdue" in by_id[overdue.pk]["classNames"]
    assert "is-done" in by_id[done.pk]["classNames"]
    assert "is-overdue" not in by_id[done.pk]["classNames"]


def test_a_bad_period_is_refused(owner):
    response = client_for(owner).get("/calendar/events/", {"start": "soon", "end": "later"})
    assert response.status_code == 400
    assert "error" in response.json()


def test_the_events_cost_a_fixed_number_of_queries(owner, teammate):
    client = client_for(owner)
    ActivityFactory(owner=owner, due_at=at(1, 10))
    week(client, team=owner.team_id)
    with CaptureQueriesContext(connection) as few:
        week(client, team=owner.team_id)
    for hour in range(8, 18):
        ActivityFactory(owner=teammate, due_at=at(2, hour), company=CompanyFactory(owner=owner))
    with CaptureQueriesContext(connection) as many:
        assert len(week(client, team=owner.team_id)) == 11
    assert len(many) == len(few)


def test_the_number_of_events_is_capped(owner, monkeypatch):
    monkeypatch.setattr(selectors, "MAX_EVENTS", 3)
    for hour in range(8, 13):
        ActivityFactory(owner=owner, due_at=at(1, hour))
    assert len(week(client_for(owner))) == 3


# ---- drag and drop -----------------------------------------------------------------------


def test_moving_an_event_changes_its_start_and_end(owner):
    activity = ActivityFactory(owner=owner, due_at=at(1, 10))
    response = client_for(owner).post(
        f"/calendar/events/{activity.pk}/move/",
        {"start": "2026-12-02T11:15:00", "end": "2026-12-02T12:00:00", "version": activity.version},
    )
    assert response.status_code == 200, response.content
    activity.refresh_from_db()
    assert activity.due_at == at(2, 11, 15)
    assert activity.end_at == at(2, 12)
    assert response.json()["extendedProps"]["version"] == activity.version == 2


def test_moving_without_an_end_keeps_no_end(owner):
    activity = ActivityFactory(owner=owner, due_at=at(1, 10))
    response = client_for(owner).post(
        f"/calendar/events/{activity.pk}/move/",
        {"start": "2026-12-02T04:00:00Z", "version": activity.version},
    )
    assert response.status_code == 200
    activity.refresh_from_db()
    assert activity.due_at == at(2, 9)
    assert activity.end_at is None


def test_a_stale_version_is_refused_with_a_message(owner):
    activity = ActivityFactory(owner=owner, due_at=at(1, 10))
    Activity.objects.filter(pk=activity.pk).update(version=5)
    response = client_for(owner).post(
        f"/calendar/events/{activity.pk}/move/",
        {"start": "2026-12-02T11:00:00", "version": 1},
    )
    assert response.status_code == 409
    with translation.override("ru"):
        assert response.json()["error"] == str(ConflictError())
    activity.refresh_from_db()
    assert activity.due_at == at(1, 10)


def test_someone_elses_activity_cannot_be_moved(owner, teammate, outsider):
    theirs = ActivityFactory(owner=teammate, due_at=at(1, 10))
    foreign = ActivityFactory(owner=outsider, due_at=at(1, 10))
    client = client_for(owner)
    seen = client.post(
        f"/calendar/events/{theirs.pk}/move/", {"start": "2026-12-02T11:00:00", "version": 1}
    )
    assert seen.status_code == 403 and seen.json()["error"]
    unseen = client.post(
        f"/calendar/events/{foreign.pk}/move/", {"start": "2026-12-02T11:00:00", "version": 1}
    )
    assert unseen.status_code == 404 and unseen.json()["error"]
    for activity in (theirs, foreign):
        activity.refresh_from_db()
        assert activity.due_at == at(1, 10) and activity.version == 1


def test_an_end_before_the_start_is_refused(owner):
    activity = ActivityFactory(owner=owner, due_at=at(1, 10))
    response = client_for(owner).post(
        f"/calendar/events/{activity.pk}/move/",
        {"start": "2026-12-02T11:00:00", "end": "2026-12-02T10:00:00", "version": 1},
    )
    assert response.status_code == 400
    assert response.json()["error"]
    bad = client_for(owner).post(
        f"/calendar/events/{activity.pk}/move/", {"start": "tomorrow", "version": 1}
    )
    assert bad.status_code == 400 and bad.json()["error"]


def test_the_refusal_speaks_english_too(owner):
    owner.language = "en"
    owner.save()
    activity = ActivityFactory(owner=owner, due_at=at(1, 10))
    response = client_for(owner).post(
        f"/calendar/events/{activity.pk}/move/", {"start": "x", "version": 1}
    )
    assert response.json()["error"] == "The new time could not be read."


# ---- the feed ----------------------------------------------------------------------------


def feed_of(client, feed: CalendarFeed) -> Calendar:
    response = client.get(f"/calendar/feed/{feed.token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def test_the_feed_has_my_activities_and_only_mine(client, owner, teammate, settings):
    settings.SITE_URL = "https://crm.example.com"
    soon = timezone.now() + datetime.timedelta(days=2)
    company = CompanyFactory(owner=owner, name="ТОО Ромашка")
    deal = DealFactory(owner=owner, name="Поставка", company=company)
    call = ActivityFactory(
        owner=owner, due_at=soon, subject="Позвонить", company=company, deal=deal
    )
    meeting = ActivityFactory(
        owner=teammate,
        kind=ActivityKind.MEETING,
        due_at=soon,
        end_at=soon + datetime.timedelta(hours=2),
    )
    meeting.participants.add(owner)
    done = ActivityFactory(owner=owner, due_at=soon, done=True)
    ActivityFactory(owner=teammate, due_at=soon)  # not mine
    ActivityFactory(owner=owner, kind=ActivityKind.NOTE, due_at=soon)
    ActivityFactory(owner=owner, due_at=timezone.now() - datetime.timedelta(days=200))
    feed = services.feed_renew(user=owner)
    calendar = feed_of(client, feed)
    events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {f"activity-{a.pk}@crm.example.com" for a in (call, meeting, done)}
    event = events[f"activity-{call.pk}@crm.example.com"]
    assert str(event["summary"]) == "Позвонить"
    assert event.decoded("dtstart") == call.due_at.replace(microsecond=0)
    assert event.decoded("dtstart").utcoffset() == datetime.timedelta(0)
    assert event.decoded("dtend") - event.decoded("dtstart") == datetime.timedelta(minutes=30)
    assert "ТОО Ромашка" in str(event["description"])
    assert "Поставка" in str(event["description"])
    assert str(event["url"]) == f"https://crm.example.com/activities/{call.pk}/"
    assert str(event["status"]) == "CONFIRMED"
    assert str(events[f"activity-{done.pk}@crm.example.com"]["summary"]).startswith("✓")


def test_a_revoked_or_unknown_feed_is_404_and_a_new_token_works(client, owner):
    feed = services.feed_renew(user=owner)
    old = feed.token
    assert len(old) >= 40
    renewed = services.feed_renew(user=owner)
    assert renewed.token != old
    assert client.get(f"/calendar/feed/{old}.ics").status_code == 404
    feed_of(client, renewed)
    services.feed_revoke(user=owner)
    assert client.get(f"/calendar/feed/{renewed.token}.ics").status_code == 404
    assert client.get("/calendar/feed/nonsense.ics").status_code == 404


def test_the_subscribe_panel_creates_replaces_and_revokes(owner):
    client = client_for(owner)
    assert client.post("/calendar/feed/new/").status_code == 302
    feed = CalendarFeed.objects.get(user=owner)
    assert feed.full_url in client.get("/calendar/").content.decode()
    client.post("/calendar/feed/new/")
    assert CalendarFeed.objects.get(user=owner).token != feed.token
    client.post("/calendar/feed/revoke/")
    assert not CalendarFeed.objects.filter(user=owner).exists()
    assert client.get("/calendar/feed/new/").status_code == 405


# ---- invitations -------------------------------------------------------------------------


def test_the_invitation_names_the_organiser_and_the_attendees(owner, teammate):
    meeting = ActivityFactory(
        owner=owner,
        kind=ActivityKind.MEETING,
        due_at=at(3, 10),
        end_at=at(3, 11),
        subject="Встреча",
    )
    nobody = UserFactory(email="")
    meeting.participants.add(teammate, nobody)
    calendar = Calendar.from_ical(ics.invitation(meeting))
    assert str(calendar["method"]) == "REQUEST"
    event = calendar.walk("VEVENT")[0]
    assert str(event["organizer"]) == f"mailto:{owner.email}"
    attendees = event["attendee"]
    attendees = attendees if isinstance(attendees, list) else [attendees]
    assert [str(a) for a in attendees] == [f"mailto:{teammate.email}"]
    assert event.decoded("dtend") == at(3, 11)


def test_send_invitations_mails_the_participants_with_the_ics(owner, teammate):
    meeting = ActivityFactory(owner=owner, kind=ActivityKind.MEETING, due_at=at(3, 10))
    meeting.participants.add(teammate, owner, UserFactory(email=""))
    assert invitations.send_invitations(activity=meeting) == 1
    (message,) = mail.outbox
    assert message.to == [teammate.email]
    name, content, mimetype = message.attachments[0]
    assert name == "invite.ics"
    assert mimetype == "text/calendar; method=REQUEST"
    assert Calendar.from_ical(content)["method"] == "REQUEST"


# ---- the API -----------------------------------------------------------------------------


def test_the_api_gives_the_events_of_a_period(owner, teammate, outsider):
    inside = ActivityFactory(owner=owner, due_at=at(1, 10))
    ActivityFactory(owner=owner, due_at=at(20, 10))
    theirs = ActivityFactory(owner=teammate, due_at=at(1, 10))
    ActivityFactory(owner=outsider, due_at=at(1, 10))
    client = client_for(owner)
    period = {"start": "2026-11-30T00:00:00+05:00", "end": "2026-12-07T00:00:00+05:00"}
    response = client.get("/api/v1/calendar/", period)
    assert response.status_code == 200, response.content
    assert [e["id"] for e in response.json()] == [inside.pk]
    event = response.json()[0]
    assert datetime.datetime.fromisoformat(event["start"]) == inside.due_at
    assert datetime.datetime.fromisoformat(event["end"]) == inside.due_at + datetime.timedelta(
        minutes=30
    )
    team = client.get("/api/v1/calendar/", {**period, "team": owner.team_id}).json()
    assert {e["id"] for e in team} == {inside.pk, theirs.pk}
    assert client.get("/api/v1/calendar/", {**period, "user": outsider.pk}).json() == []
    assert client.get("/api/v1/calendar/", {"start": "x"}).status_code == 400


def test_the_page_in_english_loads_no_russian_locale(owner):
    owner.language = "en"
    owner.save()
    html = client_for(owner).get("/calendar/").content.decode()
    assert 'data-locale="en"' in html
    assert "ru.global.min.js" not in html
    assert "My calendar" in html
