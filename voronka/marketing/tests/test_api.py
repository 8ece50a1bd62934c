import pytest

from conftest import client_for
from tests.factories import CompanyFactory, ContactFactory
from voronka.marketing.models import Campaign, Questionnaire

pytestmark = pytest.mark.django_db


def test_campaigns_through_the_api(owner, marketer):
    body = {
        "name": "Весна",
        "channel": "web",
        "currency": "KZT",
        "owner": marketer.pk,
        "status": "active",
        "costs": [{"date": "2026-10-01", "amount": "1000.00", "currency": "KZT", "note": "Баннер"}],
    }
    manager = client_for(owner)
    assert (
        manager.post("/api/v1/campaigns/", body, content_type="application/json").status_code == 403
    )
    response = client_for(marketer).post(
        "/api/v1/campaigns/", body, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    campaign = Campaign.objects.get()
    data = manager.get(f"/api/v1/campaigns/{campaign.pk}/").json()
    assert data["figures"]["cost"] == "1000.00" and data["figures"]["roi"] == "-1.0000"


def test_segments_and_groups_through_the_api(owner, outsider):
    CompanyFactory(owner=owner, city="Алматы")
    CompanyFactory(owner=outsider, city="Алматы")
    client = client_for(owner)
    response = client.post(
        "/api/v1/marketing/segments/",
        {
            "name": "Алматы",
            "audience": "company",
            "filters": {"city": "Алматы"},
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["count"] == 1
    bad = client.post(
        "/api/v1/marketing/segments/",
        {
            "name": "x",
            "audience": "company",
            "filters": {"active_from": "2026-99-99"},
        },
        content_type="application/json",
    )
    assert bad.status_code == 400
    contact = ContactFactory(owner=owner)
    group = client.post(
        "/api/v1/marketing/groups/",
        {
            "name": "VIP",
            "audience": "contact",
            "sharing": "personal",
            "curator": owner.pk,
        },
        content_type="application/json",
    )
    assert group.status_code == 201, group.content
    added = client.post(
        f"/api/v1/marketing/groups/{group.json()['id']}/add/",
        {"ids": [contact.pk]},
        content_type="application/json",
    )
    assert added.json() == {"added": 1}


def test_questionnaires_through_the_api(admin_user):
    client = client_for(admin_user)
    response = client.post(
        "/api/v1/questionnaires/",
        {
            "name": "NPS",
            "questions": "nps: Порекомендуете нас?",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert Questionnaire.objects.get().questions.get().is_nps
    assert client.get("/api/v1/mailings/").status_code == 200
