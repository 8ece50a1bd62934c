"""The layout a newcomer saw on a 1440 px screen and on a 390 px phone: no page scrolls
sideways (the top bar with its recently-viewed clock included), the scorecard scrolls inside
its own box with the names kept in view, the calendar opens as a day on a phone, the board's
column titles wrap instead of being cut, months read «янв 2026», stage charts take the
stages' colours, and the home page marks open deals whose expected close date has passed."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.conftest import wait_until
from tests.factories import DealFactory, UserFactory, stage
from voronka.activities.defaults import create_default_types
from voronka.activities.models import Activity, ActivityType, Outcome
from voronka.analytics.models import SalesPlan
from voronka.contacts.models import Company, Contact
from voronka.devdata import demo
from voronka.leads.models import Lead
from voronka.sales.models import Deal, Pipeline, StageKind
from voronka.service.models import Case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"desktop": (1440, 900), "phone": (390, 844)}


def sign_in(page: Page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Имя пользователя").fill(username)
    page.get_by_label("Пароль").fill(password)
    page.get_by_role("button", name="Войти").click()
    expect(page.get_by_role("heading", name=re.compile("Добро пожаловать"))).to_be_visible()


def sideways(page: Page) -> int:
    """How far the page scrolls sideways, in CSS pixels (0: it does not)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def everyones_pages() -> list[str]:
    first = {
        model: model.objects.order_by("pk").values_list("pk", flat=True).first()
        for model in (Company, Contact, Deal, Activity)
    }
    # Pages of the manager aliya (the administrator sees them too).
    first_lead = Lead.objects.filter(owner__username="aliya").order_by("pk")[0].pk
    first_case = Case.objects.filter(owner__username="aliya").order_by("pk")[0].pk
    return [
        "/",
        "/search/?q=Лондон",
        "/companies/",
        f"/companies/{first[Company]}/",
        f"/companies/{first[Company]}/edit/",
        "/companies/new/",
        "/contacts/",
        f"/contacts/{first[Contact]}/",
        "/contacts/new/",
        "/deals/",
        f"/deals/{first[Deal]}/",
        f"/deals/{first[Deal]}/edit/",
        "/deals/new/",
        "/deals/board/",
        "/activities/",
        f"/activities/{first[Activity]}/",
        "/activities/new/",
        "/calendar/",
        "/notifications/",
        "/reports/",
        "/reports/scorecard/",
        "/reports/abc-xyz/",
        "/reports/plans/",
        "/reports/builder/",
        "/reports/builder/new/",
        "/accounts/profile/",
        "/settings/rates/",
        "/settings/pipelines/",
        "/settings/lead-sources/",
        "/settings/lost-reasons/",
        "/settings/directions/",
        # The apps added after the sales core.
        "/leads/",
        "/leads/board/",
        f"/leads/{first_lead}/",
        "/mail/",
        "/cases/",
        "/cases/board/",
        f"/cases/{first_case}/",
        "/cases/new/",
        "/reports/service/",
        "/reports/receivables/",
        "/documents/",
        "/catalog/",
        "/price-lists/",
        "/marketing/",
        "/campaigns/",
        "/marketing/segments/",
        "/marketing/mailings/",
        "/marketing/questionnaires/",
        "/marketing/competitors/",
        "/import/",
        "/trash/",
    ]


def administrators_pages() -> list[str]:
    pipeline = Pipeline.objects.order_by("pk").first()
    plan = SalesPlan.objects.order_by("pk").first()
    deal = Deal.objects.order_by("-pk").first()
    return [
        "/",
        f"/deals/{deal.pk}/",
        "/settings/pipelines/",
        f"/settings/pipelines/{pipeline.pk}/",
        "/settings/activity-types/",
        "/settings/outcomes/",
        "/settings/date-rules/",
        "/reports/abc-xyz/settings/",
        "/reports/plans/new/",
        f"/reports/plans/{plan.pk}/",
        "/handover/",
        "/forms/",
        "/settings/users/",
        "/settings/teams/",
        "/settings/roles/",
        "/settings/workflow/",
        "/settings/webhooks/",
        "/settings/journal/",
        "/settings/sign-ins/",
    ]


@pytest.fixture
def the_demo(transactional_db):
    create_default_types(ActivityType, Outcome)
    demo.load()


def open_recent_views(page: Page) -> None:
    """The clock of the top bar: the records viewed last (behind the menu button on a phone)."""
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
        expect(page.locator("#main-nav")).to_have_class(re.compile(r"\bshow\b"))
    page.locator(".bi-clock-history").click()
    expect(page.get_by_test_id("recent-views")).to_be_visible()


@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_scrolls_sideways(browser, live_server, the_demo, width):
    base = live_server.url
    found = {}
    for username, pages in (("aliya", everyones_pages()), ("admin", administrators_pages())):
        context = browser.new_context(
            locale="ru-RU", viewport=dict(zip(("width", "height"), WIDTHS[width], strict=True))
        )
        page = context.new_page()
        sign_in(page, base, username, username)
        for path in pages:
            response = page.goto(f"{base}{path}", wait_until="networkidle")
            assert response.status == 200, path
            found[f"{username} {path}"] = sideways(page)
        # The top bar with the recently viewed records open (a record was just viewed).
        page.goto(f"{base}/deals/", wait_until="networkidle")
        open_recent_views(page)
        found[f"{username} recent views"] = sideways(page)
        context.close()
    assert {where: px for where, px in found.items() if px > 0} == {}


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


def test_the_scorecard_scrolls_in_its_box_with_the_names_kept(page: Page, live_server, manager):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server.url, "aliya", "aliya-pass-2026")
    page.goto(f"{live_server.url}/reports/scorecard/")
    table = page.get_by_test_id("scorecard")
    box = table.locator("xpath=..")
    name = page.get_by_test_id(f"row-manager-{manager.pk}").locator("td").first
    expect(name).to_have_text("Алия Нурланова")
    assert sideways(page) == 0
    before = name.bounding_box()["x"]
    box.evaluate("el => { el.scrollLeft = 400; }")
    wait_until(page, "el => el.scrollLeft > 0", box.element_handle())
    assert name.bounding_box()["x"] == before  # the first column stays where it was
    assert table.locator("thead th").first.bounding_box()["x"] == before


@pytest.mark.parametrize(
    ("width", "view"), [("phone", "fc-timeGridDay-view"), ("desktop", "fc-timeGridWeek-view")]
)
def test_the_calendar_opens_as_a_day_on_a_phone(page: Page, live_server, manager, width, view):
    create_default_types(ActivityType, Outcome)
    page.set_viewport_size(dict(zip(("width", "height"), WIDTHS[width], strict=True)))
    sign_in(page, live_server.url, "aliya", "aliya-pass-2026")
    page.goto(f"{live_server.url}/calendar/", wait_until="networkidle")
    expect(page.locator(f".{view}")).to_be_visible()
    assert sideways(page) == 0


def test_the_boards_column_titles_wrap(page: Page, live_server, manager):
    page.set_viewport_size({"width": 1440, "height": 900})
    sign_in(page, live_server.url, "aliya", "aliya-pass-2026")
    page.goto(f"{live_server.url}/deals/board/")
    titles = page.locator(".board-column-header > :first-child")
    expect(titles).to_have_count(5)
    expect(titles.nth(1)).to_contain_text("Ком. предложение / Выставление счета")
    cut = titles.evaluate_all(
        "els => els.filter(el => el.scrollWidth > el.clientWidth).map(el => el.textContent)"
    )
    assert cut == []


def won_in(owner, day: datetime.date, name: str) -> Deal:
    won = next(s for s in stage(0).pipeline.stages.all() if s.kind == StageKind.WON)
    return DealFactory(
        owner=owner,
        name=name,
        stage=won,
        amount=Decimal("100000.00"),
        currency="KZT",
        closed_at=timezone.make_aware(datetime.datetime(day.year, day.month, day.day, 12, 0)),
    )


def test_months_read_as_a_short_month_and_a_year(page: Page, live_server, manager):
    year = timezone.localdate().year
    won_in(manager, datetime.date(year, 1, 15), "Январский тур")
    won_in(manager, datetime.date(year, 5, 15), "Майский тур")
    sign_in(page, live_server.url, "aliya", "aliya-pass-2026")
    page.goto(f"{live_server.url}/reports/?period=this_year")

    months = page.get_by_test_id("block-months")
    expect(months.get_by_role("link", name=f"янв {year}", exact=True)).to_be_visible()
    expect(months.get_by_role("link", name=f"май {year}", exact=True)).to_be_visible()
    forecast = page.get_by_test_id("block-forecast")
    expect(forecast.locator("tbody tr")).to_have_count(6)
    for block in (months, forecast):
        expect(block.locator("tbody")).not_to_contain_text(re.compile(r"\d{4}-\d{2}"))
    wait_until(page, "!!document.querySelector('[data-testid=block-months] canvas').chart")
    labels = page.evaluate(
        "document.querySelector('[data-testid=block-months] canvas').chart.data.labels"
    )
    assert labels[0] == f"янв {year}" and labels[4] == f"май {year}"


def test_stage_charts_take_the_stages_colours(page: Page, live_server, manager):
    pipeline = stage(0).pipeline
    colours = ["#aa0000", "#00aa00", "#0000aa"]
    for position, colour in enumerate(colours):
        step = stage(position)
        step.color = colour
        step.save(update_fields=["color"])
        DealFactory(owner=manager, stage=step)
    sign_in(page, live_server.url, "aliya", "aliya-pass-2026")
    page.goto(f"{live_server.url}/reports/?pipeline={pipeline.pk}")
    for block in ("stages", "funnel", "stage_days"):
        selector = f"[data-testid=block-{block}] canvas"
        wait_until(page, f"!!document.querySelector('{selector}')?.chart")
        drawn = page.evaluate(
            f"document.querySelector('{selector}').chart.data.datasets[0].backgroundColor"
        )
        assert drawn[:3] == colours, block


def test_the_home_page_marks_open_deals_past_their_close_date(page: Page, live_server, manager):
    today = timezone.localdate()
    DealFactory(
        owner=manager,
        name="Просроченная",
        amount=Decimal("5000"),
        expected_close_date=today - datetime.timedelta(days=3),
    )
    DealFactory(
        owner=manager,
        name="В срок",
        amount=Decimal("4000"),
        expected_close_date=today + datetime.timedelta(days=3),
    )
    sign_in(page, live_server.url, "aliya", "aliya-pass-2026")
    deals = page.get_by_test_id("top-deals")
    late_row = deals.locator("tr", has=page.get_by_role("link", name="Просроченная"))
    on_time = deals.locator("tr", has=page.get_by_role("link", name="В срок"))
    expect(late_row.locator("td.overdue")).to_have_count(1)
    expect(late_row.locator("td.overdue")).to_have_attribute(
        "title", "Ожидаемая дата закрытия прошла"
    )
    expect(late_row.locator("td.overdue")).to_have_css("color", "rgb(180, 35, 24)")
    expect(on_time.locator("td.overdue")).to_have_count(0)
    expect(page.get_by_test_id("top-deals-legend")).to_contain_text(
        "Красным — сделки, ожидаемая дата закрытия которых прошла."
    )
