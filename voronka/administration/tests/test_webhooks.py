"""Acceptance 3: a webhook to a loopback receiver (allowed here by a setting) is signed and
retried; every forbidden spelling of a private address is refused."""

import hashlib
import hmac
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core.exceptions import ValidationError

from tests.factories import CompanyFactory
from voronka.administration import webhooks
from voronka.administration.models import Delivery, DeliveryState, Webhook
from voronka.contacts.services import company_create
from voronka.core import net


class Receiver:
    """A local HTTP server answering with the given codes in turn, keeping what it got."""

    def __init__(self, codes):
        self.codes = list(codes)
        self.got = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.got.append((dict(self.headers), body))
                code = receiver.codes.pop(0) if receiver.codes else 200
                self.send_response(code)
                if 300 <= code < 400:
                    self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
                self.end_headers()
                self.wfile.write(b"ok" if code == 200 else b"not now")

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def loopback_allowed(settings):
    settings.VORONKA = {
        **settings.VORONKA,
        "OUTGOING_ALLOWED_NETWORKS": ["127.0.0.0/8"],
        "WEBHOOK_BACKOFF": [1, 1, 1],
    }


def test_a_delivery_is_signed_and_retried_until_it_is_taken(
    owner, loopback_allowed, django_capture_on_commit_callbacks
):
    with Receiver([500, 503, 200]) as receiver:
        hook = Webhook.objects.create(
            name="ERP", url=receiver.url, secret="s3cret", events=["company.created"]
        )
        with django_capture_on_commit_callbacks(execute=True):
            company = company_create(actor=owner, data={"name": "ТОО «Ромашка»"})
    assert len(receiver.got) == 3
    headers, body = receiver.got[-1]
    expected = "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert headers["X-Voronka-Signature"] == expected
    assert headers["X-Voronka-Event"] == "company.created"
    payload = json.loads(body)
    assert payload["event"] == "company.created"
    assert payload["id"] == company.pk
    assert payload["label"] == "ТОО «Ромашка»"
    delivery = Delivery.objects.get(webhook=hook)
    assert delivery.state == DeliveryState.DELIVERED
    assert delivery.attempts == 3
    assert delivery.status_code == 200
    assert delivery.response == "ok"


def test_a_delivery_fails_for_good_after_the_last_retry(owner, loopback_allowed):
    with Receiver([500] * 10) as receiver:
        hook = Webhook.objects.create(name="x", url=receiver.url, events=["*"])
        delivery = Delivery.objects.create(webhook=hook, event="company.created", payload={})
        waits = []
        while (wait := webhooks.deliver(delivery)) is not None:
            waits.append(wait)
    assert waits == [1, 1, 1]
    assert delivery.state == DeliveryState.FAILED
    assert delivery.attempts == 4
    assert delivery.status_code == 500


def test_a_redirect_is_not_followed(owner, loopback_allowed):
    with Receiver([302]) as receiver:
        hook = Webhook.objects.create(name="x", url=receiver.url, events=["*"])
        delivery = Delivery.objects.create(webhook=hook, event="deal.won", payload={})
        assert webhooks.deliver(delivery) is None
    assert len(receiver.got) == 1
    assert delivery.state == DeliveryState.FAILED
    assert "169.254.169.254" in delivery.error


def test_only_the_events_asked_for_are_sent(
    owner, loopback_allowed, django_capture_on_commit_callbacks
):
    Webhook.objects.create(name="deals", url="http://127.0.0.1:9/", events=["deal.won"])
    with django_capture_on_commit_callbacks(execute=True):
        CompanyFactory(owner=owner)
        company_create(actor=owner, data={"name": "Альфа"})
    assert not Delivery.objects.exists()


def test_loopback_is_refused_without_the_setting():
    with pytest.raises(ValidationError):
        webhooks.check_url("http://127.0.0.1:8000/hook")


FORBIDDEN = [
    "http://2130706433/",
    "http://0177.0.0.1/",
    "http://0x7f000001/",
    "http://0x7f.0.0.1/",
    "http://127.1/",
    "http://127.0.0.1/",
    "http://localhost/",
    "http://[::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:7f00:1]/",
    "http://[0:0:0:0:0:ffff:7f00:1]/",
    "http://169.254.169.254/latest/meta-data/",
    "http://2852039166/",
    "http://[fe80::1]/",
    "http://10.0.0.1/",
    "http://0012.0.0.1/",
    "http://172.16.0.1/",
    "http://192.168.1.1/",
    "http://0.0.0.0/",
    "http://0/",
    "http://metadata.google.internal/computeMetadata/v1/",
    "http://METADATA.GOOGLE.INTERNAL./",
    "http://[fd00::1]/",
    "http://[::]/",
    "http://100.64.0.1/",
]


@pytest.mark.parametrize("url", FORBIDDEN)
def test_each_forbidden_spelling_is_refused(url, settings):
    settings.VORONKA = {**settings.VORONKA, "OUTGOING_ALLOWED_NETWORKS": []}
    with pytest.raises(ValidationError):
        webhooks.check_url(url)
    with pytest.raises(net.HostRefused):
        net.post(url, b"{}", {})


def test_a_name_that_resolves_to_a_private_address_is_refused(monkeypatch):
    def fake(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", port))]

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    with pytest.raises(ValidationError, match=r"10\.0\.0\.7"):
        webhooks.check_url("https://hooks.example.com/in")


def test_a_public_address_is_accepted(monkeypatch):
    def fake(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port))]

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    webhooks.check_url("https://hooks.example.com/in")


def test_the_api_and_page_are_for_administrators(owner_client, admin_client_):
    assert owner_client.get("/settings/webhooks/").status_code == 403
    assert owner_client.get("/api/v1/webhooks/").status_code == 403
    assert admin_client_.get("/settings/webhooks/").status_code == 200


def test_the_api_creates_a_webhook_and_refuses_a_private_url(admin_user, monkeypatch):
    from rest_framework.test import APIClient

    def fake(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port))]

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    api = APIClient()
    api.force_authenticate(admin_user)
    created = api.post(
        "/api/v1/webhooks/",
        {"name": "ERP", "url": "https://hooks.example.com/in", "events": ["deal.won"]},
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert len(created.json()["secret"]) > 20
    refused = api.post(
        "/api/v1/webhooks/",
        {"name": "x", "url": "http://0x7f000001/", "events": ["deal.won"]},
        format="json",
    )
    assert refused.status_code == 400
    assert "url" in refused.json()


def test_the_page_refuses_a_private_url_and_keeps_what_was_typed(admin_client_):
    response = admin_client_.post(
        "/settings/webhooks/",
        {"name": "Внутренний", "url": "http://169.254.169.254/", "events": ["deal.won"]},
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Внутренний" in text
    assert not Webhook.objects.exists()
