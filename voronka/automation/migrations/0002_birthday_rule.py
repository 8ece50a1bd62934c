"""The seed example of a date rule: plan a call to congratulate a contact on their birthday."""

from django.db import migrations


def create_birthday_rule(apps, schema_editor):
    ActivityType = apps.get_model("activities", "ActivityType")
    DateRule = apps.get_model("automation", "DateRule")
    if DateRule.objects.filter(entity="contact", field="birthday").exists():
        return
    calls = ActivityType.objects.filter(kind="call").order_by("-is_active", "order", "id")
    activity_type = calls.filter(direction="out", is_active=True).first() or calls.first()
    if activity_type is None:
        return
    DateRule.objects.create(
        name="День рождения контакта",
        entity="contact",
        field="birthday",
        yearly=True,
        days_ahead=3,
        activity_type=activity_type,
        subject="Поздравить с днём рождения: {name}",
        is_active=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("automation", "0001_initial"),
        ("activities", "0002_types_outcomes_reminders"),
        ("contacts", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_birthday_rule, migrations.RunPython.noop)]
