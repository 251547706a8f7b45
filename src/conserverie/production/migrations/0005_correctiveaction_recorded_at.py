import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("production", "0004_haccp_checks"),
    ]

    operations = [
        migrations.AddField(
            model_name="correctiveaction",
            name="recorded_at",
            field=models.DateTimeField(
                auto_now_add=True, default=django.utils.timezone.now, verbose_name="enregistré le"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="historicalcorrectiveaction",
            name="recorded_at",
            field=models.DateTimeField(
                blank=True, default=django.utils.timezone.now, editable=False, verbose_name="enregistré le"
            ),
            preserve_default=False,
        ),
    ]
