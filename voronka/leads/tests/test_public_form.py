"""The public web form /f/<key>/: a test per defence, each failing without it."""

import re

import pytest
from django.core.cache import cache
from django.test import Client

from conftest import client_for
from tests.factories import LeadFactory, UserFactory, WebFormFactory
from voronka.leads import public
from voronka.leads.models import Lead, LeadStatus
from voronka.notifications.models import Notification
from voronka.sales.models import LeadSource

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def web_form(owner):
    source = LeadSource.objects.create(name="Сайт")
    return WebFormFactory(owner=owner, source=source, thank_you="Спасибо, мы перезвоним!")


class Clock:
    """The public module's clock, moved by hand: a page shown now, sent `n` seconds later."""

    def __init__(self, monkeypatch):
        self.now = 1_800_000_000.0
        monkeypatch.setattr(public.time, "time", lambda: self.now)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


def shown(client, web_form) -> str:
    """Open the form as a visitor and return its signed stamp."""
    response = client.get(web_form.public_url())
    assert response.status_code == 200
    return re.search(r'name="ts" value="([^"]+)"', response.content.decode()).group(1)


def send(client, web_form, clock, *, after=10, address="203.0.113.5", **fields):
    stamp = shown(client, web_form)
    clock.now += after
    data = {"person_name": "Болат Турсынхан", "phone": "8 701 555 12 34", "ts": stamp}
    data.update(fields)
    return client.post(web_form.public_url(), data, REMOTE_ADDR=address)


def test_a_sending_becomes_a_lead_of_the_forms_source_and_the_owner_is_told(
    web_form, clock, owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = send(Client(), web_form, clock, question="Тур в Лондон на майские?")
    assert response.status_code == 200
    assert "Спасибо, мы перезвоним!" in response.content.decode()
    lead = Lead.objects.get()
    assert lead.person_name == "Болат Турсынхан"
    assert lead.phone == "+77015551234"
    assert lead.source.name == "Сайт" and lead.web_form == web_form
    assert lead.owner == owner and lead.status == LeadStatus.NEW
    note = Notification.objects.get(user=owner)
    assert "Болат Турсынхан" in note.title and note.url == lead.get_absolute_url()


def test_it_needs_no_csrf_token(web_form, clock):
    client = Client(enforce_csrf_checks=True)
    response = send(client, web_form, clock)
    assert response.status_code == 200
    assert Lead.objects.count() == 1


def test_a_filled_honeypot_is_thanked_and_saves_nothing(web_form, clock):
    response = send(Client(), web_form, clock, website="http://spam.example")
    assert response.status_code == 200
    assert "Спасибо" in response.content.decode()
    assert Lead.objects.count() == 0


def test_the_honeypot_is_on_the_page_out_of_sight(web_form):
    html = Client().get(web_form.public_url()).content.decode()
    assert 'name="website"' in html and 'tabindex="-1"' in html
    assert "public-form-trap" in html


def test_a_sending_faster_than_the_minimum_fill_time_saves_nothing(web_form, clock):
    response = send(Client(), web_form, clock, after=1)
    assert response.status_code == 400
    assert Lead.objects.count() == 0
    # The visitor keeps what was typed and can send it again.
    assert "Болат Турсынхан" in response.content.decode()


def test_a_sending_without_a_stamp_or_with_a_forged_one_saves_nothing(web_form, clock):
    client = Client()
    for stamp in ("", "forged", public.stamp(WebFormFactory())):
        clock.now += 60
        response = client.post(
            web_form.public_url(),
            {"person_name": "Робот", "phone": "+77015551234", "ts": stamp},
            REMOTE_ADDR="203.0.113.9",
        )
        assert response.status_code == 400
    assert Lead.objects.count() == 0


def test_a_page_older_than_a_day_must_be_reloaded(web_form, clock):
    response = send(Client(), web_form, clock, after=public.STAMP_MAX_AGE + 60)
    assert response.status_code == 400
    assert Lead.objects.count() == 0


def test_the_rate_limit_per_address_answers_429_past_the_limit(web_form, clock, settings):
    settings.VORONKA = {**settings.VORONKA, "WEBFORM_RATE": 2, "WEBFORM_RATE_MINUTES": 10}
    client = Client()
    for _ in range(2):
        assert send(client, web_form, clock).status_code == 200
    response = send(client, web_form, clock)
    assert response.status_code == 429
    assert Lead.objects.count() == 2
    # Another address is not held back by the first one's sendings.
    assert send(client, web_form, clock, address="198.51.100.7").status_code == 200
    assert Lead.objects.count() == 3


def test_a_body_over_the_size_limit_is_refused(web_form, clock):
    response = send(Client(), web_form, clock, question="я" * (public.MAX_BODY_BYTES + 10))
    assert response.status_code == 413
    assert Lead.objects.count() == 0


def test_a_field_over_its_length_is_refused(web_form, clock):
    response = send(Client(), web_form, clock, person_name="Б" * 151)
    assert response.status_code == 400
    assert Lead.objects.count() == 0


def test_only_the_forms_own_fields_are_taken(web_form, clock, outsider):
    send(
        Client(),
        web_form,
        clock,
        company_name="Не спрашивали",
        status=LeadStatus.CONVERTED,
        owner=outsider.pk,
        requested_at="2001-01-01T00:00",
    )
    lead = Lead.objects.get()
    assert lead.company_name == ""
    assert lead.status == LeadStatus.NEW
    assert lead.owner == web_form.owner
    assert lead.requested_at.year > 2001


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/steal",
        "//evil.example/",
        "https://example.kz.evil.example/",
        "javascript:alert(1)",
        "https://user@evil.example/",
    ],
)
def test_a_redirect_goes_nowhere_but_the_forms_own_addresses(web_form, clock, target):
    response = send(Client(), web_form, clock, redirect=target)
    assert response.status_code == 200  # the thank-you page, not a redirect
    assert "Location" not in response.headers
    assert Lead.objects.count() == 1


def test_a_redirect_to_the_forms_own_address_is_followed(web_form, clock):
    response = send(Client(), web_form, clock, redirect="https://example.kz/spasibo")
    assert response.status_code == 302
    assert response.headers["Location"] == "https://example.kz/spasibo"


def test_the_forms_redirect_setting_must_be_one_of_its_addresses(web_form):
    from django.core.exceptions import ValidationError

    web_form.redirect_url = "https://evil.example/"
    with pytest.raises(ValidationError):
        web_form.full_clean()
    web_form.redirect_url = "https://example.kz/thanks"
    web_form.full_clean()


def test_the_form_may_be_framed_by_other_sites_and_the_crm_may_not(web_form, owner):
    response = Client().get(web_form.public_url())
    assert "X-Frame-Options" not in response.headers
    assert "frame-ancestors *" in response.headers["Content-Security-Policy"]
    page = client_for(owner).get("/leads/")
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]


def test_what_a_visitor_typed_is_escaped_where_it_is_shown(web_form, clock, owner):
    send(
        Client(),
        web_form,
        clock,
        person_name='<script>alert("x")</script>',
        question="<img src=x onerror=alert(1)>",
    )
    lead = Lead.objects.get()
    for url in (lead.get_absolute_url(), "/leads/", "/leads/board/"):
        html = client_for(owner).get(url).content.decode()
        assert '<script>alert("x")</script>' not in html
        assert "<img src=x" not in html
        assert "&lt;script&gt;" in html


def test_an_inactive_or_unknown_form_is_not_found(web_form):
    web_form.is_active = False
    web_form.save()
    assert Client().get(web_form.public_url()).status_code == 404
    assert Client().get("/f/no-such-form/").status_code == 404


def test_without_an_owner_on_the_form_the_distribution_decides(web_form, clock, teammate):
    from voronka.leads.services import lead_settings

    settings_row = lead_settings()
    settings_row.owner = teammate
    settings_row.save()
    web_form.owner = None
    web_form.save()
    send(Client(), web_form, clock)
    assert Lead.objects.get().owner == teammate


def test_the_snippets_carry_the_link_the_honeypot_and_no_secret(web_form, admin_user):
    html = client_for(admin_user).get(f"/forms/{web_form.pk}/").content.decode()
    assert web_form.public_url() in html
    assert "&lt;iframe" in html and "&lt;form action=" in html
    assert "name=&quot;website&quot;" in html


def test_existing_leads_are_not_touched_by_a_sending(web_form, clock):
    other = LeadFactory(owner=UserFactory())
    send(Client(), web_form, clock)
    other.refresh_from_db()
    assert other.version == 1 and Lead.objects.count() == 2
