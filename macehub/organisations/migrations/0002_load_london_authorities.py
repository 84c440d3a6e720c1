"""Load the 33 London local authorities from data/london_local_authorities.csv."""

from django.db import migrations


def load(apps, schema_editor):
    from macehub.organisations.reference import load_london_authorities

    load_london_authorities(apps.get_model("organisations", "LocalAuthority"))


def unload(apps, schema_editor):
    apps.get_model("organisations", "LocalAuthority").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("organisations", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
