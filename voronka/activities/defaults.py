"""The first activity types and outcomes of a new installation (the seeds' lists), editable
afterwards in Settings. Used by a data migration and by tests that flush the database."""

TYPES = [
    # name, kind, direction, colour
    ("Исходящий звонок", "call", "out", "#0d6efd"),
    ("Входящий звонок", "call", "in", "#6610f2"),
    ("Встреча", "meeting", "", "#198754"),
    ("Задача", "task", "", "#fd7e14"),
    ("Письмо (e-mail)", "email", "", "#20c997"),
    ("Письмо", "letter", "", "#6c757d"),
    ("Заметка", "note", "", "#adb5bd"),
]

OUTCOMES = [
    ("Успешно", "success"),
    ("Перенос", "postponed"),
    ("Отказ", "refused"),
    ("Отправлены материалы", "materials"),
    ("Отправлено приглашение", "invitation"),
    ("Продажа", "sale"),
    ("Другое", "other"),
]


def create_default_types(ActivityType, Outcome) -> None:
    if not ActivityType.objects.exists():
        ActivityType.objects.bulk_create(
            ActivityType(name=name, kind=kind, direction=direction, color=color, order=order)
            for order, (name, kind, direction, color) in enumerate(TYPES, start=1)
        )
    if not Outcome.objects.exists():
        Outcome.objects.bulk_create(
            Outcome(name=name, kind=kind, order=order)
            for order, (name, kind) in enumerate(OUTCOMES, start=1)
        )
