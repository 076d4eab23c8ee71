from django.db import migrations


def add_skills(apps, schema_editor):
    from shegong.volunteers.choices import DEFAULT_SKILLS

    Skill = apps.get_model("volunteers", "Skill")
    for order, (code, name, needs_certificate) in enumerate(DEFAULT_SKILLS, start=1):
        Skill.objects.get_or_create(
            code=code,
            defaults={"name": name, "order": order, "needs_certificate": needs_certificate},
        )


class Migration(migrations.Migration):
    dependencies = [("volunteers", "0001_initial")]

    operations = [migrations.RunPython(add_skills, migrations.RunPython.noop)]
