"""A first list of disqualification reasons; an administrator edits it."""

from django.db import migrations

REASONS = ["Спам", "Неверные контакты", "Нет бюджета", "Не наш профиль", "Дубликат"]


def create_reasons(apps, schema_editor):
    Reason = apps.get_model("leads", "DisqualificationReason")
    if Reason.objects.exists():
        return
    Reason.objects.bulk_create(
        Reason(name=name, order=order) for order, name in enumerate(REASONS, start=1)
    )


def remove_reasons(apps, schema_editor):
    apps.get_model("leads", "DisqualificationReason").objects.filter(
        name__in=REASONS, leads__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("leads", "0001_initial")]
    operations = [migrations.RunPython(create_reasons, remove_reasons)]
