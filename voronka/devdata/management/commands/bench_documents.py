"""`manage.py bench_documents`: price-list search over 100,000 lines and the rendering of a
PDF invoice, timed on this database (a throw-away one: see bench/README.md).

It loads 200 hotels' price lists of 500 lines each (through the upload service, as CSV),
then runs typical searches («Лондон, 2 взрослых, завтрак, до 150 $») many times and renders
an invoice, and prints median and p95 times.
"""

from __future__ import annotations

import os
import random
import statistics
import time
from argparse import ArgumentParser
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from voronka.accounts.models import Role, User
from voronka.catalog import services as catalog_services
from voronka.catalog.models import PriceList, PriceListLine, PriceListType
from voronka.catalog.selectors import search_price_lines
from voronka.contacts.models import Company
from voronka.documents import services as document_services
from voronka.documents.models import DocumentType, Requisites
from voronka.sales import services as sales_services
from voronka.sales.models import Deal
from voronka.sales.services import default_stage

CITIES = [
    "Лондон",
    "Париж",
    "Рим",
    "Стамбул",
    "Анталья",
    "Дубай",
    "Бангкок",
    "Пхукет",
    "Барселона",
    "Прага",
    "Вена",
    "Берлин",
    "Милан",
    "Афины",
    "Каир",
    "Хургада",
    "Шарм-эш-Шейх",
    "Гоа",
    "Бали",
    "Токио",
    "Пекин",
    "Хайнань",
    "Сеул",
    "Тбилиси",
    "Баку",
    "Ташкент",
    "Алматы",
    "Астана",
    "Москва",
    "Санкт-Петербург",
    "Сочи",
    "Минск",
    "Рига",
    "Таллин",
    "Нью-Йорк",
    "Майами",
    "Канкун",
    "Мальдивы",
    "Сейшелы",
    "Маврикий",
]
BUILDINGS = [
    "MB (Main Building) / Основное здание",
    "NV (Holiday Village) / Бунгало",
    "AN (Annex) / Дополнительный корпус",
]
CLASSES = [
    "STD (Standart) / Стандартная комната",
    "SUP (Superior) / Улучшенный номер",
    "DLX (Deluxe) / Номер делюкс",
    "STE (Suite) / Люкс",
]
TYPES = [
    "SGL (Single) / Одноместное размещение",
    "DBL (Double) / Двухместное размещение",
    "TRPL (Triple) / Трёхместное размещение",
]
MEALS = [
    "RO (room only) / Без питания",
    "BB (bed & breakfast) / Только завтрак",
    "HB (half board) / Полупансион",
    "AI (all inclusive) / Всё включено",
]
QUERIES = [
    "Лондон, 2 взрослых, завтрак, до 150 $",
    "Париж делюкс",
    "бунгало полупансион до 300 $",
    "Стамбул, 3 взрослых",
    "люкс всё включено",
    "Дубай, 2 взрослых, завтрак, до 120 $",
]


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


class Command(BaseCommand):
    help = "Time the price-list search over 100,000 lines and a PDF invoice."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--hotels", type=int, default=200)
        parser.add_argument("--lines", type=int, default=500, help="lines per hotel")
        parser.add_argument("--repeat", type=int, default=30)
        parser.add_argument("--force", action="store_true", help="load on top of price lists")
        parser.add_argument(
            "--reuse", action="store_true", help="time the price lists already loaded"
        )

    def handle(self, *args, **options) -> None:
        loaded = PriceList.objects.exists()
        if loaded and not (options["force"] or options["reuse"]):
            raise CommandError("This database has price lists already: use a throw-away one.")
        random.seed(14)
        admin = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
            "bench-admin", password=None
        )
        admin.role = Role.objects.filter(is_admin=True).first()
        admin.save(update_fields=["role"])
        started = time.perf_counter()
        if not (loaded and options["reuse"]):
            self._load(admin, options["hotels"], options["lines"])
        total = PriceListLine.objects.filter(is_current=True).count()
        self.stdout.write(
            f"{total:,} current lines loaded in {time.perf_counter() - started:.0f} s "
            f"({connection.vendor})"
        )
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # After a bulk load: statistics, and the visibility map index-only scans need.
                for table in ("catalog_pricelistline", "catalog_pricelistlinesearchtoken"):
                    cursor.execute(f"VACUUM ANALYZE {table}")
            else:
                cursor.execute("ANALYZE")
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        self.stdout.write(
            f"\nPrice-list search, {options['repeat']} runs each (ms; load average {load} on "
            f"{os.cpu_count()} cores):"
        )
        self.stdout.write(f"{'query':<45} {'found':>5} {'median':>7} {'p95':>7}")
        for query in QUERIES:
            times, found = [], 0
            list(search_price_lines(query))  # warm the cache: the figures are of a used server
            for _ in range(options["repeat"]):
                begin = time.perf_counter()
                found = len(list(search_price_lines(query)))
                times.append((time.perf_counter() - begin) * 1000)
            self.stdout.write(
                f"{query:<45} {found:>5} {statistics.median(times):>7.1f} "
                f"{_percentile(times, 0.95):>7.1f}"
            )
        self._invoice(admin, options["repeat"])

    def _load(self, admin: User, hotels: int, lines: int) -> None:
        hotel_type = PriceListType.objects.get(name="Гостиница")
        combos = [
            (b, c, t, g, m)
            for b in BUILDINGS
            for c in CLASSES
            for t in TYPES
            for g in (1, 2, 3, 4)
            for m in MEALS
        ]
        for number in range(hotels):
            city = CITIES[number % len(CITIES)]
            hotel = Company.objects.create(
                name=f"Отель {number + 1} {city}", city=city, is_supplier=True, owner=admin
            )
            price_list = catalog_services.price_list_create(
                actor=admin,
                data={
                    "name": "Прайс на сезон",
                    "type": hotel_type,
                    "supplier": hotel,
                    "currency": "USD",
                },
            )
            rows = ["Корпус;Класс номера;Тип номера;Количество гостей;Питание;Цена"]
            for building, klass, kind, guests, meals in random.sample(combos, min(lines, 576)):
                price = random.randint(20, 600)
                rows.append(f"{building};{klass};{kind};{guests};{meals};{price}")
            catalog_services.price_list_upload(
                actor=admin,
                price_list=price_list,
                name="p.csv",
                content="\n".join(rows).encode(),
                replace=True,
            )

    def _invoice(self, admin: User, repeat: int) -> None:
        Requisites.objects.get_or_create(
            pk=1,
            defaults={
                "name": "ООО «Воронка Тур»",
                "inn": "7707083893",
                "bank": "ПАО Сбербанк",
                "bik": "044525225",
            },
        )
        client, _new = Company.objects.get_or_create(
            name="ООО «Ромашка»", defaults={"inn": "7736050003", "owner": admin}
        )
        deal = Deal.objects.create(
            name="Бенчмарк",
            owner=admin,
            company=client,
            stage=default_stage(),
            pipeline=default_stage().pipeline,
            probability=10,
            currency="RUB",
        )
        for name, price in (("Проживание", Decimal("2000")), ("Трансфер", Decimal("1000"))):
            sales_services.deal_line_add(
                actor=admin, deal=deal, data={"name": name, "price": price}
            )
        invoice_type = DocumentType.objects.get(kind="invoice")
        document = document_services.document_create(
            actor=admin, deal=deal, doc_type=invoice_type, render=False
        )
        begin = time.perf_counter()
        document_services.render_pdf(document)  # the first one loads Pango and the fonts
        first = (time.perf_counter() - begin) * 1000
        times = []
        for _ in range(max(5, repeat // 3)):
            begin = time.perf_counter()
            pdf = document_services.render_pdf(document)
            times.append((time.perf_counter() - begin) * 1000)
        self.stdout.write(
            f"\nPDF invoice ({len(pdf):,} bytes): the first {first:.0f} ms (loads the fonts), "
            f"then median {statistics.median(times):.0f} ms, p95 {_percentile(times, 0.95):.0f} ms"
        )
