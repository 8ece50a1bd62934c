"""Russian words a newcomer stumbled on: «Поручение от Администратор» (a name cannot be put
in the genitive by a template, so no sentence asks for it), «Письмо (e-mail) (e-mail)» in
the calendar's legend, time zones as a bare English list, and the English API page in a
manager's menu."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.factories import CompanyFactory, UserFactory
from voronka.accounts.models import Role
from voronka.activities.defaults import create_default_types
from voronka.activities.models import ActivityKind, ActivityType, Outcome
from voronka.activities.services import activity_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def manager(team):
    return UserFactory(
        username="aliya",
        first_name="Алия",
        last_name="Нурланова",
        team=team,
        password="aliya-pass-2026",
    )


@pytest.fixture
def administrator():
    # The demo's administrator: a role for a first name, no last name.
    return UserFactory(
        username="admin",
        first_name="Администратор",
        last_name="",
        password="admin-pass-2026",
        role=Role.objects.get(code="admin"),
        is_staff=True,
    )


def sign_in(page: Page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Имя пользователя").fill(username)
    page.get_by_label("Пароль").fill(password)
    page.get_by_role("button", name="Войти").click()
    expect(page.get_by_role("heading", name=re.compile("Добро пожаловать"))).to_be_visible()


def test_a_task_given_by_someone_names_them_in_the_nominative(
    page: Page, live_server, manager, administrator
):
    activity_create(
        actor=administrator,
        data=dict(
            kind=ActivityKind.TASK,
            subject="Подготовить договор",
            owner=manager,
            due_at=timezone.now() + timezone.timedelta(days=1),
        ),
    )
    sign_in(page, live_server.url, "aliya", "aliya-pass-2026")
    page.goto(f"{live_server.url}/notifications/")
    main = page.locator("main")
    expect(main).to_contain_text("Администратор поручил(а) вам: Подготовить договор")
    expect(main).not_to_contain_text("Поручение от")


def test_a_handover_names_both_managers_in_the_nominative(
    page: Page, live_server, manager, administrator, team
):
    daniyar = UserFactory(username="daniyar", first_name="Данияр", last_name="Ахметов", team=team)
    CompanyFactory(owner=manager, name="ТОО «Ромашка»")
    sign_in(page, live_server.url, "admin", "admin-pass-2026")
    page.goto(f"{live_server.url}/handover/?from_user={manager.pk}&to_user={daniyar.pk}")
    page.get_by_role("button", name="Передать").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Клиенты переданы (Алия Нурланова → Данияр Ахметов): 1 контрагент, 0 контактов"
    )
    page.goto(f"{live_server.url}/")
    stream = page.get_by_test_id("stream")
    expect(stream).to_contain_text(
        "Администратор передал(а) клиентов: Алия Нурланова → Данияр Ахметов, 1 контрагент"
    )
    expect(stream).to_contain_text(
        "Администратор передал(а) ТОО «Ромашка»: Алия Нурланова → Данияр Ахметов"
    )
    expect(stream).not_to_contain_text("менеджера")


def test_the_calendar_legend_says_each_kind_once(page: Page, live_server, manager):
    create_default_types(ActivityType, Outcome)
    ActivityType.objects.create(name="Визит", kind=ActivityKind.MEETING, color="#123456")
    sign_in(page, live_server.url, "aliya", "aliya-pass-2026")
    page.goto(f"{live_server.url}/calendar/")
    legend = page.get_by_test_id("calendar-legend")
    expect(legend).to_contain_text("Письмо (e-mail)")
    expect(legend).not_to_contain_text("(e-mail) (e-mail)")
    expect(legend).not_to_contain_text("Встреча (встреча)")
    expect(legend).not_to_contain_text("Исходящий звонок (звонок)")
    expect(legend).to_contain_text("Визит (встреча)")  # a name that does not say its kind


def test_time_zones_are_grouped_and_named_in_russian_common_ones_first(
    page: Page, live_server, manager
):
    sign_in(page, live_server.url, "aliya", "aliya-pass-2026")
    page.goto(f"{live_server.url}/accounts/profile/")
    choice = page.get_by_label("Часовой пояс")
    groups = choice.locator("optgroup")
    expect(groups.first).to_have_attribute("label", "Часто используемые")
    labels = [groups.nth(i).get_attribute("label") for i in range(groups.count())]
    assert {"Европа", "Азия", "Америка", "Африка"} <= set(labels), labels
    common = groups.first.locator("option")
    expect(common.filter(has_text="Москва")).to_have_text(re.compile(r"^Москва.* \(UTC\+3\)$"))
    expect(common.filter(has_text="Алматы")).to_have_text(re.compile(r"Алматы.* \(UTC\+5\)$"))
    expect(common.filter(has_text="Ташкент")).to_have_count(1)
    expect(choice.locator("option[value='Europe/Moscow']")).to_have_count(1)

    choice.select_option("Europe/Moscow")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_label("Часовой пояс")).to_have_value("Europe/Moscow")
    manager.refresh_from_db()
    assert manager.timezone == "Europe/Moscow"


def test_the_api_page_is_not_in_a_managers_menu(page: Page, live_server, manager, administrator):
    sign_in(page, live_server.url, "aliya", "aliya-pass-2026")
    expect(page.locator("nav a[href='/api/v1/docs/']")).to_have_count(0)
    page.get_by_test_id("logout").evaluate("button => button.form.submit()")
    expect(page.get_by_label("Имя пользователя")).to_be_visible()

    sign_in(page, live_server.url, "admin", "admin-pass-2026")
    expect(page.locator("nav a[href='/api/v1/docs/']")).to_have_count(1)
