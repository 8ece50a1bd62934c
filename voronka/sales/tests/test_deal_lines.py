from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from conftest import client_for
from tests.factories import DealFactory
from voronka.catalog.models import Product, Unit
from voronka.core.models import ExchangeRate
from voronka.sales import services
from voronka.sales.models import DealLine


@pytest.mark.django_db
def test_the_deals_amount_and_units_follow_its_lines(owner):
    deal = DealFactory(owner=owner, currency="KZT", amount=Decimal("777"))
    first = services.deal_line_add(
        actor=owner,
        deal=deal,
        data={
            "name": "Тур в Лондон",
            "quantity": Decimal("2"),
            "price": Decimal("1500"),
            "discount_percent": Decimal("10"),
            "cost_price": Decimal("1000"),
        },
    )
    deal.refresh_from_db()
    assert first.total == Decimal("2700.00")
    assert first.margin == Decimal("700.00")
    assert deal.amount == Decimal("2700.00") and deal.quantity == Decimal("2.00")
    second = services.deal_line_add(
        actor=owner, deal=deal, data={"name": "Виза", "price": Decimal("300")}
    )
    deal.refresh_from_db()
    assert deal.amount == Decimal("3000.00") and deal.quantity == Decimal("3.00")
    services.deal_line_update(actor=owner, line=second, data={"quantity": Decimal("2")})
    deal.refresh_from_db()
    assert deal.amount == Decimal("3300.00")
    services.deal_line_delete(actor=owner, line=first)
    services.deal_line_delete(actor=owner, line=second)
    deal.refresh_from_db()
    # With no lines left the amount stays, to be typed by hand.
    assert deal.amount == Decimal("600.00")


@pytest.mark.django_db
def test_a_product_line_takes_its_unit_vat_and_converts_the_price(owner):
    ExchangeRate.objects.create(currency="USD", date=timezone.localdate(), rate=Decimal("500"))
    product = Product.objects.create(
        name="Страховка",
        unit=Unit.objects.get(code="796"),
        price=Decimal("10"),
        currency="USD",
        vat_kind="none",
    )
    deal = DealFactory(owner=owner, currency="KZT", amount=Decimal("0"))
    line = services.deal_line_add(
        actor=owner, deal=deal, data={"quantity": Decimal("3")}, product=product
    )
    assert (line.unit, line.unit_code, line.vat_kind) == ("шт", "796", "none")
    assert line.price == Decimal("5000.00") and line.total == Decimal("15000.00")
    euro = Product.objects.create(
        name="Экскурсия",
        unit=Unit.objects.get(code="796"),
        price=Decimal("10"),
        currency="EUR",
    )
    with pytest.raises(ValidationError):
        services.deal_line_add(actor=owner, deal=deal, data={}, product=euro)


@pytest.mark.django_db
def test_only_who_may_change_the_deal_puts_lines_on_it(owner, teammate, outsider):
    deal = DealFactory(owner=owner)
    with pytest.raises(PermissionDenied):
        services.deal_line_add(actor=teammate, deal=deal, data={"name": "x", "price": Decimal("1")})
    assert (
        client_for(outsider)
        .post(f"/deals/{deal.pk}/lines/", {"name": "x", "price": "1"})
        .status_code
        == 404
    )
    assert (
        client_for(teammate)
        .post(f"/deals/{deal.pk}/lines/", {"name": "x", "price": "1"})
        .status_code
        == 403
    )
    response = client_for(owner).post(
        f"/deals/{deal.pk}/lines/", {"name": "Трансфер", "price": "120", "quantity": "2"}
    )
    assert response.status_code == 302
    line = DealLine.objects.get(deal=deal)
    assert line.total == Decimal("240.00")
    page = client_for(owner).get(deal.get_absolute_url()).content.decode()
    assert "Трансфер" in page
    # Bad input is a message, never a 500.
    for bad in (
        {"name": "x", "price": "-1"},
        {"quantity": "1e400", "name": "y", "price": "1"},
        {"product": "99999999999999999999999"},
        {},
    ):
        assert client_for(owner).post(f"/deals/{deal.pk}/lines/", bad).status_code == 302
    assert DealLine.objects.filter(deal=deal).count() == 1
    other = DealFactory(owner=owner)
    assert (
        client_for(owner).post(f"/deals/{other.pk}/lines/{line.pk}/", {"delete": "1"}).status_code
        == 404
    )


@pytest.mark.django_db
def test_a_deal_with_lines_refuses_a_typed_amount(owner):
    deal = DealFactory(owner=owner, currency="KZT", amount=Decimal("0"))
    services.deal_line_add(actor=owner, deal=deal, data={"name": "Тур", "price": Decimal("500")})
    deal.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        services.deal_update(
            actor=owner, deal=deal, data={"amount": Decimal("9")}, version=deal.version
        )
    assert "amount" in refused.value.message_dict
    deal = services.deal_update(
        actor=owner, deal=deal, data={"name": "Тур в Лондон"}, version=deal.version
    )
    assert deal.amount == Decimal("500.00")
    page = client_for(owner).get(f"/deals/{deal.pk}/edit/").content.decode()
    assert 'name="amount"' in page and "disabled" in page.split('name="amount"')[1][:200]
