from django.db import migrations


def add_catalogue(apps, schema_editor):
    from shegong.matching.choices import CATEGORY_SKILLS, DEFAULT_CATALOGUE

    Category = apps.get_model("matching", "Category")
    Item = apps.get_model("matching", "CatalogueItem")
    Skill = apps.get_model("volunteers", "Skill")
    for order, (code, name, mode, sensitive, items) in enumerate(DEFAULT_CATALOGUE, start=1):
        category, _ = Category.objects.get_or_create(
            code=code,
            defaults={"name": name, "order": order, "dispatch_mode": mode, "sensitive": sensitive},
        )
        category.skills.add(*Skill.objects.filter(code__in=CATEGORY_SKILLS.get(code, ())))
        for position, (item, minutes, frequency, urgency, risky) in enumerate(items, start=1):
            Item.objects.get_or_create(
                category=category, name=item,
                defaults={"typical_minutes": minutes, "frequency": frequency, "urgency": urgency,
                          "risky": risky, "sensitive": sensitive, "order": position},
            )  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [("matching", "0001_initial"), ("volunteers", "0002_default_skills")]

    operations = [migrations.RunPython(add_catalogue, migrations.RunPython.noop)]
