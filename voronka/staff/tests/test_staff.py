import datetime
import re
import time

import pyotp
import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.factories import DealFactory, UserFactory
from voronka.accounts import access, two_factor
from voronka.accounts.models import (
    FieldMode,
    Invitation,
    Role,
    RolePermission,
    SignInEvent,
    Team,
)
from voronka.audit.models import HistoryEntry
from voronka.staff import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def blind_role(db):
    """A manager's rights, but deal amounts hidden."""
    manager = Role.objects.get(code="manager")
    role = services.copy_role(actor=None, role=manager)
    role.field_modes = {"deal.amount": FieldMode.HIDDEN}
    role.save()
    return role


# --- the access rules --------------------------------------------------------------------


def test_a_role_hides_a_field_and_an_admin_sees_everything(blind_role, admin_user):
    user = UserFactory(role=blind_role)
    assert access.hidden_fields(user, "deal") == {"amount"}
    assert not access.can_see_field(user, "deal", "amount")
    assert not access.can_change_field(user, "deal", "amount")
    assert access.can_see_field(user, "deal", "name")
    assert access.hidden_fields(admin_user, "deal") == frozenset()


def test_a_read_only_field_is_seen_but_not_changed(db):
    role = Role.objects.create(code="ro", name="RO")
    role.field_modes = {"deal.amount": FieldMode.READ_ONLY}
    role.save()
    user = UserFactory(role=role)
    assert access.can_see_field(user, "deal", "amount")
    assert not access.can_change_field(user, "deal", "amount")


def test_export_follows_view_unless_a_rule_says_otherwise(db):
    role = Role.objects.create(code="r", name="R")
    RolePermission.objects.create(role=role, entity="deal", action="view", scope="team")
    user = UserFactory(role=role)
    assert access.scope(user, "deal", "export") == "team"
    RolePermission.objects.create(role=role, entity="deal", action="export", scope="none")
    access.forget(user)
    assert not access.can_export(user, "deal")
    # never wider than what the user sees
    RolePermission.objects.filter(role=role, action="export").update(scope="all")
    access.forget(user)
    assert access.scope(user, "deal", "export") == "team"


def test_the_last_admin_cannot_be_deactivated_nor_lose_the_role(admin_user):
    other = UserFactory(role=Role.objects.get(code="admin"))
    with pytest.raises(ValidationError):
        services.set_active(actor=admin_user, user=admin_user, active=False)  # not oneself
    services.set_active(actor=admin_user, user=other, active=False)
    with pytest.raises(ValidationError, match="последний активный администратор"):
        services.update_user(
            actor=admin_user,
            user=admin_user,
            data={"role": Role.objects.get(code="manager")},
        )
    third = UserFactory(role=Role.objects.get(code="manager"))
    with pytest.raises(ValidationError, match="последний активный администратор"):
        services.set_active(actor=third, user=admin_user, active=False)
    admin_user.refresh_from_db()
    assert admin_user.is_active and admin_user.role.is_admin


def test_an_invitation_expires_and_works_once(admin_user, client):
    user, link = services.invite_user(
        actor=admin_user,
        data={
            "username": "new",
            "email": "new@example.com",
            "first_name": "Айгерим",
            "role": Role.objects.get(code="manager"),
        },
        base_url="http://testserver/",
    )
    assert not user.has_usable_password()
    assert len(mail.outbox) == 1 and link in mail.outbox[0].body
    key = link.rstrip("/").rsplit("/", 1)[-1]
    assert Invitation.find(key) is not None
    # expired
    Invitation.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    assert Invitation.find(key) is None
    assert client.get(link.replace("http://testserver", "")).status_code == 404
    Invitation.objects.update(expires_at=timezone.now() + datetime.timedelta(days=1))
    response = client.post(
        link.replace("http://testserver", ""),
        {"new_password1": "Kazan-2026-river", "new_password2": "Kazan-2026-river"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Kazan-2026-river")
    assert Invitation.find(key) is None  # once only
    assert HistoryEntry.objects.filter(entity="accounts.user", object_id=user.pk).exists()


def test_copying_a_role_copies_rights_field_rules_and_abilities(blind_role):
    blind_role.can_send_mailings = True
    blind_role.save()
    copy = services.copy_role(actor=None, role=blind_role)
    assert copy.pk != blind_role.pk and copy.code != blind_role.code
    assert copy.can_send_mailings
    assert set(copy.permissions.values_list("entity", "action", "scope")) == set(
        blind_role.permissions.values_list("entity", "action", "scope")
    )
    assert copy.field_rules() == {("deal", "amount"): "hidden"}


def test_a_team_is_not_moved_under_itself(admin_user):
    top = Team.objects.create(name="Top")
    child = Team.objects.create(name="Child", parent=top)
    with pytest.raises(ValidationError):
        services.move_team(actor=admin_user, team=top, parent=child, position=0)
    other = Team.objects.create(name="Other")
    services.move_team(actor=admin_user, team=child, parent=other, position=0)
    child.refresh_from_db()
    assert child.parent == other


# --- the field hidden everywhere ---------------------------------------------------------


@pytest.fixture
def blind_client(blind_role, client):
    user = UserFactory(username="blind", role=blind_role)
    DealFactory(owner=user, name="Тур в Анталью", amount="987654.00")
    client.force_login(user)
    return client


def test_hidden_amount_is_absent_from_list_detail_export_api_and_history(blind_client):
    from voronka.sales.models import Deal

    deal = Deal.objects.get(name="Тур в Анталью")
    page = blind_client.get("/deals/").content.decode()
    assert "Тур в Анталью" in page
    assert "987" not in page
    detail = blind_client.get(f"/deals/{deal.pk}/").content.decode()
    assert "987" not in detail and 'data-testid="deal-amount"' not in detail
    export = b"".join(blind_client.get("/deals/export/").streaming_content).decode()
    assert "Тур в Анталью" in export and "987" not in export
    api = blind_client.get(f"/api/v1/deals/{deal.pk}/").json()
    assert "amount" not in api and "amount_base" not in api
    listed = blind_client.get("/api/v1/deals/").json()
    assert all("amount" not in row for row in listed["results"])
    assert blind_client.get("/api/v1/deals/?sort=-amount").status_code == 200
    history = blind_client.get(f"/api/v1/deals/{deal.pk}/history/").json()
    assert all(row["field"] != "amount" for row in history)
    assert blind_client.get("/reports/").status_code == 403
    assert blind_client.get("/api/v1/reports/dashboard/").status_code == 403


def test_the_api_does_not_take_a_hidden_amount(blind_client):
    from voronka.sales.models import Deal

    deal = Deal.objects.get(name="Тур в Анталью")
    response = blind_client.patch(
        f"/api/v1/deals/{deal.pk}/", {"amount": "1.00"}, content_type="application/json"
    )
    assert response.status_code == 200
    deal.refresh_from_db()
    assert str(deal.amount) == "987654.00"


# --- pages and API: administrators only ---------------------------------------------------


def test_settings_pages_are_for_administrators(owner_client, admin_client_):
    for url in (
        "/settings/users/",
        "/settings/users/invite/",
        "/settings/teams/",
        "/settings/roles/",
        "/settings/journal/",
        "/settings/sign-ins/",
    ):
        assert owner_client.get(url).status_code == 403, url
        assert admin_client_.get(url).status_code == 200, url


def test_the_role_page_saves_the_matrix_and_the_journal_shows_it(admin_client_):
    role = Role.objects.get(code="manager")
    page = admin_client_.get(f"/settings/roles/{role.pk}/")
    form = page.context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {k: v for k, v in data.items() if v not in (None, False)}
    data["rule-deal-export"] = "none"
    data["field-deal-amount"] = "hidden"
    response = admin_client_.post(f"/settings/roles/{role.pk}/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert RolePermission.objects.get(role=role, entity="deal", action="export").scope == "none"
    role.refresh_from_db()
    assert role.field_rules() == {("deal", "amount"): "hidden"}
    journal = admin_client_.get("/settings/journal/").content.decode()
    assert "none" in journal


def test_sign_ins_are_journaled(owner, client):
    client.post("/accounts/login/", {"username": "owner", "password": "wrong"})
    client.post("/accounts/login/", {"username": "owner", "password": "secret-pass-123"})
    outcomes = list(SignInEvent.objects.filter(user=owner).values_list("outcome", flat=True))
    assert outcomes == ["success", "password"]


def test_two_factor_sign_in_asks_for_the_code(owner, client):
    found = two_factor.start(owner)
    totp = pyotp.TOTP(found.secret)
    codes = two_factor.confirm(found, totp.now())
    assert codes and len(codes) == 10
    response = client.post("/accounts/login/", {"username": "owner", "password": "secret-pass-123"})
    assert response["Location"] == "/accounts/login/code/"
    assert "_auth_user_id" not in client.session
    assert client.post("/accounts/login/code/", {"code": "000000"}).status_code == 200
    assert "_auth_user_id" not in client.session
    # the code just used cannot be used again; a recovery code works once
    response = client.post("/accounts/login/code/", {"code": codes[0]})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(owner.pk)
    assert not two_factor.use_recovery_code(owner, codes[0])
    assert SignInEvent.objects.filter(user=owner, outcome="code").count() == 1


def test_a_role_can_require_two_factor(owner, client):
    role = Role.objects.get(code="manager")
    role.require_two_factor = True
    role.save()
    owner.role = role
    owner.save()
    client.force_login(owner)
    response = client.get("/deals/")
    assert response.status_code == 302 and response["Location"] == "/accounts/profile/two-factor/"
    page = client.get("/accounts/profile/two-factor/").content.decode()
    assert re.search(r'src="data:image/svg\+xml', page)


# --- the API ------------------------------------------------------------------------------


def test_the_users_api_is_for_administrators(owner_client, admin_client_):
    assert owner_client.get("/api/v1/users/").status_code == 403
    assert admin_client_.get("/api/v1/users/").status_code == 200
    assert admin_client_.get("/api/v1/teams/").status_code == 200
    roles = admin_client_.get("/api/v1/roles/").json()
    assert any(r["code"] == "admin" for r in roles["results"])


def test_a_role_with_company_reports_sums_every_deal(owner, outsider):
    DealFactory(owner=outsider)
    from voronka.sales.models import Deal

    assert access.reportable(owner, Deal.objects.all()).count() == 0
    role = Role.objects.get(code="manager")
    role.can_see_company_reports = True
    role.save()
    owner.role = role
    owner.save()
    access.forget(owner)
    owner.refresh_from_db()
    assert access.reportable(owner, Deal.objects.all()).count() == 1


def test_roles_and_teams_through_the_api(admin_client_):
    created = admin_client_.post(
        "/api/v1/roles/",
        {
            "code": "api-role",
            "name": "Из API",
            "permissions": [{"entity": "deal", "action": "export", "scope": "none"}],
            "field_rules": [{"entity": "deal", "field": "amount", "mode": "hidden"}],
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    role = Role.objects.get(code="api-role")
    assert role.field_rules() == {("deal", "amount"): "hidden"}
    assert role.permissions.get(entity="deal", action="export").scope == "none"
    bad = admin_client_.post(
        "/api/v1/roles/",
        {
            "code": "x",
            "name": "X",
            "field_rules": [{"entity": "deal", "field": "x", "mode": "hidden"}],
        },
        content_type="application/json",
    )
    assert bad.status_code == 400
    copy = admin_client_.post(f"/api/v1/roles/{role.pk}/copy/")
    assert copy.status_code == 201 and copy.json()["field_rules"] == created.json()["field_rules"]

    top = admin_client_.post("/api/v1/teams/", {"name": "Отдел"}, content_type="application/json")
    sub = admin_client_.post(
        "/api/v1/teams/",
        {"name": "Группа", "parent": top.json()["id"]},
        content_type="application/json",
    )
    refused = admin_client_.post(
        f"/api/v1/teams/{top.json()['id']}/move/",
        {"parent": sub.json()["id"], "position": 0},
        content_type="application/json",
    )
    assert refused.status_code == 400
    invited = admin_client_.post(
        "/api/v1/users/",
        {"username": "api-user", "email": "api@example.com", "role": role.pk},
        content_type="application/json",
    )
    assert invited.status_code == 201 and len(mail.outbox) == 1


def test_the_stream_carries_no_amount_for_a_role_that_hides_it(blind_client):
    from voronka.audit.models import StreamEvent, Verb
    from voronka.sales.models import Deal

    deal = Deal.objects.get(name="Тур в Анталью")
    StreamEvent.objects.create(
        verb=Verb.AMOUNT_CHANGED,
        entity="deal",
        object_id=deal.pk,
        label=deal.name,
        owner=deal.owner,
        amount="987654.00",
        currency="USD",
        data={"old_amount": "5.00"},
    )
    StreamEvent.objects.create(
        verb=Verb.CREATED,
        entity="deal",
        object_id=deal.pk,
        label=deal.name,
        owner=deal.owner,
        amount="987654.00",
        currency="USD",
    )
    events = blind_client.get("/api/v1/stream/").json()
    events = events["results"] if isinstance(events, dict) else events
    assert [e["verb"] for e in events] == ["created"]
    assert events[0]["amount"] is None and "987" not in events[0]["text"]
    assert "987" not in blind_client.get("/").content.decode()


def test_the_code_must_follow_the_password_soon(owner, client):
    found = two_factor.start(owner)
    totp = pyotp.TOTP(found.secret)
    two_factor.confirm(found, totp.now())
    client.post("/accounts/login/", {"username": "owner", "password": "secret-pass-123"})
    session = client.session
    session["voronka_2fa_since"] = 0  # the password was typed long ago
    session.save()
    response = client.post("/accounts/login/code/", {"code": totp.at(time.time() + 30)})
    assert response["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session
