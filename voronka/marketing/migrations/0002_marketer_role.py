"""The «Маркетолог» role: sees the records of the team like a manager and changes the
marketing (groups, segments, campaigns, mailings, questionnaires). Roles are data."""

from django.db import migrations

ENTITIES = ["company", "contact", "deal", "activity", "lead", "email"]


def create(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    RolePermission = apps.get_model("accounts", "RolePermission")
    role, created = Role.objects.get_or_create(
        code="marketer", defaults={"name": "Маркетолог", "is_admin": False}
    )
    if created:
        RolePermission.objects.bulk_create(
            RolePermission(role=role, entity=entity, action=action, scope=scope)
            for entity in ENTITIES
            for action, scope in (
                ("view", "own" if entity == "email" else "all"),
                ("change", "own"),
                ("delete", "own"),
            )
        )


def remove(apps, schema_editor):
    apps.get_model("accounts", "Role").objects.filter(code="marketer", users__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("marketing", "0001_initial"), ("accounts", "0005_leads_and_letters")]

    operations = [migrations.RunPython(create, remove)]
