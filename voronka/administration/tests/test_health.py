"""/healthz for load balancers, and the 500 page when the database is gone."""

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client

from conftest import client_for
from voronka.administration import health


def test_healthz_answers_ok_without_sign_in(db):
    response = Client().get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "queue"}
    assert all(check["ok"] for check in body["checks"].values())
    # No session is started, no cookie set.
    assert "sessionid" not in response.cookies
    assert "Cookie" not in response.get("Vary", "")


def test_healthz_says_503_when_a_part_is_down(db, monkeypatch):
    def broken():
        raise OperationalError("connection refused")

    monkeypatch.setitem(health.CHECKS, "database", broken)
    response = Client().get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["database"] == {"ok": False, "error": "OperationalError"}
    assert body["checks"]["cache"]["ok"]


def test_healthz_with_the_database_gone(db, monkeypatch):
    def refuse(self, *args, **kwargs):
        raise OperationalError("the database is gone")

    with monkeypatch.context() as patch:
        patch.setattr(BaseDatabaseWrapper, "cursor", refuse)
        response = Client().get("/healthz", HTTP_COOKIE="sessionid=whatever")
    assert response.status_code == 503
    assert response.json()["checks"]["database"]["ok"] is False


@pytest.mark.parametrize("path", ["/", "/companies/"])
def test_the_500_page_renders_without_the_database(owner, monkeypatch, settings, path):
    settings.DEBUG = False
    client = client_for(owner)
    client.raise_request_exception = False

    def refuse(self, *args, **kwargs):
        raise OperationalError("the database is gone")

    with monkeypatch.context() as patch:
        patch.setattr(BaseDatabaseWrapper, "cursor", refuse)
        patch.setattr(BaseDatabaseWrapper, "ensure_connection", refuse)
        response = client.get(path)
    assert response.status_code == 500
    text = response.content.decode()
    assert "<h1" in text
    assert "Что-то пошло не так" in text or "Something went wrong" in text
