"""A campaign's deadline is never earlier than its tasks' (issue 13): campaigns saved before the
rule (the demo extended tasks past their campaign) take their latest task's deadline."""

from django.db import migrations
from django.db.models import Max


def forwards(apps, schema_editor):
    ReviewCampaign = apps.get_model("ledger", "ReviewCampaign")
    for campaign in ReviewCampaign.objects.annotate(latest=Max("tasks__due_on")).iterator():
        if campaign.latest is not None and campaign.latest > campaign.due_on:
            ReviewCampaign.objects.filter(pk=campaign.pk).update(due_on=campaign.latest)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
