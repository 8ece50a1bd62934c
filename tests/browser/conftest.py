"""Playwright for Python driving Debian's Chromium against the live test server."""

import os
import time
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

# Playwright's sync API runs an event loop in the test's thread; the test still calls the
# ORM there (fixtures, checks), which Django refuses inside a loop unless told it is safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"Chromium is required for the browser tests but {CHROMIUM} is missing")
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(locale="ru-RU", viewport={"width": 1440, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture(autouse=True)
def _defaults(transactional_db):
    """Roles (the marketer's too), the first pipeline, the activity types and outcomes, the
    catalogue's units and VAT rates, the stock document types and the service's working
    calendar and SLA rules come from data migrations, which a flush removes. The cache (a database table, sign-in failure counts)
    is not a model's: a flush keeps it."""
    from django.core.cache import cache

    from voronka.accounts.defaults import create_default_roles
    from voronka.accounts.models import Role, RolePermission
    from voronka.activities.defaults import create_default_types
    from voronka.activities.models import ActivityType, Outcome
    from voronka.catalog.defaults import create_catalog_defaults
    from voronka.catalog.models import PriceListAttribute, PriceListType, Unit, VatRate
    from voronka.documents.defaults import create_stock_types
    from voronka.documents.models import DocumentType
    from voronka.marketing.defaults import create_marketer_role
    from voronka.sales.defaults import create_default_pipeline
    from voronka.sales.models import Pipeline, Stage
    from voronka.service.defaults import create_defaults as create_service_defaults
    from voronka.service.models import CalendarDay, SlaRule, WorkCalendar

    create_default_roles(Role, RolePermission)
    create_marketer_role(Role, RolePermission, sends_mailings=True)
    create_service_defaults(WorkCalendar, CalendarDay, SlaRule)
    create_default_pipeline(Pipeline, Stage)
    create_catalog_defaults(Unit, VatRate, PriceListType, PriceListAttribute)
    create_stock_types(DocumentType)
    cache.clear()
    create_default_types(ActivityType, Outcome)


def wait_until(page, expression: str, arg=None, timeout: float = 15.0):
    """Poll a JavaScript expression until it is truthy (and return it). Playwright's own
    `wait_for_function` builds its predicate with `new Function`, which the pages'
    Content-Security-Policy refuses (no 'unsafe-eval'); `evaluate` is not bound by it."""
    deadline = time.monotonic() + timeout
    while True:
        value = page.evaluate(expression, arg)
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout:.0f} s: {expression}")
        page.wait_for_timeout(50)
