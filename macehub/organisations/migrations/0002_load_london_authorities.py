"""Load the 33 London local authorities from data/london_local_authorities.csv."""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "london_local_authorities.csv"


def load(apps, schema_editor):
    authority = apps.get_model("organisations", "LocalAuthority")
    with DATA.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            authority.objects.update_or_create(
                gss_code=row["gss_code"],
                defaults={
                    "name": row["name"],
                    "police_force": row["police_force"],
                    "met_bcu": row["met_bcu"],
                    "integrated_care_board": row["integrated_care_board"],
                },
            )


def unload(apps, schema_editor):
    apps.get_model("organisations", "LocalAuthority").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("organisations", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
