"""The wizard's pages, the report file, the undo button, vCard export; access."""

import pytest
import vobject
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import client_for
from tests.factories import CompanyFactory, ContactFactory
from voronka.contacts.models import Contact
from voronka.imports.models import ImportJob, Status

pytestmark = pytest.mark.django_db


def test_the_wizard_from_upload_to_undo(owner, owner_client, django_capture_on_commit_callbacks):
    content = (
        "Фамилия;Имя;Телефон;E-mail\nИванов;Иван;+7 701 111 22 33;ivan@example.ru\nБез;;123;плохо\n"
    )
    response = owner_client.post(
        reverse("imports:start"),
        {"target": "contact", "file": SimpleUploadedFile("list.csv", content.encode("cp1251"))},
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("imports:job", args=[job.pk])
    page = owner_client.get(response.url).content.decode()
    assert "Иванов" in page and 'value="last_name" selected' in page
    form = {"col_0": "last_name", "col_1": "first_name", "col_2": "phones", "col_3": "emails",
            "rule": "skip", "match_by": ["email", "phone"], "owner": owner.pk}  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(response.url, form)
    job.refresh_from_db()
    assert job.dry_run == {"created": 1, "updated": 0, "skipped": 0, "failed": 1}
    page = owner_client.get(response.url).content.decode()
    assert 'data-testid="dry-run"' in page
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(reverse("imports:run", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == Status.DONE and Contact.objects.count() == 1
    progress = owner_client.get(reverse("imports:progress", args=[job.pk]))
    assert progress["HX-Refresh"] == "true"
    report = owner_client.get(reverse("imports:report", args=[job.pk]))
    text = b"".join(report.streaming_content).decode("utf-8-sig")
    assert text.splitlines()[0] == "Фамилия;Имя;Телефон;E-mail;Ошибка"
    assert text.splitlines()[1].startswith("Без;;123;плохо;")
    owner_client.post(reverse("imports:undo", args=[job.pk]))
    assert Contact.objects.count() == 0
    assert ImportJob.objects.get().status == Status.UNDONE


def test_the_report_neutralises_formulas(owner, owner_client, django_capture_on_commit_callbacks):
    content = 'Фамилия;E-mail\n=HYPERLINK("http://x");плохо\n'
    owner_client.post(
        reverse("imports:start"),
        {"target": "contact", "file": SimpleUploadedFile("f.csv", content.encode())},
    )
    job = ImportJob.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(reverse("imports:job", args=[job.pk]),
                          {"col_0": "last_name", "col_1": "emails", "rule": "skip", "owner": owner.pk})  # fmt: skip
    text = b"".join(
        owner_client.get(reverse("imports:report", args=[job.pk])).streaming_content
    ).decode()
    assert "'=HYPERLINK" in text


def test_another_users_import_is_not_found(owner_client, teammate):
    job_owner_client = client_for(teammate)
    job_owner_client.post(
        reverse("imports:start"),
        {"target": "contact", "file": SimpleUploadedFile("f.csv", b"a;b\n1;2\n")},
    )
    job = ImportJob.objects.get()
    assert owner_client.get(reverse("imports:job", args=[job.pk])).status_code == 404
    assert owner_client.post(reverse("imports:undo", args=[job.pk])).status_code == 404


def test_an_empty_file_is_refused_with_a_message(owner_client):
    response = owner_client.post(
        reverse("imports:start"), {"target": "contact", "file": SimpleUploadedFile("f.csv", b"")}
    )
    assert response.status_code == 200 and not ImportJob.objects.exists()


def test_vcard_export_of_one_a_selection_and_a_filter(owner, owner_client, outsider):
    company = CompanyFactory(name="Ромашка", owner=owner)
    mine = ContactFactory(last_name="Петров", first_name="Иван", phones=["+77011112233", "+74951234567"],
                          emails=["p@example.ru"], company=company, owner=owner)  # fmt: skip
    ContactFactory(last_name="Сидоров", owner=owner)
    theirs = ContactFactory(last_name="Чужой", owner=outsider)
    response = owner_client.get(reverse("imports:contact-vcard", args=[mine.pk]))
    card = vobject.readOne(b"".join(response.streaming_content).decode())
    assert card.n.value.family == "Петров" and card.org.value == ["Ромашка"]
    assert [t.value for t in card.contents["tel"]] == ["+77011112233", "+74951234567"]
    assert owner_client.get(reverse("imports:contact-vcard", args=[theirs.pk])).status_code == 404
    four = owner_client.get(reverse("imports:contact-vcard", args=[mine.pk]) + "?version=4.0")
    assert "VERSION:4.0" in b"".join(four.streaming_content).decode()
    chosen = owner_client.post(reverse("imports:contacts-vcard"), {"ids": [mine.pk, theirs.pk]})
    cards = list(vobject.readComponents(b"".join(chosen.streaming_content).decode()))
    assert [c.n.value.family for c in cards] == ["Петров"]
    listed = owner_client.get(reverse("imports:contacts-vcard") + "?search=Сидоров")
    cards = list(vobject.readComponents(b"".join(listed.streaming_content).decode()))
    assert [c.n.value.family for c in cards] == ["Сидоров"]


def test_the_lists_and_the_contact_page_link_to_import_and_vcard(owner, owner_client):
    contact = ContactFactory(owner=owner)
    assert (
        'data-testid="import-link"'
        in owner_client.get(reverse("contacts:contact-list")).content.decode()
    )
    assert (
        'data-testid="import-link"'
        in owner_client.get(reverse("contacts:company-list")).content.decode()
    )
    page = owner_client.get(reverse("contacts:contact-detail", args=[contact.pk])).content.decode()
    assert reverse("imports:contact-vcard", args=[contact.pk]) in page


def test_the_api_reads_an_imports_progress(owner, owner_client, teammate):
    owner_client.post(
        reverse("imports:start"),
        {"target": "contact", "file": SimpleUploadedFile("f.csv", "Фамилия\nА\nБ\n".encode())},
    )
    job = ImportJob.objects.get()
    data = owner_client.get(f"/api/v1/imports/{job.pk}/").json()
    assert (data["status"], data["rows_total"], data["rows_done"], data["percent"]) == (
        "uploaded",
        2,
        0,
        0,
    )
    assert client_for(teammate).get(f"/api/v1/imports/{job.pk}/").status_code == 404
    assert owner_client.post("/api/v1/imports/", {}).status_code == 405


def test_the_progress_moves_and_survives_a_reload(owner, owner_client, monkeypatch):
    from voronka.imports import services

    monkeypatch.setattr(services, "BATCH", 100)
    rows = "\n".join(["Фамилия;E-mail"] + [f"Ф{i};p{i}@example.ru" for i in range(450)])
    owner_client.post(
        reverse("imports:start"),
        {"target": "contact", "file": SimpleUploadedFile("f.csv", rows.encode())},
    )
    job = ImportJob.objects.get()
    services.job_configure(
        actor=owner, job=job, mapping=job.mapping, rule="skip", match_by=["email"], owner=owner
    )
    seen = []
    for batches in (1, 2):
        services.job_run(ImportJob.objects.get(pk=job.pk), stop_after=1)
        page = owner_client.get(reverse("imports:job", args=[job.pk])).content.decode()
        assert 'hx-trigger="every 1s"' in page  # a reload shows the bar again, still polling
        progress = owner_client.get(reverse("imports:progress", args=[job.pk]))
        assert "HX-Refresh" not in progress
        seen.append(ImportJob.objects.get(pk=job.pk).percent)
        assert f"{batches * 100} из 450" in progress.content.decode().replace("\xa0", " ")
    assert seen == [22, 44]
    api = owner_client.get(f"/api/v1/imports/{job.pk}/").json()
    assert (api["status"], api["rows_done"], api["percent"]) == ("running", 200, 44)
    services.job_run(ImportJob.objects.get(pk=job.pk))
    assert ImportJob.objects.get().status == Status.DONE and Contact.objects.count() == 450
