"""The calendar in a browser: a call planned today shows in the week view; dragged to the
next day it is rescheduled (the database says so), at the same time of day."""

import datetime
import os
import re
import zoneinfo
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.factories import ActivityFactory, UserFactory
from voronka.activities.models import Activity, ActivityKind

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")


@pytest.fixture
def manager(team):
    return UserFactory(
        username="aliya",
        first_name="Алия",
        last_name="Нурланова",
        team=team,
        password="aliya-pass-2026",
        timezone="Asia/Almaty",
    )


def sign_in(page: Page, base: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Имя пользователя").fill("aliya")
    page.get_by_label("Пароль").fill("aliya-pass-2026")
    page.get_by_role("button", name="Войти").click()
    expect(page.get_by_role("heading", name=re.compile("Добро пожаловать"))).to_be_visible()


def drag(page: Page, source, target) -> None:
    """Pointer drag in small steps (FullCalendar follows pointer moves, not HTML5 drag)."""
    box, goal = source.bounding_box(), target.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 4
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 10, y, steps=4)
    page.mouse.move(goal["x"] + goal["width"] / 2, y, steps=15)
    page.mouse.up()


def test_a_call_planned_today_is_dragged_to_another_day(page: Page, live_server, manager):
    today = timezone.now().astimezone(ALMATY).date()
    start = datetime.datetime.combine(today, datetime.time(10, 0), tzinfo=ALMATY)
    call = ActivityFactory(
        owner=manager, kind=ActivityKind.CALL, subject="Позвонить Руслану", due_at=start
    )
    # The week starts on Monday: from a Sunday the call goes back a day, else forward.
    target = today + datetime.timedelta(days=-1 if today.weekday() == 6 else 1)

    sign_in(page, live_server.url)
    page.get_by_role("link", name="Календарь").click()
    event = page.get_by_test_id(f"event-{call.pk}")
    expect(event).to_be_visible()
    expect(event).to_contain_text("Позвонить Руслану")
    expect(page.get_by_role("button", name="Неделя")).to_have_class(re.compile("fc-button-active"))
    if os.environ.get("SCREENSHOT_DIR"):
        page.screenshot(path=str(Path(os.environ["SCREENSHOT_DIR"]) / "calendar-week.png"))

    event.scroll_into_view_if_needed()
    # Wait for the save itself: the card moves (and is not "saving" yet) before it is sent.
    with page.expect_response(lambda r: r.url.endswith(f"/calendar/events/{call.pk}/move/")):
        drag(page, event, page.locator(f'td.fc-timegrid-col[data-date="{target.isoformat()}"]'))
    moved = page.locator(f'td.fc-timegrid-col[data-date="{target.isoformat()}"]').get_by_test_id(
        f"event-{call.pk}"
    )
    expect(moved).to_be_visible()
    expect(moved).not_to_have_class(re.compile("is-saving"))
    expect(page.get_by_test_id("calendar-alert")).to_be_hidden()
    call.refresh_from_db()
    assert call.version == 2
    assert call.due_at.astimezone(ALMATY) == datetime.datetime.combine(
        target, datetime.time(10, 0), tzinfo=ALMATY
    )
    assert call.end_at is None
    assert Activity.objects.count() == 1


def test_an_empty_slot_opens_the_new_activity_form_and_the_feed_can_be_made(
    page: Page, live_server, manager
):
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/calendar/")
    day = page.locator("td.fc-timegrid-col[data-date]").nth(2)
    date = day.get_attribute("data-date")
    slot = page.locator('td.fc-timegrid-slot-lane[data-time="14:00:00"]')
    box, column = slot.bounding_box(), day.bounding_box()
    x = column["x"] + column["width"] / 2
    page.mouse.move(x, box["y"] + 5)
    page.mouse.down()
    page.mouse.move(x, box["y"] + 30, steps=5)  # 14:00 – 15:00
    page.mouse.up()
    expect(page).to_have_url(re.compile(r"/activities/new/\?due_at="))
    assert f"due_at={date}T14%3A00" in page.url
    assert f"end_at={date}T15%3A00" in page.url

    page.goto(f"{live_server.url}/calendar/")
    page.get_by_role("button", name="Месяц").click()
    expect(page.locator(".fc-dayGridMonth-view")).to_be_visible()
    page.get_by_test_id("subscribe").click()
    page.get_by_test_id("feed-create").click()
    expect(page.get_by_test_id("feed-url")).to_be_visible()
    expect(page.get_by_test_id("feed-url")).to_have_value(re.compile(r"/calendar/feed/.+\.ics$"))
    if os.environ.get("SCREENSHOT_DIR"):
        page.screenshot(path=str(Path(os.environ["SCREENSHOT_DIR"]) / "calendar-feed.png"))
