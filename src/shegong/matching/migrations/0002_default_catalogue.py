from django.db import migrations


def add_catalogue(apps, schema_editor):
    from shegong.matching.catalogue import install_defaults

    install_defaults(
        apps.get_model("matching", "Category"),
        apps.get_model("matching", "CatalogueItem"),
        apps.get_model("volunteers", "Skill"),
    )


class Migration(migrations.Migration):
    dependencies = [("matching", "0001_initial"), ("volunteers", "0002_default_skills")]

    operations = [migrations.RunPython(add_catalogue, migrations.RunPython.noop)]
