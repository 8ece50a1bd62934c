"""Who sees and works cases and, with a deputy, the records of an absent colleague.

The standing trio: the owner, a teammate (same team, a manager: sees the team's records,
changes only their own) and an outsider (another department), plus a deputy from the outside
who covers for the owner for a period only."""

import datetime

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from conftest import client_for
from tests.factories import DealFactory, UserFactory
from voronka.accounts import access
from voronka.accounts.models import Deputy, Entity
from voronka.audit.models import HistoryEntry
from voronka.sales import services as sales_services
from voronka.service import services
from voronka.service.models import Case, CaseStatus


def _case(owner, **extra) -> Case:
    return services.case_create(actor=owner, data={"subject": "Не работает выгрузка", **extra})


def _fresh(user):
    access.forget(user)
    return user


@pytest.mark.django_db
def test_owner_teammate_outsider_on_a_case(owner, teammate, outsider):
    case = _case(owner)
    assert access.can_view(owner, case) and access.can_change(owner, case)
    assert access.can_view(teammate, case) and not access.can_change(teammate, case)
    assert not access.can_view(outsider, case)
    with pytest.raises(Http404):
        access.get_visible(outsider, Case, case.pk)
    assert (
        client_for(outsider).get(reverse("service:case-detail", args=[case.pk])).status_code == 404
    )
    assert (
        client_for(teammate).get(reverse("service:case-detail", args=[case.pk])).status_code == 200
    )


@pytest.mark.django_db
def test_a_queued_case_is_seen_and_taken_by_its_team_only(owner, teammate, outsider, team):
    case = services.case_create(actor=owner, data={"subject": "Вопрос по счёту", "team": team})
    assert case.owner_id is None
    # get_visible (not only the list) lets the team's members open a case nobody owns yet.
    assert access.get_visible(teammate, Case, case.pk) == case
    assert access.can_change(teammate, case)
    assert not access.can_delete(teammate, case)
    with pytest.raises(Http404):
        access.get_visible(outsider, Case, case.pk)
    response = client_for(teammate).post(reverse("service:case-take", args=[case.pk]))
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.owner_id == teammate.pk and case.status == CaseStatus.IN_WORK
    assert case.first_response_at is not None
    # Once taken it is a teammate's record: the owner (a manager) sees it, may not change it.
    assert access.can_view(_fresh(owner), case) and not access.can_change(owner, case)


@pytest.mark.django_db
def test_the_head_sees_the_queues_below(head, team):
    case = services.case_create(actor=head, data={"subject": "Жалоба", "team": team})
    assert access.can_view(_fresh(head), case)


@pytest.mark.django_db
def test_a_deputy_sees_and_works_the_absent_owner_records_only_during_the_period(
    owner, teammate, outsider
):
    deputy = UserFactory(username="deputy", team=outsider.team)
    case = _case(owner)
    deal = DealFactory(owner=owner)
    today = timezone.localdate()
    assert not access.can_view(deputy, case)
    assert not access.can_view(deputy, deal)

    # A period in the future: nothing yet.
    period = Deputy.objects.create(
        absent=owner,
        deputy=deputy,
        starts_on=today + datetime.timedelta(days=1),
        ends_on=today + datetime.timedelta(days=10),
    )
    assert not access.can_view(_fresh(deputy), case)

    # The period runs today: the deputy sees and changes the owner's records, the owner stays.
    period.starts_on = today - datetime.timedelta(days=2)
    period.save()
    deputy = _fresh(deputy)
    assert access.can_view(deputy, case) and access.can_change(deputy, case)
    assert access.can_change(deputy, deal)
    assert access.get_visible(deputy, Case, case.pk) == case
    assert client_for(deputy).get(reverse("service:case-detail", args=[case.pk])).status_code == 200
    # …the others are as before: the teammate still only reads, the outsider sees nothing.
    assert not access.can_change(_fresh(teammate), case)
    assert not access.can_view(_fresh(outsider), case)

    # A change made by the deputy is written «on behalf of» the owner; the owner stays.
    sales_services.deal_update(
        actor=deputy, deal=deal, data={"name": "Сделка в отпуске"}, version=None
    )
    deal.refresh_from_db()
    assert deal.owner_id == owner.pk
    marker = HistoryEntry.objects.get(entity=Entity.DEAL, object_id=deal.pk, field="on_behalf_of")
    assert marker.actor_id == deputy.pk and marker.new_value == owner.pk

    # The period is over: it ended by itself.
    period.ends_on = today - datetime.timedelta(days=1)
    period.save()
    deputy = _fresh(deputy)
    assert not access.can_view(deputy, case)
    assert not access.can_view(deputy, deal)
    assert client_for(deputy).get(reverse("service:case-detail", args=[case.pk])).status_code == 404


@pytest.mark.django_db
def test_a_deputy_gets_the_absent_owner_reminders(owner, outsider):
    from tests.factories import ActivityFactory
    from voronka.activities.reminders import send_due_reminders
    from voronka.notifications.models import Notification

    deputy = UserFactory(username="deputy2", team=outsider.team)
    today = timezone.localdate()
    Deputy.objects.create(absent=owner, deputy=deputy, starts_on=today, ends_on=today)
    now = timezone.now()
    ActivityFactory(
        owner=owner,
        subject="Перезвонить",
        due_at=now + datetime.timedelta(hours=1),
        remind_at=now - datetime.timedelta(minutes=1),
    )
    send_due_reminders(now=now)
    assert Notification.objects.filter(user=deputy).exists()
    assert Notification.objects.filter(user=owner).exists()


@pytest.mark.django_db
def test_the_deputies_page_names_a_deputy_for_a_period(owner, teammate):
    client = client_for(owner)
    today = timezone.localdate()
    response = client.post(
        reverse("service:deputies"),
        {
            "deputy": teammate.pk,
            "starts_on": today.isoformat(),
            "ends_on": (today - datetime.timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 200
    assert "Период заканчивается раньше" in response.content.decode() or "ends before" in (
        response.content.decode()
    )
    response = client.post(
        reverse("service:deputies"),
        {
            "deputy": teammate.pk,
            "starts_on": today.isoformat(),
            "ends_on": (today + datetime.timedelta(days=14)).isoformat(),
        },
    )
    assert response.status_code == 302
    assert Deputy.objects.filter(absent=owner, deputy=teammate).count() == 1
