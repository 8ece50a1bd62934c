from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import client_for
from tests.factories import CompanyFactory
from voronka.catalog.models import PriceList, PriceListType, Product, Unit

from .helpers import hotel_xlsx


@pytest.mark.django_db
def test_a_manager_creates_uploads_and_searches_a_price_list(owner, outsider):
    hotel = CompanyFactory(name="ADAM & EVE HOTELS", city="Лондон", is_supplier=True, owner=owner)
    client = client_for(owner)
    created = client.post(
        "/price-lists/new/",
        {
            "name": "Прайс на сентябрь",
            "type": PriceListType.objects.get(name="Гостиница").pk,
            "supplier": hotel.pk,
            "currency": "USD",
            "valid_from": "2026-01-01",
        },
    )
    price_list = PriceList.objects.get()
    assert created.status_code == 302 and price_list.supplier == hotel
    uploaded = client.post(
        f"/price-lists/{price_list.pk}/",
        {"file": SimpleUploadedFile("adam.xlsx", hotel_xlsx()), "replace": "on"},
    )
    assert uploaded.status_code == 302
    page = client.get(f"/price-lists/{price_list.pk}/").content.decode()
    assert "Только завтрак" in page and "Корпус" in page
    found = client.get("/price-lists/search/", {"q": "Лондон, 2 взрослых, завтрак, до 150 $"})
    assert "2 строки," in found.content.decode()
    bad = client.post(
        f"/price-lists/{price_list.pk}/", {"file": SimpleUploadedFile("x.xlsx", b"nonsense")}
    )
    assert bad.status_code == 200 and "XLSX" in bad.content.decode()
    # A supplier one cannot see is not offered.
    other = client_for(outsider).get("/price-lists/new/").content.decode()
    assert "ADAM &amp; EVE HOTELS" not in other
    assert client.get("/price-lists/999999/").status_code == 404


@pytest.mark.django_db
def test_products_and_types_are_set_by_administrators(admin_user, owner):
    client = client_for(admin_user)
    response = client.post(
        "/catalog/new/",
        {
            "name": "Оформление визы",
            "unit": Unit.objects.get(code="876").pk,
            "price": "25000",
            "currency": "KZT",
            "vat_kind": "none",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert Product.objects.get().price == Decimal("25000")
    assert "Оформление визы" in client_for(owner).get("/catalog/").content.decode()
    assert client_for(owner).get("/catalog/new/").status_code == 403
    typed = client.post(
        "/settings/price-list-types/new/",
        {"name": "Выставка", "attributes": "hall; Павильон; text\narea; Площадь, м²; number"},
    )
    assert typed.status_code == 302
    assert [a.name for a in PriceListType.objects.get(name="Выставка").attributes.all()] == [
        "Павильон",
        "Площадь, м²",
    ]
    refused = client.post(
        "/settings/price-list-types/new/", {"name": "Плохой", "attributes": "x; y; date"}
    )
    assert refused.status_code == 200 and not PriceListType.objects.filter(name="Плохой").exists()
