"""Issue 10, section 2, in a browser: an autocomplete offers only what matches what was typed
(deals: open ones first, the newest first), highlights nothing that does not match, and after
a choice the first click on «Сохранить» saves."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.test_calendar import sign_in
from tests.factories import CompanyFactory, DealFactory, UserFactory, stage
from voronka.activities.models import Activity
from voronka.contacts.models import Contact
from voronka.sales.models import Deal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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


def created_days_ago(deal: Deal, days: int) -> Deal:
    Deal.objects.filter(pk=deal.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=days)
    )
    return deal


def options(page: Page, field: str):
    return page.locator(f"#field-{field} .ts-dropdown .option")


def human_click(page: Page, locator) -> None:
    """Press and release like a hand does, low on the button: the page may move in between
    (a click only counts when the button is still under the pointer on release)."""
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] - 5, steps=5)
    page.mouse.down()
    page.mouse.up()


def test_typing_a_word_offers_only_the_matching_deals_open_and_newest_first(
    page: Page, live_server, manager
):
    client = CompanyFactory(owner=manager, name="St. Christopher's Inn-Village")
    # Sorted by name, the old list offered (and highlighted) this one first.
    created_days_ago(DealFactory(owner=manager, company=client, name="2026/10/1/Барселона"), 0)
    older = created_days_ago(DealFactory(owner=manager, company=client, name="2026/08/3/Лондон"), 9)
    newest = created_days_ago(
        DealFactory(owner=manager, company=client, name="2026/10/2/Лондон"), 1
    )
    closed = created_days_ago(
        DealFactory(
            owner=manager,
            company=client,
            name="2026/09/1/Лондон",
            stage=stage("Закрыто с успехом"),
        ),
        0,
    )
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/activities/new/")
    page.get_by_label("Тема").fill("Уточнить даты поездки")
    page.get_by_label("Дата и время").fill("2026-12-20T10:00")

    page.locator("#field-deal .ts-control").click()
    page.keyboard.type("лондон")
    expect(options(page, "deal")).to_have_text([newest.name, older.name, closed.name])
    expect(page.locator("#field-deal .ts-dropdown .option.active")).to_have_text(newest.name)

    # A word nothing matches offers nothing, so Enter cannot pick a stranger.
    page.keyboard.press("Control+A")
    page.keyboard.type("мекка")
    expect(page.locator("#field-deal .ts-dropdown .no-results")).to_be_visible()
    expect(options(page, "deal")).to_have_count(0)

    page.keyboard.press("Control+A")
    page.keyboard.type("Лондон")
    expect(page.locator("#field-deal .ts-dropdown .option.active")).to_have_text(newest.name)
    page.keyboard.press("Enter")
    expect(page.locator("#field-deal .ts-control .item")).to_have_text(newest.name)
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text(re.compile("«Уточнить даты поездки» сохранен"))).to_be_visible()
    assert Activity.objects.get(subject="Уточнить даты поездки").deal == newest


def test_typing_narrows_the_companies_too(page: Page, live_server, manager):
    CompanyFactory(owner=manager, name="ADAM & EVE HOTELS")
    CompanyFactory(owner=manager, name="Hotel Arts Barcelona")
    CompanyFactory(owner=manager, name="Отель Ромашка")
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/contacts/new/")
    page.locator("#field-company .ts-control").click()
    expect(options(page, "company")).to_have_count(3)
    page.keyboard.type("ромаш")
    expect(options(page, "company")).to_have_text(["Отель Ромашка"])
    expect(page.locator("#field-company .ts-dropdown .option.active")).to_have_text("Отель Ромашка")


def test_after_choosing_the_first_click_on_save_saves(page: Page, live_server, manager):
    # A long name: with the typed text beside it the field took two lines while it had the
    # focus, and one on leaving it, so the button moved up under the pressed mouse.
    CompanyFactory(owner=manager, name="Hilton Makkah Convention Hotel and Towers")
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/contacts/new/")
    page.get_by_label("Фамилия").fill("Турсынхан")
    page.locator("#field-company .ts-control").click()
    page.keyboard.type("hilton")
    options(page, "company").filter(has_text="Hilton Makkah").click()
    expect(page.locator("#field-company .ts-control .item")).to_have_text(
        "Hilton Makkah Convention Hotel and Towers"
    )
    human_click(page, page.get_by_role("button", name="Сохранить"))
    expect(page.get_by_role("heading", name="Турсынхан")).to_be_visible()
    assert Contact.objects.get(last_name="Турсынхан").company.name.startswith("Hilton")
