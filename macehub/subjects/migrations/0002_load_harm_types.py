"""Load the harm-type taxonomy (requirement R3) from macehub/subjects/taxonomy.py."""

from django.db import migrations


def load(apps, schema_editor):
    from macehub.subjects.taxonomy import load_harm_types

    load_harm_types(apps.get_model("subjects", "HarmType"))


def unload(apps, schema_editor):
    apps.get_model("subjects", "HarmType").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("subjects", "0001_volt_registers")]

    operations = [migrations.RunPython(load, unload)]
