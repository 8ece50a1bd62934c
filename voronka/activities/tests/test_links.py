"""An activity's company, contact and deal tell one story (services._align_links): another
deal brings its company; a company typed against the deal, or a person of another company,
is refused with what to do, and the form keeps what was typed."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from conftest import client_for
from tests.factories import ActivityFactory, CompanyFactory, ContactFactory, DealFactory
from voronka.activities.models import ActivityKind
from voronka.activities.services import activity_create, activity_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_clients(owner):
    adam = CompanyFactory(owner=owner, name="ADAM & EVE HOTELS")
    inn = CompanyFactory(owner=owner, name="St. Christopher's Inn-Village")
    kim = ContactFactory(owner=owner, company=adam, last_name="Ким", first_name="Виктор")
    collins = ContactFactory(owner=owner, company=inn, last_name="Collins", first_name="Sarah")
    return {
        "adam": adam,
        "inn": inn,
        "kim": kim,
        "collins": collins,
        "barcelona": DealFactory(owner=owner, company=adam, name="2026/12/4/Барселона"),
        "london": DealFactory(owner=owner, company=inn, name="2027/01/1/Лондон"),
    }


def call_about(owner, c, **links):
    return ActivityFactory(owner=owner, subject="Уточнить даты", **links)


def test_another_deal_brings_its_company(owner, two_clients):
    c = two_clients
    call = call_about(owner, c, company=c["adam"], deal=c["barcelona"])
    call = activity_update(actor=owner, activity=call, data={"deal": c["london"]}, version=None)
    call.refresh_from_db()
    assert (call.company, call.deal) == (c["inn"], c["london"])


def test_another_deal_with_its_company_typed_too_is_taken(owner, two_clients):
    c = two_clients
    call = call_about(owner, c, company=c["adam"], deal=c["barcelona"])
    activity_update(
        actor=owner,
        activity=call,
        data={"deal": c["london"], "company": c["inn"]},
        version=None,
    )
    call.refresh_from_db()
    assert (call.company, call.deal) == (c["inn"], c["london"])


def test_a_company_typed_against_the_deal_is_refused(owner, two_clients):
    c = two_clients
    call = call_about(owner, c, company=c["adam"], deal=c["barcelona"])
    with translation.override("en"), pytest.raises(ValidationError) as error:
        activity_update(actor=owner, activity=call, data={"company": c["inn"]}, version=None)
    assert error.value.message_dict["company"] == [
        "The deal “2026/12/4/Барселона” is with ADAM & EVE HOTELS: choose that company, "
        "or another deal."
    ]
    call.refresh_from_db()
    assert call.company == c["adam"]


def test_a_person_of_another_company_is_refused(owner, two_clients):
    c = two_clients
    call = call_about(owner, c, company=c["adam"], deal=c["barcelona"])
    with translation.override("en"), pytest.raises(ValidationError) as error:
        activity_update(actor=owner, activity=call, data={"contact": c["collins"]}, version=None)
    assert (
        "Collins Sarah works at St. Christopher's Inn-Village, not at ADAM & EVE HOTELS"
        in (error.value.message_dict["contact"][0])
    )
    call.refresh_from_db()
    assert call.contact is None


def test_another_deal_with_the_old_deals_person_is_refused(owner, two_clients):
    c = two_clients
    call = call_about(owner, c, company=c["adam"], contact=c["kim"], deal=c["barcelona"])
    with pytest.raises(ValidationError) as error:
        activity_update(actor=owner, activity=call, data={"deal": c["london"]}, version=None)
    assert "contact" in error.value.message_dict
    call.refresh_from_db()
    assert (call.company, call.contact, call.deal) == (c["adam"], c["kim"], c["barcelona"])


def test_a_person_alone_brings_their_company(owner, two_clients):
    c = two_clients
    call = activity_create(
        actor=owner,
        data={
            "kind": ActivityKind.CALL,
            "subject": "Перезвонить",
            "due_at": timezone.now(),
            "contact": c["collins"],
        },
    )
    assert call.company == c["inn"]


def test_the_form_shows_the_refusal_and_keeps_what_was_typed(owner, two_clients):
    c = two_clients
    call = call_about(owner, c, company=c["adam"], contact=c["kim"], deal=c["barcelona"])
    response = client_for(owner).post(
        reverse("activities:activity-edit", args=[call.pk]),
        {
            "type": call.type_id or "",
            "kind": "call",
            "subject": "Уточнить даты, новое",
            "due_at": "2030-05-01T10:30",
            "company": c["adam"].pk,
            "contact": c["kim"].pk,
            "deal": c["london"].pk,
            "owner": owner.pk,
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ким Виктор работает в ADAM &amp; EVE HOTELS, а не в St. Christopher" in page
    assert "Уточнить даты, новое" in page
    assert f'<option value="{c["london"].pk}" selected' in page
    call.refresh_from_db()
    assert (call.subject, call.deal) == ("Уточнить даты", c["barcelona"])
