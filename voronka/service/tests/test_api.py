"""The API of cases and of the people around a deal."""

import pytest
from django.test import Client

from tests.factories import ContactFactory, DealFactory
from voronka.accounts.models import ApiToken
from voronka.service.models import Case


def api(user) -> Client:
    _token, key = ApiToken.issue(user=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Token {key}")


@pytest.mark.django_db
def test_cases_through_the_api(owner, teammate, outsider, team):
    client = api(owner)
    response = client.post(
        "/api/v1/cases/",
        {"subject": "Не приходит счёт", "kind": "complaint", "priority": "high", "team": team.pk},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["owner"] is None and data["team"] == team.pk and data["status"] == "new"
    assert data["resolve_due_at"]
    pk = data["id"]
    assert api(outsider).get(f"/api/v1/cases/{pk}/").status_code == 404
    mate = api(teammate)
    assert mate.get("/api/v1/cases/?my_team=true").json()["count"] == 1
    assert mate.post(f"/api/v1/cases/{pk}/take/").json()["owner"] == teammate.pk
    response = mate.post(
        f"/api/v1/cases/{pk}/status/", {"status": "waiting"}, content_type="application/json"
    )
    assert response.json()["status"] == "waiting" and response.json()["time_left_seconds"] is None
    response = mate.post(
        f"/api/v1/cases/{pk}/status/", {"status": "resolved"}, content_type="application/json"
    )
    assert response.status_code == 400
    response = mate.post(
        f"/api/v1/cases/{pk}/status/",
        {"status": "resolved", "resolution": "Выслали заново"},
        content_type="application/json",
    )
    assert response.json()["status"] == "resolved"
    assert Case.objects.get(pk=pk).ratings.count() == 1
    history = mate.get(f"/api/v1/cases/{pk}/history/").json()
    assert {row["field"] for row in history} >= {"status", "owner"}


@pytest.mark.django_db
def test_stakeholder_roles_in_the_api(owner, outsider):
    deal = DealFactory(owner=owner)
    boss = ContactFactory(owner=owner)
    client = api(owner)
    response = client.post(
        "/api/v1/stakeholders/",
        {"deal": deal.pk, "contact": boss.pk, "role": "decision_maker", "attitude": "supporter"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    rows = client.get(f"/api/v1/stakeholders/?deal={deal.pk}").json()["results"]
    assert rows[0]["role"] == "decision_maker" and rows[0]["attitude"] == "supporter"
    assert rows[0]["role_display"]
    deal.refresh_from_db()
    assert deal.decision_maker_known
    assert api(outsider).get(f"/api/v1/stakeholders/?deal={deal.pk}").json()["count"] == 0
    response = api(outsider).post(
        "/api/v1/stakeholders/",
        {"deal": deal.pk, "contact": boss.pk, "role": "user"},
        content_type="application/json",
    )
    assert response.status_code == 400
