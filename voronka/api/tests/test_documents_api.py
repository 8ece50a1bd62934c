import json
from decimal import Decimal

import pytest
from django.test import Client

from tests.factories import CompanyFactory, DealFactory
from voronka.accounts.models import ApiToken
from voronka.documents.models import DocumentType
from voronka.sales import services as sales_services


def api(user) -> Client:
    _token, key = ApiToken.issue(user=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Token {key}")


@pytest.mark.django_db
def test_documents_through_the_api_with_the_callers_rights(owner, outsider):
    deal = DealFactory(owner=owner, company=CompanyFactory(owner=owner), currency="RUB")
    sales_services.deal_line_add(
        actor=owner, deal=deal, data={"name": "Тур", "price": Decimal("3000")}
    )
    invoice_type = DocumentType.objects.get(kind="invoice")
    client = api(owner)
    made = client.post(
        "/api/v1/documents/",
        {"deal": deal.pk, "type": invoice_type.pk},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["amount"] == "3000.00" and body["status"] == "issued"
    assert body["amount_in_words"] == "Три тысячи рублей 00 копеек"
    paid = client.post(
        f"/api/v1/documents/{body['id']}/payments/",
        {"amount": "3000"},
        content_type="application/json",
    )
    assert paid.json()["status"] == "paid"
    listed = client.get(f"/api/v1/documents/?deal={deal.pk}").json()
    assert [d["id"] for d in listed["results"]] == [body["id"]]
    stranger = api(outsider)
    assert stranger.get(f"/api/v1/documents/{body['id']}/").status_code == 404
    assert stranger.get("/api/v1/documents/").json()["results"] == []
    assert (
        stranger.post(
            "/api/v1/documents/",
            json.dumps({"deal": deal.pk, "type": invoice_type.pk}),
            content_type="application/json",
        ).status_code
        == 404
    )
    assert client.get("/api/v1/price-lines/").status_code == 404
    assert client.get("/api/v1/price-lines/?q=лондон").json() == []
