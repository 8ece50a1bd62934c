import pytest
from django.core.exceptions import PermissionDenied

from conftest import client_for
from tests.factories import (
    ActivityFactory,
    CompanyFactory,
    ContactFactory,
    DealFactory,
    LeadFactory,
)
from voronka.accounts.models import Entity
from voronka.audit.models import HistoryEntry, StreamEvent
from voronka.audit.selectors import history
from voronka.contacts import duplicates
from voronka.contacts.models import Company, Contact
from voronka.contacts.services import company_update
from voronka.merging.merge import merge, merge_revert, merge_values
from voronka.merging.models import Merge

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(owner, admin_user):
    keep = CompanyFactory(
        name="ООО «Ромашка»", phones=["+77015551234"], emails=["a@romashka.kz"], owner=owner
    )
    other = CompanyFactory(
        name="Ромашка", phones=["+77015559999"], city="Астана", inn="7707083893", owner=owner
    )
    company_update(actor=owner, company=other, data={"industry": "Туризм"}, version=None)
    return keep, other


def test_the_duplicates_page_groups_companies_by_name_and_keys(pair, owner):
    keep, other = pair
    CompanyFactory(name="Совсем другая", owner=owner)
    groups = duplicates.company_groups(Company.objects.all())
    assert [(g.reason, {r.pk for r in g.records}) for g in groups] == [
        ("name", {keep.pk, other.pk})
    ]
    page = client_for(owner).get("/duplicates/").content.decode()
    assert "Ромашка" in page and "Совсем другая" not in page


def test_the_duplicates_page_shows_only_what_the_user_sees(pair, outsider):
    page = client_for(outsider).get("/duplicates/").content.decode()
    assert "Ромашка" not in page


def test_a_pair_sharing_a_phone_and_a_name_is_listed_once(owner):
    a = CompanyFactory(name="ТОО «Алатау Трейд»", phones=["+77272501122"], owner=owner)
    b = CompanyFactory(name="Алатау Трейд, ТОО", phones=["+77272501122"], owner=owner)
    groups = duplicates.company_groups(Company.objects.all())
    assert len(groups) == 1
    assert {r.pk for r in groups[0].records} == {a.pk, b.pk}
    assert [reason for reason, _key in groups[0].matches] == ["phone", "name"]


def test_contacts_are_grouped_by_email_and_by_full_name_in_any_order(owner):
    a = ContactFactory(last_name="Петров", first_name="Иван", emails=["ivan@x.kz"], owner=owner)
    b = ContactFactory(last_name="Иван", first_name="Петров", owner=owner)
    c = ContactFactory(last_name="Сидоров", emails=["ivan@x.kz"], owner=owner)
    groups = {
        (g.reason, frozenset(r.pk for r in g.records))
        for g in duplicates.contact_groups(Contact.objects.all())
    }
    assert groups == {("email", frozenset({a.pk, c.pk})), ("name", frozenset({a.pk, b.pk}))}


def test_a_merge_moves_everything_and_keeps_the_chosen_values(pair, owner):
    keep, other = pair
    person = ContactFactory(company=other, owner=owner)
    deal = DealFactory(company=other, owner=owner)
    call = ActivityFactory(company=other, owner=owner)
    lead = LeadFactory(owner=owner)
    lead.company = other
    lead.save(update_fields=["company"])
    data = merge_values(keep, other, {"city": "loser", "phones": "both", "inn": "loser"})
    record = merge(actor=owner, survivor=keep, loser=other, data=data)
    assert not Company.objects.filter(pk=other.pk).exists()
    keep.refresh_from_db()
    assert keep.city == "Астана" and keep.inn == "7707083893"
    assert keep.phones == ["+77015551234", "+77015559999"]
    assert keep.name == "ООО «Ромашка»"
    for row in (person, deal, call, lead):
        row.refresh_from_db()
        assert row.company_id == keep.pk
    # The merged company's history is the kept one's, and both say "merged".
    fields = [row.field for row in history(entity=Entity.COMPANY, object_id=keep.pk)]
    assert "industry" in fields and "__merged__" in fields
    assert HistoryEntry.objects.filter(object_id=other.pk, field="__merged__").exists()
    assert record.moved and record.loser_values["name"] == "Ромашка"
    # Found by the merged company's phone now.
    page = client_for(owner).get("/search/?q=87015559999").content.decode()
    assert "Ромашка" in page


def test_undoing_a_merge_restores_the_record_and_moves_back_exactly_what_moved(pair, owner):
    keep, other = pair
    theirs = DealFactory(company=other, owner=owner, name="Их сделка")
    ours = DealFactory(company=keep, owner=owner, name="Наша сделка")
    person = ContactFactory(company=other, owner=owner)
    events_before = set(
        StreamEvent.objects.filter(entity="company", object_id=other.pk).values_list(
            "pk", flat=True
        )
    )
    history_before = HistoryEntry.objects.filter(entity="company", object_id=other.pk).count()
    record = merge(
        actor=owner,
        survivor=keep,
        loser=other,
        data=merge_values(keep, other, {"city": "loser"}),
    )
    restored = merge_revert(actor=owner, merge_record=record)
    assert restored.pk == other.pk and restored.name == "Ромашка" and restored.inn == "7707083893"
    keep.refresh_from_db()
    assert keep.city == "Алматы"
    for deal, company in ((theirs, other), (ours, keep)):
        deal.refresh_from_db()
        assert deal.company_id == company.pk
    person.refresh_from_db()
    assert person.company_id == other.pk
    assert events_before <= set(
        StreamEvent.objects.filter(entity="company", object_id=other.pk).values_list(
            "pk", flat=True
        )
    )
    fields = [r.field for r in history(entity=Entity.COMPANY, object_id=other.pk)]
    assert "industry" in fields and "__unmerged__" in fields and "__merged__" in fields
    assert HistoryEntry.objects.filter(entity="company", object_id=other.pk).count() == (
        history_before + 2
    )
    record.refresh_from_db()
    assert record.reverted_at is not None
    page = client_for(owner).get("/search/?q=7707083893").content.decode()
    assert "Ромашка" in page


def test_a_merge_needs_the_right_to_delete_the_merged_record(pair, teammate):
    keep, other = pair
    with pytest.raises(PermissionDenied):
        merge(actor=teammate, survivor=keep, loser=other, data={})
    assert Merge.objects.count() == 0


def test_the_merge_page_merges_contacts_field_by_field(owner):
    a = ContactFactory(last_name="Петров", first_name="Иван", position="", owner=owner)
    b = ContactFactory(last_name="Петров", first_name="Иван", position="Директор", owner=owner)
    call = ActivityFactory(contact=b, owner=owner)
    client = client_for(owner)
    page = client.get(f"/duplicates/contact/merge/?keep={a.pk}&merge={b.pk}")
    assert page.status_code == 200 and "Директор" in page.content.decode()
    response = client.post(
        "/duplicates/contact/merge/", {"keep": a.pk, "merge": b.pk, "f_position": "loser"}
    )
    assert response.status_code == 302
    a.refresh_from_db()
    call.refresh_from_db()
    assert a.position == "Директор" and call.contact_id == a.pk
    assert not Contact.objects.filter(pk=b.pk).exists()
    undo = client.post(f"/duplicates/merges/{Merge.objects.get().pk}/undo/")
    assert undo.status_code == 302
    call.refresh_from_db()
    assert call.contact_id == b.pk and Contact.objects.filter(pk=b.pk).exists()


def test_the_merge_page_refuses_records_the_user_cannot_see(pair, outsider):
    keep, other = pair
    response = client_for(outsider).get(
        f"/duplicates/company/merge/?keep={keep.pk}&merge={other.pk}"
    )
    assert response.status_code == 404
