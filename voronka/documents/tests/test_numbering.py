"""20 invoices made at once get 20 distinct consecutive numbers, on SQLite and PostgreSQL:
each thread has its own connection; the counter row is locked while a number is taken."""

import threading

import pytest
from django.db import close_old_connections, connection

from voronka.documents import services
from voronka.documents.models import Document

from .helpers import deal_with_lines, doc_type, our_requisites

THREADS = 20


@pytest.mark.django_db(transaction=True)
def test_concurrent_invoices_get_distinct_consecutive_numbers(defaults_after_flush, owner):
    our_requisites()
    deal = deal_with_lines(owner)
    invoice_type = doc_type("invoice")
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def make() -> None:
        try:
            barrier.wait(timeout=30)
            services.document_create(actor=owner, deal=deal, doc_type=invoice_type, render=False)
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=make) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    close_old_connections()
    assert errors == []
    numbers = sorted(Document.objects.filter(type=invoice_type).values_list("number", flat=True))
    assert numbers == list(range(1, THREADS + 1))


@pytest.mark.django_db(transaction=True)
def test_a_number_is_taken_only_inside_the_documents_transaction(defaults_after_flush):
    with pytest.raises(RuntimeError):
        services.take_number(doc_type("invoice"), 2026)


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_document_gives_its_number_back(defaults_after_flush, owner, monkeypatch):
    our_requisites()
    deal = deal_with_lines(owner)
    invoice_type = doc_type("invoice")
    original = Document.objects.create

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Document.objects, "create", broken)
    with pytest.raises(RuntimeError):
        services.document_create(actor=owner, deal=deal, doc_type=invoice_type, render=False)
    monkeypatch.setattr(Document.objects, "create", original)
    made = services.document_create(actor=owner, deal=deal, doc_type=invoice_type, render=False)
    assert made.number == 1
