from django.db import migrations


def add_categories(apps, schema_editor):
    from shegong.deliberation.categories import install_defaults

    install_defaults(apps.get_model("deliberation", "TopicCategory"))


class Migration(migrations.Migration):
    dependencies = [("deliberation", "0001_initial")]

    operations = [migrations.RunPython(add_categories, migrations.RunPython.noop)]
