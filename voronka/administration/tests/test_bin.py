"""Acceptance 4: a company deleted with its contacts, deals, activities and files, and
restored: every table as it was (row checksums before and after), the files still stored, and
the history says who deleted and who restored."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from conftest import client_for
from tests.factories import (
    ActivityFactory,
    CompanyFactory,
    ContactFactory,
    DealFactory,
    LeadFactory,
)
from voronka.accounts.models import Action, Entity, RolePermission, Scope
from voronka.activities.services import activity_delete
from voronka.administration import backup, bin
from voronka.administration.models import BinEntry
from voronka.audit.models import HistoryEntry
from voronka.contacts.models import Company, Contact
from voronka.contacts.services import company_delete, contact_delete
from voronka.documents.models import Attachment
from voronka.documents.services import attachment_add, attachment_delete
from voronka.leads.services import lead_delete
from voronka.sales.models import Deal
from voronka.sales.services import deal_delete

# Tables that change on purpose: the history and the stream get the delete and the restore,
# the bin its entry.
CHANGING = {"audit_historyentry", "audit_streamevent", "administration_binentry"}


def sums():
    return {t: s for t, s in backup.table_checksums().items() if t not in CHANGING}


@pytest.fixture
def company(owner):
    company = CompanyFactory(owner=owner, name="ТОО «Ромашка»")
    contacts = [ContactFactory(owner=owner, company=company) for _ in range(3)]
    deals = [DealFactory(owner=owner, company=company, contact=contacts[0]) for _ in range(2)]
    ActivityFactory(owner=owner, company=company, deal=deals[0], contact=contacts[1])
    ActivityFactory(owner=owner, company=company)
    attachment_add(
        actor=owner, record=company, upload=SimpleUploadedFile("договор.txt", b"contract")
    )
    attachment_add(actor=owner, record=deals[1], upload=SimpleUploadedFile("смета.txt", b"1"))
    return company


def test_a_company_deleted_and_restored_is_all_back(
    owner, company, django_capture_on_commit_callbacks
):
    before = sums()
    files = list(Attachment.objects.values_list("file", flat=True))
    assert len(files) == 2
    company_id = company.pk
    with django_capture_on_commit_callbacks(execute=True):
        company_delete(actor=owner, company=company)
    assert not Company.objects.filter(pk=company_id).exists()
    # Contacts, deals and activities stay, unlinked (as a delete always did: SET_NULL); the
    # company's own files go into the bin with it.
    assert Contact.objects.filter(company__isnull=True).count() == 3
    assert Deal.objects.filter(company__isnull=True).count() == 2
    assert list(Attachment.objects.values_list("entity", flat=True)) == ["deal"]
    # The stored files wait in the bin.
    assert all(default_storage.exists(name) for name in files)
    entry = BinEntry.objects.get()
    assert entry.deleted_by == owner
    assert entry.entity == "company"
    assert sums() != before

    with django_capture_on_commit_callbacks(execute=True):
        bin.bin_restore(actor=owner, entry=entry)
    assert sums() == before
    assert before["contacts_company"]["rows"] == 1
    assert before["sales_deal"]["rows"] == 2
    assert before["activities_activity"]["rows"] == 2
    assert before["documents_attachment"]["rows"] == 2
    assert Attachment.objects.count() == 2
    assert not BinEntry.objects.exists()
    rows = HistoryEntry.objects.filter(entity="company", object_id=company_id)
    assert {r.field for r in rows} >= {"__deleted__", "__restored__"}
    assert rows.get(field="__restored__").actor == owner
    assert rows.get(field="__deleted__").actor == owner


def test_each_kind_of_record_goes_to_the_bin_and_back(
    owner, company, django_capture_on_commit_callbacks
):
    before = sums()
    contact = Contact.objects.filter(company=company).first()
    deal = Deal.objects.filter(company=company).first()
    activity = company.activities.first()
    lead = LeadFactory(owner=owner)
    before = sums()
    attachment = Attachment.objects.filter(entity="company").get()
    with django_capture_on_commit_callbacks(execute=True):
        contact_delete(actor=owner, contact=contact)
        deal_delete(actor=owner, deal=deal)
        activity_delete(actor=owner, activity=activity)
        lead_delete(actor=owner, lead=lead)
        attachment_delete(actor=owner, attachment=attachment, record=company)
    assert BinEntry.objects.count() == 5
    assert default_storage.exists(attachment.file.name)
    with django_capture_on_commit_callbacks(execute=True):
        for entry in BinEntry.objects.order_by("-deleted_at", "-pk"):
            bin.bin_restore(actor=owner, entry=entry)
    assert sums() == before


def test_a_case_goes_to_the_bin_and_back(owner, company, django_capture_on_commit_callbacks):
    from voronka.service.services import case_create, case_delete

    case = case_create(
        actor=owner, data={"subject": "Жалоба на номер", "company": company, "kind": "complaint"}
    )
    ActivityFactory(owner=owner, company=company, case=case)
    before = sums()
    with django_capture_on_commit_callbacks(execute=True):
        case_delete(actor=owner, case=case)
    entry = BinEntry.objects.get()
    assert entry.entity == "case" and bin.entries_visible_to(owner).filter(pk=entry.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        bin.bin_restore(actor=owner, entry=entry)
    assert sums() == before


def test_purge_removes_the_stored_files(
    owner, admin_user, company, django_capture_on_commit_callbacks
):
    files = list(Attachment.objects.filter(entity="company").values_list("file", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        company_delete(actor=owner, company=company)
    entry = BinEntry.objects.get()
    with pytest.raises(PermissionDenied):
        bin.bin_purge(actor=owner, entries=[entry])
    with django_capture_on_commit_callbacks(execute=True):
        bin.bin_purge(actor=admin_user, entries=[entry])
    assert not BinEntry.objects.exists()
    assert not any(default_storage.exists(name) for name in files)


def test_old_entries_are_purged_by_the_nightly_job(
    owner, settings, company, django_capture_on_commit_callbacks
):
    settings.VORONKA = {**settings.VORONKA, "BIN_DAYS": 30}
    with django_capture_on_commit_callbacks(execute=True):
        company_delete(actor=owner, company=company)
    now = timezone.now()
    assert bin.bin_purge_expired(now=now + datetime.timedelta(days=29)) == 0
    assert bin.bin_purge_expired(now=now + datetime.timedelta(days=31)) == 1
    assert not BinEntry.objects.exists()


def test_the_bin_follows_the_access_rules(owner, teammate, outsider, company):
    company_id = company.pk
    company_delete(actor=owner, company=company)
    entry = BinEntry.objects.get()
    # The owner sees it; the outsider does not, and cannot restore it.
    assert "ТОО «Ромашка»" in client_for(owner).get("/trash/").content.decode()
    outsider_client = client_for(outsider)
    assert "ТОО «Ромашка»" not in outsider_client.get("/trash/").content.decode()
    assert outsider_client.post(f"/trash/{entry.pk}/restore/").status_code == 404
    assert outsider_client.get(f"/api/v1/trash/{entry.pk}/").status_code == 404
    # A teammate whose role deletes the team's companies sees it.
    RolePermission.objects.update_or_create(
        role=teammate.role,
        entity=Entity.COMPANY,
        action=Action.DELETE,
        defaults={"scope": Scope.TEAM},
    )
    assert entry in bin.entries_visible_to(teammate)
    # Only an administrator empties the bin.
    assert client_for(owner).post(f"/trash/{entry.pk}/purge/").status_code == 403
    response = client_for(owner).post(f"/trash/{entry.pk}/restore/")
    assert response.status_code == 302
    assert Company.objects.filter(pk=company_id).exists()


def test_the_api_restores(owner, company):
    from rest_framework.test import APIClient

    company_id = company.pk
    company_delete(actor=owner, company=company)
    api = APIClient()
    api.force_authenticate(owner)
    listed = api.get("/api/v1/trash/").json()
    entry_id = listed["results"][0]["id"]
    assert api.post(f"/api/v1/trash/{entry_id}/restore/").status_code == 204
    assert Company.objects.filter(pk=company_id).exists()


def test_a_deleted_record_is_gone_from_its_list(owner_client, owner, company):
    company_delete(actor=owner, company=company)
    assert "ТОО «Ромашка»" not in owner_client.get("/companies/").content.decode()
