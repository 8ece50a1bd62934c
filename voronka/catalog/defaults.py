"""What every installation starts with: units of measure (ОКЕИ), the VAT rates in force and
the hotel price-list type of seed 000. Used by a data migration and by tests that flush the
database; takes the model classes so the migration can pass its historical ones."""

import datetime

UNITS = [
    ("796", "шт", "Штука"),
    ("876", "усл. ед", "Условная единица"),
    ("356", "ч", "Час"),
    ("359", "сут", "Сутки"),
    ("792", "чел", "Человек"),
    ("839", "компл", "Комплект"),
    ("055", "м²", "Квадратный метр"),
    ("166", "кг", "Килограмм"),
    ("006", "м", "Метр"),
    ("112", "л", "Литр"),
]

# Russia: 22 % from 2026 (20 % from 2019, 18 % before), 10 %, 0 %, «без НДС»;
# Kazakhstan: 16 % from 2026 (12 % before). A change of law is one more row.
VAT = [
    ("RU", "standard", "18", datetime.date(2004, 1, 1)),
    ("RU", "standard", "20", datetime.date(2019, 1, 1)),
    ("RU", "standard", "22", datetime.date(2026, 1, 1)),
    ("RU", "reduced", "10", datetime.date(2004, 1, 1)),
    ("RU", "zero", "0", datetime.date(2004, 1, 1)),
    ("RU", "none", None, datetime.date(2004, 1, 1)),
    ("KZ", "standard", "12", datetime.date(2009, 1, 1)),
    ("KZ", "standard", "16", datetime.date(2026, 1, 1)),
    ("KZ", "zero", "0", datetime.date(2009, 1, 1)),
    ("KZ", "none", None, datetime.date(2009, 1, 1)),
]

HOTEL_ATTRIBUTES = [
    ("building", "Корпус", "text", "Расположение, Здание"),
    ("room_class", "Класс номера", "text", "Категория номера"),
    ("room_type", "Тип номера", "text", "Тип размещения"),
    ("guests", "Количество гостей", "number", "Кол-во гостей, Размещение, Гостей"),
    ("meals", "Питание", "text", "Тип питания"),
]


def create_catalog_defaults(Unit, VatRate, PriceListType, PriceListAttribute) -> None:
    for code, short, name in UNITS:
        Unit.objects.get_or_create(code=code, defaults={"short_name": short, "name": name})
    for country, kind, rate, valid_from in VAT:
        VatRate.objects.get_or_create(
            country=country, kind=kind, valid_from=valid_from, defaults={"rate": rate}
        )
    hotel, created = PriceListType.objects.get_or_create(name="Гостиница")
    if created:
        for order, (code, name, kind, aliases) in enumerate(HOTEL_ATTRIBUTES, start=1):
            PriceListAttribute.objects.create(
                type=hotel, code=code, name=name, kind=kind, aliases=aliases, order=order
            )
