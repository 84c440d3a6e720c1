"""Load the protocol areas library items can support (macehub/library/reference.py)."""

from django.db import migrations


def load(apps, schema_editor):
    from macehub.library.reference import load_protocol_areas

    load_protocol_areas(apps.get_model("library", "ProtocolArea"))


def unload(apps, schema_editor):
    apps.get_model("library", "ProtocolArea").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("library", "0001_library_items_versions_adoptions")]

    operations = [migrations.RunPython(load, unload)]
