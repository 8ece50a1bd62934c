"""Wrong API tokens are throttled like wrong passwords (per address, 429 with Retry-After),
and anonymous callers by DRF's throttle."""

import pytest
from django.test import Client
from rest_framework.throttling import AnonRateThrottle

from voronka.accounts.models import ApiToken

pytestmark = pytest.mark.django_db

DEALS = "/api/v1/deals/"
DOCS = "/api/v1/docs/"


def with_token(key: str, address="10.1.0.1", **headers):
    return Client().get(DEALS, HTTP_AUTHORIZATION=f"Token {key}", REMOTE_ADDR=address, **headers)


def test_ten_wrong_tokens_from_an_address_get_429_with_retry_after(owner):
    for attempt in range(10):
        assert with_token(f"vk_guess{attempt}").status_code == 401
    response = with_token("vk_guess10")
    assert response.status_code == 429
    assert 880 < int(response["Retry-After"]) <= 900
    assert response.json()["detail"] == (
        "Слишком много неудачных попыток входа. Попробуйте снова через 15 минут."
    )
    english = with_token("vk_guess11", HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["detail"] == (
        "Too many failed sign-in attempts. Try again in 15 minutes."
    )
    # Another address is not affected, and a good key still works (keys cannot be guessed).
    assert with_token("vk_guess12", address="10.1.0.2").status_code == 401
    _token, key = ApiToken.issue(user=owner, name="1C")
    assert with_token(key).status_code == 200


def test_wrong_passwords_on_the_form_count_for_the_address_on_the_api_too(owner):
    for _attempt in range(10):
        Client().post(
            "/accounts/login/", {"username": "owner", "password": "x"}, REMOTE_ADDR="10.1.1.1"
        )
    assert with_token("vk_guess", address="10.1.1.1").status_code == 429


def test_anonymous_callers_are_throttled(settings, monkeypatch):
    settings.DEBUG = True  # where the API lets anonymous callers in at all
    monkeypatch.setattr(AnonRateThrottle, "rate", "2/minute", raising=False)
    client = Client(REMOTE_ADDR="10.1.2.1")
    assert [client.get(DOCS, {"script": ""}).status_code for _ in range(3)] == [200, 200, 429]
    assert "Retry-After" in client.get(DOCS, {"script": ""})
