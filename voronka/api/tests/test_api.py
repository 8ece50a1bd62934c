import json
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import client_for
from tests.factories import CompanyFactory, ContactFactory, DealFactory, stage
from voronka.accounts.models import ApiToken
from voronka.sales.models import Deal

pytestmark = pytest.mark.django_db


def token_client(key: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Token {key}")


def test_a_token_made_on_the_profile_page_creates_and_reads_a_deal(owner):
    browser = client_for(owner)
    browser.post(reverse("accounts:token-create"), {"name": "1C"})
    page = browser.get(reverse("accounts:profile")).content.decode()
    key = re.search(r"(vk_[\w-]+)", page).group(1)
    # The key is shown once: the next visit does not show it again.
    assert key not in browser.get(reverse("accounts:profile")).content.decode()

    api = token_client(key)
    response = api.post(
        reverse("api:deal-list"),
        {"name": "2010/11/2/Лондон", "amount": "1000.00", "currency": "USD", "stage": stage(0).pk},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["probability"] == 10
    assert created["owner"] == owner.pk
    assert created["version"] == 1
    read = api.get(reverse("api:deal-detail", args=[created["id"]])).json()
    assert read["name"] == "2010/11/2/Лондон"
    assert Decimal(read["amount"]) == Decimal("1000.00")
    assert ApiToken.objects.get().last_used_at is not None


def test_the_management_command_issues_a_working_token(owner, capsys):
    call_command("create_api_token", owner.username, "--name", "script")
    key = capsys.readouterr().out.strip()
    assert key.startswith("vk_")
    assert token_client(key).get(reverse("api:deal-list")).status_code == 200


def test_a_revoked_or_wrong_token_is_refused(owner):
    token, key = ApiToken.issue(user=owner, name="old")
    browser = client_for(owner)
    browser.post(reverse("accounts:token-revoke", args=[token.pk]))
    assert token_client(key).get(reverse("api:deal-list")).status_code == 401
    assert token_client("vk_nonsense").get(reverse("api:deal-list")).status_code == 401
    assert Client().get(reverse("api:deal-list")).status_code in (401, 403)


def test_only_the_hash_of_a_key_is_stored(owner):
    token, key = ApiToken.issue(user=owner, name="x")
    assert key not in json.dumps(list(ApiToken.objects.values()), default=str)
    assert token.hint == key[:10]


def test_openapi_describes_every_endpoint(owner):
    response = client_for(owner).get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    paths = schema["paths"]
    for resource in (
        "companies",
        "contacts",
        "deals",
        "pipelines",
        "stages",
        "lead-sources",
        "activities",
    ):
        assert f"/api/v1/{resource}/" in paths
        assert f"/api/v1/{resource}/{{id}}/" in paths
    assert set(paths["/api/v1/deals/"]) >= {"get", "post"}
    assert set(paths["/api/v1/deals/{id}/"]) >= {"get", "put", "patch", "delete"}
    parameters = {p["name"] for p in paths["/api/v1/contacts/"]["get"]["parameters"]}
    assert {"search", "page", "sort", "owner"} <= parameters
    assert "tokenAuth" in schema["components"]["securitySchemes"]


def test_validation_messages_are_those_of_the_pages(owner):
    api = client_for(owner)
    response = api.post(
        reverse("api:company-list"),
        {"name": "Ромашка", "phones": ["12"], "inn": "123"},
        content_type="application/json",
    )
    assert response.status_code == 400
    errors = response.json()
    page = client_for(owner).post(
        reverse("contacts:company-create"), {"name": "Ромашка", "phones": ["12"], "inn": "123"}
    )
    form_errors = page.context["form"].errors
    assert errors["inn"] == form_errors["inn"]
    assert errors["phones"] == form_errors["phones"]


def test_an_update_with_an_old_version_gets_409(owner):
    deal = DealFactory(owner=owner)
    api = client_for(owner)
    url = reverse("api:deal-detail", args=[deal.pk])
    assert (
        api.patch(
            url, {"amount": "2000", "version": 1}, content_type="application/json"
        ).status_code
        == 200
    )
    response = api.patch(url, {"amount": "3000", "version": 1}, content_type="application/json")
    assert response.status_code == 409
    deal.refresh_from_db()
    assert deal.amount == Decimal("2000")
    # Without a version, the update is applied on top of the latest one.
    assert (
        api.patch(url, {"amount": "3000"}, content_type="application/json").json()["version"] == 3
    )


def test_a_duplicate_gets_409_until_allowed(owner):
    CompanyFactory(owner=owner, name="Ромашка", emails=["info@romashka.kz"])
    api = client_for(owner)
    payload = {"name": "Ромашка 2", "emails": ["INFO@romashka.kz"]}
    response = api.post(reverse("api:company-list"), payload, content_type="application/json")
    assert response.status_code == 409
    assert response.json()["duplicates"][0]["name"] == "Ромашка"
    response = api.post(
        reverse("api:company-list") + "?allow_duplicates=true",
        payload,
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["emails"] == ["info@romashka.kz"]


def test_lists_page_search_filter_and_sort(owner):
    for n in range(30):
        ContactFactory(owner=owner, last_name=f"Иванов{n:02d}")
    ContactFactory(owner=owner, last_name="Петров")
    api = client_for(owner)
    page = api.get(
        reverse("api:contact-list"), {"search": "иванов", "page": 2, "sort": "-name"}
    ).json()
    assert page["count"] == 30 and page["count_is_exact"] and page["pages"] == 2
    assert [r["last_name"] for r in page["results"]] == [
        "Иванов04",
        "Иванов03",
        "Иванов02",
        "Иванов01",
        "Иванов00",
    ]
    assert api.get(reverse("api:contact-list"), {"page": 99}).status_code == 404


def test_deals_filter_by_stage_kind_and_company(owner):
    company = CompanyFactory(owner=owner)
    DealFactory(owner=owner, company=company, stage=stage(3))
    DealFactory(owner=owner)
    api = client_for(owner)
    assert api.get(reverse("api:deal-list"), {"status": "won"}).json()["count"] == 1
    assert api.get(reverse("api:deal-list"), {"company": company.pk}).json()["count"] == 1


def test_everyone_reads_pipelines_but_only_an_administrator_changes_them(owner, admin_user):
    pipelines = client_for(owner).get(reverse("api:pipeline-list")).json()
    assert pipelines[0]["stages"][0]["name"] == "Разведка"
    payload = {
        "name": "Корпоративные",
        "stages": [
            {"name": "Квалификация", "probability": 10, "kind": "open"},
            {"name": "Оплачено", "probability": 100, "kind": "won"},
        ],
    }
    assert (
        client_for(owner)
        .post(reverse("api:pipeline-list"), payload, content_type="application/json")
        .status_code
        == 403
    )
    response = client_for(admin_user).post(
        reverse("api:pipeline-list"), payload, content_type="application/json"
    )
    assert response.status_code == 201
    assert [s["name"] for s in response.json()["stages"]] == ["Квалификация", "Оплачено"]


def test_activities_through_the_api(owner):
    deal = DealFactory(owner=owner)
    api = client_for(owner)
    response = api.post(
        reverse("api:activity-list"),
        {
            "kind": "call",
            "subject": "Позвонить",
            "due_at": timezone.now().isoformat(),
            "deal": deal.pk,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    activity_id = response.json()["id"]
    done = api.patch(
        reverse("api:activity-detail", args=[activity_id]),
        {"done": True},
        content_type="application/json",
    ).json()
    assert done["done"] and done["done_at"]


def test_api_errors_speak_the_users_language(owner):
    owner.language = "en"
    owner.save()
    _token, key = ApiToken.issue(user=owner, name="en")
    response = token_client(key).post(reverse("api:deal-list"), {}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["name"] == ["This field is required."]
    response = token_client(key).post(
        reverse("api:deal-list"), {}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="ru"
    )
    assert response.json()["name"] == ["Обязательное поле."]


def test_delete_through_the_api(owner):
    deal = DealFactory(owner=owner)
    assert client_for(owner).delete(reverse("api:deal-detail", args=[deal.pk])).status_code == 204
    assert not Deal.objects.filter(pk=deal.pk).exists()
