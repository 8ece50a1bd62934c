import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import CompanyFactory, DealFactory
from voronka.catalog import selectors, services
from voronka.catalog.models import PriceListLine, PriceListType, VatKind
from voronka.sales import services as sales_services

from .helpers import hotel_xlsx


@pytest.fixture
def hotel(owner):
    return CompanyFactory(
        name="ADAM & EVE HOTELS", city="Лондон", is_supplier=True, is_customer=False, owner=owner
    )


@pytest.fixture
def price_list(owner, hotel):
    return services.price_list_create(
        actor=owner,
        data={
            "name": "Прайс на сентябрь",
            "type": PriceListType.objects.get(name="Гостиница"),
            "supplier": hotel,
            "currency": "USD",
            "valid_from": datetime.date.today() - datetime.timedelta(days=30),
        },
    )


@pytest.mark.django_db
def test_vat_rate_is_the_one_in_force_on_the_documents_date():
    before, after = datetime.date(2025, 12, 31), datetime.date(2026, 1, 1)
    assert selectors.vat_rate(country="RU", kind=VatKind.STANDARD, on=before) == Decimal("20")
    assert selectors.vat_rate(country="RU", kind=VatKind.STANDARD, on=after) == Decimal("22")
    assert selectors.vat_rate(country="RU", kind=VatKind.REDUCED, on=after) == Decimal("10")
    assert selectors.vat_rate(country="KZ", kind=VatKind.STANDARD, on=before) == Decimal("12")
    assert selectors.vat_rate(country="KZ", kind=VatKind.STANDARD, on=after) == Decimal("16")
    assert selectors.vat_rate(country="RU", kind=VatKind.NONE, on=after) is None


@pytest.mark.django_db
def test_upload_maps_the_seeds_columns_and_search_finds_by_attributes(owner, price_list):
    result = services.price_list_upload(
        actor=owner, price_list=price_list, name="adam.xlsx", content=hotel_xlsx(), replace=True
    )
    assert result.added == 4
    assert result.mapping["building"] == "Распо"
    assert result.mapping["price"] == "Сумма"
    line = price_list.lines.get(price=Decimal("100.00"))
    assert line.attributes["guests"] == "2"
    assert "Только завтрак" in line.attributes["meals"]

    found = list(selectors.search_price_lines("Лондон, 2 взрослых, завтрак, до 150 $"))
    assert [f.price for f in found] == [Decimal("40.00"), Decimal("100.00")]
    # The deluxe room is over the price, the single one is half board and one guest.
    assert list(selectors.search_price_lines("Лондон, завтраком, до 150 евро")) == []
    assert [f.price for f in selectors.search_price_lines("полупансион")] == [Decimal("90.00")]
    assert list(selectors.search_price_lines("Париж, завтрак")) == []


@pytest.mark.django_db
def test_replacing_keeps_old_lines_readable_for_deals(owner, price_list):
    services.price_list_upload(
        actor=owner, price_list=price_list, name="a.xlsx", content=hotel_xlsx(), replace=True
    )
    old = price_list.lines.get(price=Decimal("40.00"))
    deal = DealFactory(owner=owner, currency="USD")
    line = sales_services.deal_line_add(
        actor=owner, deal=deal, data={"quantity": Decimal("3")}, price_line=old
    )
    new_rows = [["NV (Holiday Village) / Бунгало", "STD", "DBL", 2, "BB / завтрак", "55"]]
    result = services.price_list_upload(
        actor=owner,
        price_list=price_list,
        name="b.xlsx",
        content=hotel_xlsx(new_rows),
        replace=True,
    )
    assert result.replaced == 4 and result.added == 1
    old.refresh_from_db()
    line.refresh_from_db()
    assert old.is_current is False
    assert line.price_list_line == old and line.price == Decimal("40.00")
    assert line.attributes["building"].startswith("NV")
    assert [f.price for f in selectors.search_price_lines("бунгало")] == [Decimal("55.00")]
    # Extending adds to the current lines.
    services.price_list_upload(
        actor=owner,
        price_list=price_list,
        name="c.xlsx",
        content=hotel_xlsx(new_rows),
        replace=False,
    )
    assert PriceListLine.objects.filter(price_list=price_list, is_current=True).count() == 2


@pytest.mark.django_db
def test_csv_in_windows_cyrillic_with_semicolons(owner, price_list):
    content = (
        "Корпус;Класс номера;Тип номера;Количество гостей;Питание;Цена\n"
        "Главный;Стандарт;DBL;2;Завтрак;1 200,50\n"
        "Главный;Стандарт;DBL;2;Завтрак;нет цены\n"
    ).encode("cp1251")
    result = services.price_list_upload(
        actor=owner, price_list=price_list, name="p.csv", content=content, replace=True
    )
    assert result.added == 1 and len(result.skipped) == 1
    assert price_list.lines.get().price == Decimal("1200.50")


@pytest.mark.django_db
def test_a_file_that_is_not_a_table_is_refused(owner, price_list):
    with pytest.raises(ValidationError):
        services.price_list_upload(
            actor=owner,
            price_list=price_list,
            name="p.xlsx",
            content=b"not a zip",
            replace=True,
        )
    with pytest.raises(ValidationError):
        services.price_list_upload(
            actor=owner, price_list=price_list, name="p.exe", content=b"MZ", replace=True
        )


@pytest.mark.django_db
def test_price_query_is_parsed():
    parsed = selectors.parse_price_query("Лондон, 2 взрослых, завтрак, до 150 $")
    assert parsed.terms == ["лондон", "2", "завтрак"]
    assert parsed.max_price == Decimal("150") and parsed.currency == "USD"
    parsed = selectors.parse_price_query("от 1 000 тенге люкс")
    assert parsed.min_price == Decimal("1000") and parsed.currency == "KZT"
    assert parsed.terms == ["люкс"]


@pytest.mark.django_db
def test_only_sellers_load_price_lists_and_types_are_the_administrators(
    owner, admin_user, price_list, django_user_model
):
    services.price_list_type_save(
        actor=admin_user,
        list_type=PriceListType(name="Выставка"),
        attributes=[
            {"code": "hall", "name": "Зал"},
            {"code": "area", "name": "Площадь, м²", "kind": "number"},
        ],
    )
    assert PriceListType.objects.get(name="Выставка").attributes.count() == 2
    with pytest.raises(PermissionDenied):
        services.price_list_type_save(
            actor=owner, list_type=PriceListType(name="Другое"), attributes=[]
        )


@pytest.mark.parametrize(
    ("cap", "walk"),
    [(3000, 3000), (1, 3000), (1, 1)],
    ids=["rare term drives", "cheapest lines walked", "sets intersected"],
)
@pytest.mark.django_db
def test_every_search_plan_gives_the_same_answer(cap, walk, owner, price_list, monkeypatch):
    services.price_list_upload(
        actor=owner, price_list=price_list, name="a.xlsx", content=hotel_xlsx(), replace=True
    )
    monkeypatch.setattr(selectors, "COUNT_CAP", cap)
    monkeypatch.setattr(selectors, "WALK", walk)

    def prices(query, limit=50):
        return [line.price for line in selectors.search_price_lines(query, limit=limit)]

    assert prices("Лондон, 2 взрослых, завтрак, до 150 $") == [Decimal("40"), Decimal("100")]
    assert prices("основное здание завтрак") == [Decimal("100"), Decimal("180")]
    assert prices("основное здание", limit=2) == [Decimal("90"), Decimal("100")]
    assert prices("бунгало полупансион") == []
    assert prices("до 95 $") == [Decimal("40"), Decimal("90")]
    assert prices("") == []


@pytest.mark.django_db
def test_search_answers_from_price_lists_valid_today(owner, price_list):
    services.price_list_upload(
        actor=owner, price_list=price_list, name="a.xlsx", content=hotel_xlsx(), replace=True
    )
    today = datetime.date.today()
    assert selectors.search_price_lines("бунгало")
    price_list.valid_from, price_list.valid_to = (
        today - datetime.timedelta(days=60),
        (today - datetime.timedelta(days=1)),
    )
    price_list.save()
    assert selectors.search_price_lines("бунгало") == []
    price_list.valid_from, price_list.valid_to = today + datetime.timedelta(days=1), None
    price_list.save()
    assert selectors.search_price_lines("бунгало") == []
