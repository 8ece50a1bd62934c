import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from conftest import client_for
from voronka.activities.models import Activity, ActivityKind
from voronka.documents import selectors, services
from voronka.documents.models import InvoiceStatus
from voronka.sales import services as sales_services
from voronka.sales.models import InvoiceState, Stage, StageKind

from .helpers import deal_with_lines, doc_type


@pytest.mark.django_db
def test_payments_make_an_invoice_partly_paid_then_paid(owner):
    deal = deal_with_lines(owner)
    invoice = services.document_create(
        actor=owner, deal=deal, doc_type=doc_type("invoice"), render=False
    )
    services.payment_add(actor=owner, document=invoice, amount=Decimal("1000"))
    assert invoice.status == InvoiceStatus.PARTLY_PAID and invoice.balance == Decimal("2000")
    deal.refresh_from_db()
    assert deal.invoice_state == InvoiceState.ISSUED
    services.payment_add(
        actor=owner,
        document=invoice,
        amount=Decimal("2000"),
        reference="п/п 15",
        imported=True,
    )
    assert invoice.status == InvoiceStatus.PAID
    deal.refresh_from_db()
    assert deal.invoice_state == InvoiceState.PAID
    quote = services.document_create(
        actor=owner, deal=deal, doc_type=doc_type("quote"), render=False
    )
    with pytest.raises(ValidationError):
        services.payment_add(actor=owner, document=quote, amount=Decimal("1"))


@pytest.mark.django_db
def test_a_cancelled_invoice_leaves_the_deal_without_one(owner):
    deal = deal_with_lines(owner)
    invoice = services.document_create(
        actor=owner, deal=deal, doc_type=doc_type("invoice"), render=False
    )
    services.invoice_cancel(actor=owner, document=invoice)
    deal.refresh_from_db()
    assert deal.invoice_state == InvoiceState.NONE


@pytest.mark.django_db
def test_overdue_invoice_gives_its_owner_a_reminder_task_once(owner):
    deal = deal_with_lines(owner)
    invoice = services.document_create(
        actor=owner,
        deal=deal,
        doc_type=doc_type("invoice"),
        day=datetime.date(2026, 3, 2),
        due_date=datetime.date(2026, 3, 10),
        render=False,
    )
    assert services.remind_overdue_invoices(today=datetime.date(2026, 3, 10)) == 0
    assert services.remind_overdue_invoices(today=datetime.date(2026, 3, 11)) == 1
    task = Activity.objects.get(deal=deal, kind=ActivityKind.TASK)
    assert task.owner == owner
    assert f"№ {invoice.display_number}" in task.subject
    assert services.remind_overdue_invoices(today=datetime.date(2026, 3, 12)) == 0
    paid = services.document_create(
        actor=owner,
        deal=deal,
        doc_type=doc_type("invoice"),
        day=datetime.date(2026, 3, 2),
        due_date=datetime.date(2026, 3, 5),
        render=False,
    )
    services.payment_add(actor=owner, document=paid, amount=paid.amount)
    assert services.remind_overdue_invoices(today=datetime.date(2026, 3, 20)) == 0


@pytest.mark.django_db
def test_stage_gates_on_issued_and_paid_invoices(owner):
    deal = deal_with_lines(owner)
    unpaid_stage = Stage.objects.get(name="Сборка заказа / Счет не оплачен")
    unpaid_stage.required_invoice = InvoiceState.ISSUED
    unpaid_stage.save()
    won = Stage.objects.get(pipeline=deal.pipeline, kind=StageKind.WON)
    won.required_invoice = InvoiceState.PAID
    won.save()
    with pytest.raises(ValidationError) as refused:
        sales_services.deal_move_stage(actor=owner, deal=deal, stage=unpaid_stage)
    assert (
        "Чтобы перейти на стадию «Сборка заказа / Счет не оплачен», выставьте счёт по сделке."
        in refused.value.message_dict["stage"]
    )
    invoice = services.document_create(
        actor=owner, deal=deal, doc_type=doc_type("invoice"), render=False
    )
    deal.refresh_from_db()
    deal = sales_services.deal_move_stage(actor=owner, deal=deal, stage=unpaid_stage)
    with pytest.raises(ValidationError) as refused:
        sales_services.deal_move_stage(actor=owner, deal=deal, stage=won)
    assert "счёт по сделке должен быть оплачен" in " ".join(refused.value.message_dict["stage"])
    services.payment_add(actor=owner, document=invoice, amount=invoice.amount)
    deal.refresh_from_db()
    deal = sales_services.deal_move_stage(actor=owner, deal=deal, stage=won)
    assert deal.stage == won


@pytest.mark.django_db
def test_stage_gate_refuses_a_move_from_the_board(owner):
    deal = deal_with_lines(owner)
    unpaid_stage = Stage.objects.get(name="Сборка заказа / Счет не оплачен")
    unpaid_stage.required_invoice = InvoiceState.ISSUED
    unpaid_stage.save()
    client = client_for(owner)
    response = client.post(
        f"/deals/{deal.pk}/stage/", {"stage": unpaid_stage.pk}, HTTP_ACCEPT_LANGUAGE="ru"
    )
    assert response.status_code != 500
    deal.refresh_from_db()
    assert deal.stage != unpaid_stage


@pytest.mark.django_db
def test_receivables_by_client_with_ageing_and_the_viewers_rights(owner, outsider):
    deal = deal_with_lines(owner)
    invoice = services.document_create(
        actor=owner,
        deal=deal,
        doc_type=doc_type("invoice"),
        day=datetime.date(2026, 1, 1),
        due_date=datetime.date(2026, 1, 10),
        render=False,
    )
    services.payment_add(actor=owner, document=invoice, amount=Decimal("500"))
    rows = selectors.receivables(owner, today=datetime.date(2026, 2, 20))
    assert len(rows) == 1
    assert rows[0]["label"] == "ООО «Ромашка»"
    assert rows[0]["total"] == Decimal("2500")
    assert rows[0]["buckets"] == [0, 0, Decimal("2500"), 0, 0]  # 41 days past due
    by_owner = selectors.receivables(owner, today=datetime.date(2026, 2, 20), by="owner")
    assert by_owner[0]["label"] == owner.display_name
    assert selectors.receivables(outsider, today=datetime.date(2026, 2, 20)) == []
    paid = selectors.payments_by_owner(
        owner, start=datetime.date(2026, 1, 1), end=datetime.date(2026, 12, 31)
    )
    assert paid[0]["paid"] == Decimal("500")


@pytest.mark.django_db
def test_receivables_page_shows_what_the_viewer_may_see(owner, outsider):
    deal = deal_with_lines(owner)
    services.document_create(
        actor=owner,
        deal=deal,
        doc_type=doc_type("invoice"),
        day=datetime.date(2026, 1, 1),
        due_date=datetime.date(2026, 1, 10),
        render=False,
    )
    page = client_for(owner).get("/reports/receivables/").content.decode()
    assert "ООО «Ромашка»" in page and "3 000,00" in page.replace("\u00a0", " ")
    assert "ООО «Ромашка»" not in client_for(outsider).get("/reports/receivables/").content.decode()
    by_owner = client_for(owner).get("/reports/receivables/?by=owner&start=bad&end=99999-1-1")
    assert by_owner.status_code == 200


@pytest.mark.django_db
def test_an_administrator_sets_the_invoice_a_stage_needs(admin_user):
    from django.urls import reverse

    stages = list(Stage.objects.filter(pipeline__order=1).order_by("order"))
    pipeline = stages[0].pipeline
    data = {
        "name": pipeline.name,
        "is_active": "on",
        "stages-TOTAL_FORMS": str(len(stages)),
        "stages-INITIAL_FORMS": str(len(stages)),
        "stages-MIN_NUM_FORMS": "0",
        "stages-MAX_NUM_FORMS": "1000",
    }
    for i, s in enumerate(stages):
        data |= {
            f"stages-{i}-id": s.pk,
            f"stages-{i}-name": s.name,
            f"stages-{i}-probability": s.probability,
            f"stages-{i}-kind": s.kind,
            f"stages-{i}-color": s.color,
            f"stages-{i}-ORDER": i + 1,
            f"stages-{i}-required_invoice": "paid" if s.kind == StageKind.WON else "",
        }
    response = client_for(admin_user).post(reverse("sales:pipeline-edit", args=[pipeline.pk]), data)
    assert response.status_code == 302
    assert [s.required_invoice for s in Stage.objects.filter(pipeline=pipeline)] == [
        "paid" if s.kind == StageKind.WON else "" for s in stages
    ]
    page = client_for(admin_user).get(reverse("sales:pipeline-edit", args=[pipeline.pk]))
    assert 'value="paid" selected' in page.content.decode()


@pytest.mark.django_db
def test_payments_imported_from_a_statement(owner, outsider):
    from django.core.files.uploadedfile import SimpleUploadedFile

    deal = deal_with_lines(owner)
    invoice = services.document_create(
        actor=owner, deal=deal, doc_type=doc_type("invoice"), render=False
    )
    statement = (
        "Счёт;Дата;Сумма;Документ\n"
        f"{invoice.display_number};05.03.2026;1 000,00;п/п 7\n"
        f"№ {invoice.display_number};2026-03-06;2000;п/п 8\n"
        "999;05.03.2026;10;п/п 9\n"
        f"{invoice.display_number};вчера;10;п/п 10\n"
    ).encode()
    stranger = client_for(outsider).post(
        "/documents/payments/import/", {"file": SimpleUploadedFile("s.csv", statement)}
    )
    assert stranger.status_code == 302
    invoice.refresh_from_db()
    assert invoice.paid_amount == 0
    response = client_for(owner).post(
        "/documents/payments/import/",
        {"file": SimpleUploadedFile("s.csv", statement)},
        follow=True,
    )
    page = response.content.decode()
    assert "Записано платежей: 2" in page
    assert "нет открытого счёта № 999" in page
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID and invoice.paid_amount == Decimal("3000")
    assert list(invoice.payments.values_list("reference", "imported")) == [
        ("п/п 7", True),
        ("п/п 8", True),
    ]


@pytest.mark.django_db
def test_a_statement_imported_twice_records_each_payment_once(owner):
    from django.core.files.uploadedfile import SimpleUploadedFile

    deal = deal_with_lines(owner)
    invoice = services.document_create(
        actor=owner, deal=deal, doc_type=doc_type("invoice"), render=False
    )
    statement = f"Счёт;Дата;Сумма;Документ\n{invoice.display_number};05.03.2026;500;п/п 1\n"
    for _ in range(2):
        client_for(owner).post(
            "/documents/payments/import/",
            {"file": SimpleUploadedFile("s.csv", statement.encode())},
        )
    invoice.refresh_from_db()
    assert invoice.paid_amount == Decimal("500") and invoice.payments.count() == 1
