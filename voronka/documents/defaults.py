"""The stock document types (КП, счёт на оплату, договор, акт, счёт-фактура): used by a data
migration and by tests that flush the database."""

TYPES = [
    ("Коммерческое предложение", "quote", "КП-"),
    ("Счет на оплату", "invoice", ""),
    ("Договор", "contract", "Д-"),
    ("Акт выполненных работ", "act", "А-"),
    ("Счет-фактура", "factura", "СФ-"),
]


def create_stock_types(DocumentType) -> None:
    for order, (name, kind, prefix) in enumerate(TYPES, start=1):
        DocumentType.objects.get_or_create(
            name=name, defaults={"kind": kind, "prefix": prefix, "order": order}
        )
