import pytest
from django.urls import reverse

from conftest import client_for
from tests.factories import CompanyFactory, ContactFactory, DealFactory
from voronka.contacts.models import Company, CompanySearchToken
from voronka.contacts.services import company_create, company_update
from voronka.core.errors import ConflictError, DuplicatesFound

pytestmark = pytest.mark.django_db


def _form(**overrides):
    data = {
        "name": "ТОО «Ромашка»",
        "is_customer": "on",
        "city": "Алматы",
        "phones": ["8 701 123 45 67"],
        "emails": ["Sales@Romashka.KZ"],
        "website": "romashka.kz",
        "bin": "000740001307",
    }
    data.update(overrides)
    return data


def test_it_creates_a_company_with_normalised_phone_and_email(owner):
    response = client_for(owner).post(reverse("contacts:company-create"), _form())
    company = Company.objects.get()
    assert response.status_code == 302
    assert response["Location"] == company.get_absolute_url()
    assert company.phones == ["+77011234567"]
    assert company.emails == ["sales@romashka.kz"]
    assert company.website == "https://romashka.kz"
    assert company.owner == owner
    assert company.kinds == ["customer"]
    assert CompanySearchToken.objects.filter(record=company, token="ромашка").exists()


def test_a_form_with_errors_keeps_what_was_typed(owner):
    response = client_for(owner).post(
        reverse("contacts:company-create"),
        _form(name="", phones=["+7 701 123 45 67", "12"], emails=["not-an-email"], inn="123"),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert not Company.objects.exists()
    # Each bad field says what is wrong, in Russian (the default language).
    assert "Обязательное поле" in body
    assert "«12» — не номер телефона" in body
    assert "not-an-email" in body
    assert "ИНН" in body
    # What was typed is still there.
    assert 'value="+7 701 123 45 67"' in body
    assert 'value="Алматы"' in body


def test_an_existing_tax_id_shows_the_duplicate_before_saving(owner):
    existing = CompanyFactory(owner=owner, name="Старая Ромашка", bin="000740001307")
    client = client_for(owner)
    response = client.post(reverse("contacts:company-create"), _form(name="Новая Ромашка"))
    body = response.content.decode()
    assert response.status_code == 200
    assert existing.get_absolute_url() in body
    assert Company.objects.count() == 1
    response = client.post(
        reverse("contacts:company-create"), {**_form(name="Новая Ромашка"), "allow_duplicates": "1"}
    )
    assert response.status_code == 302
    assert Company.objects.count() == 2


@pytest.mark.parametrize(
    "field,stored,typed",
    [
        ("emails", ["info@romashka.kz"], {"emails": ["INFO@romashka.kz"]}),
        ("phones", ["+77011234567"], {"phones": ["8 (701) 123-45-67"]}),
    ],
)
def test_duplicates_are_found_by_email_and_phone(owner, field, stored, typed):
    existing = CompanyFactory(owner=owner, **{field: stored})
    candidate = Company(name="X", owner=owner, **typed)
    with pytest.raises(DuplicatesFound) as found:
        company_create(actor=owner, data={"name": "X", **typed})
    assert found.value.records == [existing]
    assert candidate.pk is None


def test_a_duplicate_owned_by_someone_unseen_is_shown_without_its_data(owner, outsider):
    CompanyFactory(owner=outsider, name="Секретная Ромашка", bin="000740001307")
    body = client_for(owner).post(reverse("contacts:company-create"), _form()).content.decode()
    assert 'data-testid="duplicates"' in body  # a match exists…
    assert "Секретная Ромашка" not in body  # …but neither its name…
    assert "Чужой Менеджер" not in body  # …nor whose it is


def test_an_edit_based_on_an_old_version_is_refused(owner):
    company = CompanyFactory(owner=owner, name="Ромашка")
    company_update(actor=owner, company=company, data={"city": "Астана"}, version=1)
    with pytest.raises(ConflictError):
        company_update(actor=owner, company=company, data={"city": "Караганда"}, version=1)
    company.refresh_from_db()
    assert company.city == "Астана"
    assert company.version == 2


def test_a_stale_form_shows_the_conflict_and_keeps_the_typing(owner):
    company = CompanyFactory(owner=owner, name="Ромашка")
    company_update(actor=owner, company=company, data={"city": "Астана"}, version=1)
    response = client_for(owner).post(
        reverse("contacts:company-edit", args=[company.pk]),
        _form(name="Ромашка и Ко", version=1),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "изменил эту запись" in body
    assert 'value="Ромашка и Ко"' in body
    company.refresh_from_db()
    assert company.name == "Ромашка"


def test_the_detail_page_shows_contacts_deals_and_activities(owner, outsider):
    company = CompanyFactory(owner=owner, name="Ромашка")
    ContactFactory(owner=owner, company=company, last_name="Видимый")
    ContactFactory(owner=outsider, company=company, last_name="Невидимый")
    DealFactory(owner=owner, company=company, name="2026/12/1/Вена")
    body = client_for(owner).get(company.get_absolute_url()).content.decode()
    assert "Видимый" in body
    assert "Невидимый" not in body
    assert "2026/12/1/Вена" in body


def test_delete_asks_first_and_keeps_related_records(owner):
    company = CompanyFactory(owner=owner)
    contact = ContactFactory(owner=owner, company=company)
    client = client_for(owner)
    url = reverse("contacts:company-delete", args=[company.pk])
    assert "Удалить" in client.get(url).content.decode()
    assert Company.objects.filter(pk=company.pk).exists()
    response = client.post(url)
    assert response.status_code == 302
    assert not Company.objects.filter(pk=company.pk).exists()
    contact.refresh_from_db()
    assert contact.company is None


def test_lists_sort_by_a_column_and_filter_by_kind(owner):
    CompanyFactory(owner=owner, name="Бета", is_customer=False, is_supplier=True)
    CompanyFactory(owner=owner, name="Альфа")
    CompanyFactory(owner=owner, name="Гамма")
    client = client_for(owner)
    body = client.get(reverse("contacts:company-list"), {"sort": "-name"}).content.decode()
    assert body.index("Гамма") < body.index("Бета") < body.index("Альфа")
    body = client.get(reverse("contacts:company-list"), {"kind": "supplier"}).content.decode()
    assert "Бета" in body and "Альфа" not in body
    # An unknown sort key is ignored, not an error.
    assert client.get(reverse("contacts:company-list"), {"sort": "password"}).status_code == 200


def test_list_pages_and_htmx_partials(owner):
    for n in range(30):
        CompanyFactory(owner=owner, name=f"Компания {n:02d}")
    client = client_for(owner)
    page2 = client.get(reverse("contacts:company-list"), {"page": 2}).content.decode()
    assert "Компания 29" in page2 and "Компания 00" not in page2
    partial = client.get(reverse("contacts:company-list"), HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial
    assert "Компания 00" in partial


def test_an_invalid_filter_shows_nothing_rather_than_everything(owner):
    CompanyFactory(owner=owner, name="Ромашка")
    body = (
        client_for(owner)
        .get(reverse("contacts:company-list"), {"owner": "999999"})
        .content.decode()
    )
    assert "Ромашка" not in body
