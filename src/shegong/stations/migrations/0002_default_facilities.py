from django.db import migrations


def add_facilities(apps, schema_editor):
    from shegong.stations.choices import DEFAULT_FACILITIES

    Facility = apps.get_model("stations", "Facility")
    for order, (code, name) in enumerate(DEFAULT_FACILITIES, start=1):
        Facility.objects.get_or_create(code=code, defaults={"name": name, "order": order})


class Migration(migrations.Migration):
    dependencies = [("stations", "0001_initial")]

    operations = [migrations.RunPython(add_facilities, migrations.RunPython.noop)]
