"""Factories for tests: records are saved with their search tokens, like the services do."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from voronka.accounts.models import Role, Team, User
from voronka.activities import next_steps
from voronka.activities.models import Activity, ActivityKind
from voronka.contacts.models import Company, Contact
from voronka.core.search import reindex
from voronka.leads.models import Lead, WebForm
from voronka.mail import crypto
from voronka.mail.models import Mailbox
from voronka.sales.models import Deal, Pipeline, Stage


class IndexedFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True
        skip_postgeneration_save = True

    @factory.post_generation
    def index(obj, create, extracted, **kwargs):
        if create:
            reindex(obj)


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Команда {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"Имя{n}")
    last_name = "Тестов"
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    role = factory.LazyFunction(lambda: Role.objects.get(code="manager"))
    language = "ru"
    timezone = "Asia/Almaty"

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or "secret-pass-123")
        if create:
            obj.save(update_fields=["password"])


class CompanyFactory(IndexedFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"ТОО «Компания {n}»")
    is_customer = True
    city = "Алматы"
    owner = factory.SubFactory(UserFactory)


class ContactFactory(IndexedFactory):
    class Meta:
        model = Contact

    last_name = factory.Sequence(lambda n: f"Петров{n}")
    first_name = "Пётр"
    owner = factory.SubFactory(UserFactory)


def default_pipeline() -> Pipeline:
    return Pipeline.objects.order_by("order", "id").first()


def stage(name_or_position=0) -> Stage:
    stages = list(default_pipeline().stages.order_by("order"))
    if isinstance(name_or_position, int):
        return stages[name_or_position]
    return next(s for s in stages if s.name == name_or_position)


class DealFactory(IndexedFactory):
    class Meta:
        model = Deal

    name = factory.Sequence(lambda n: f"2026/11/{n}/Лондон")
    stage = factory.LazyFunction(lambda: stage(0))
    pipeline = factory.LazyAttribute(lambda d: d.stage.pipeline)
    probability = factory.LazyAttribute(lambda d: d.stage.probability)
    amount = Decimal("1000.00")
    currency = "USD"
    owner = factory.SubFactory(UserFactory)


class ActivityFactory(IndexedFactory):
    class Meta:
        model = Activity

    kind = ActivityKind.CALL
    subject = factory.Sequence(lambda n: f"Звонок {n}")
    due_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=1))
    owner = factory.SubFactory(UserFactory)

    @factory.post_generation
    def next_step(obj, create, extracted, **kwargs):
        # Like the services: the deal's and the company's next planned activity follow.
        if create:
            next_steps.refresh(deals=[obj.deal_id], companies=[obj.company_id])


class LeadFactory(IndexedFactory):
    class Meta:
        model = Lead

    person_name = factory.Sequence(lambda n: f"Иван Петров{n}")
    company_name = "Отель Ромашка"
    phone = factory.Sequence(lambda n: f"+7701{n % 10_000_000:07d}")
    email = factory.Sequence(lambda n: f"lead{n}@example.kz")
    question = "Сколько стоит тур в Лондон?"
    owner = factory.SubFactory(UserFactory)


class WebFormFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WebForm

    name = factory.Sequence(lambda n: f"Форма {n}")
    fields = factory.LazyFunction(
        lambda: [
            {"name": "person_name", "label": "", "required": True},
            {"name": "phone", "label": "", "required": True},
            {"name": "email", "label": "", "required": False},
            {"name": "question", "label": "", "required": False},
        ]
    )
    allowed_hosts = "example.kz"
    min_fill_seconds = 3


class MailboxFactory(factory.django.DjangoModelFactory):
    """A personal mailbox; the servers are the test Dovecot and aiosmtpd when given."""

    class Meta:
        model = Mailbox

    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Почта {n}")
    email = factory.Sequence(lambda n: f"manager{n}@voronka.test")
    imap_host = "127.0.0.1"
    imap_port = 143
    imap_security = "none"
    imap_login = "user"
    imap_password = factory.LazyFunction(lambda: crypto.encrypt("test-pass-2026"))
    smtp_host = "127.0.0.1"
    smtp_port = 25
    smtp_security = "none"
    smtp_login = ""
