"""Load the harm-type taxonomy (requirement R3) from macehub/subjects/taxonomy.py."""

from django.db import migrations


def load(apps, schema_editor):
    from macehub.subjects.taxonomy import HARM_TYPES

    harm_type = apps.get_model("subjects", "HarmType")
    for order, (code, label, description) in enumerate(HARM_TYPES):
        harm_type.objects.update_or_create(
            code=code, defaults={"label": label, "description": description, "order": order}
        )


def unload(apps, schema_editor):
    apps.get_model("subjects", "HarmType").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("subjects", "0001_volt_registers")]

    operations = [migrations.RunPython(load, unload)]
