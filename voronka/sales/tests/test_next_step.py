"""Next-step discipline: every open deal should have a planned activity (issue 4)."""

import pytest
from django.urls import reverse

from conftest import client_for
from tests.factories import ActivityFactory, DealFactory, stage
from voronka.sales.models import StageKind
from voronka.sales.selectors import deals_visible_to, without_next_step

pytestmark = pytest.mark.django_db


def test_open_deals_without_a_planned_activity_are_found(owner):
    planned = DealFactory(owner=owner, name="С планом")
    ActivityFactory(owner=owner, deal=planned)
    only_done = DealFactory(owner=owner, name="Только сделанное")
    ActivityFactory(owner=owner, deal=only_done, done=True)
    only_note = DealFactory(owner=owner, name="Только заметка")
    ActivityFactory(owner=owner, deal=only_note, kind="note")
    bare = DealFactory(owner=owner, name="Пустая")
    won_stage = next(s for s in stage(0).pipeline.stages.all() if s.kind == StageKind.WON)
    won = DealFactory(owner=owner, name="Выиграна", stage=won_stage)

    found = set(without_next_step(deals_visible_to(user=owner)).values_list("name", flat=True))

    assert found == {"Только сделанное", "Только заметка", "Пустая"}
    assert won.name not in found and bare.name in found


def test_the_list_filters_and_the_home_page_counts_them(owner, teammate):
    DealFactory(owner=owner, name="Без шага 1")
    DealFactory(owner=owner, name="Без шага 2")
    with_step = DealFactory(owner=owner, name="С шагом")
    ActivityFactory(owner=owner, deal=with_step)
    DealFactory(owner=teammate, name="Чужая без шага")
    client = client_for(owner)

    listed = client.get(reverse("sales:deal-list"), {"no_next_step": "true", "owner": owner.pk})
    content = listed.content.decode()
    assert "Без шага 1" in content and "Без шага 2" in content and "С шагом" not in content

    home = client.get(reverse("web:home")).content.decode()
    section = home.partition('data-testid="no-next-step"')[2].partition("</ul>")[0]
    assert ">2</span>" in section
    assert "Без шага 1" in section and "Чужая без шага" not in section


def test_a_head_of_sales_switches_the_home_page_to_the_team(owner, head):
    DealFactory(owner=owner, name="Сделка менеджера")
    mine = client_for(head).get(reverse("web:home")).content.decode()
    team = client_for(head).get(reverse("web:home"), {"who": "team"}).content.decode()
    assert "Сделка менеджера" not in mine.partition('data-testid="no-next-step"')[2]
    assert "Сделка менеджера" in team.partition('data-testid="no-next-step"')[2]
    # A manager sees no switch and ?who=team changes nothing for them.
    manager = client_for(owner).get(reverse("web:home"), {"who": "team"}).content.decode()
    assert 'data-testid="home-whose"' not in manager


def test_the_company_list_finds_customers_without_a_next_step(owner):
    from tests.factories import CompanyFactory

    CompanyFactory(owner=owner, name="Клиент без шага", is_customer=True)
    planned = CompanyFactory(owner=owner, name="Клиент с планом", is_customer=True)
    ActivityFactory(owner=owner, company=planned)
    CompanyFactory(owner=owner, name="Поставщик", is_customer=False, is_supplier=True)

    content = (
        client_for(owner)
        .get(reverse("contacts:company-list"), {"no_next_step": "true"})
        .content.decode()
    )

    assert "Клиент без шага" in content
    assert "Клиент с планом" not in content and "Поставщик" not in content


def test_the_home_page_lists_my_unread_notifications(owner, teammate):
    from voronka.notifications.services import notify

    notify(user=owner, kind="system", title="Проверьте договор с «Ромашкой»", url="/companies/")
    notify(user=teammate, kind="system", title="Чужое уведомление")

    home = client_for(owner).get(reverse("web:home")).content.decode()

    section = home.partition('data-testid="home-notifications"')[2]
    assert "Проверьте договор с «Ромашкой»" in section and "Чужое уведомление" not in home
