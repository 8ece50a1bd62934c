import io
from decimal import Decimal

from pypdf import PdfReader

from tests.factories import CompanyFactory, DealFactory
from voronka.documents.models import DocumentType, Requisites
from voronka.sales import services as sales_services


def pdf_text(content: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return text.replace("\u00a0", " ")


def our_requisites() -> Requisites:
    return Requisites.objects.create(
        country="RU",
        name="ООО «Воронка Тур»",
        inn="7707083893",
        kpp="773601001",
        bank="ПАО Сбербанк",
        bik="044525225",
        account="40702810938000000001",
        correspondent_account="30101810400000000225",
        address="Москва, ул. Тверская, 1",
        director="Иванов И. И.",
        accountant="Петрова А. А.",
    )


def deal_with_lines(owner, *, currency="RUB"):
    company = CompanyFactory(name="ООО «Ромашка»", inn="7736050003", owner=owner)
    deal = DealFactory(owner=owner, company=company, currency=currency, amount=Decimal("0"))
    sales_services.deal_line_add(
        actor=owner,
        deal=deal,
        data={
            "name": "Проживание, Лондон, DBL, завтрак",
            "quantity": Decimal("2"),
            "price": Decimal("1000"),
            "unit": "сут",
        },
    )
    sales_services.deal_line_add(
        actor=owner,
        deal=deal,
        data={"name": "Трансфер из аэропорта", "quantity": Decimal("1"), "price": Decimal("1000")},
    )
    deal.refresh_from_db()
    return deal


def doc_type(kind: str) -> DocumentType:
    return DocumentType.objects.get(kind=kind)
