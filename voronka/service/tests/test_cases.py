"""The flow of a case: by hand into a queue, taken, waiting for the client (the clock stops),
resolved, rated by the client through the link; the deadline job; the stakeholder map."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from conftest import client_for
from tests.factories import ContactFactory, DealFactory, UserFactory
from voronka.notifications.models import Notification
from voronka.sales import rules
from voronka.service import services
from voronka.service.models import (
    Case,
    CaseRating,
    CaseStatus,
    SlaRule,
    SlaState,
    Stakeholder,
    WorkCalendar,
)


@pytest.fixture(autouse=True)
def round_the_clock(db):
    """Working time all day every day, so the tests do not depend on when they run."""
    WorkCalendar.objects.all().delete()
    WorkCalendar.objects.create(
        name="24/7",
        is_default=True,
        weekdays="0123456",
        starts=datetime.time(0, 0),
        ends=datetime.time(23, 59, 59),
        time_zone="UTC",
    )


@pytest.mark.django_db(transaction=False)
def test_a_complaint_from_queue_to_rating(
    owner, teammate, team, django_capture_on_commit_callbacks
):
    client = client_for(owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("service:case-create"),
            {
                "subject": "Рекламация: пришёл не тот товар",
                "description": "Вместо 10 коробок пришло 8.",
                "kind": "complaint",
                "priority": "high",
                "channel": "email",
                "client_email": "client@example.com",
                "team": team.pk,
                "owner": "",
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get()
    assert case.owner_id is None and case.team_id == team.pk
    assert case.resolve_due_at is not None and case.response_due_at is not None
    assert Notification.objects.filter(user=teammate).exists()

    mate = client_for(teammate)
    assert (
        mate.get(reverse("service:case-list") + "?my_team=true")
        .content.decode()
        .count("Рекламация")
    )
    mate.post(reverse("service:case-take", args=[case.pk]))
    case.refresh_from_db()
    assert case.owner_id == teammate.pk and case.status == CaseStatus.IN_WORK

    mate.post(reverse("service:case-status", args=[case.pk]), {"status": "waiting"})
    case.refresh_from_db()
    assert case.status == CaseStatus.WAITING
    assert case.resolve_due_at is None  # the clock stands still
    assert case.pauses.filter(ended_at__isnull=True).count() == 1
    page = mate.get(case.get_absolute_url()).content.decode()
    assert 'data-testid="case-paused"' in page

    # Resolving needs the resolution.
    mate.post(reverse("service:case-status", args=[case.pk]), {"status": "resolved"})
    case.refresh_from_db()
    assert case.status == CaseStatus.WAITING
    with django_capture_on_commit_callbacks(execute=True):
        mate.post(
            reverse("service:case-status", args=[case.pk]),
            {"status": "resolved", "resolution": "Довезли 2 коробки."},
        )
    case.refresh_from_db()
    assert case.status == CaseStatus.RESOLVED and case.resolved_at is not None
    assert case.pauses.filter(ended_at__isnull=True).count() == 0
    rating = CaseRating.objects.get(case=case)
    assert rating.owner_id == teammate.pk
    to_client = [m for m in mail.outbox if m.to == ["client@example.com"]]
    assert len(to_client) == 1 and rating.key in to_client[0].body

    public = client_for(UserFactory())  # signed in or not, the key is what counts
    public.logout()
    url = reverse("service:rate", args=[rating.key])
    assert public.get(url).status_code == 200
    assert public.post(url, {"score": "9"}).status_code == 400
    assert public.post(url, {"score": "5", "comment": "Спасибо!"}).status_code == 200
    case.refresh_from_db()
    assert case.satisfaction == 5
    # One answer per link.
    public.post(url, {"score": "1"})
    rating.refresh_from_db()
    assert rating.score == 5 and rating.comment == "Спасибо!"
    assert public.get(reverse("service:rate", args=["nope"])).status_code == 404


@pytest.mark.django_db
def test_a_honeypot_answer_saves_nothing(owner):
    case = services.case_create(actor=owner, data={"subject": "Вопрос"})
    case = services.case_set_status(
        actor=owner, case=case, status="resolved", resolution="Ответили"
    )
    rating = case.ratings.get()
    client = client_for(owner)
    client.logout()
    client.post(reverse("service:rate", args=[rating.key]), {"score": "1", "website": "x"})
    rating.refresh_from_db()
    assert rating.score is None


@pytest.mark.django_db
def test_the_deadline_job_warns_the_owner_then_tells_the_head(
    owner, head, team, django_capture_on_commit_callbacks
):
    SlaRule.objects.filter(kind="complaint", priority="urgent").update(
        first_response_hours=1, resolve_hours=10
    )
    opened = timezone.now() - datetime.timedelta(hours=9, minutes=30)
    case = services.case_create(
        actor=owner,
        data={
            "subject": "Срочно",
            "kind": "complaint",
            "priority": "urgent",
            "opened_at": opened,
            "status": "in_work",
        },
    )
    Case.objects.filter(pk=case.pk).update(sla_state=SlaState.OK, breached=False)
    with django_capture_on_commit_callbacks(execute=True):
        result = services.check_deadlines()
    assert result == {"warned": 1, "breached": 0}
    case.refresh_from_db()
    assert case.sla_state == SlaState.WARNED
    assert Notification.objects.filter(user=owner, object_id=case.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        result = services.check_deadlines(now=timezone.now() + datetime.timedelta(hours=1))
    assert result == {"warned": 0, "breached": 1}
    assert Notification.objects.filter(user=head, object_id=case.pk).exists()
    # Once.
    assert services.check_deadlines(now=timezone.now() + datetime.timedelta(hours=2)) == {
        "warned": 0,
        "breached": 0,
    }


@pytest.mark.django_db
def test_the_list_filters_and_the_board(owner, teammate):
    services.case_create(actor=owner, data={"subject": "Моё обращение"})
    services.case_create(actor=teammate, data={"subject": "Чужое обращение"})
    client = client_for(owner)
    page = client.get(reverse("service:case-list") + "?mine=true").content.decode()
    assert "Моё обращение" in page and "Чужое обращение" not in page
    page = client.get(reverse("service:case-board")).content.decode()
    assert "Моё обращение" in page and "Чужое обращение" in page
    assert client.get(reverse("service:case-list") + "?overdue=true&sort=-due").status_code == 200


@pytest.mark.django_db
def test_stakeholders_map_table_and_the_stage_rule(owner):
    deal = DealFactory(owner=owner)
    boss = ContactFactory(owner=owner, last_name="Иванов")
    engineer = ContactFactory(owner=owner, last_name="Петров")
    client = client_for(owner)
    client.post(
        reverse("service:stakeholder-add", args=[deal.pk]),
        {"contact": engineer.pk, "role": "technical", "attitude": "champion"},
    )
    stage = deal.pipeline.stages.exclude(pk=deal.stage_id).filter(kind="open").first()
    stage.requires_decision_maker = True
    stage.save()
    deal.refresh_from_db()
    problems = rules.missing_to_enter(deal, stage)
    assert len(problems) == 1 and stage.name in problems[0]
    tech = Stakeholder.objects.get(contact=engineer)
    client.post(
        reverse("service:stakeholder-add", args=[deal.pk]),
        {"contact": boss.pk, "role": "decision_maker", "attitude": "neutral", "influences": []},
    )
    tech_form = {
        "contact": engineer.pk,
        "role": "technical",
        "attitude": "champion",
        "influences": [Stakeholder.objects.get(contact=boss).pk],
    }
    client.post(reverse("service:stakeholder-add", args=[deal.pk]), tech_form)
    deal.refresh_from_db()
    assert deal.decision_maker_known
    assert rules.missing_to_enter(deal, stage) == []
    data = client.get(reverse("service:stakeholder-graph", args=[deal.pk])).json()
    nodes = [e for e in data["elements"] if "source" not in e["data"]]
    edges = [e for e in data["elements"] if "source" in e["data"]]
    assert len(nodes) == 2 and len(edges) == 1
    assert edges[0]["data"]["source"] == f"s{tech.pk}"
    page = client.get(deal.get_absolute_url()).content.decode()
    assert 'data-testid="stakeholder-table"' in page and "cytoscape.min.js" in page


@pytest.mark.django_db
def test_an_outsider_cannot_read_the_map(owner, outsider):
    deal = DealFactory(owner=owner)
    assert (
        client_for(outsider).get(reverse("service:stakeholder-graph", args=[deal.pk])).status_code
        == 404
    )


@pytest.mark.django_db
def test_activities_are_linked_to_a_case_and_show_on_its_timeline(owner, outsider):
    from voronka.activities.models import Activity

    case = services.case_create(actor=owner, data={"subject": "Не открывается ваучер"})
    client = client_for(owner)
    response = client.post(
        reverse("activities:activity-quick"),
        {
            "what": "note",
            "subject": "Переслали ваучер в PDF",
            "text": "",
            "case": case.pk,
            "next": case.get_absolute_url(),
        },
    )
    assert response.status_code == 302
    activity = Activity.objects.get(case=case)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Переслали ваучер в PDF" in page
    found = client.get(reverse("service:case-autocomplete") + "?q=ваучер").json()["results"]
    assert found == [{"value": case.pk, "text": f"#{case.pk} Не открывается ваучер"}]
    assert (
        client.get(reverse("activities:activity-list") + f"?case={case.pk}")
        .content.decode()
        .count("Переслали ваучер")
    )
    # A case one cannot see cannot be linked.
    response = client_for(outsider).post(
        reverse("activities:activity-quick"),
        {"what": "note", "subject": "Чужое", "case": case.pk, "next": "/"},
    )
    assert response.status_code == 404
    assert activity.case_id == case.pk
