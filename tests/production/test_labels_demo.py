"""Every demo recipe on every label sheet: a PDF only when every mandatory particular is in it (read back by pypdf)."""

import contextlib
import os
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pypdf
import pypdfium2
import pytest

from conserverie.demo.farms import ensure_products
from conserverie.demo.recipes import RECIPES, create_labelling, create_pantry, create_recipes
from conserverie.production.labelling import lot_label, mandatory_texts
from conserverie.production.labels import LAYOUTS, SHEETS, LabelDoesNotFit, lot_labels_pdf
from conserverie.production.services import lot_record
from conserverie.recipes.services import pantry_lot_receive
from conserverie.sourcing.services import collection_record
from conserverie.territories.models import JarFormat

from ..conftest import DAY


@pytest.fixture
def demo_lots(chain):
    t = chain.territory
    t.organisation = "La Coopération entre 3 lieux"
    t.address = "14 place du Chapitre, 26100 Romans-sur-Isère"
    t.save()
    jars = {375: chain.jar}
    for ml in (250, 750):
        jars[ml] = JarFormat.objects.create(territory=t, name=f"Bocal {ml} ml", volume_ml=ml, deposit_eur=Decimal("1"))
    products = ensure_products()
    pantry = create_pantry(territory=t)
    create_labelling(territory=t)
    recipes = create_recipes(actor=chain.actor, territory=t, products=products, pantry=pantry, jars=jars)
    lots = []
    for recipe in recipes.values():
        raw_inputs = []
        for ingredient in recipe.ingredients.filter(product__isnull=False).select_related("product"):
            raw = collection_record(
                actor=chain.actor,
                territory=t,
                producer=chain.farm,
                product=ingredient.product,
                kg=ingredient.kg_per_batch.quantize(Decimal("0.01")),
                collected_on=DAY,
            )
            raw_inputs.append((raw, ingredient.kg_per_batch.quantize(Decimal("0.01"))))
        # The pantry items tracked by lot are weighed as the recipe says (one batch): the lot refuses otherwise.
        pantry_inputs = []
        for ingredient in recipe.ingredients.filter(pantry_item__lot_tracked=True).select_related("pantry_item"):
            supply = pantry_lot_receive(
                actor=chain.actor,
                territory=t,
                item=ingredient.pantry_item,
                supplier="Grossiste",
                supplier_lot=f"L-{ingredient.pk}",
                kg=ingredient.kg_per_batch,
                received_on=DAY,
            )
            pantry_inputs.append((supply, ingredient.kg_per_batch))
        # One batch goes into the recipe's first format, as at the workshop.
        first = recipe.formats.select_related("jar_format").order_by("pk").first()
        outputs = {first.jar_format: first.jars_per_batch}
        lots.append(
            lot_record(
                actor=chain.actor,
                territory=t,
                recipe=recipe,
                produced_on=DAY,
                location=chain.truck,
                raw_inputs=raw_inputs,
                pantry_inputs=pantry_inputs,
                outputs=outputs,
            )
        )
    return lots


def test_every_demo_recipe_on_every_sheet_prints_every_mandatory_particular(demo_lots):
    assert len(demo_lots) == len(RECIPES)
    single = {}
    for lot in demo_lots:
        label = lot_label(lot)
        assert label.missing == [], (lot.code, label.missing)
        for sheet in SHEETS:
            printed, refusals = [], []
            for layout in LAYOUTS:
                try:
                    pdf = lot_labels_pdf(lot, sheet=sheet, layout=layout, count=1, label=label)
                except LabelDoesNotFit as exc:
                    refusals.append(exc)
                    continue
                printed.append(layout)
                reader = pypdf.PdfReader(BytesIO(pdf.content))
                text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
                for fmt in label.formats:
                    for particular in mandatory_texts(label, fmt):
                        assert particular in text, (lot.code, sheet, layout, particular)
                assert "Allergènes" not in text
            # Two labels a jar (front and back) always hold the whole text; a refusal names what fits.
            assert "front_back" in printed, (lot.code, sheet)
            assert all(("L7163", "front_back") in exc.fits for exc in refusals)
            single.setdefault(sheet, []).extend([lot.recipe.code] if "single" in printed else [])
    print("one label a jar fits:", single)  # measured, for docs/labels-en.md (pytest -s)


def test_demo_recipes_carry_their_real_weights(demo_lots):
    labels = {lot.recipe.code: lot_label(lot) for lot in demo_lots}
    # Jams: fruit content at least the 35 g per 100 g of a "confiture" (décret n° 85-872), sugar content known.
    for code in ("CABR", "CFRA", "CCER", "CPRU", "CFIG"):
        assert labels[code].fruit_g_per_100g >= 35, code
        assert labels[code].sugar_g_per_100g is not None, code
    # Water, syrup and brine are ingredients in their place by weight; the drained weight is printed.
    assert [i.name for i in labels["CPEC"].ingredients] == ["Pêche", "Eau", "Sucre de canne"]
    assert labels["CPEC"].formats[0].drained_g == 450
    assert "Eau" in [i.name for i in labels["SOUP"].ingredients][:2]
    # Allergens come from the ingredients: celery in celeriac, nuts in walnuts, sulphites in wine vinegar and
    # dried grapes, mustard seeds.
    assert labels["SOUP"].allergens == ["celery"]
    assert labels["CFIG"].allergens == ["nuts"]
    assert labels["BETT"].allergens == ["sulphites"]
    assert labels["CHUT"].allergens == ["mustard", "sulphites"]
    assert labels["CPRU"].may_contain == ["nuts"]
    # Romans holds no organic certification: no "bio" on its labels.
    for label in labels.values():
        assert not any("bio" in i.name.lower().split() for i in label.ingredients)


@pytest.mark.skipif(not os.environ.get("CONSERVERIE_LABEL_IMAGES"), reason="writes the labels guide's pictures")
def test_write_the_pictures_of_the_labels_guide(demo_lots):
    """CONSERVERIE_LABEL_IMAGES=docs/img pytest -k pictures: one label of each kind, as printed (200 dpi PNG)."""
    folder = Path(os.environ["CONSERVERIE_LABEL_IMAGES"])
    by_code = {lot.recipe.code: lot for lot in demo_lots}
    for code, name in (("CFIG", "confiture"), ("CPEC", "liquide"), ("SOUP", "soupe"), ("CTOM", "simple")):
        lot = by_code[code]
        layout = "front_back"
        with contextlib.suppress(LabelDoesNotFit):
            lot_labels_pdf(lot, sheet="L7163", layout="single", count=1)
            layout = "single"
        pdf = lot_labels_pdf(lot, sheet="L7163", layout=layout, count=1)
        scale = 200 / 72
        image = pypdfium2.PdfDocument(pdf.content)[0].render(scale=scale).to_pil()
        sheet = SHEETS["L7163"]
        px = scale * 72 / 25.4  # pixels per mm
        right = sheet.left + (sheet.pitch_x + sheet.width if layout == "front_back" else sheet.width)
        box = (sheet.left - 1, sheet.top - 1, right + 1, sheet.top + sheet.height + 1)
        image.crop(tuple(round(v * px) for v in box)).save(folder / f"label-{name}.png", optimize=True)
