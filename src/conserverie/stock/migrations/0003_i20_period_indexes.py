# Issue 20: an index for the figures of a period grouped by territory (docs/performance.md).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("stock", "0002_stockmovement_append_only"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="stockmovement",
            index=models.Index(fields=["territory", "kind", "day"], name="stockmove_territory_kind_day"),
        ),
    ]
