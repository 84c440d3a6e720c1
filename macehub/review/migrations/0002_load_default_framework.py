"""Load MACE Hub's default self-assessment framework (data/london-protocol-2021.json) as version 1."""

from django.db import migrations


def load(apps, schema_editor):
    from macehub.review.framework_files import load_default_framework

    load_default_framework(
        framework_model=apps.get_model("review", "Framework"),
        version_model=apps.get_model("review", "FrameworkVersion"),
        section_model=apps.get_model("review", "Section"),
        question_model=apps.get_model("review", "Question"),
    )


def unload(apps, schema_editor):
    Framework = apps.get_model("review", "Framework")
    Question = apps.get_model("review", "Question")
    Section = apps.get_model("review", "Section")
    FrameworkVersion = apps.get_model("review", "FrameworkVersion")
    for framework in Framework.objects.filter(key="london-protocol-2021"):
        versions = FrameworkVersion.objects.filter(framework=framework)
        Question.objects.filter(section__version__in=versions).delete()
        Section.objects.filter(version__in=versions).delete()
        versions.delete()
        framework.delete()


class Migration(migrations.Migration):
    dependencies = [("review", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
