from decimal import Decimal

from django.db import migrations, models


def classify(apps, schema_editor):
    """Existing recipes: acid at a pH limit of 4.5 or less, low-acid otherwise; each schedule gets its target.

    Low-acid: F0 ≥ 3.0 min (121.1 °C, z 10). Acid: the default of `recipes.lethality.default_target`, written out
    here (a migration does not import the code that may change).
    """
    Recipe = apps.get_model("recipes", "Recipe")
    RecipeFormat = apps.get_model("recipes", "RecipeFormat")
    for recipe in Recipe.objects.all():
        acid = recipe.ph_limit is not None and recipe.ph_limit <= Decimal("4.5")
        recipe.category = "acid" if acid else "low_acid"
        recipe.save(update_fields=["category"])
        if not acid:
            target = (Decimal("121.1"), Decimal("10"), Decimal("3.0"))
        elif recipe.ph_limit <= Decimal("3.7"):
            target = (Decimal("80"), Decimal("10"), Decimal("5"))
        else:
            target = (Decimal("100"), Decimal("10"), Decimal("15"))
        RecipeFormat.objects.filter(recipe=recipe).update(
            target_tref_c=target[0], target_z_c=target[1], target_minimum_min=target[2]
        )


class Migration(migrations.Migration):
    dependencies = [("recipes", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="recipe",
            name="category",
            field=models.CharField(
                choices=[("acid", "Acide (pH ≤ 4,5)"), ("low_acid", "Peu acide (pH > 4,5)")],
                default="low_acid",
                max_length=10,
                verbose_name="catégorie",
            ),
        ),
        migrations.AddField(
            model_name="recipe",
            name="water_activity",
            field=models.DecimalField(
                blank=True,
                decimal_places=3,
                help_text="Si elle est connue (entre 0 et 1).",
                max_digits=4,
                null=True,
                verbose_name="activité de l'eau (aw)",
            ),
        ),
        migrations.AddField(
            model_name="historicalrecipe",
            name="category",
            field=models.CharField(
                choices=[("acid", "Acide (pH ≤ 4,5)"), ("low_acid", "Peu acide (pH > 4,5)")],
                default="low_acid",
                max_length=10,
                verbose_name="catégorie",
            ),
        ),
        migrations.AddField(
            model_name="historicalrecipe",
            name="water_activity",
            field=models.DecimalField(
                blank=True,
                decimal_places=3,
                help_text="Si elle est connue (entre 0 et 1).",
                max_digits=4,
                null=True,
                verbose_name="activité de l'eau (aw)",
            ),
        ),
        migrations.AlterField(
            model_name="recipe",
            name="ph_limit",
            field=models.DecimalField(
                blank=True,
                decimal_places=1,
                help_text="Obligatoire pour un produit acide : pH ≤ 4,5, mesuré à chaque lot.",
                max_digits=3,
                null=True,
                verbose_name="pH maximal",
            ),
        ),
        migrations.AlterField(
            model_name="historicalrecipe",
            name="ph_limit",
            field=models.DecimalField(
                blank=True,
                decimal_places=1,
                help_text="Obligatoire pour un produit acide : pH ≤ 4,5, mesuré à chaque lot.",
                max_digits=3,
                null=True,
                verbose_name="pH maximal",
            ),
        ),
        migrations.AddField(
            model_name="recipeformat",
            name="target_tref_c",
            field=models.DecimalField(
                decimal_places=1, default=Decimal("121.1"), max_digits=4, verbose_name="température de référence (°C)"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="recipeformat",
            name="target_z_c",
            field=models.DecimalField(
                decimal_places=1, default=Decimal("10"), max_digits=4, verbose_name="valeur z (°C)"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="recipeformat",
            name="target_minimum_min",
            field=models.DecimalField(
                decimal_places=2, default=Decimal("3.0"), max_digits=6, verbose_name="valeur minimale (min)"
            ),
            preserve_default=False,
        ),
        migrations.RunPython(classify, migrations.RunPython.noop),
    ]
