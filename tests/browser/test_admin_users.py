"""Администратор приглашает пользователя, даёт ему новую роль, которая скрывает суммы
сделок; приглашённый задаёт пароль по ссылке из письма, входит — и сумм не видит нигде:
ни в списке, ни в сделке, ни в выгрузке, ни в API, ни в отчётах. И вход с TOTP."""

import re
import time

import pyotp
import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from tests.factories import DealFactory, UserFactory
from voronka.accounts.models import Role, SignInEvent, TwoFactorDevice, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page: Page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Имя пользователя").fill(username)
    page.get_by_label("Пароль").fill(password)
    page.get_by_role("button", name="Войти").click()


def test_an_invited_user_with_a_role_hiding_amounts_sees_no_amounts(
    page: Page, browser, live_server, team
):
    UserFactory(
        username="boss", role=Role.objects.get(code="admin"), is_staff=True, password="boss-2026"
    )
    base = live_server.url
    sign_in(page, base, "boss", "boss-2026")
    expect(page.get_by_role("heading", name=re.compile("Добро пожаловать"))).to_be_visible()

    # A new role: a copy of the manager's, with deal amounts hidden.
    page.goto(f"{base}/settings/roles/")
    expect(page.get_by_role("heading", name="Роли")).to_be_visible()
    page.get_by_test_id("role-copy-manager").click()
    expect(page.get_by_test_id("role-matrix")).to_be_visible()
    page.get_by_label("Название").fill("Менеджер без сумм")
    page.get_by_label("Код").fill("no-amounts")
    page.locator("select[name='field-deal-amount']").select_option("hidden")
    page.get_by_test_id("role-save").click()
    expect(page.get_by_text(re.compile("Менеджер без сумм.*сохранена"))).to_be_visible()
    role = Role.objects.get(code="no-amounts")
    assert role.field_rules() == {("deal", "amount"): "hidden"}

    # The invitation.
    page.goto(f"{base}/settings/users/")
    page.get_by_test_id("invite-user").click()
    expect(page.get_by_role("heading", name="Пригласить пользователя")).to_be_visible()
    page.locator("input[name='username']").fill("dana")
    page.locator("input[name='email']").fill("dana@example.com")
    page.locator("input[name='last_name']").fill("Серикова")
    page.locator("input[name='first_name']").fill("Дана")
    page.locator("select[name='role']").select_option(str(role.pk))
    page.locator("select[name='team']").select_option(str(team.pk))
    page.get_by_test_id("user-save").click()
    expect(page.get_by_test_id("pending-invitation")).to_be_visible()
    dana = User.objects.get(username="dana")
    assert dana.role == role and not dana.has_usable_password()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["dana@example.com"]
    link = re.search(r"https?://\S+/accounts/invitation/\S+/", mail.outbox[0].body).group(0)
    # The journal has the new user and the new role.
    page.goto(f"{base}/settings/journal/")
    expect(page.get_by_test_id("journal-row").first).to_be_visible()
    assert "Менеджер без сумм" in page.content() and "Серикова" in page.content()

    deal = DealFactory(owner=dana, name="Анталья для Сериковых", amount="987654.00")

    # Dana follows the link, in her own browser.
    own = browser.new_context(locale="ru-RU")
    dana_page = own.new_page()
    dana_page.goto(link)
    expect(dana_page.get_by_role("heading", name="Добро пожаловать в Воронку")).to_be_visible()
    dana_page.locator("input[name='new_password1']").fill("Dana-secret-2026")
    dana_page.locator("input[name='new_password2']").fill("Dana-secret-2026")
    dana_page.get_by_role("button", name="Установить пароль").click()
    expect(dana_page.get_by_text("Пароль задан. Войдите с ним.")).to_be_visible()
    sign_in(dana_page, base, "dana", "Dana-secret-2026")
    expect(dana_page.get_by_role("heading", name=re.compile("Добро пожаловать"))).to_be_visible()

    # The list: the deal, no amount, no amount column.
    dana_page.goto(f"{base}/deals/")
    expect(dana_page.get_by_role("link", name="Анталья для Сериковых")).to_be_visible()
    header = dana_page.locator("table thead").inner_text()
    assert "Сумма" not in header
    assert "987" not in dana_page.locator("#results").inner_text()
    # The deal's page.
    dana_page.get_by_role("link", name="Анталья для Сериковых").click()
    expect(dana_page.get_by_role("heading", name="Анталья для Сериковых")).to_be_visible()
    assert dana_page.get_by_test_id("deal-amount").count() == 0
    assert "987" not in dana_page.locator("main").inner_text()
    # The form: no amount field.
    dana_page.goto(f"{base}/deals/{deal.pk}/edit/")
    assert dana_page.locator("input[name='amount']").count() == 0
    # The export, the API and the reports, with her session.
    export = dana_page.request.get(f"{base}/deals/export/").text()
    assert "Анталья для Сериковых" in export and "987" not in export and "Сумма" not in export
    api = dana_page.request.get(f"{base}/api/v1/deals/{deal.pk}/").json()
    assert api["name"] == "Анталья для Сериковых" and "amount" not in api
    assert dana_page.request.get(f"{base}/reports/").status == 403
    assert dana_page.request.get(f"{base}/api/v1/reports/dashboard/").status == 403
    own.close()

    # The administrator sees Dana's sign-in.
    page.goto(f"{base}/settings/sign-ins/")
    expect(page.get_by_test_id("sign-in-row").filter(has_text="dana").first).to_be_visible()
    assert SignInEvent.objects.filter(user=dana, outcome="success").exists()


def test_two_factor_sign_in_with_a_totp_code(page: Page, browser, live_server, team):
    UserFactory(username="aliya", first_name="Алия", team=team, password="aliya-pass-2026")
    base = live_server.url
    sign_in(page, base, "aliya", "aliya-pass-2026")
    expect(page.get_by_role("heading", name=re.compile("Добро пожаловать"))).to_be_visible()

    # Enrolment on the profile: the QR code (an image, no script) and the secret.
    page.goto(f"{base}/accounts/profile/")
    page.get_by_test_id("two-factor-link").click()
    expect(page.get_by_test_id("two-factor-qr")).to_be_visible()
    assert (
        page.get_by_test_id("two-factor-qr").get_attribute("src").startswith("data:image/svg+xml")
    )
    totp = pyotp.TOTP(page.get_by_test_id("two-factor-secret").inner_text().strip())
    page.get_by_label("Код из приложения или код восстановления").fill(totp.now())
    page.get_by_test_id("two-factor-confirm").click()
    expect(page.get_by_test_id("recovery-codes")).to_be_visible()
    expect(page.get_by_test_id("two-factor-on")).to_be_visible()
    assert TwoFactorDevice.objects.get(user__username="aliya").confirmed_at is not None

    # Signing in again, in another browser: the password, then the code.
    other = browser.new_context(locale="ru-RU")
    second = other.new_page()
    sign_in(second, base, "aliya", "aliya-pass-2026")
    expect(second.get_by_role("heading", name="Одноразовый код")).to_be_visible()
    # A wrong code is refused.
    second.get_by_label("Код из приложения или код восстановления").fill("123456")
    second.get_by_test_id("code-submit").click()
    expect(second.get_by_text("Код неверен или устарел.")).to_be_visible()
    # The code of the next time step (the current one was spent on the enrolment).
    second.get_by_label("Код из приложения или код восстановления").fill(totp.at(time.time() + 30))
    second.get_by_test_id("code-submit").click()
    expect(second.get_by_role("heading", name=re.compile("Добро пожаловать"))).to_be_visible()
    # The sign-in journal on the profile shows both outcomes.
    second.goto(f"{base}/accounts/profile/")
    journal = second.get_by_test_id("sign-ins").inner_text()
    assert "Неверный одноразовый код" in journal and "Вход выполнен" in journal
    other.close()


def drag(page: Page, source, target, dy: float = 8) -> None:
    """Pointer drag in small steps, as a hand does (SortableJS in fallback mode)."""
    box, goal = source.bounding_box(), target.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + 25, box["y"] + box["height"] / 2 + 5, steps=3)
    page.mouse.move(goal["x"] + 30, goal["y"] + dy, steps=20)
    page.mouse.up()


def test_a_team_is_dragged_under_another(page: Page, live_server):
    from voronka.accounts.models import Team

    UserFactory(
        username="boss", role=Role.objects.get(code="admin"), is_staff=True, password="boss-2026"
    )
    sales = Team.objects.create(name="Отдел продаж", order=1)
    tours = Team.objects.create(name="Группа туров", order=2)
    base = live_server.url
    sign_in(page, base, "boss", "boss-2026")
    expect(page.get_by_role("heading", name=re.compile("Добро пожаловать"))).to_be_visible()
    page.goto(f"{base}/settings/teams/")
    expect(page.get_by_test_id("team-tree")).to_be_visible()
    source = page.get_by_test_id(f"team-{tours.pk}").locator(".team-line")
    target = page.locator(f"[data-team-tree][data-parent='{sales.pk}']")
    drag(page, source, target, dy=4)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        tours.refresh_from_db()
        if tours.parent_id == sales.pk:
            break
        page.wait_for_timeout(100)
    assert tours.parent_id == sales.pk
    page.reload()
    expect(
        page.get_by_test_id(f"team-{sales.pk}").get_by_test_id(f"team-{tours.pk}")
    ).to_be_visible()
