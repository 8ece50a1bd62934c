"""The demo's price list, lines, documents and payments: seed 000's hotel price list (ADAM &
EVE HOTELS, «прайс на сентябрь», бархатный сезон), a deal with two lines from it, a
commercial proposal and an invoice (PDF), partly paid; our requisites in Kazakhstan."""

from __future__ import annotations

import datetime
from decimal import Decimal

from voronka.accounts.models import User
from voronka.catalog import services as catalog_services
from voronka.catalog.models import PriceListType, Product, ProductGroup, Unit
from voronka.contacts.models import Company, Contact
from voronka.documents import services as document_services
from voronka.documents.models import DocumentType, Requisites
from voronka.sales import services as sales_services

MB = "MB (Main Building) / Основное здание отеля"
NV = "NV (Holiday Village) / Бунгало"
STD = "STD (Standart) / Стандартная комната"
DBL = "DBL (Double) / Двухместное размещение"
BB = "BB (bed & breakfast) / Только завтрак"
AI = "AI (all inclusive) / Всё включено"
ROWS = [
    (
        "Расположение",
        "Класс номера",
        "Тип номера",
        "Количество гостей",
        "Питание",
        "Сумма",
        "Себестоимость",
    ),
    (MB, STD, DBL, "2", BB, "$100.00", "$85.00"),
    (NV, STD, DBL, "2", BB, "$40.00", "$32.00"),
    (MB, STD, "SGL (Single) / Одноместное размещение", "1", BB, "$80.00", "$68.00"),
    (
        MB,
        "DLX (Deluxe) / Номер делюкс",
        DBL,
        "2",
        "HB (half board) / Полупансион",
        "$160.00",
        "$135.00",
    ),
    (MB, "STE (Suite) / Люкс", DBL, "2", AI, "$290.00", "$250.00"),
    (
        NV,
        "FAM (Family) / Семейный номер",
        "QDPL (Quadruple) / Четырёхместное размещение",
        "4",
        AI,
        "$210.00",
        "$180.00",
    ),
]
PRICE_LIST = "\n".join(";".join(row) for row in ROWS)


def load_documents(
    *,
    admin: User,
    manager: User,
    hotel: Company,
    client: Company,
    contact: Contact | None,
    today: datetime.date,
    valid_bin: str,
) -> int:
    """Returns how many documents were made."""
    Requisites.objects.create(
        country="KZ",
        name="ТОО «Traveller Community»",
        bin=valid_bin,
        bank="АО «Kaspi Bank»",
        bik="CASPKZKA",
        account="KZ86125KZT5004100100",
        address="г. Алматы, пр. Достык, 97, офис 12",
        director="Сапарова Г. К.",
        accountant="Ахметова Д. Б.",
        phone="+7 727 355 10 10",
        email="info@traveller-community.kz",
    )
    group = ProductGroup.objects.create(name="Туристические услуги", order=1)
    for name, price, unit in (
        ("Оформление визы", Decimal("25000"), "876"),
        ("Трансфер аэропорт — отель", Decimal("18000"), "876"),
        ("Медицинская страховка на неделю", Decimal("6500"), "796"),
    ):
        Product.objects.create(
            name=name,
            group=group,
            unit=Unit.objects.get(code=unit),
            price=price,
            currency="KZT",
            vat_kind="none",
        )
    price_list = catalog_services.price_list_create(
        actor=admin,
        data={
            "name": "Прайс на сентябрь",
            "type": PriceListType.objects.get(name="Гостиница"),
            "supplier": hotel,
            "currency": "USD",
            "valid_from": today.replace(day=1),
            "valid_to": today.replace(day=1) + datetime.timedelta(days=90),
            "description": "Бархатный сезон",
        },
    )
    catalog_services.price_list_upload(
        actor=admin,
        price_list=price_list,
        name="adam-eve.csv",
        content=PRICE_LIST.encode(),
        replace=True,
    )
    deal = sales_services.deal_create(
        actor=manager,
        data={
            "name": f"{today:%Y/%m}/Анталья, бархатный сезон",
            "company": client,
            "contact": contact,
            "currency": "USD",
            "description": "Две семьи, 7 ночей, завтраки.",
        },
    )
    lines = list(price_list.lines.filter(price__in=[Decimal("100"), Decimal("40")]))
    for line in sorted(lines, key=lambda x: -x.price):
        sales_services.deal_line_add(
            actor=manager, deal=deal, data={"quantity": Decimal("7")}, price_line=line
        )
    deal.refresh_from_db()
    quote = document_services.document_create(
        actor=manager,
        deal=deal,
        doc_type=DocumentType.objects.get(kind="quote"),
        day=today - datetime.timedelta(days=3),
    )
    invoice = document_services.document_create(
        actor=manager,
        deal=deal,
        doc_type=DocumentType.objects.get(kind="invoice"),
        day=today - datetime.timedelta(days=1),
    )
    document_services.payment_add(
        actor=manager,
        document=invoice,
        amount=Decimal("300.00"),
        day=today,
        reference="Платёжное поручение № 118",
    )
    return len([quote, invoice])
