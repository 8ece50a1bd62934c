import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from conftest import client_for
from tests.factories import ActivityFactory, CompanyFactory, LeadFactory
from voronka.activities.models import Activity
from voronka.audit.models import StreamEvent, Verb
from voronka.contacts.models import Company, Contact
from voronka.leads.models import LeadStatus
from voronka.merging import conversion
from voronka.sales.models import Deal, LeadSource, Pipeline

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(owner):
    return LeadFactory(
        owner=owner,
        person_name="Турсынхан Болат",
        company_name="ТОО «Ромашка»",
        phone="+77015551234",
        email="bolat@romashka.kz",
        source=LeadSource.objects.create(name="Сайт"),
    )


def test_the_suggestions_find_a_company_by_its_normalised_name_email_or_phone(lead, owner):
    by_name = CompanyFactory(name="Ромашка, ООО", owner=owner)
    by_phone = CompanyFactory(name="Другое", phones=["+77015551234"], owner=owner)
    CompanyFactory(name="Ромашка-2", owner=owner)
    found = {m.record.pk: m.reasons for m in conversion.company_suggestions(lead)}
    assert found == {by_name.pk: {"name"}, by_phone.pk: {"phone"}}


def test_a_conversion_links_an_existing_company_creates_the_contact_and_a_deal(lead, owner):
    existing = CompanyFactory(name="Ромашка", owner=owner)
    call = ActivityFactory(owner=owner, lead=lead, subject="Перезвонить")
    pipeline = Pipeline.objects.get()
    result = conversion.lead_convert(
        actor=owner,
        lead=lead,
        company=existing,
        contact_data={"last_name": "Турсынхан", "first_name": "Болат"},
        deal_data={"name": "Лондон, май", "pipeline": pipeline, "amount": None},
    )
    lead.refresh_from_db()
    assert lead.status == LeadStatus.CONVERTED and lead.converted_at is not None
    assert (lead.company, lead.contact, lead.deal) == (existing, result.contact, result.deal)
    assert Company.objects.count() == 1
    assert result.contact.company == existing and result.contact.owner == owner
    deal = Deal.objects.get()
    assert deal.company == existing and deal.contact == result.contact
    assert deal.lead_source == lead.source and deal.stage == pipeline.first_open_stage()
    # What was planned on the lead is now about the company, the person and the deal.
    call.refresh_from_db()
    assert (call.company, call.contact, call.deal, call.lead) == (
        existing,
        result.contact,
        deal,
        lead,
    )
    deal.refresh_from_db()
    assert deal.next_activity_subject == "Перезвонить"
    assert StreamEvent.objects.filter(verb=Verb.CONVERTED, company_id=existing.pk).exists()


def test_a_conversion_may_create_the_company_and_no_deal(lead, owner):
    result = conversion.lead_convert(
        actor=owner, lead=lead, company_data={"name": "ТОО «Ромашка»"}, contact=None
    )
    assert result.company.name == "ТОО «Ромашка»" and result.deal is None
    assert Contact.objects.count() == 0


def test_a_lead_is_converted_once(lead, owner):
    conversion.lead_convert(actor=owner, lead=lead, company_data={"name": "Ромашка"})
    lead.refresh_from_db()
    with pytest.raises(ValidationError):
        conversion.lead_convert(actor=owner, lead=lead, company_data={"name": "Ромашка"})


def test_someone_who_may_not_change_the_lead_cannot_convert_it(lead, teammate):
    with pytest.raises(PermissionDenied):
        conversion.lead_convert(actor=teammate, lead=lead, company_data={"name": "Ромашка"})


def test_a_company_the_user_cannot_see_cannot_be_linked(lead, owner, outsider):
    hidden = CompanyFactory(owner=outsider)
    with pytest.raises(ValidationError):
        conversion.lead_convert(actor=owner, lead=lead, company=hidden)


def test_the_page_shows_the_duplicate_and_links_it(lead, owner):
    existing = CompanyFactory(name="Ромашка", owner=owner)
    client = client_for(owner)
    page = client.get(f"/leads/{lead.pk}/convert/").content.decode()
    assert 'data-testid="company-duplicates"' in page and "Ромашка" in page
    pipeline = Pipeline.objects.get()
    response = client.post(
        f"/leads/{lead.pk}/convert/",
        {
            "company_choice": str(existing.pk),
            "contact_choice": "new",
            "last_name": "Турсынхан",
            "first_name": "Болат",
            "create_deal": "on",
            "pipeline": pipeline.pk,
            "deal_name": "Лондон",
            "currency": "KZT",
        },
    )
    deal = Deal.objects.get()
    assert response.status_code == 302 and response.headers["Location"] == deal.get_absolute_url()
    assert deal.company == existing and Company.objects.count() == 1
    assert Contact.objects.get().phones == ["+77015551234"]


def test_the_page_hides_a_duplicate_the_user_may_not_see(lead, owner, outsider):
    CompanyFactory(name="Ромашка", owner=outsider, city="Секретный город")
    page = client_for(owner).get(f"/leads/{lead.pk}/convert/").content.decode()
    assert "Секретный" not in page
    assert "a record you have no access to" in page or "нет доступа" in page


def test_the_page_keeps_what_was_typed_on_an_error(lead, owner):
    response = client_for(owner).post(
        f"/leads/{lead.pk}/convert/",
        {"company_choice": "new", "company_name": "", "contact_choice": "none", "currency": "KZT"},
    )
    assert response.status_code == 200
    assert Activity.objects.count() == 0 and Company.objects.count() == 0


@pytest.mark.parametrize(
    "typed,parts",
    [
        ("Болат Турсынхан", ("Турсынхан", "Болат", "")),
        ("Иванов Пётр Сергеевич", ("Иванов", "Пётр", "Сергеевич")),
        ("Алиев Тимур Рустам оглы", ("Алиев", "Тимур", "Рустам оглы")),
        ("Петров", ("Петров", "", "")),
        ("", ("", "", "")),
    ],
)
def test_a_typed_name_is_split_into_last_first_and_middle(typed, parts):
    assert conversion.split_person(typed) == parts


def test_the_page_offers_the_duplicate_first(lead, owner):
    existing = CompanyFactory(name="Ромашка", owner=owner)
    page = client_for(owner).get(f"/leads/{lead.pk}/convert/").content.decode()
    assert f'id="company-{existing.pk}" value="{existing.pk}" checked' in page
