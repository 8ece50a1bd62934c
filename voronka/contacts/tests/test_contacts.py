import pytest
from django.urls import reverse

from conftest import client_for
from tests.factories import CompanyFactory, ContactFactory
from voronka.contacts.models import Contact

pytestmark = pytest.mark.django_db


def test_it_creates_a_contact_at_a_company(owner):
    company = CompanyFactory(owner=owner)
    response = client_for(owner).post(
        reverse("contacts:contact-create"),
        {
            "last_name": "Турсынхан",
            "first_name": "Болат",
            "company": company.pk,
            "phones": ["+7 701 555 12 34"],
            "emails": ["Bolat@Mail.kz"],
            "birthday": "1980-03-14",
            "mailing_consent": "on",
        },
    )
    contact = Contact.objects.get()
    assert response.status_code == 302
    assert contact.company == company
    assert contact.full_name == "Турсынхан Болат"
    assert contact.emails == ["bolat@mail.kz"]
    assert contact.mailing_consent


def test_the_new_contact_form_can_start_from_a_company(owner):
    company = CompanyFactory(owner=owner, name="Ромашка")
    body = (
        client_for(owner)
        .get(reverse("contacts:contact-create"), {"company": company.pk})
        .content.decode()
    )
    assert f'<option value="{company.pk}" selected>Ромашка</option>' in body


def test_a_company_the_user_cannot_see_is_not_accepted(owner, outsider):
    hidden = CompanyFactory(owner=outsider)
    response = client_for(owner).post(
        reverse("contacts:contact-create"), {"last_name": "Новиков", "company": hidden.pk}
    )
    assert response.status_code == 200
    assert not Contact.objects.exists()


def test_a_contact_with_a_known_email_is_a_possible_duplicate(owner):
    ContactFactory(owner=owner, last_name="Иванов", emails=["ivanov@mail.kz"])
    response = client_for(owner).post(
        reverse("contacts:contact-create"), {"last_name": "Иванов", "emails": ["IVANOV@mail.kz"]}
    )
    assert response.status_code == 200
    assert 'data-testid="duplicates"' in response.content.decode()
    assert Contact.objects.count() == 1


def test_filter_contacts_by_company_from_its_page(owner):
    company = CompanyFactory(owner=owner)
    ContactFactory(owner=owner, company=company, last_name="Свой")
    ContactFactory(owner=owner, last_name="Чужой")
    body = (
        client_for(owner)
        .get(reverse("contacts:contact-list"), {"company": company.pk})
        .content.decode()
    )
    assert "Свой" in body and "Чужой" not in body
