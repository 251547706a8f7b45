# Issue 20: an index for the figures of a period grouped by territory (docs/performance.md).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("distribution", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="distribution",
            index=models.Index(fields=["territory", "date"], name="distribution_territory_date"),
        ),
    ]
