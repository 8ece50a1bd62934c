import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from conftest import client_for
from tests.factories import CompanyFactory, DealFactory, UserFactory
from voronka.audit.models import RecentView, StreamEvent
from voronka.audit.selectors import StreamScope, history, stream
from voronka.audit.templatetags.audit import ago
from voronka.contacts.services import company_update
from voronka.sales.services import deal_create

pytestmark = pytest.mark.django_db


def test_company_and_contact_edits_are_in_the_history(owner):
    company = CompanyFactory(owner=owner, name="Ромашка", city="Алматы")
    company_update(
        actor=owner, company=company, data={"city": "Астана", "is_supplier": True}, version=1
    )
    with translation.override("ru"):
        rows = [(r.label, r.old, r.new) for r in history(entity="company", object_id=company.pk)]
    assert rows == [("Поставщик", "нет", "да"), ("Город", "Алматы", "Астана")]
    body = client_for(owner).get(company.get_absolute_url()).content.decode()
    assert 'data-testid="history"' in body and "Астана" in body


def test_the_history_api_answers_for_visible_records_only(owner, outsider):
    company = CompanyFactory(owner=owner)
    company_update(actor=owner, company=company, data={"city": "Астана"}, version=1)
    assert (
        client_for(owner).get(reverse("api:company-history", args=[company.pk])).json()[0]["new"]
        == "Астана"
    )
    assert (
        client_for(outsider).get(reverse("api:company-history", args=[company.pk])).status_code
        == 404
    )


def test_the_stream_shows_only_what_the_reader_may_see(owner, teammate, outsider, head):
    deal_create(actor=owner, data={"name": "Сделка владельца"})
    deal_create(actor=outsider, data={"name": "Чужая сделка"})
    labels = lambda user, scope=StreamScope.ALL: {e.label for e in stream(user=user, scope=scope)}  # noqa: E731
    assert labels(owner) == {"Сделка владельца"}
    assert labels(teammate) == {"Сделка владельца"}  # the team's records are readable
    assert labels(outsider) == {"Чужая сделка"}
    assert labels(head) == {"Сделка владельца"}
    assert labels(teammate, StreamScope.MINE) == set()
    api = client_for(outsider).get(reverse("api:stream-list")).json()
    assert [e["label"] for e in api] == ["Чужая сделка"]


def test_a_record_shows_its_own_events_and_a_company_those_of_its_deals(owner):
    company = CompanyFactory(owner=owner, name="Ромашка")
    deal_create(actor=owner, data={"name": "Тур в Вену", "company": company})
    events = stream(user=owner, entity="company", object_id=company.pk)
    assert [e.label for e in events] == ["Тур в Вену"]


def test_relative_time_reads_like_the_seed():
    now = timezone.now()
    with translation.override("ru"):
        assert ago(now - datetime.timedelta(days=26)) == "3 нед. назад"
        assert ago(now - datetime.timedelta(minutes=5)) == "5 мин. назад"
        assert ago(now) == "только что"
    with translation.override("en"):
        assert ago(now - datetime.timedelta(hours=2)) == "2 h ago"


def test_recently_viewed_lists_the_last_ten_opened_records(owner):
    client = client_for(owner)
    deals = [DealFactory(owner=owner, name=f"Сделка {n}") for n in range(12)]
    for deal in deals:
        client.get(deal.get_absolute_url())
    client.get(deals[0].get_absolute_url())  # opened again: first, not twice
    assert RecentView.objects.filter(user=owner).count() == 12
    body = client.get(reverse("web:home")).content.decode()
    menu = body[body.index('data-testid="recent-views"') :]
    menu = menu[: menu.index("</ul>")]
    assert menu.count("dropdown-item") == 10
    assert menu.index("Сделка 0") < menu.index("Сделка 11")
    assert "Сделка 1<" not in menu
    redirect = client.get(reverse("web:record", args=["deal", deals[0].pk]))
    assert redirect["Location"] == deals[0].get_absolute_url()


def test_a_deleted_user_leaves_the_events_readable(owner):
    ghost = UserFactory(username="ghost")
    deal_create(actor=ghost, data={"name": "Сделка бывшего", "owner": ghost})
    event = StreamEvent.objects.get(label="Сделка бывшего")
    event.actor = None
    event.save()
    from voronka.audit.templatetags.audit import event_sentence

    with translation.override("ru"):
        assert str(event_sentence(event)).startswith("Кто-то создал(а)")
