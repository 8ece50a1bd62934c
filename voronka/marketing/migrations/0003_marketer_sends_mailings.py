"""The «Маркетолог» role gets the roles' ability to send mailings (Settings → Roles), which
sending now checks."""

from django.db import migrations


def grant(apps, schema_editor):
    apps.get_model("accounts", "Role").objects.filter(code="marketer").update(
        can_send_mailings=True
    )


class Migration(migrations.Migration):
    dependencies = [
        ("marketing", "0002_marketer_role"),
        ("accounts", "0007_merge_staff_and_service"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
