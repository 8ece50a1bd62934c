"""Under the Content-Security-Policy every page runs its scripts: a browser opens them all and
records what it refused (console errors, `securitypolicyviolation` events, uncaught errors).
The behaviours that left inline attributes for static/js still work."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.factories import (
    ActivityFactory,
    CompanyFactory,
    ContactFactory,
    DealFactory,
    UserFactory,
    stage,
)
from voronka.accounts.models import Role
from voronka.analytics.models import SalesPlan, SavedReport
from voronka.sales.models import Pipeline, Stage, StageKind

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Runs before the page's own scripts; a CSP refusal also fires this event.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


@pytest.fixture
def boss(db):
    return UserFactory(
        username="boss", role=Role.objects.get(code="admin"), is_staff=True, password="boss-2026"
    )


@pytest.fixture
def records(boss):
    company = CompanyFactory(owner=boss)
    contact = ContactFactory(owner=boss, company=company)
    won = next(s for s in stage(0).pipeline.stages.all() if s.kind == StageKind.WON)
    deal = DealFactory(owner=boss, company=company, contact=contact)
    DealFactory(
        owner=boss,
        stage=won,
        amount=Decimal("5000.00"),
        currency="KZT",
        closed_at=timezone.now() - datetime.timedelta(days=1),
    )
    activity = ActivityFactory(owner=boss, deal=deal, company=company)
    report = SavedReport.objects.create(
        name="По менеджерам",
        author=boss,
        entity="deals",
        spec={"columns": ["name", "amount"], "group_by": ["owner"], "chart": "bar"},
    )
    plan = SalesPlan.objects.create(
        start=timezone.localdate().replace(day=1), amount=Decimal("100000")
    )
    second = Pipeline.objects.create(name="Тендеры", order=2)
    Stage.objects.create(pipeline=second, name="Заявка", probability=10, kind="open", order=1)
    return {
        "company": company,
        "contact": contact,
        "deal": deal,
        "activity": activity,
        "report": report,
        "plan": plan,
        "second": second,
    }


def watch(page: Page) -> list[str]:
    refused: list[str] = []
    page.add_init_script(RECORD_VIOLATIONS)

    def console(message):
        if message.type == "error" and re.search(
            r"Content Security Policy|Refused to", message.text
        ):
            refused.append(f"console: {message.text}")

    page.on("console", console)
    page.on("pageerror", lambda error: refused.append(f"uncaught: {error}"))
    return refused


def sign_in(page: Page, base: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Имя пользователя").fill("boss")
    page.get_by_label("Пароль").fill("boss-2026")
    page.get_by_role("button", name="Войти").click()
    expect(page.get_by_role("heading", name=re.compile("Добро пожаловать"))).to_be_visible()


def test_no_page_has_a_script_refused_by_the_policy(page: Page, live_server, boss, records):
    refused = watch(page)
    sign_in(page, live_server.url)
    pipeline = Pipeline.objects.order_by("order", "id").first()
    paths = [
        reverse("web:home"),
        reverse("web:search") + "?q=Компания",
        reverse("contacts:company-list"),
        reverse("contacts:company-detail", args=[records["company"].pk]),
        reverse("contacts:company-create"),
        reverse("contacts:contact-list"),
        reverse("contacts:contact-detail", args=[records["contact"].pk]),
        reverse("sales:deal-list"),
        reverse("sales:deal-detail", args=[records["deal"].pk]),
        reverse("sales:deal-create"),
        reverse("sales:deal-board") + f"?pipeline={pipeline.pk}",
        reverse("activities:activity-list"),
        reverse("activities:activity-detail", args=[records["activity"].pk]),
        reverse("calendars:calendar"),
        reverse("reports:dashboard"),
        reverse("reports:layout"),
        reverse("reports:plans"),
        reverse("reports:scorecard"),
        reverse("reports:abc-xyz"),
        reverse("reports:builder-run", args=[records["report"].pk]),
        reverse("sales:pipeline-list"),
        reverse("activities:activity-type-list"),
        reverse("automation:date-rule-list"),
        reverse("web:rates"),
        reverse("handover:handover"),
        reverse("notifications:list"),
        reverse("accounts:profile"),
        reverse("admin:index"),
        reverse("api:docs"),
    ]
    for path in paths:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"]
        # The reports' blocks, the calendar's events and the API docs' schema come after the
        # page: wait until the browser has nothing left to fetch.
        page.wait_for_load_state("networkidle")
        violations = page.evaluate("window.__cspViolations")
        assert (violations, refused) == ([], []), path

    # What the charts and the calendar draw is there, so their scripts ran.
    page.goto(live_server.url + reverse("reports:builder-run", args=[records["report"].pk]))
    expect(page.locator("canvas[data-chart]").first).to_be_visible()
    page.goto(live_server.url + reverse("api:docs"))
    expect(page.locator(".swagger-ui .information-container")).to_be_visible()


def test_what_left_the_inline_attributes_still_works(page: Page, live_server, boss, records):
    refused = watch(page)
    sign_in(page, live_server.url)
    board = live_server.url + reverse("sales:deal-board")

    # The board's pipeline switch sends its form when it changes (was onchange=).
    page.goto(board)
    with page.expect_navigation(url=re.compile(rf"pipeline={records['second'].pk}")):
        page.locator("#board-pipeline").select_option(str(records["second"].pk))
    expect(page.get_by_text("Заявка").first).to_be_visible()

    # Deleting a plan asks first (was onsubmit=); saying no keeps it.
    page.goto(live_server.url + reverse("reports:plans"))
    questions: list[str] = []

    def answer(dialog):
        questions.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", answer)
    page.get_by_role("button", name="Удалить").first.click()
    assert questions == ["Удалить этот план?"]
    assert SalesPlan.objects.filter(pk=records["plan"].pk).exists()

    # The dashboard's blocks are dragged into order (was an inline <script>).
    page.goto(live_server.url + reverse("reports:layout"))
    assert page.evaluate("!!Sortable.get(document.querySelector('[data-sortable]'))")
    assert refused == []
