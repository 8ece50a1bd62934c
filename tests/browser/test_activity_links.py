"""Issue 10, section 2, in a browser: an activity's company, contact and deal tell one story.
Choosing another deal in the form brings the deal's company (and its contact, as the person
chosen before works elsewhere); saved at the first click, the activity shows the new
company."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_autocomplete import human_click, options
from tests.browser.test_calendar import sign_in
from tests.factories import (
    ActivityFactory,
    CompanyFactory,
    ContactFactory,
    DealFactory,
    UserFactory,
)

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


def test_changing_the_deal_of_an_activity_takes_the_deals_company(page: Page, live_server, manager):
    adam = CompanyFactory(owner=manager, name="ADAM & EVE HOTELS")
    kim = ContactFactory(owner=manager, company=adam, last_name="Ким", first_name="Виктор")
    barcelona = DealFactory(owner=manager, company=adam, contact=kim, name="2026/12/4/Барселона")
    inn = CompanyFactory(owner=manager, name="St. Christopher's Inn-Village")
    collins = ContactFactory(owner=manager, company=inn, last_name="Collins", first_name="Sarah")
    london = DealFactory(owner=manager, company=inn, contact=collins, name="2027/01/1/Лондон")
    call = ActivityFactory(
        owner=manager, subject="Уточнить даты", company=adam, contact=kim, deal=barcelona
    )
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}{call.get_absolute_url()}edit/")

    page.locator("#field-deal .ts-control").click()
    page.keyboard.type("лондон")
    options(page, "deal").filter(has_text="2027/01/1/Лондон").click()
    # The company follows the deal, and Ким, who works elsewhere, gives way to its contact.
    expect(page.locator("#field-company .ts-control .item")).to_have_text(inn.name)
    expect(page.locator("#field-contact .ts-control .item")).to_have_text(
        re.compile("^Collins Sarah")
    )
    human_click(page, page.get_by_role("button", name="Сохранить"))

    expect(page.get_by_text("«Уточнить даты» сохранен", exact=False)).to_be_visible()
    expect(page.get_by_role("link", name=inn.name)).to_be_visible()
    expect(page.get_by_role("link", name="2027/01/1/Лондон")).to_be_visible()
    expect(page.get_by_role("link", name=adam.name)).to_have_count(0)
    call.refresh_from_db()
    assert (call.company, call.contact, call.deal) == (inn, collins, london)


def test_a_person_chosen_first_brings_their_company(page: Page, live_server, manager):
    inn = CompanyFactory(owner=manager, name="St. Christopher's Inn-Village")
    ContactFactory(owner=manager, company=inn, last_name="Collins", first_name="Sarah")
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/activities/new/")
    page.locator("#field-contact .ts-control").click()
    page.keyboard.type("collins")
    options(page, "contact").filter(has_text="Collins Sarah").click()
    expect(page.locator("#field-company .ts-control .item")).to_have_text(inn.name)
