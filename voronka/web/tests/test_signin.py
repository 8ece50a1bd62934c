"""Signing in, hardened for production: the language cookie's flags follow the session
cookie's, and the login form is throttled (voronka/accounts/throttle.py)."""

import logging
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse

from config import settings as configured
from conftest import client_for
from voronka.accounts import throttle

pytestmark = pytest.mark.django_db


def test_the_language_cookie_follows_the_settings_of_the_session_cookie(owner, settings):
    assert configured.LANGUAGE_COOKIE_SECURE == configured.SESSION_COOKIE_SECURE
    data = {"first_name": "Aliya", "last_name": "N", "language": "en", "timezone": "UTC"}
    for secure in (True, False):
        settings.LANGUAGE_COOKIE_SECURE = secure
        response = client_for(owner).post(reverse("accounts:profile"), data)
        cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
        assert cookie.value == "en"
        assert bool(cookie["secure"]) is secure
        assert cookie["httponly"] is True
        assert cookie["samesite"] == "Lax"


# Sign-in throttling on the login form.

LOGIN = "/accounts/login/"


def sign_in(client: Client, username: str, password: str, address="10.0.0.1", **headers):
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address, **headers
    )


def test_ten_wrong_passwords_lock_the_account_with_a_clear_message(owner, client, caplog):
    caplog.set_level(logging.WARNING, logger="voronka.security")
    for _attempt in range(10):
        response = sign_in(client, "owner", "wrong")
        assert response.status_code == 200
        assert "правильные имя пользователя и пароль" in response.content.decode()
    # Even the right password is not checked until the wait is over.
    response = sign_in(client, "owner", "secret-pass-123")
    assert response.status_code == 429
    assert 880 < int(response["Retry-After"]) <= 900
    assert (
        "Слишком много неудачных попыток входа. Попробуйте снова через 15 минут."
        in response.content.decode()
    )
    assert "_auth_user_id" not in client.session
    messages = [record.getMessage() for record in caplog.records]
    assert sum("Sign-in failed: account 'owner'" in m for m in messages) == 10
    assert any(m.startswith("Sign-in locked") for m in messages)
    assert any(m.startswith("Sign-in refused while locked") for m in messages)


def test_the_message_is_in_the_users_language(owner, client):
    for _attempt in range(10):
        sign_in(client, "owner", "wrong", HTTP_ACCEPT_LANGUAGE="en")
    response = sign_in(client, "owner", "wrong", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429
    assert "Too many failed sign-in attempts. Try again in 15 minutes." in (
        response.content.decode()
    )


def test_the_account_is_locked_from_every_address(owner, teammate, client):
    for attempt in range(10):
        sign_in(client, "owner", "wrong", address=f"10.0.1.{attempt}")
    assert sign_in(client, "owner", "secret-pass-123", address="10.0.2.1").status_code == 429
    # Another account from another address is not affected.
    assert sign_in(client, "teammate", "secret-pass-123", address="10.0.2.2").status_code == 302


def test_the_address_is_locked_for_every_account(owner, teammate, client):
    for attempt in range(10):
        sign_in(client, f"guess{attempt}", "wrong", address="10.0.3.1")
    assert sign_in(client, "teammate", "secret-pass-123", address="10.0.3.1").status_code == 429
    assert sign_in(client, "teammate", "secret-pass-123", address="10.0.3.2").status_code == 302


def test_a_successful_sign_in_clears_the_accounts_count(owner):
    for attempt in range(9):
        sign_in(Client(), "owner", "wrong", address=f"10.0.4.{attempt}")
    assert sign_in(Client(), "owner", "secret-pass-123", address="10.0.5.1").status_code == 302
    for attempt in range(9):
        sign_in(Client(), "owner", "wrong", address=f"10.0.6.{attempt}")
    assert sign_in(Client(), "owner", "secret-pass-123", address="10.0.5.2").status_code == 302


def test_the_lock_ends_when_the_failures_are_fifteen_minutes_old(owner, client, monkeypatch):
    start = throttle.time.time()
    for _attempt in range(10):
        sign_in(client, "owner", "wrong")
    assert sign_in(client, "owner", "secret-pass-123").status_code == 429
    monkeypatch.setattr(throttle, "time", SimpleNamespace(time=lambda: start + 14 * 60))
    assert sign_in(client, "owner", "secret-pass-123").status_code == 429
    monkeypatch.setattr(throttle, "time", SimpleNamespace(time=lambda: start + 15 * 60 + 30))
    assert sign_in(client, "owner", "secret-pass-123").status_code == 302


def test_behind_a_proxy_the_address_is_the_one_it_saw(settings, rf):
    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    settings.NUM_PROXIES = 0
    assert throttle.client_address(request) == "127.0.0.1"
    settings.NUM_PROXIES = 1
    assert throttle.client_address(request) == "203.0.113.7"


def test_the_admins_login_page_sends_to_voronkas_sign_in(admin_user, client):
    """The admin's own form would skip the second factor and the sign-in journal."""
    response = client.post("/admin/login/", {"username": "boss", "password": "secret-pass-123"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session


def test_a_right_password_of_a_non_staff_user_on_the_admin_page_is_no_failure(owner, client):
    for _attempt in range(10):
        client.post("/admin/login/", {"username": "owner", "password": "secret-pass-123"})
    assert sign_in(client, "owner", "secret-pass-123").status_code == 302
