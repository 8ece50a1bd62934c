"""`manage.py bench_import`: the import of a large contact file, with duplicate checking on.

Writes a CSV of `--rows` contacts (Russian names, phones, e-mails; every 20th row repeats the
e-mail of an earlier row and every 50th is wrong), imports it into the current database as
the import job does (the same service, batch by batch) and prints rows per second and the
peak memory: Python's allocations (tracemalloc) and the process's maximum resident size.
With `--undo` the import is undone afterwards and timed too. Use a database you can fill:
the records stay unless `--undo` is given.
"""

from __future__ import annotations

import csv
import random
import resource
import tempfile
import time
import tracemalloc
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from voronka.accounts.models import Role, User
from voronka.contacts.models import Contact
from voronka.imports import services
from voronka.imports.models import DuplicateRule, ImportJob, Target

LAST = [
    "Иванов",
    "Петров",
    "Сидоров",
    "Кузнецов",
    "Смирнов",
    "Попов",
    "Васильев",
    "Соколов",
    "Михайлов",
    "Новиков",
    "Фёдоров",
    "Морозов",
    "Волков",
    "Алексеев",
    "Лебедев",
    "Семёнов",
    "Егоров",
    "Павлов",
    "Козлов",
    "Степанов",
    "Нурланов",
    "Ахметов",
    "Жумабеков",
    "Сапаров",
]
FIRST = [
    "Иван",
    "Пётр",
    "Алексей",
    "Дмитрий",
    "Сергей",
    "Андрей",
    "Ерлан",
    "Данияр",
    "Олжас",
    "Михаил",
    "Николай",
    "Артём",
    "Максим",
    "Тимур",
    "Руслан",
    "Асхат",
]
MIDDLE = ["Иванович", "Петрович", "Сергеевич", "Андреевич", "Николаевич", ""]
POSITIONS = ["Менеджер", "Директор", "Главный бухгалтер", "Инженер", "Закупщик", ""]


def write_file(path: Path, rows: int, seed: int) -> None:
    rnd = random.Random(seed)
    run = random.SystemRandom().randrange(10**9)  # new e-mails and phones on every run
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(
            ["Фамилия", "Имя", "Отчество", "Должность", "Телефон", "E-mail", "День рождения"]
        )
        for i in range(rows):
            email_of = i - 1000 if i % 20 == 19 and i >= 1000 else i
            email = f"b{run}.{email_of}@example.ru"
            phone = f"+7 70{rnd.randrange(10)} {(i * 7919 + run) % 10_000_000:07d}"
            birthday = (
                f"{rnd.randrange(1, 28):02d}.{rnd.randrange(1, 13):02d}.{rnd.randrange(1950, 2004)}"
            )
            if i % 50 == 49:
                email = "не почта"
            writer.writerow(
                [
                    rnd.choice(LAST),
                    rnd.choice(FIRST),
                    rnd.choice(MIDDLE),
                    rnd.choice(POSITIONS),
                    phone,
                    email,
                    birthday,
                ]
            )


class Command(BaseCommand):
    help = "Time the import of a generated contact CSV (rows/s, peak memory)."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--undo", action="store_true", help="undo the import afterwards")
        parser.add_argument(
            "--tracemalloc",
            action="store_true",
            help="trace Python's allocations for the peak (slows the import down about 2x)",
        )
        parser.add_argument("--rule", default=DuplicateRule.SKIP, choices=DuplicateRule.values)

    def handle(self, *args, **options):
        user = (
            User.objects.filter(is_active=True, role__code="admin").order_by("pk").first()
            or User.objects.filter(is_superuser=True).order_by("pk").first()
        )
        if user is None:
            user = User.objects.create_user(
                username="bench-import", password=None, role=Role.objects.get(code="admin")
            )
        if user is None:
            raise CommandError("No administrator to import as.")
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "contacts.csv"
            started = time.perf_counter()
            write_file(path, options["rows"], options["seed"])
            self.stdout.write(
                f"File: {options['rows']} rows, {path.stat().st_size / 2**20:.1f} MB, "
                f"written in {time.perf_counter() - started:.1f} s"
            )
            before = Contact.objects.count()
            if options["tracemalloc"]:
                tracemalloc.start()
            started = time.perf_counter()
            upload = SimpleUploadedFile("contacts.csv", path.read_bytes())
            job = services.job_upload(actor=user, upload=upload, target=Target.CONTACT)
            del upload
            services.job_configure(
                actor=user,
                job=job,
                mapping=job.mapping,
                rule=options["rule"],
                match_by=["email", "phone", "tax_id", "external_id"],
                owner=user,
            )
            uploaded = time.perf_counter() - started
            started = time.perf_counter()
            job = services.job_run(job)
            seconds = time.perf_counter() - started
            peak = tracemalloc.get_traced_memory()[1] if options["tracemalloc"] else None
            tracemalloc.stop()
        job = ImportJob.objects.get(pk=job.pk)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(
            f"Database: {connection.vendor}; contacts before: {before}, "
            f"after: {Contact.objects.count()}"
        )
        self.stdout.write(
            f"Upload and count: {uploaded:.1f} s; import: {seconds:.1f} s = "
            f"{job.rows_done / seconds:,.0f} rows/s "
            f"(new {job.created_count}, updated {job.updated_count}, skipped {job.skipped_count}, "
            f"wrong {job.failed_count})"
        )
        traced = f"Python {peak / 2**20:.1f} MB (tracemalloc), " if peak is not None else ""
        self.stdout.write(f"Peak memory: {traced}process {rss:.0f} MB (max RSS)")
        if options["undo"]:
            started = time.perf_counter()
            services.job_undo(actor=user, job=job)
            seconds = time.perf_counter() - started
            self.stdout.write(
                f"Undo: {seconds:.1f} s; contacts now: {Contact.objects.count()} "
                f"(kept {ImportJob.objects.get(pk=job.pk).undo_kept})"
            )
