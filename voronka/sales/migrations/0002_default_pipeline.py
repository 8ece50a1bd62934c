"""A first pipeline, so a new installation can record deals at once (the seed's stages)."""

from django.db import migrations

from voronka.sales.defaults import create_default_pipeline


def create_pipeline(apps, schema_editor):
    create_default_pipeline(apps.get_model("sales", "Pipeline"), apps.get_model("sales", "Stage"))


def remove_pipeline(apps, schema_editor):
    Pipeline = apps.get_model("sales", "Pipeline")
    Pipeline.objects.filter(name="Продажи", deals__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("sales", "0001_initial")]
    operations = [migrations.RunPython(create_pipeline, remove_pipeline)]
