"""Issue 4, acceptance 1, in a browser: plan a call for today from the client's page, see it on
the home page and in the calendar, drag it to the next day, complete it with «Перенос», a new
date and the reason: the follow-up is planned and the client's postponement counter is 1."""

import datetime
import re
import zoneinfo

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.test_calendar import drag, sign_in
from tests.factories import CompanyFactory, UserFactory
from voronka.activities.models import Activity, OutcomeKind

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


def test_a_call_is_planned_moved_and_postponed(page: Page, live_server, manager):
    client = CompanyFactory(owner=manager, name="ТОО «Ромашка»", is_customer=True)
    today = timezone.now().astimezone(ALMATY).date()
    # The week view starts on Monday: on a Sunday the call moves back a day, else forward.
    target = today + datetime.timedelta(days=-1 if today.weekday() == 6 else 1)
    sign_in(page, live_server.url)

    # Plan the call from the client's timeline.
    page.goto(f"{live_server.url}{client.get_absolute_url()}")
    form = page.get_by_test_id("quick-form")
    form.get_by_text("Запланировать звонок").click()
    form.get_by_label("Тема").fill("Обсудить продление договора")
    form.get_by_label("Когда").fill(f"{today.isoformat()}T10:00")
    form.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text(re.compile("«Обсудить продление договора» сохранен"))).to_be_visible()
    call = Activity.objects.get(subject="Обсудить продление договора")
    assert call.company == client and call.kind == "call" and not call.done

    # It is on the home page, among today's calls …
    page.get_by_role("link", name="Главная").click()
    expect(page.get_by_role("link", name="Обсудить продление договора")).to_be_visible()

    # … and in the calendar, from where it is dragged to the next day.
    page.get_by_role("link", name="Календарь").click()
    event = page.get_by_test_id(f"event-{call.pk}")
    expect(event).to_be_visible()
    event.scroll_into_view_if_needed()
    column = f'td.fc-timegrid-col[data-date="{target.isoformat()}"]'
    # The move is saved by a request of its own: wait for its answer, not for the picture.
    with page.expect_response(
        lambda r: r.url.endswith(f"/calendar/events/{call.pk}/move/")
    ) as moved:
        drag(page, event, page.locator(column))
    assert moved.value.ok, moved.value.status
    expect(page.locator(column).get_by_test_id(f"event-{call.pk}")).to_be_visible()
    expect(page.locator(column).get_by_test_id(f"event-{call.pk}")).not_to_have_class(
        re.compile("is-saving")
    )
    call.refresh_from_db()
    assert call.due_at.astimezone(ALMATY).date() == target

    # Complete it: «Перенос» needs the new date and the reason, and plans the follow-up.
    page.goto(f"{live_server.url}{call.get_absolute_url()}")
    page.get_by_test_id("complete").click()
    completing = page.get_by_test_id("complete-form")
    completing.get_by_label("Перенос", exact=True).check()
    completing.get_by_role("button", name="Завершить").click()
    expect(page.get_by_text("Укажите причину.")).to_be_visible()
    expect(page.get_by_text("Укажите новую дату.")).to_be_visible()
    later = target + datetime.timedelta(days=3)
    completing = page.get_by_test_id("complete-form")
    completing.get_by_label("Перенос", exact=True).check()
    completing.get_by_label("Причина или комментарий").fill("Директор в командировке")
    completing.get_by_label("Новая дата (для переноса)").fill(f"{later.isoformat()}T11:30")
    completing.get_by_role("button", name="Завершить").click()

    expect(
        page.get_by_text(re.compile("Перенесено: следующее мероприятие запланировано"))
    ).to_be_visible()
    call.refresh_from_db()
    assert call.done and call.outcome.kind == OutcomeKind.POSTPONED
    assert call.outcome_note == "Директор в командировке"
    follow_up = call.follow_up
    assert follow_up is not None and not follow_up.done
    assert follow_up.due_at.astimezone(ALMATY) == datetime.datetime.combine(
        later, datetime.time(11, 30), tzinfo=ALMATY
    )
    expect(page).to_have_url(re.compile(rf"/activities/{follow_up.pk}/$"))

    # The client's page counts one postponement.
    page.goto(f"{live_server.url}{client.get_absolute_url()}")
    expect(page.get_by_test_id("postponements")).to_have_text("1 перенос")
