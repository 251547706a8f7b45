# Issue 20: an index for the figures of a period grouped by territory (docs/performance.md).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("workshops", "0002_party_size_min"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="workshop",
            index=models.Index(fields=["territory", "starts_at"], name="workshop_territory_starts"),
        ),
    ]
