import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from docx import Document as WordDocument

from tests.factories import DealFactory
from voronka.documents import rendering, services
from voronka.documents.models import Document, DocumentType
from voronka.documents.words import amount_in_words
from voronka.sales.models import InvoiceState

from .helpers import deal_with_lines, doc_type, our_requisites, pdf_text


@pytest.mark.parametrize(
    ("amount", "currency", "words"),
    [
        ("3000", "RUB", "Три тысячи рублей 00 копеек"),
        ("1001.01", "RUB", "Одна тысяча один рубль 01 копейка"),
        ("22.22", "RUB", "Двадцать два рубля 22 копейки"),
        ("11.11", "RUB", "Одиннадцать рублей 11 копеек"),
        ("151", "USD", "Сто пятьдесят один доллар США 00 центов"),
        ("3000", "KZT", "Три тысячи тенге 00 тиынов"),
    ],
)
def test_amount_in_words_as_russian_accounting_writes_it(amount, currency, words):
    assert amount_in_words(Decimal(amount), currency) == words


def test_amount_in_words_in_kazakh():
    assert amount_in_words(Decimal("3000"), "KZT", language="kk") == "Үш мың теңге 00 тиын"


@pytest.mark.django_db
def test_invoice_pdf_has_the_clients_inn_lines_total_and_words(owner):
    our_requisites()
    deal = deal_with_lines(owner)
    assert deal.amount == Decimal("3000.00")
    invoice = services.document_create(
        actor=owner, deal=deal, doc_type=doc_type("invoice"), day=datetime.date(2026, 3, 2)
    )
    assert invoice.number == 1 and invoice.status == "issued"
    assert invoice.due_date == datetime.date(2026, 3, 7)
    assert invoice.vat_amount == Decimal("360.66") + Decimal("180.33")  # per line, rounded
    text = pdf_text(invoice.pdf.read())
    for expected in (
        "Счет на оплату № 1 от 2 марта 2026 г.",
        "ИНН 7736050003",
        "ИНН 7707083893",
        "044525225",
        "Проживание, Лондон, DBL, завтрак",
        "Трансфер из аэропорта",
        "Всего к оплате",
        "3 000,00",
        "Всего наименований 2, на сумму 3 000,00 руб.",
        "Три тысячи рублей 00 копеек",
        "В том числе НДС 22 %",
    ):
        assert expected in text, expected
    deal.refresh_from_db()
    assert deal.invoice_state == InvoiceState.ISSUED


@pytest.mark.django_db
def test_a_document_takes_the_vat_rate_of_its_own_date(owner):
    our_requisites()
    deal = deal_with_lines(owner)
    old = services.document_create(
        actor=owner,
        deal=deal,
        doc_type=doc_type("quote"),
        day=datetime.date(2025, 12, 30),
        render=False,
    )
    assert old.content["totals"]["vat_label"] == "В том числе НДС 20 %"
    assert old.vat_amount == Decimal("500.00")


@pytest.mark.django_db
def test_quote_pdf_and_numbering_per_type_and_year(owner):
    our_requisites()
    deal = deal_with_lines(owner)
    quote = services.document_create(actor=owner, deal=deal, doc_type=doc_type("quote"))
    second = services.document_create(actor=owner, deal=deal, doc_type=doc_type("quote"))
    invoice = services.document_create(
        actor=owner, deal=deal, doc_type=doc_type("invoice"), render=False
    )
    assert (quote.number, second.number, invoice.number) == (1, 2, 1)
    next_year = services.document_create(
        actor=owner,
        deal=deal,
        doc_type=doc_type("quote"),
        day=datetime.date(quote.year + 1, 1, 10),
        render=False,
    )
    assert next_year.number == 1
    text = pdf_text(quote.pdf.read())
    assert "Коммерческое предложение № КП-1" in text
    assert "Три тысячи рублей 00 копеек" in text


@pytest.mark.django_db
def test_only_who_may_change_the_deal_makes_its_documents(owner, teammate):
    deal = deal_with_lines(owner)
    with pytest.raises(PermissionDenied):
        services.document_create(actor=teammate, deal=deal, doc_type=doc_type("invoice"))
    assert not Document.objects.exists()


def _docx_template(text: str) -> bytes:
    document = WordDocument()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.mark.django_db
def test_docx_template_renders_the_documents_fields(owner, admin_user):
    our_requisites()
    deal = deal_with_lines(owner)
    template = _docx_template(
        "Счёт № {{ doc.number }} для {{ client.name }}, ИНН {{ client.inn }}: "
        "{{ totals.amount|money }} ({{ totals.words }})"
    )
    assert services.check_docx_template(template) is None
    invoice_type = doc_type("invoice")
    from django.core.files.base import ContentFile

    invoice_type.docx_template.save("invoice.docx", ContentFile(template))
    invoice = services.document_create(actor=owner, deal=deal, doc_type=invoice_type)
    text = "\n".join(p.text for p in WordDocument(invoice.docx.open("rb")).paragraphs)
    assert "Счёт № 1 для ООО «Ромашка», ИНН 7736050003" in text
    assert "3\u00a0000,00 (Три тысячи рублей 00 копеек)" in text


@pytest.mark.parametrize(
    "hostile",
    [
        "{{ doc.__class__.__mro__[1].__subclasses__() }}",
        "{{ config }}",
        "{{ settings.SECRET_KEY }}",
        "{{ lines.__class__ }}",
        "{{ ''.__class__.__base__ }}",
        "{% for x in client.items() %}{{ x.__init__.__globals__ }}{% endfor %}",
    ],
)
@pytest.mark.django_db
def test_a_hostile_docx_template_is_refused_with_a_clear_message(hostile, owner):
    refusal = services.check_docx_template(_docx_template(hostile))
    assert refusal is not None
    assert refusal.startswith("Шаблон отклонён")
    deal = deal_with_lines(owner)
    hostile_type = DocumentType.objects.create(name="Хитрый", kind="other")
    from django.core.files.base import ContentFile

    hostile_type.docx_template.save("h.docx", ContentFile(_docx_template(hostile)))
    with pytest.raises(rendering.TemplateRefused):
        services.document_create(actor=owner, deal=deal, doc_type=hostile_type)
    assert not Document.objects.filter(type=hostile_type).exists()


def test_html_rendering_cannot_fetch_files_of_the_server():
    html = '<html><body><img src="file:///etc/passwd"><p>ok</p></body></html>'
    assert rendering.html_to_pdf(html).startswith(b"%PDF")
    with pytest.raises(ValueError, match="disallowed protocol"):
        rendering.url_fetcher().fetch("file:///etc/passwd")
    with pytest.raises(ValueError, match="disallowed protocol"):
        rendering.url_fetcher().fetch("http://127.0.0.1:1/")


@pytest.mark.django_db
def test_document_pages_list_it_on_the_deal_and_the_company(owner, outsider):
    from conftest import client_for

    our_requisites()
    deal = deal_with_lines(owner)
    invoice = services.document_create(actor=owner, deal=deal, doc_type=doc_type("invoice"))
    client = client_for(owner)
    assert "№ 1" in client.get(deal.get_absolute_url()).content.decode()
    assert "Счет на оплату" in client.get(deal.company.get_absolute_url()).content.decode()
    assert invoice.get_absolute_url() in client.get("/documents/").content.decode()
    pdf = client.get(f"/documents/{invoice.pk}/file.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    stranger = client_for(outsider)
    assert stranger.get(invoice.get_absolute_url()).status_code == 404
    assert stranger.get(f"/documents/{invoice.pk}/file.pdf").status_code == 404
    assert invoice.get_absolute_url() not in stranger.get("/documents/").content.decode()
    other = DealFactory(owner=outsider)
    assert (
        stranger.post(f"/deals/{deal.pk}/documents/new/", {"type": invoice.type_id}).status_code
        == 404
    )
    assert (
        client_for(owner).post(f"/deals/{other.pk}/documents/new/", {"type": 1}).status_code == 404
    )


@pytest.mark.django_db
def test_a_document_is_emailed_and_the_sending_shows_on_the_deal(owner, mailoutbox):
    from conftest import client_for
    from voronka.activities.models import Activity

    our_requisites()
    deal = deal_with_lines(owner)
    invoice = services.document_create(actor=owner, deal=deal, doc_type=doc_type("invoice"))
    response = client_for(owner).post(
        f"/documents/{invoice.pk}/send/",
        {"to": "client@romashka.ru, boss@romashka.ru", "message": "Счёт во вложении."},
    )
    assert response.status_code == 302
    (mail,) = mailoutbox
    assert mail.to == ["client@romashka.ru", "boss@romashka.ru"]
    (name, content, mime) = mail.attachments[0]
    assert name.endswith(".pdf")
    assert mime == "application/pdf" and content.startswith(b"%PDF")
    sent = Activity.objects.get(deal=deal, kind="email")
    assert sent.done and "Счет на оплату № 1" in sent.subject
    bad = client_for(owner).post(f"/documents/{invoice.pk}/send/", {"to": "not-an-address"})
    assert bad.status_code == 302 and len(mailoutbox) == 1


@pytest.mark.django_db
def test_document_pages_keep_their_query_budget(owner, django_assert_max_num_queries):
    from conftest import client_for

    our_requisites()
    for _ in range(3):
        deal = deal_with_lines(owner)
        services.document_create(actor=owner, deal=deal, doc_type=doc_type("invoice"), render=False)
    client = client_for(owner)
    # The session, the user, the bell, recent views, the documents, the types, the deputies.
    with django_assert_max_num_queries(9):
        assert client.get("/documents/").status_code == 200
    # + its payments and its files.
    with django_assert_max_num_queries(11):
        assert client.get(f"/documents/{Document.objects.first().pk}/").status_code == 200


@pytest.mark.django_db
def test_an_organisation_in_kazakhstan_gets_bin_kazakh_words_and_its_vat(owner):
    from voronka.documents.models import Requisites

    Requisites.objects.create(
        country="KZ",
        name="ТОО «Traveller Community»",
        bin="170942789171",
        bank="АО «Kaspi Bank»",
        bik="CASPKZKA",
        account="KZ86125KZT5004100100",
    )
    deal = deal_with_lines(owner, currency="KZT")
    invoice = services.document_create(
        actor=owner, deal=deal, doc_type=doc_type("invoice"), day=datetime.date(2026, 2, 2)
    )
    text = pdf_text(invoice.pdf.read())
    assert "БИН 170942789171" in text and "ИИК" in text and "КПП" not in text
    assert "В том числе НДС 16 %" in text
    assert "Три тысячи тенге 00 тиынов" in text
    assert "Үш мың теңге 00 тиын" in text


@pytest.mark.django_db
def test_an_administrator_uploads_a_docx_template_and_a_hostile_one_is_refused(admin_user, owner):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from conftest import client_for

    client = client_for(admin_user)
    hostile = client.post(
        "/settings/document-types/new/",
        {
            "name": "Договор-оферта",
            "kind": "contract",
            "prefix": "ДО-",
            "order": 9,
            "is_active": "on",
            "docx_template": SimpleUploadedFile("t.docx", _docx_template("{{ settings.DEBUG }}")),
        },
    )
    assert hostile.status_code == 200
    assert "Шаблон отклонён" in hostile.content.decode()
    assert not DocumentType.objects.filter(name="Договор-оферта").exists()
    good = client.post(
        "/settings/document-types/new/",
        {
            "name": "Договор-оферта",
            "kind": "contract",
            "prefix": "ДО-",
            "order": 9,
            "is_active": "on",
            "docx_template": SimpleUploadedFile("t.docx", _docx_template("№ {{ doc.number }}")),
        },
    )
    assert good.status_code == 302
    assert DocumentType.objects.get(name="Договор-оферта").docx_template
    assert client_for(owner).get("/settings/document-types/").status_code == 403
