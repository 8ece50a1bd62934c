"""`manage.py bench_mail`: how fast letters are synced into a mailbox, and the server time of
the inbox and of a contact's page when they hold thousands of letters.

Run it after `seed_volume` (bench/README.md). It connects a mailbox to the volume data's
manager, syncs N generated letters into it (half from the manager's clients, one contact
writing a few thousand of them; the rest from unknown addresses), and reports letters per
second; then it times the inbox, its search and «not linked» filter, a thread and that
contact's page. The IMAP server is stood in for by an in-memory one serving the same
messages, so the figure is the CRM's own work (reading, storing, threading, linking, the
activity on the record), not the network's. `--keep` leaves the letters for a look.
"""

from __future__ import annotations

import contextlib
import datetime
import random
import time
from argparse import ArgumentParser
from email.message import EmailMessage
from email.utils import format_datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone

from voronka.accounts import access
from voronka.activities.models import Activity
from voronka.contacts.models import Contact
from voronka.devdata.volume import benchrun
from voronka.devdata.volume.benchcases import Case
from voronka.mail import crypto, sync
from voronka.mail.models import Mailbox, Message, Thread

from .bench import database_label, find_user

SUBJECTS = [
    "Тур в Стамбул на майские",
    "Бронь отеля в Анталье",
    "Счёт на оплату",
    "Визовая поддержка",
    "Групповой тур для сотрудников",
    "Перелёт Алматы — Дубай",
]


class MemoryIMAP:
    """The part of IMAPClient the sync uses, over letters kept in memory."""

    def __init__(self, letters: dict[int, bytes]) -> None:
        self.letters = letters
        self.now = timezone.now()

    def list_folders(self):
        return [((b"\\HasNoChildren",), b"/", "INBOX")]

    def find_special_folder(self, flag):
        return None

    def select_folder(self, name, readonly=False):
        return {b"UIDVALIDITY": 1, b"EXISTS": len(self.letters)}

    def search(self, criteria):
        return sorted(self.letters)

    def fetch(self, uids, items):
        return {
            uid: {b"BODY[]": self.letters[uid], b"FLAGS": (), b"INTERNALDATE": self.now}
            for uid in uids
        }


def _letter(n: int, *, sender: str, to: str, at: datetime.datetime, reply_to: int | None) -> bytes:
    message = EmailMessage()
    message["From"] = f"Клиент {n} <{sender}>"
    message["To"] = to
    subject = SUBJECTS[n % len(SUBJECTS)]
    message["Subject"] = f"Re: {subject}" if reply_to else subject
    message["Message-ID"] = f"<bench-{n}@example.com>"
    message["Date"] = format_datetime(at)
    if reply_to:
        message["In-Reply-To"] = f"<bench-{reply_to}@example.com>"
        message["References"] = f"<bench-{reply_to}@example.com>"
    message.set_content(f"Здравствуйте! Письмо номер {n} о поездке. " * 5)
    return message.as_bytes()


def _has_letters(minimum: int):
    def check(response) -> tuple[int, str]:
        if response.status_code != 200:
            return 0, f"status {response.status_code}"
        content = response.content.decode()
        rows = content.count('data-testid="thread"') + content.count('data-testid="letter"')
        rows += content.count('data-testid="record-letter"')
        if rows < minimum:
            return rows, f"{rows} letters shown, expected at least {minimum}"
        return rows, ""

    return check


class Command(BaseCommand):
    help = "Sync N generated letters into a mailbox and time the mail pages on them."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--messages", type=int, default=10_000)
        parser.add_argument("--per-contact", type=int, default=5_000)
        parser.add_argument("--repeat", type=int, default=30)
        parser.add_argument("--warmup", type=int, default=3)
        parser.add_argument("--keep", action="store_true", help="Leave the mailbox and letters.")
        parser.add_argument(
            "--pages-only",
            action="store_true",
            help="Time the pages on the letters a previous run left (--keep); no sync.",
        )

    def handle(self, *args, **options) -> None:
        if options["messages"] < 1 or options["per_contact"] > options["messages"]:
            raise CommandError("--messages must be at least 1 and at least --per-contact.")
        storages = {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
        with override_settings(
            DEBUG=False,
            SECURE_SSL_REDIRECT=False,
            STORAGES=storages,
            ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"],
        ):
            self._run(options)

    def _run(self, options: dict) -> None:
        manager = find_user("manager")
        contacts = list(
            access.visible(manager, Contact.objects.exclude(emails=[]))
            .filter(owner=manager)
            .order_by("pk")[:500]
        )
        if not contacts:
            raise CommandError("The manager has no contact with an e-mail: run seed_volume.")
        self.stdout.write(f"Database: {connection.vendor} {database_label()}")
        if options["pages_only"]:
            mailbox = Mailbox.objects.filter(name="bench").first()
            if mailbox is None:
                raise CommandError("No letters of an earlier run: run with --keep first.")
            self._pages(mailbox, contacts[0], options)
            return
        Activity.objects.filter(letters__mailbox__name="bench").delete()
        Mailbox.objects.filter(name="bench").delete()
        mailbox = Mailbox.objects.create(
            owner=manager,
            name="bench",
            email=f"{manager.username}@bench.invalid",
            imap_host="bench.invalid",
            imap_login="bench",
            imap_password=crypto.encrypt("bench"),
            smtp_host="bench.invalid",
        )
        star = contacts[0]
        rng = random.Random(12)
        now = timezone.now()
        letters = {}
        for n in range(1, options["messages"] + 1):
            if n <= options["per_contact"]:
                sender = star.emails[0]
            elif n % 2:
                sender = rng.choice(contacts).emails[0]
            else:
                sender = f"stranger{n}@unknown.example"
            at = now - datetime.timedelta(minutes=options["messages"] - n)
            reply_to = n - 3 if n % 4 == 0 and n > 3 else None
            letters[n] = _letter(n, sender=sender, to=mailbox.email, at=at, reply_to=reply_to)

        @contextlib.contextmanager
        def memory(_mailbox):
            yield MemoryIMAP(letters)

        started = time.perf_counter()
        stored = sync.sync_mailbox(mailbox, client_factory=memory)
        elapsed = time.perf_counter() - started
        mailbox.refresh_from_db()
        if mailbox.last_error:
            raise CommandError(f"The sync failed: {mailbox.last_error}")
        linked = Message.objects.filter(mailbox=mailbox, links__isnull=False).distinct().count()
        self.stdout.write(
            f"Sync: {stored:,} letters in {elapsed:.1f} s = {stored / elapsed:,.0f} letters/s "
            f"({Thread.objects.filter(mailbox=mailbox).count():,} threads, {linked:,} linked, "
            f"{Activity.objects.filter(letters__mailbox=mailbox).count():,} activities)"
        )
        started = time.perf_counter()
        again = sync.sync_mailbox(mailbox, client_factory=memory)
        self.stdout.write(
            f"Second run (nothing new): {again} stored in {time.perf_counter() - started:.1f} s"
        )
        self._pages(mailbox, star, options)
        if not options["keep"]:
            Activity.objects.filter(letters__mailbox=mailbox).delete()
            mailbox.delete()

    def _pages(self, mailbox: Mailbox, star: Contact, options: dict) -> None:
        manager = mailbox.owner
        thread = Thread.objects.filter(mailbox=mailbox, message_count__gt=1).first()
        cases = [
            Case("mail: inbox", "/mail/", _has_letters(25)),
            Case("mail: inbox page 50", "/mail/?page=50", _has_letters(25)),
            Case("mail: search «анталье»", "/mail/?q=анталье", _has_letters(25)),
            Case("mail: not linked", "/mail/?show=unlinked", _has_letters(25)),
            Case("mail: a thread", thread.get_absolute_url(), _has_letters(2)),
            Case(
                f"contact with {options['per_contact']:,} letters",
                star.get_absolute_url(),
                _has_letters(10),
            ),
        ]
        client = Client()
        client.force_login(manager)
        results = []
        for case in cases:
            result = benchrun.measure(
                case, "manager", manager, repeat=options["repeat"], warmup=options["warmup"],
                client=client,
            )  # fmt: skip
            result.target_ms = 100.0
            results.append(result)
            status = f"  FAIL: {result.error}" if result.error else ""
            self.stdout.write(
                f"{case.name:<28} median {result.median_ms:7.1f} ms  p95 {result.p95_ms:7.1f} ms"
                f"  {result.queries:2d} queries  db {result.db_ms:6.1f} ms{status}"
            )
        failed = [r for r in results if r.error]
        if failed:
            raise CommandError(f"{len(failed)} cases FAILED (see above).")
