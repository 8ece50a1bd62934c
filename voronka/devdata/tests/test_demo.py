import zoneinfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from voronka.accounts.models import User
from voronka.audit.models import HistoryEntry
from voronka.contacts.models import Company, Contact
from voronka.core.search import apply_search
from voronka.sales.models import Deal, Pipeline

pytestmark = pytest.mark.django_db


def test_the_demo_loads_once_and_keeps_data_on_a_second_run(settings, capsys):
    settings.DEBUG = True
    call_command("load_demo")
    counts = (Company.objects.count(), Contact.objects.count(), Deal.objects.count())
    Company.objects.filter(name="ADAM & EVE HOTELS").update(city="Изменено")
    call_command("load_demo")
    assert (Company.objects.count(), Contact.objects.count(), Deal.objects.count()) == counts
    assert Company.objects.get(name="ADAM & EVE HOTELS").city == "Изменено"
    assert "already loaded" in capsys.readouterr().out


def test_the_demo_is_the_travel_agency_of_the_seed(settings):
    settings.DEBUG = True
    call_command("load_demo")
    admin = User.objects.get(username="admin")
    assert admin.check_password("admin") and admin.is_superuser
    for login in ("gulnara", "aliya", "daniyar", "ruslan", "olga"):
        assert User.objects.get(username=login).check_password(login)
    assert User.objects.get(username="gulnara").role.code == "head"
    hotel = Company.objects.get(name="ADAM & EVE HOTELS")
    assert hotel.is_supplier and not hotel.is_customer
    # Seed 000's price list, a deal with two of its lines, a КП and a partly paid invoice.
    from voronka.catalog.selectors import search_price_lines
    from voronka.documents.models import Document

    found = list(search_price_lines("Анталья, 2 взрослых, завтрак, до 150 $"))
    assert [line.price for line in found] == [40, 100]
    invoice = Document.objects.get(type__kind="invoice")
    assert invoice.deal.lines.count() == 2 and invoice.status == "partly_paid"
    assert invoice.pdf and Document.objects.get(type__kind="quote").pdf
    assert Company.objects.filter(name="St. Christopher's Inn-Village", is_supplier=True).exists()
    assert Company.objects.filter(is_customer=True).count() >= 5
    stages = list(
        Pipeline.objects.get(name="Туры")
        .stages.order_by("order")
        .values_list("name", "probability", "kind")
    )
    assert stages == [
        ("Разведка", 10, "open"),
        ("Ком. предложение / Выставление счета", 65, "open"),
        ("Сборка заказа / Счет не оплачен", 90, "open"),
        ("Закрыто с успехом / Отсутствие претензий Клиента", 100, "won"),
        ("Закрыто с потерей", 0, "lost"),
    ]
    assert set(Deal.objects.values_list("currency", flat=True)) >= {"USD", "EUR", "KZT"}
    assert Deal.objects.filter(name__regex=r"^\d{4}/\d{2}/\d/Лондон$").exists()
    assert apply_search(Contact.objects.all(), "турсынхан").count() == 1
    teams = set(User.objects.filter(role__code="manager").values_list("team__name", flat=True))
    assert teams == {"Выездной туризм", "Корпоративные клиенты"}


def test_the_seeds_deal_keeps_its_morning_and_the_ticks_that_let_it_move(settings):
    settings.DEBUG = True
    call_command("load_demo")
    ticks = HistoryEntry.objects.filter(entity="deal", field="checklist")
    deal = Deal.objects.get(pk=ticks.values("object_id")[:1])
    zone = zoneinfo.ZoneInfo(deal.owner.timezone)
    rows = [
        (timezone.localtime(e.changed_at, zone).strftime("%H:%M"), e.field, e.new_label)
        for e in HistoryEntry.objects.filter(entity="deal", object_id=deal.pk).order_by(
            "changed_at", "position", "id"
        )
    ]
    assert rows == [
        ("09:09", "amount", ""),
        ("09:09", "stage", "Ком. предложение / Выставление счета"),
        ("09:09", "probability", ""),
        ("09:12", "checklist", "Счёт выставлен"),
        ("09:12", "checklist", "Получены копии паспортов"),
        ("09:13", "stage", "Сборка заказа / Счет не оплачен"),
        ("09:13", "probability", ""),
        ("09:14", "checklist", "Оплата получена"),
        ("09:15", "stage", "Закрыто с успехом / Отсутствие претензий Клиента"),
        ("09:15", "probability", ""),
    ]


def test_the_demo_refuses_to_run_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("load_demo")
    assert not User.objects.filter(username="admin").exists()


def test_the_demo_has_leads_in_every_status_and_a_web_form(settings):
    from voronka.leads.models import Lead, LeadStatus, WebForm

    settings.DEBUG = True
    call_command("load_demo")
    assert set(Lead.objects.values_list("status", flat=True)) == set(LeadStatus.values)
    assert set(Lead.objects.values_list("source__name", flat=True)) == {
        "Сайт",
        "Выставка KITF",
        "Форум",
    }
    converted = Lead.objects.get(status=LeadStatus.CONVERTED)
    assert converted.company.name == "АО «Степной ветер»" and converted.deal is not None
    assert Company.objects.filter(name="АО «Степной ветер»").count() == 1
    assert WebForm.objects.get().source.name == "Сайт"


def test_a_fresh_demo_has_its_nightly_figures_at_once(settings):
    """ABC/XYZ, the relationship stages, the data completeness and the summed activity months
    are what the nightly job computes; the demo computes them as it loads."""
    import datetime

    from django.utils import timezone

    from voronka.activities.models import Activity, ActivityKind
    from voronka.analytics.models import ActivityMonth, ClassificationRun, CompletenessSnapshot

    settings.DEBUG = True
    call_command("load_demo")
    today = timezone.localdate()
    run = ClassificationRun.objects.get()
    assert run.day == today and run.finished_at is not None and run.changed > 0
    assert Company.objects.exclude(abc_class="").count() >= 5
    assert Company.objects.exclude(xyz_class="").count() >= 5
    assert Company.objects.filter(relationship_stage="regular").exists()
    owners = set(Company.objects.values_list("owner", flat=True))
    snapshots = CompletenessSnapshot.objects.filter(day=today, entity="company")
    assert set(snapshots.values_list("owner", flat=True)) == owners
    assert ActivityMonth.objects.filter(month__lt=today.replace(day=1)).exists()
    done = Activity.objects.filter(
        done=True, kind__in=[ActivityKind.CALL, ActivityKind.MEETING], outcome__isnull=False
    )
    assert done.exists()
    assert Activity.objects.filter(
        done=True, done_at__lt=timezone.now() - datetime.timedelta(days=7)
    ).exists()
