"""A first pipeline, so a new installation can record deals at once (the seed's stages).
Used by a data migration and by tests that flush the database."""

STAGES = [
    ("Разведка", 10, "open"),
    ("Ком. предложение / Выставление счета", 65, "open"),
    ("Сборка заказа / Счет не оплачен", 90, "open"),
    ("Закрыто с успехом", 100, "won"),
    ("Закрыто с потерей", 0, "lost"),
]


def create_default_pipeline(Pipeline, Stage) -> None:
    if Pipeline.objects.exists():
        return
    pipeline = Pipeline.objects.create(name="Продажи", order=1)
    Stage.objects.bulk_create(
        Stage(pipeline=pipeline, name=name, probability=probability, kind=kind, order=order)
        for order, (name, probability, kind) in enumerate(STAGES, start=1)
    )
