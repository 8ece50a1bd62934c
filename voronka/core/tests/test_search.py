"""Search folds Cyrillic the same way on SQLite and PostgreSQL."""

import pytest
from django.urls import reverse

from conftest import client_for
from tests.factories import CompanyFactory, ContactFactory, DealFactory
from voronka.contacts.models import Company, Contact
from voronka.core import text
from voronka.core.search import TokenKind, apply_search, search_terms, tokens_for


def test_fold_makes_cyrillic_lower_case_and_yo_plain():
    assert text.fold("ИВАНОВ Пётр") == "иванов петр"
    assert text.words("St. Christopher's Inn-Village") == [
        "st",
        "christopher",
        "s",
        "inn",
        "village",
    ]
    assert text.words("2010/11/2/Лондон") == ["2010", "11", "2", "лондон"]


def test_query_terms_keep_a_phone_and_an_email_whole():
    assert search_terms("+7 (701) 123-45-67") == [["77011234567"]]
    assert search_terms("8 701 123 45 67") == [["77011234567", "87011234567"]]
    assert search_terms("701 123") == [["701123"]]
    assert search_terms("Ivanov@Mail.RU") == [["ivanov@mail.ru"]]
    assert search_terms("  Иванов   Иван ") == [["иванов"], ["иван"]]
    assert search_terms("") == []


def test_tokens_cover_names_emails_phones_and_tax_ids():
    tokens = tokens_for(
        names=["ТОО «Ромашка»"],
        emails=["Sales@Romashka.KZ"],
        phones=["+77011234567"],
        tax_ids=["123456789012"],
    )
    assert (TokenKind.WORD, "ромашка") in tokens
    assert (TokenKind.WORD, "тоо") in tokens
    assert (TokenKind.EMAIL, "sales@romashka.kz") in tokens
    assert (TokenKind.WORD, "romashka.kz") in tokens
    assert (TokenKind.PHONE, "77011234567") in tokens
    assert (TokenKind.PHONE, "7011234567") in tokens
    assert (TokenKind.TAX_ID, "123456789012") in tokens


@pytest.mark.django_db
def test_lower_case_cyrillic_finds_capitalised_names(owner):
    ivanov = ContactFactory(owner=owner, last_name="Иванов", first_name="Иван")
    ivanova = ContactFactory(owner=owner, last_name="Иванова", first_name="Мария")
    ContactFactory(owner=owner, last_name="Петров")
    assert set(apply_search(Contact.objects.all(), "иванов")) == {ivanov, ivanova}
    assert set(apply_search(Contact.objects.all(), "ИВАНОВ")) == {ivanov, ivanova}
    assert list(apply_search(Contact.objects.all(), "иванов мар")) == [ivanova]
    assert list(apply_search(Contact.objects.all(), "нов")) == []  # prefixes, not inner parts


@pytest.mark.django_db
def test_yo_and_ye_find_each_other(owner):
    fyodor = ContactFactory(owner=owner, last_name="Фёдоров")
    assert list(apply_search(Contact.objects.all(), "федоров")) == [fyodor]
    assert list(apply_search(Contact.objects.all(), "Фёдоров")) == [fyodor]


@pytest.mark.django_db
def test_search_by_email_phone_and_tax_id(owner):
    company = CompanyFactory(
        owner=owner,
        name="ADAM & EVE HOTELS",
        emails=["reservation@adamandeve.com.tr"],
        phones=["+902427100400"],
        bin="",
        inn="7707083893",
    )
    CompanyFactory(owner=owner, name="Другая")
    for query in (
        "adam",
        "Reservation@AdamAndEve.com.tr",
        "adamandeve.com.tr",
        "+90 242 710 04 00",
        "7707083893",
        "eve hot",
    ):
        assert list(apply_search(Company.objects.all(), query)) == [company], query


@pytest.mark.django_db
def test_search_special_characters_do_not_match_everything(owner):
    CompanyFactory(owner=owner, name="Ромашка")
    assert list(apply_search(Company.objects.all(), "%")) == []
    assert list(apply_search(Company.objects.all(), "_")) == []
    assert list(apply_search(Company.objects.all(), "\\")) == []


@pytest.mark.django_db
def test_tokens_follow_an_edit(owner):
    company = CompanyFactory(owner=owner, name="Старое имя")
    from voronka.contacts.services import company_update

    company_update(
        actor=owner, company=company, data={"name": "Новое имя"}, version=company.version
    )
    assert list(apply_search(Company.objects.all(), "новое")) == [company]
    assert list(apply_search(Company.objects.all(), "старое")) == []


@pytest.mark.django_db
def test_global_search_page_shows_companies_contacts_and_deals(owner):
    CompanyFactory(owner=owner, name="Иванов и партнёры")
    ContactFactory(owner=owner, last_name="Иванов", first_name="Сергей")
    DealFactory(owner=owner, name="Тур для Иванова")
    response = client_for(owner).get(reverse("web:search"), {"q": "иванов"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Иванов и партнёры" in body
    assert "Иванов Сергей" in body
    assert "Тур для Иванова" in body


@pytest.mark.django_db
def test_list_search_param_filters_the_list(owner):
    CompanyFactory(owner=owner, name="Ромашка")
    CompanyFactory(owner=owner, name="Лютик")
    body = (
        client_for(owner)
        .get(reverse("contacts:company-list"), {"search": "ромаш"})
        .content.decode()
    )
    assert "Ромашка" in body
    assert "Лютик" not in body


@pytest.mark.django_db
def test_a_one_letter_query_finds_nothing_and_says_why(owner):
    CompanyFactory(owner=owner, name="Ромашка")
    assert list(apply_search(Company.objects.all(), "р")) == []
    body = client_for(owner).get(reverse("web:search"), {"q": "р"}).content.decode()
    assert 'data-testid="search-too-short"' in body
    # A short word beside a longer one is left out, the longer one still counts.
    assert apply_search(Company.objects.all(), "ромашка и").count() == 1


@pytest.mark.django_db
def test_mail_domains_are_one_token_not_words(owner):
    company = CompanyFactory(owner=owner, name="Альфа", emails=["info@alpha.kz"])
    assert list(apply_search(Company.objects.all(), "kz")) == []
    assert list(apply_search(Company.objects.all(), "alpha.kz")) == [company]
    assert list(apply_search(Company.objects.all(), "info")) == [company]


@pytest.mark.django_db
def test_the_is_lookup_compares_a_flag_with_equals(owner):
    from tests.factories import ActivityFactory
    from voronka.activities.models import Activity

    open_call = ActivityFactory(owner=owner)
    ActivityFactory(owner=owner, done=True)
    query = Activity.objects.filter(done__is=False)
    assert list(query) == [open_call]
    assert "NOT" not in str(query.query)
