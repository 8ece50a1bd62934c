import re

import pytest
from django.core import mail
from django.urls import reverse

from conftest import client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_sign_in_and_out(client):
    UserFactory(username="aliya", password="aliya-pass-123")
    response = client.get(reverse("web:home"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    response = client.post(
        reverse("accounts:login"), {"username": "aliya", "password": "aliya-pass-123"}
    )
    assert response.status_code == 302
    assert client.get(reverse("web:home")).status_code == 200
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("web:home")).status_code == 302


def test_a_wrong_password_says_so_in_russian(client):
    UserFactory(username="aliya")
    response = client.post(reverse("accounts:login"), {"username": "aliya", "password": "nope"})
    assert response.status_code == 200
    assert "Пожалуйста, введите правильные имя пользователя и пароль" in response.content.decode()


def test_the_login_page_is_in_english_for_an_english_browser(client):
    body = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Sign in" in body


def test_password_reset_sends_a_working_link(client):
    user = UserFactory(username="aliya", email="aliya@example.com")
    client.post(reverse("accounts:password-reset"), {"email": "aliya@example.com"})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/\S+)", mail.outbox[0].body).group(1)
    response = client.get(link, follow=True)
    assert response.status_code == 200
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": "Новый-пароль-2026", "new_password2": "Новый-пароль-2026"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Новый-пароль-2026")


def test_change_password(owner):
    client = client_for(owner)
    response = client.post(
        reverse("accounts:password-change"),
        {
            "old_password": "secret-pass-123",
            "new_password1": "Другой-пароль-77",
            "new_password2": "Другой-пароль-77",
        },
    )
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.check_password("Другой-пароль-77")


def test_the_profile_switches_language_and_time_zone(owner):
    client = client_for(owner)
    response = client.post(
        reverse("accounts:profile"),
        {"first_name": "Aliya", "last_name": "N", "language": "en", "timezone": "Europe/Moscow"},
    )
    assert response.status_code == 302
    owner.refresh_from_db()
    assert (owner.language, owner.timezone) == ("en", "Europe/Moscow")
    body = client.get(reverse("contacts:company-list")).content.decode()
    assert "Companies" in body and "Контрагенты" not in body
    assert '<html lang="en">' in body


def test_pages_are_russian_by_default(owner):
    body = client_for(owner).get(reverse("contacts:company-list")).content.decode()
    assert "Контрагенты" in body
    assert '<html lang="ru">' in body
