"""The import: reading files by content, mapping, duplicates, batches, resume, the report,
the undo; on samples from other programs (tests/data/README)."""

import hashlib
import io
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import CompanyFactory, ContactFactory
from voronka.audit.models import HistoryEntry
from voronka.contacts.models import Company, Contact
from voronka.imports import reading, services, tasks
from voronka.imports.models import DuplicateRule, ImportJob, ImportProblem, Status, Target

DATA = Path(__file__).resolve().parents[3] / "tests" / "data"

pytestmark = pytest.mark.django_db


def upload(owner, content: bytes, name="file.csv", target=Target.CONTACT) -> ImportJob:
    return services.job_upload(actor=owner, upload=SimpleUploadedFile(name, content), target=target)


def run(owner, job, *, rule=DuplicateRule.SKIP, match_by=None, mapping=None, owner_of=None):
    services.job_configure(
        actor=owner,
        job=job,
        mapping=mapping or job.mapping,
        rule=rule,
        match_by=match_by or ["email", "phone", "tax_id", "external_id"],
        owner=owner_of or owner,
    )
    tasks.run_import(job.pk, True)
    job.refresh_from_db()
    tasks.run_import(job.pk)
    job.refresh_from_db()
    return job


def test_a_windows_1251_outlook_csv_imports_with_its_problems_reported(
    owner, django_capture_on_commit_callbacks
):
    content = (DATA / "outlook-contacts-cp1251.csv").read_bytes()
    with django_capture_on_commit_callbacks(execute=True):
        job = upload(owner, content, name="contacts.txt")
        assert job.file_kind == "csv" and job.encoding == "cp1251" and job.delimiter == ","
        assert job.headers[3] == "Фамилия"
        assert job.mapping == {
            "1": "first_name",
            "2": "middle_name",
            "3": "last_name",
            "5": "company_name",
            "7": "position",
            "8": "phones",
            "10": "emails",
            "11": "birthday",
            "12": "notes",
        }
        job = run(owner, job)
    assert job.dry_run == {"created": 1, "updated": 0, "skipped": 0, "failed": 3}
    assert job.status == Status.DONE
    assert (job.created_count, job.failed_count) == (1, 3)
    olga = Contact.objects.get(last_name="Кузнецова")
    assert (olga.first_name, olga.middle_name, olga.position) == (
        "Ольга",
        "Викторовна",
        "Главный бухгалтер",
    )
    assert olga.phones == ["+78125550102"]
    assert olga.emails == ["kuznetsova@vector.ru"]
    assert str(olga.birthday) == "1979-04-12"
    assert olga.company.name == "ООО «Вектор»" and olga.owner == owner
    problems = list(ImportProblem.objects.filter(job=job).values_list("row_number", "message"))
    assert [p[0] for p in problems] == [3, 4, 6]
    assert problems[0][1] == "день рождения: «0.0.00» — не дата."
    history = HistoryEntry.objects.get(entity="contact", object_id=olga.pk, field="__imported__")
    assert history.actor == owner and history.new_value == "contacts.txt"


def test_an_outlook_vcf_with_three_cards(owner, django_capture_on_commit_callbacks):
    content = (DATA / "vcard" / "outlook-3-cards.vcf").read_bytes()
    with django_capture_on_commit_callbacks(execute=True):
        job = upload(owner, content, name="export.csv")
        assert job.file_kind == "vcf" and job.rows_total == 3
        job = run(owner, job)
    assert (job.created_count, job.failed_count) == (3, 0), list(job.problems.values("message"))
    petrov = Contact.objects.get(last_name="Петров")
    assert (petrov.first_name, petrov.middle_name) == ("Иван", "Сергеевич")
    assert petrov.phones == ["+74951234567", "+79167654321"]
    assert petrov.emails == ["petrov@romashka.ru", "i.petrov@mail.ru"]
    assert petrov.company.name == "ООО «Ромашка»" and petrov.position == "Директор по закупкам"
    anna = Contact.objects.get(last_name="Сидорова")
    assert len(anna.phones) == 3 and anna.notes == "Звонить после обеда"
    assert str(anna.birthday) == "1985-03-14" and anna.company.name == "ТОО «Алма Трейд»"
    assert Contact.objects.get(last_name="Smith").emails == ["john.smith@contoso.com"]


@pytest.mark.parametrize(
    ("name", "last_name", "phones"),
    [
        ("vobject-groups.vcf", "Berger", ["+493581123456"]),
        ("vobject-radicale-1587.vcf", "Family", []),
    ],
)
def test_the_vcards_of_vobjects_own_tests(owner, name, last_name, phones):
    job = run(owner, upload(owner, (DATA / "vcard" / name).read_bytes(), name=name))
    assert job.created_count == 1, list(job.problems.values("message"))
    contact = Contact.objects.get()
    assert (contact.last_name, contact.phones) == (last_name, phones)


def test_a_card_with_a_phone_that_is_no_phone_goes_to_the_report(owner):
    name = "vobject-simple-3.0.vcf"
    job = run(owner, upload(owner, (DATA / "vcard" / name).read_bytes(), name=name))
    assert (job.created_count, job.failed_count) == (0, 1)
    problem = job.problems.get()
    assert "+01-(0)2-765.43.21" in problem.message and problem.values[0] == "Knudson"


def test_duplicates_are_skipped_or_updated(owner, django_capture_on_commit_callbacks):
    existing = ContactFactory(last_name="Кузнецова", emails=["kuznetsova@vector.ru"], owner=owner)
    content = "Фамилия;E-mail;Телефон\nКузнецова;kuznetsova@vector.ru;+7 812 555 01 09\nНовая;new@x.ru;\nНовая-2;new@x.ru;\n"
    with django_capture_on_commit_callbacks(execute=True):
        job = run(owner, upload(owner, content.encode()), rule=DuplicateRule.UPDATE)
    assert (job.created_count, job.updated_count, job.skipped_count) == (1, 1, 1)
    existing.refresh_from_db()
    assert existing.phones == ["+78125550109"] and existing.version == 2
    with django_capture_on_commit_callbacks(execute=True):
        again = run(owner, upload(owner, content.encode()), rule=DuplicateRule.SKIP)
    assert (again.created_count, again.skipped_count) == (0, 3)
    assert Contact.objects.count() == 2


def test_a_killed_worker_resumes_without_doubling(
    owner, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(services, "BATCH", 10)
    lines = ["Фамилия,Имя,E-mail"] + [f"Фам{i},Имя{i},p{i}@example.ru" for i in range(35)]
    job = upload(owner, "\n".join(lines).encode())
    services.job_configure(
        actor=owner, job=job, mapping=job.mapping, rule="create", match_by=[], owner=owner
    )
    services.job_run(job, stop_after=2)  # the worker dies after two batches
    job.refresh_from_db()
    assert job.rows_done == 20 and job.status == Status.RUNNING and Contact.objects.count() == 20
    with pytest.raises(ValidationError):
        tasks.enqueue(actor=owner, job=job)  # still taken as running …
    ImportJob.objects.filter(pk=job.pk).update(finished_at=job.finished_at.replace(year=2000))
    job.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        tasks.enqueue(actor=owner, job=job)  # … until it is stale
    job.refresh_from_db()
    assert job.status == Status.DONE and job.created_count == 35
    assert Contact.objects.count() == 35
    assert Contact.objects.values("emails").distinct().count() == 35


def _checksum(model) -> str:
    digest = hashlib.sha256()
    fields = [
        f.attname for f in model._meta.concrete_fields if f.attname not in ("version", "updated_at")
    ]
    for row in model.objects.order_by("pk").values_list(*fields):
        digest.update(repr(row).encode())
    return digest.hexdigest()


def test_two_thousand_rows_undo_restores_the_records_exactly(
    owner, teammate, django_capture_on_commit_callbacks
):
    for i in range(50):
        ContactFactory(last_name=f"Был{i}", emails=[f"c{i}@example.ru"], phones=[], owner=owner)
    CompanyFactory(name="Стоит", owner=owner)
    before = (_checksum(Contact), _checksum(Company), Contact.objects.count())
    rows = ["Фамилия;Имя;E-mail;Телефон;Компания"]
    for i in range(2000):
        phone = f"+7 701 {i // 10000:03d} {i % 10000:04d}"
        rows.append(f"Фам{i};Имя{i};c{i}@example.ru;{phone};{'Стоит' if i % 7 == 0 else ''}")
    rows.append("Плохой;;не почта;;")
    with django_capture_on_commit_callbacks(execute=True):
        job = run(owner, upload(owner, "\n".join(rows).encode("cp1251")), rule=DuplicateRule.UPDATE)
    assert (job.created_count, job.updated_count, job.failed_count) == (1950, 50, 1)
    assert job.dry_run == {"created": 1950, "updated": 50, "skipped": 0, "failed": 1}
    assert Contact.objects.count() == 2000
    assert Contact.objects.filter(last_name="Фам1999").get().owner == owner
    report = services.report_csv(job)
    assert report.splitlines()[0].endswith("Ошибка") or report.splitlines()[0].endswith("Error")
    assert "Плохой" in report
    services.job_undo(actor=owner, job=job)
    job.refresh_from_db()
    assert job.status == Status.UNDONE and job.undo_kept == 0
    assert (_checksum(Contact), _checksum(Company), Contact.objects.count()) == before


def test_undo_keeps_a_record_changed_since(owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = run(owner, upload(owner, "Фамилия\nПервый\nВторой\n".encode()))
    first = Contact.objects.get(last_name="Первый")
    Contact.objects.filter(pk=first.pk).update(version=5)
    services.job_undo(actor=owner, job=job)
    assert list(Contact.objects.values_list("last_name", flat=True)) == ["Первый"]
    assert ImportJob.objects.get().undo_kept == 1


def test_a_manager_cannot_import_into_another_team(owner, outsider):
    job = upload(owner, "Фамилия\nИванов\n".encode())
    with pytest.raises(ValidationError):
        services.job_configure(
            actor=owner, job=job, mapping=job.mapping, rule="skip", match_by=[], owner=outsider
        )
    with pytest.raises(PermissionDenied):
        services.job_configure(
            actor=outsider, job=job, mapping=job.mapping, rule="skip", match_by=[], owner=outsider
        )


def test_a_role_without_the_import_right_cannot_upload(owner):
    """The roles' matrix (Settings → Roles) has an «import» action: set to none, the upload
    is refused before anything is stored."""
    from voronka.accounts.models import Action, Entity, RolePermission, Scope

    RolePermission.objects.update_or_create(
        role=owner.role,
        entity=Entity.CONTACT,
        action=Action.IMPORT,
        defaults={"scope": Scope.NONE},
    )
    with pytest.raises(PermissionDenied):
        upload(owner, "Фамилия\nИванов\n".encode())
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "пуст"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "не таблица"),
        (b"PK\x03\x04rest-of-a-broken-zip", "архив"),
        (b"%PDF-1.7\n", "не таблица"),
    ],
)
def test_what_is_not_a_table_is_refused(owner, content, message):
    with pytest.raises(ValidationError) as error:
        upload(owner, content, name="contacts.csv")
    assert message in str(error.value).lower()
    assert not ImportJob.objects.exists()


def test_xlsx_and_ods_are_read_by_content(owner, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["ИНН", "Наименование", "Телефон", "Дата"])
    sheet.append(["7707083893", "ПАО Сбербанк", 74955005550, None])
    data = io.BytesIO()
    book.save(data)
    job = upload(owner, data.getvalue(), name="companies.csv", target=Target.COMPANY)
    assert job.file_kind == "xlsx"
    assert job.mapping == {"0": "inn", "1": "name", "2": "phones"}
    assert services.preview(job) == [["7707083893", "ПАО Сбербанк", "74955005550", ""]]


def test_companies_with_a_wrong_inn_are_rejected(owner, django_capture_on_commit_callbacks):
    content = "ИНН;Название\n7707083893;Сбербанк\n7707083890;Опечатка\n".encode()
    with django_capture_on_commit_callbacks(execute=True):
        job = run(owner, upload(owner, content, target=Target.COMPANY))
    assert (job.created_count, job.failed_count) == (1, 1)
    assert Company.objects.get().inn == "7707083893"


def test_leads_come_in_through_lead_create(owner, django_capture_on_commit_callbacks):
    from voronka.leads.models import Lead

    content = "ФИО;Телефон;Вопрос;Дата\nБолат;8 701 555 12 34;Тур в Лондон;01.12.2026\n".encode()
    with django_capture_on_commit_callbacks(execute=True):
        job = run(owner, upload(owner, content, target=Target.LEAD))
    assert job.created_count == 1
    lead = Lead.objects.get()
    assert (lead.person_name, lead.phone, lead.owner) == ("Болат", "+77015551234", owner)
    assert lead.requested_at.date().isoformat() == "2026-12-01"


def test_delimiters_are_detected():
    for delimiter in [";", ",", "\t", "|"]:
        sample = delimiter.join(["a", "b", "c"]) + "\n" + delimiter.join(["1", "2,5", "3"]) + "\n"
        if delimiter == ",":
            sample = 'a,b,c\n1,"2,5",3\n'
        info = reading.detect(io.BytesIO(sample.encode()))
        assert info.delimiter == delimiter


def test_a_windows_1251_vcard_of_the_bat_and_the_same_duplicate_rules(owner):
    card = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Жумабеков;Ерлан;;;\r\nFN:Ерлан Жумабеков\r\n"
        "TEL;TYPE=CELL:+7 701 555 66 77\r\nTEL;TYPE=WORK:+7 7172 55 66 77\r\n"
        "EMAIL;TYPE=INTERNET:erlan@step.kz\r\nEMAIL;TYPE=INTERNET:erlan.zh@mail.kz\r\n"
        "PHOTO;ENCODING=b;TYPE=JPEG:not-base64-at-all\r\nEND:VCARD\r\n"
    ).encode("cp1251")
    job = run(owner, upload(owner, card, name="thebat.vcf"))
    assert job.encoding == "cp1251" and job.created_count == 1
    erlan = Contact.objects.get()
    assert (erlan.last_name, erlan.first_name) == ("Жумабеков", "Ерлан")
    assert erlan.phones == ["+77015556677", "+77172556677"]
    assert erlan.emails == ["erlan@step.kz", "erlan.zh@mail.kz"]
    again = run(owner, upload(owner, card, name="thebat.vcf"))
    assert (again.created_count, again.skipped_count) == (0, 1)
    merged = run(owner, upload(owner, card.replace(b"erlan@step.kz", b"new@step.kz"), name="x.vcf"),
                 rule=DuplicateRule.UPDATE)  # fmt: skip
    assert merged.updated_count == 1
    erlan.refresh_from_db()
    assert erlan.emails == ["erlan@step.kz", "erlan.zh@mail.kz", "new@step.kz"]


def test_the_upload_limit(owner, settings):
    settings.IMPORT_MAX_BYTES = 100
    with pytest.raises(ValidationError) as error:
        upload(owner, ("Фамилия\n" + "Иванов\n" * 50).encode())
    assert "больше" in str(error.value)
    settings.IMPORT_MAX_BYTES = 10**6
    settings.IMPORT_MAX_ROWS = 10
    with pytest.raises(ValidationError):
        upload(owner, ("Фамилия\n" + "Иванов\n" * 50).encode())
    assert not ImportJob.objects.exists()


def test_deals_with_amounts_in_russian_forms_and_their_undo(owner):
    from tests.factories import default_pipeline
    from voronka.sales.models import Deal

    pipeline = default_pipeline()
    stage = pipeline.stages.order_by("order")[1]
    CompanyFactory(name="ООО «Ромашка»", owner=owner)
    content = (
        "Сделка;Клиент;Сумма;Валюта;Этап;Дата закрытия\n"
        f"Тур в Лондон;Ромашка;1 234 567,50;руб.;{stage.name};31.12.2026\n"
        "Тур в Париж;Новый клиент;2500;USD;;\n"
        "Плохая;;12,3,4;;;\n"
        "Без этапа;;;;Нет такого;\n"
    ).encode("cp1251")
    job = run(owner, upload(owner, content, target=Target.DEAL), match_by=["name"])
    assert job.mapping == {"0": "name", "1": "company_name", "2": "amount", "3": "currency",
                           "4": "stage", "5": "expected_close_date"}  # fmt: skip
    assert (job.created_count, job.failed_count) == (2, 2), list(job.problems.values("message"))
    london = Deal.objects.get(name="Тур в Лондон")
    assert (str(london.amount), london.currency, london.stage) == ("1234567.50", "RUB", stage)
    assert (
        london.company.name == "ООО «Ромашка»" and str(london.expected_close_date) == "2026-12-31"
    )
    assert Deal.objects.get(name="Тур в Париж").company.name == "Новый клиент"
    services.job_undo(actor=owner, job=job)
    assert not Deal.objects.exists()
    assert list(Company.objects.values_list("name", flat=True)) == ["ООО «Ромашка»"]


def test_activities_about_companies(owner):
    from voronka.activities.models import Activity

    CompanyFactory(name="ТОО «Степь»", owner=owner)
    content = (
        "Тема;Вид;Дата;Контрагент;Выполнено\n"
        "Позвонить по туру;Звонок;15.12.2026 14:30;Степь;нет\n"
        "Встреча в офисе;встреча;16.12.2026;;да\n"
        "Непонятно что;Пикник;;;\n"
    ).encode()
    job = run(owner, upload(owner, content, target=Target.ACTIVITY), match_by=[])
    assert (job.created_count, job.failed_count) == (2, 1)
    call = Activity.objects.get(subject="Позвонить по туру")
    assert call.kind == "call" and call.company.name == "ТОО «Степь»" and not call.done
    from django.utils import timezone

    assert timezone.localtime(call.due_at).strftime("%d.%m.%Y %H:%M") == "15.12.2026 14:30"
    assert Activity.objects.get(subject="Встреча в офисе").done
    assert "Пикник" in job.problems.get().message


def test_a_file_kept_where_it_has_no_local_path_is_read_through_a_copy(owner, monkeypatch):
    """Storages like S3 answer `.path` with NotImplementedError (Django's storage API): the
    import reads a temporary copy of the file, gone afterwards."""
    from django.db.models.fields.files import FieldFile

    def no_path(self):
        raise NotImplementedError("This backend doesn't support absolute paths.")

    job = upload(owner, "Фамилия\nИванов\n".encode())
    monkeypatch.setattr(FieldFile, "path", property(no_path))
    with services.local_file(job) as path:
        assert path.read_bytes() == "Фамилия\nИванов\n".encode()
        assert path != Path(job.file.storage.path(job.file.name))
    assert not path.exists()
