"""Who sees and changes what, on every entity, through pages, search, autocomplete and the API.

Standing users: the owner of a record, a teammate (same team, a manager), an outsider (a
manager of another department) and the head of sales of the department the team belongs to.
"""

import pytest
from django.urls import reverse

from conftest import client_for
from tests.factories import (
    ActivityFactory,
    CompanyFactory,
    ContactFactory,
    DealFactory,
    UserFactory,
)
from voronka.accounts import access
from voronka.accounts.models import ApiToken, Role, RolePermission

ENTITIES = {
    # factory, detail/edit/delete url names, API basename, a searchable word, edit form data
    "company": (
        lambda owner: CompanyFactory(owner=owner, name="Ромашка Трэвел"),
        "contacts:company",
        "company",
        "ромашка",
        lambda obj: {
            "name": "Ромашка Трэвел 2",
            "owner": obj.owner_id,
            "version": obj.version,
            "is_customer": "on",
        },
    ),
    "contact": (
        lambda owner: ContactFactory(owner=owner, last_name="Ромашкин"),
        "contacts:contact",
        "contact",
        "ромашкин",
        lambda obj: {"last_name": "Ромашкин-Второй", "owner": obj.owner_id, "version": obj.version},
    ),
    "deal": (
        lambda owner: DealFactory(owner=owner, name="2026/12/1/Ромашково"),
        "sales:deal",
        "deal",
        "ромашково",
        lambda obj: {
            "name": "2026/12/1/Ромашково-2",
            "stage": obj.stage_id,
            "amount": "10",
            "currency": "USD",
            "type": "new",
            "owner": obj.owner_id,
            "version": obj.version,
        },
    ),
    "activity": (
        lambda owner: ActivityFactory(owner=owner, subject="Позвонить Ромашкину"),
        "activities:activity",
        "activity",
        "ромашкину",
        lambda obj: {
            "kind": "call",
            "subject": "Позвонить Ромашкину ещё раз",
            "due_at": "2030-01-01T10:00",
            "owner": obj.owner_id,
            "version": obj.version,
        },
    ),
}


def _list_url(prefix: str) -> str:
    return reverse(f"{prefix}-list")


@pytest.fixture(params=list(ENTITIES))
def entity(request, owner):
    make, prefix, basename, word, edit_data = ENTITIES[request.param]
    record = make(owner)
    return {
        "name": request.param,
        "record": record,
        "prefix": prefix,
        "basename": basename,
        "word": word,
        "edit_data": edit_data,
    }


def _urls(entity):
    pk = entity["record"].pk
    prefix = entity["prefix"]
    return {
        "detail": reverse(f"{prefix}-detail", args=[pk]),
        "edit": reverse(f"{prefix}-edit", args=[pk]),
        "delete": reverse(f"{prefix}-delete", args=[pk]),
        "api": reverse(f"api:{entity['basename']}-detail", args=[pk]),
        "api_list": reverse(f"api:{entity['basename']}-list"),
        "list": _list_url(prefix),
    }


def test_owner_sees_and_edits_their_record(entity, owner):
    client = client_for(owner)
    urls = _urls(entity)
    assert client.get(urls["detail"]).status_code == 200
    assert client.get(urls["edit"]).status_code == 200
    response = client.post(urls["edit"], entity["edit_data"](entity["record"]))
    assert response.status_code == 302, response.content.decode()[:2000]
    entity["record"].refresh_from_db()
    assert entity["record"].version == 2
    assert client.get(urls["api"]).status_code == 200


def test_teammate_reads_but_may_not_change(entity, teammate):
    client = client_for(teammate)
    urls = _urls(entity)
    assert client.get(urls["detail"]).status_code == 200
    assert client.get(urls["edit"]).status_code == 403
    assert client.post(urls["edit"], entity["edit_data"](entity["record"])).status_code == 403
    assert client.post(urls["delete"]).status_code == 403
    assert (
        client.patch(urls["api"], {"description": "x"}, content_type="application/json").status_code
        == 403
    )
    assert client.delete(urls["api"]).status_code == 403
    entity["record"].refresh_from_db()
    assert entity["record"].version == 1


def test_outsider_gets_404_and_never_the_data(entity, outsider):
    client = client_for(outsider)
    urls = _urls(entity)
    for name in ("detail", "edit", "delete", "api"):
        response = client.get(urls[name])
        assert response.status_code == 404, name
        assert entity["word"] not in response.content.decode().lower()
    assert client.post(urls["delete"]).status_code == 404
    assert client.delete(urls["api"]).status_code == 404

    shown = str(entity["record"])
    listing = client.get(urls["list"], {"search": entity["word"]})
    assert shown not in listing.content.decode()
    assert shown not in client.get(urls["list"]).content.decode()
    api_list = client.get(urls["api_list"], {"search": entity["word"]}).json()
    assert api_list["count"] == 0
    found = client.get(reverse("web:search"), {"q": entity["word"]})
    assert shown not in found.content.decode()


def test_head_of_sales_sees_and_changes_the_department(entity, head):
    client = client_for(head)
    urls = _urls(entity)
    assert client.get(urls["detail"]).status_code == 200
    response = client.post(urls["edit"], entity["edit_data"](entity["record"]))
    assert response.status_code == 302
    listing = client.get(urls["list"], {"search": entity["word"]})
    entity["record"].refresh_from_db()
    assert str(entity["record"]) in listing.content.decode()


def test_head_of_another_department_gets_404(entity, other_team):
    stranger = client_for(UserFactory(team=other_team, role=Role.objects.get(code="head")))
    assert stranger.get(_urls(entity)["detail"]).status_code == 404


@pytest.mark.parametrize(
    "url_name",
    ["contacts:company-autocomplete", "contacts:contact-autocomplete", "sales:deal-autocomplete"],
)
def test_autocomplete_offers_only_visible_records(url_name, owner, outsider):
    CompanyFactory(owner=owner, name="Ромашка")
    ContactFactory(owner=owner, last_name="Ромашкина")
    DealFactory(owner=owner, name="Ромашковый тур")
    assert client_for(owner).get(reverse(url_name), {"q": "ромаш"}).json()["results"]
    assert client_for(outsider).get(reverse(url_name), {"q": "ромаш"}).json()["results"] == []


def test_token_user_gets_the_same_rules(entity, outsider):
    _token, key = ApiToken.issue(user=outsider, name="integration")
    client = client_for(outsider)
    client.logout()
    response = client.get(_urls(entity)["api"], HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 404


def test_manager_role_can_be_narrowed_to_own_records(owner, teammate):
    company = CompanyFactory(owner=owner)
    RolePermission.objects.filter(role__code="manager", entity="company", action="view").update(
        scope="own"
    )
    assert client_for(teammate).get(company.get_absolute_url()).status_code == 404


def test_admin_sees_everything(owner, admin_user):
    company = CompanyFactory(owner=owner)
    assert access.can_change(admin_user, company)
    assert client_for(admin_user).get(company.get_absolute_url()).status_code == 200


def test_inactive_user_sees_nothing(owner):
    company = CompanyFactory(owner=owner)
    owner.is_active = False
    assert not access.can_view(owner, company)
    assert access.visible(owner, type(company).objects.all()).count() == 0


def test_a_manager_cannot_hand_a_record_to_someone_else(owner, teammate):
    company = CompanyFactory(owner=owner)
    response = client_for(owner).post(
        reverse("contacts:company-edit", args=[company.pk]),
        {"name": company.name, "owner": teammate.pk, "version": 1, "is_customer": "on"},
    )
    # The teammate is not among the owner's choices: the form refuses it, nothing changes.
    assert response.status_code == 200
    company.refresh_from_db()
    assert company.owner == owner


def test_linking_an_invisible_company_is_refused(owner, outsider):
    hidden = CompanyFactory(owner=outsider)
    response = client_for(owner).post(
        reverse("api:contact-list"),
        {"last_name": "Новиков", "company": hidden.pk},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "company" in response.json()
