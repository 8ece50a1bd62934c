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


def test_the_stream_follows_a_record_to_its_new_team(owner, outsider, head, admin_user):
    """Handed over to another department, a deal's events leave the old team's stream and
    reach the new one's: the stream shows what the record's page would."""
    from voronka.handover.services import handover

    company = CompanyFactory(owner=owner, name="Ромашка")
    deal = deal_create(actor=owner, data={"name": "Тур", "company": company})
    teammate_view = {e.object_id for e in stream(user=head, scope=StreamScope.ALL)}
    assert deal.pk in teammate_view
    assert deal.pk not in {e.object_id for e in stream(user=outsider)}

    handover(actor=admin_user, from_user=owner, to_user=outsider)

    assert deal.pk in {e.object_id for e in stream(user=outsider) if e.entity == "deal"}
    assert deal.pk not in {e.object_id for e in stream(user=head) if e.entity == "deal"}


def test_an_owner_change_in_the_form_moves_the_events_too(owner, outsider, admin_user):
    company = CompanyFactory(owner=owner, name="Ромашка")
    company_update(actor=admin_user, company=company, data={"owner": outsider}, version=None)
    assert StreamEvent.objects.filter(entity="company", object_id=company.pk).count() == 0 or all(
        e.owner_id == outsider.pk
        for e in StreamEvent.objects.filter(entity="company", object_id=company.pk)
    )
    deal = deal_create(actor=owner, data={"name": "Тур"})
    from voronka.sales.services import deal_update

    deal_update(actor=admin_user, deal=deal, data={"owner": outsider}, version=None)
    owners = set(
        StreamEvent.objects.filter(entity="deal", object_id=deal.pk).values_list("owner", flat=True)
    )
    assert owners == {outsider.pk}


@pytest.mark.parametrize("kind", ["company", "contact", "deal", "activity"])
def test_a_deleted_record_leaves_who_and_when(kind, owner, head):
    from tests.factories import ActivityFactory, ContactFactory
    from voronka.activities.services import activity_delete
    from voronka.audit.models import HistoryEntry, Verb
    from voronka.contacts.services import company_delete, contact_delete
    from voronka.sales.services import deal_delete

    made = {
        "company": lambda: CompanyFactory(owner=owner, name="Ромашка"),
        "contact": lambda: ContactFactory(owner=owner, last_name="Иванов"),
        "deal": lambda: DealFactory(owner=owner, name="Тур в Лондон"),
        "activity": lambda: ActivityFactory(owner=owner, subject="Позвонить"),
    }[kind]()
    pk, label = made.pk, str(made)
    {
        "company": lambda: company_delete(actor=owner, company=made),
        "contact": lambda: contact_delete(actor=owner, contact=made),
        "deal": lambda: deal_delete(actor=owner, deal=made),
        "activity": lambda: activity_delete(actor=owner, activity=made),
    }[kind]()

    row = HistoryEntry.objects.get(entity=kind, object_id=pk, field="__deleted__")
    assert (row.actor, row.old_value) == (owner, label)
    event = StreamEvent.objects.get(entity=kind, object_id=pk, verb=Verb.DELETED)
    assert event.actor == owner
    # The head of sales, who saw the record, sees it was deleted, in words.
    seen = [e for e in stream(user=head) if e.pk == event.pk]
    assert seen
    from voronka.audit.templatetags.audit import event_sentence

    with translation.override("ru"):
        sentence = str(event_sentence(seen[0]))
    assert label in sentence and "удалил" in sentence
    assert "<a " not in sentence  # the record is gone: no link to a 404


def test_settings_changes_reach_the_administrators_stream_only(owner, admin_user):
    from voronka.audit.models import Verb
    from voronka.sales.models import Pipeline
    from voronka.sales.services import pipeline_save

    pipeline = pipeline_save(
        actor=admin_user,
        pipeline=Pipeline(name="Оптовые продажи"),
        stages=[
            {"name": "Заявка", "probability": 10, "kind": "open"},
            {"name": "Выиграна", "probability": 100, "kind": "won"},
            {"name": "Проиграна", "probability": 0, "kind": "lost"},
        ],
    )
    events = StreamEvent.objects.filter(entity="sales.pipeline", object_id=pipeline.pk)
    assert events.get().verb == Verb.SETTING_ADDED
    assert StreamEvent.objects.filter(entity="sales.stage", verb=Verb.SETTING_ADDED).count() == 3
    assert pipeline.pk in {e.object_id for e in stream(user=admin_user)}
    assert all(e.entity in ("company", "contact", "deal", "activity") for e in stream(user=owner))


def test_a_role_changed_in_the_admin_leaves_its_history(admin_user):
    from voronka.accounts.models import Role, RolePermission
    from voronka.audit.models import HistoryEntry

    admin_user.is_superuser = True
    admin_user.save(update_fields=["is_superuser"])
    client = client_for(admin_user)
    response = client.post(
        reverse("admin:accounts_role_add"),
        {
            "name": "Стажёр",
            "code": "intern",
            "permissions-TOTAL_FORMS": "1",
            "permissions-INITIAL_FORMS": "0",
            "permissions-0-entity": "deal",
            "permissions-0-action": "view",
            "permissions-0-scope": "team",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    role = Role.objects.get(code="intern")
    assert HistoryEntry.objects.filter(
        entity="accounts.role", object_id=role.pk, actor=admin_user
    ).exists()
    rule = RolePermission.objects.get(role=role)
    assert HistoryEntry.objects.filter(entity="accounts.rolepermission", object_id=rule.pk).exists()
