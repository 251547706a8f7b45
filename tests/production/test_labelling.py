"""The label model of a lot (production/labelling.py) and what the PDF, the public page and `label-data` print of it.

Figures are computed by hand in the comments: Regulation (EU) 1169/2011 art. 18 (order by weight), 21 (allergens
in the list), 22 and Annex VIII (QUID), Annex IX (net and drained weights); Directive 2001/113/EC (jams);
Regulation (EU) 2018/848 art. 30 and 32 (organic wording); Directive 76/211/EEC Annex I 3.1 (figure heights).
"""

import json
from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO, StringIO

import pypdf
import pypdfium2
import pytest
from django.core.management import CommandError, call_command

from conserverie.producers.models import Product
from conserverie.production.labelling import lot_label, named_in
from conserverie.production.labels import (
    MIN_FONT_PT,
    LabelDoesNotFit,
    LabelIncomplete,
    lot_labels_pdf,
)
from conserverie.production.models import LabellingProfile
from conserverie.production.services import lot_record
from conserverie.recipes.models import HeatTreatment, PantryItem
from conserverie.recipes.services import FormatSpec, pantry_lot_receive, recipe_create
from conserverie.sourcing.services import collection_record

from ..conftest import DAY
from ..helpers import signed_off

N = ("fat", "saturates", "carbohydrate", "sugars", "protein", "salt")


def nutrition(*values):
    return dict(zip(N, values, strict=True))


@pytest.fixture
def place(chain):
    t = chain.territory
    t.organisation = "La Coopération entre 3 lieux"
    t.address = "14 place du Chapitre, 26100 Romans-sur-Isère"
    t.save()
    return chain


@pytest.fixture
def exempt(place):
    return LabellingProfile.objects.create(territory=place.territory, nutrition_exemption="annex_v_19")


def product(name, category="vegetable", allergens=(), values=None):
    item, _ = Product.objects.get_or_create(name=name, defaults={"category": category})
    item.allergens = list(allergens)
    item.nutrition = values or {}
    item.save()
    return item


def pantry(chain, name, allergens=(), values=None, components="", tracked=True):
    return PantryItem.objects.create(
        territory=chain.territory,
        name=name,
        allergens=list(allergens),
        nutrition=values or {},
        components=components,
        lot_tracked=tracked,
    )


def make(chain, code, name, ingredients, *, jars, net=350, drained=None, weighed=None, **recipe_kwargs):
    """A recipe of `ingredients` (item, kg) and a lot of one batch: raw products weighed as the recipe says (or as
    `weighed` says), pantry items at the recipe's quantity, `jars` jars of `net` g."""
    recipe = recipe_create(
        actor=chain.actor,
        territory=chain.territory,
        code=code,
        name=name,
        ingredients=ingredients,
        formats=[FormatSpec(chain.jar, jars, net, HeatTreatment.STERILISATION, Decimal("110"), 45, drained)],
        ph_limit=Decimal("4.2"),
        **recipe_kwargs,
    )
    recipe = signed_off(actor=chain.actor, recipe=recipe)
    weighed = weighed or {}
    raw_inputs = []
    for item, kg in ingredients:
        if isinstance(item, Product):
            kg = weighed.get(item.name, kg)
            raw = collection_record(
                actor=chain.actor, territory=chain.territory, producer=chain.farm, product=item, kg=kg, collected_on=DAY
            )
            raw_inputs.append((raw, Decimal(kg)))
    # Pantry items tracked by lot are weighed in the recipe's proportion to the kilos of produce drawn (the lot
    # refuses otherwise); tap water is not weighed.
    produce = sum((Decimal(kg) for item, kg in ingredients if isinstance(item, Product)), Decimal(0))
    share = sum((kg for _raw, kg in raw_inputs), Decimal(0)) / produce if produce else Decimal(1)
    pantry_inputs = []
    for item, kg in ingredients:
        if isinstance(item, PantryItem) and item.lot_tracked:
            kg = (Decimal(kg) * share).quantize(Decimal("0.001"))
            supply = pantry_lot_receive(
                actor=chain.actor,
                territory=chain.territory,
                item=item,
                supplier="Grossiste",
                supplier_lot=f"L-{item.pk}",
                kg=kg,
                received_on=DAY,
            )
            pantry_inputs.append((supply, kg))
    return lot_record(
        actor=chain.actor,
        territory=chain.territory,
        recipe=recipe,
        produced_on=DAY,
        location=chain.truck,
        raw_inputs=raw_inputs,
        pantry_inputs=pantry_inputs,
        outputs={chain.jar: jars},
    )


def render(lot, **kwargs):
    """One label per format, on two labels a jar (front and back), the layout where the most text fits."""
    return lot_labels_pdf(lot, count=1, layout="front_back", **kwargs)


def pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(BytesIO(content))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def bold_text(content: bytes) -> str:
    bold = []

    def visit(text, cm, tm, font, size):
        if font and "Bold" in font.get("/BaseFont", ""):
            bold.append(text)

    pypdf.PdfReader(BytesIO(content)).pages[0].extract_text(visitor_text=visit)
    return " ".join("".join(bold).split())


def pickles(chain, **kwargs):
    onion, courgette, cucumber = product("Oignon"), product("Courgette"), product("Concombre")
    vinegar, salt = pantry(chain, "Vinaigre de cidre"), pantry(chain, "Sel")
    water = pantry(chain, "Eau", tracked=False)
    ingredients = [
        (onion, Decimal("0.5")),
        (vinegar, Decimal("2.5")),
        (courgette, Decimal("3")),
        (cucumber, Decimal("3")),
        (salt, Decimal("0.15")),
        (water, Decimal("1.5")),
    ]
    return make(chain, kwargs.pop("code", "PICK"), "Pickles courgette-concombre", ingredients, net=330, **kwargs)


# --- Order by weight, water included ------------------------------------------------------------------------------


def test_ingredients_by_decreasing_weight_at_the_time_of_use_ties_in_recipe_order(place, exempt):
    # Total 10.65 kg; courgette and cucumber tie at 3 kg: recipe order. Salt is under 2 % (1.4 %).
    label = lot_label(pickles(place, jars=30))
    assert [(i.name, i.share) for i in label.ingredients] == [
        ("Courgette", Decimal("28.2")),
        ("Concombre", Decimal("28.2")),
        ("Vinaigre de cidre", Decimal("23.5")),
        ("Eau", Decimal("14.1")),
        ("Oignon", Decimal("4.7")),
        ("Sel", Decimal("1.4")),
    ]
    text = pdf_text(lot_labels_pdf(pickles_lot_of(label), count=1).content)  # fits one label a jar
    assert "Ingrédients : Courgette (30 %), Concombre (30 %), Vinaigre de cidre, Eau, Oignon, Sel." in text


def pickles_lot_of(label):
    from conserverie.production.models import ProductionLot

    return ProductionLot.objects.get(code=label.lot)


def test_the_weighed_kilos_decide_not_the_recipe(place, exempt):
    # 4 kg of onion drawn into the lot (the recipe says 0.5): onion now comes first. The vinegar weighed follows the
    # recipe's proportion to the 10 kg of vegetables drawn (2.5 kg for 6.5 kg: 3.846 kg), before the courgettes.
    label = lot_label(pickles(place, jars=30, weighed={"Oignon": Decimal("4")}))
    assert [(i.name, i.kg) for i in label.ingredients][:4] == [
        ("Oignon", Decimal("4")),
        ("Vinaigre de cidre", Decimal("3.846")),
        ("Courgette", Decimal("3")),
        ("Concombre", Decimal("3")),
    ]


# --- QUID -------------------------------------------------------------------------------------------------------


def test_quid_at_the_time_of_use_when_no_moisture_is_lost(place, exempt):
    # 33 jars × 330 g = 10.89 kg ≥ 10.65 kg used: 3 / 10.65 = 28.2 % → "28 %" for each vegetable named.
    label = lot_label(pickles(place, jars=33))
    printed = {i.name: (i.percent, i.per_100g) for i in label.ingredients}
    assert printed["Courgette"] == (Decimal(28), False)
    assert printed["Concombre"] == (Decimal(28), False)
    assert printed["Oignon"] == (None, False)


def test_quid_per_100_g_of_finished_product_when_cooking_lost_more_than_100_percent(place, exempt):
    # Coulis: 10 kg of tomato and 0.5 kg of onion give 24 × 350 g = 8.4 kg: 10 / 8.4 = 119 g per 100 g.
    tomato = place.tomato
    lot = make(
        place, "CTOM", "Coulis de tomate", [(tomato, Decimal("10")), (product("Oignon"), Decimal("0.5"))], jars=24
    )
    label = lot_label(lot)
    assert (label.ingredients[0].percent, label.ingredients[0].per_100g) == (Decimal(119), True)
    text = pdf_text(lot_labels_pdf(lot, count=1).content)
    assert "Tomate (119 g pour 100 g), Oignon." in text
    assert label.as_json()["ingredients"][0] == {
        "name": "Tomate",
        "percent": 119.0,
        "share": 95.2,
        "allergen": False,
        "organic": False,
    }


@pytest.mark.parametrize(
    ("food", "ingredient", "named"),
    [
        ("Soupe de potiron au céleri", "Céleri-rave", True),
        ("Confiture de figue aux noix", "Noix", True),
        ("Betteraves au vinaigre", "Vinaigre de vin rouge", True),
        ("Chutney de courge à la moutarde", "Graines de moutarde", True),
        ("Coulis de tomate au basilic", "Huile d'olive vierge extra", False),
        ("Coulis de tomate au basilic", "Sel gris", False),
        ("Pêches au sirop léger", "Pêche", True),
    ],
)
def test_ingredients_named_in_the_name_of_the_food(food, ingredient, named):
    assert named_in(food, ingredient) is named


# --- Jams ----------------------------------------------------------------------------------------------------------


def test_jam_fruit_and_total_sugar_per_100_g_and_nutrition_declaration(place):
    fig = product("Figue", "fruit", values=nutrition(0.3, 0.06, 16.3, 16.3, 0.8, 0.01))
    walnut = product("Noix", "fruit", allergens=["nuts"], values=nutrition(64, 6, 10, 2.6, 15, 0.01))
    sugar = pantry(place, "Sucre", values=nutrition(0, 0, 100, 100, 0, 0))
    lemon = pantry(place, "Jus de citron", values=nutrition(0.2, 0.04, 2.4, 1.5, 0.4, 0.01))
    ingredients = [(fig, Decimal("5")), (walnut, Decimal("0.5")), (sugar, Decimal("2.5")), (lemon, Decimal("0.1"))]
    lot = make(place, "CFIG", "Confiture de figue aux noix", ingredients, jars=19, net=310, jam_kind="jam")
    label = lot_label(lot)
    # 19 × 310 g = 5.89 kg of jam. Fruit: 5 kg (walnuts are nuts, not fruit): 84.9 → 84 g (never rounded up).
    assert label.fruit_g_per_100g == 84
    # Sugars: 5 × 16.3 + 0.5 × 2.6 + 2.5 × 100 + 0.1 × 1.5 = 332.95 g per kg used… / 5.89 = 56.5 → 57 g.
    assert label.sugar_g_per_100g == 57
    # QUID of the walnuts on the finished product (moisture lost): 0.5 / 5.89 = 8.5 %; the figs are covered by
    # the fruit content (Annex VIII point 2(a)(ii)).
    assert {i.name: i.percent for i in label.ingredients} == {
        "Figue": None,
        "Sucre": None,
        "Noix": Decimal("8.5"),
        "Jus de citron": None,
    }
    # Energy (Annex XIV): fat 33.52 / 5.89 = 5.691, carbohydrate 336.74 / 5.89 = 57.17, protein 11.54 / 5.89 = 1.959:
    # 37 × 5.691 + 17 × (57.17 + 1.959) = 1216 kJ; 9 × 5.691 + 4 × (57.17 + 1.959) = 288 kcal.
    assert (label.nutrition["energy_kj"], label.nutrition["energy_kcal"]) == (1216, 288)
    assert label.nutrition_exemption is None
    # The whole text does not fit one L7163 label at the legal sizes: two labels per jar, front and back.
    with pytest.raises(LabelDoesNotFit):
        lot_labels_pdf(lot, count=1)
    pdf = lot_labels_pdf(lot, count=1, layout="front_back")
    text = pdf_text(pdf.content)
    assert "Préparée avec 84 g de fruits pour 100 g." in text
    assert "Teneur totale en sucres : 57 g pour 100 g." in text
    assert "Valeurs nutritionnelles pour 100 g : énergie 1216 kJ / 288 kcal" in text
    assert "Noix (8,5 %)" in text
    assert "Noix" in bold_text(pdf.content)
    data = label.as_json()
    assert (data["fruit_g_per_100g"], data["sugar_g_per_100g"]) == (84, 57)
    assert data["allergens"] == ["Fruits à coque"]


# --- Allergens -------------------------------------------------------------------------------------------------------


def test_allergens_bold_inside_the_list_with_compounds_and_no_separate_line(place, exempt):
    celeriac = product("Céleri-rave", allergens=["celery"])
    mustard = pantry(
        place, "Moutarde à l'ancienne", allergens=["mustard"], components="eau, graines de moutarde, vinaigre, sel"
    )
    raisins = pantry(place, "Raisins secs", allergens=["sulphites"])
    ingredients = [
        (place.tomato, Decimal("5")),
        (celeriac, Decimal("1")),
        (mustard, Decimal("0.3")),
        (raisins, Decimal("0.2")),
    ]
    lot = make(place, "SOUP", "Velouté de tomate", ingredients, jars=18, may_contain=["nuts", "celery"])
    label = lot_label(lot)
    assert label.allergens == ["celery", "mustard", "sulphites"]
    assert label.may_contain == ["nuts"]  # a derived allergen is never only "may contain"
    pdf = render(lot)
    text = pdf_text(pdf.content)
    assert (
        "Céleri-rave, Moutarde à l'ancienne (eau, graines de moutarde, vinaigre, sel), Raisins secs (sulfites)." in text
    )
    assert "Peut contenir : fruits à coque." in text
    assert "Allergènes" not in text
    bold = bold_text(pdf.content)
    for word in ("Céleri", "Moutarde", "moutarde", "sulfites"):
        assert word in bold
    assert "Tomate" not in bold
    assert "Raisins" not in bold
    data = label.as_json()
    assert [(i["name"], i["allergen"]) for i in data["ingredients"]] == [
        ("Tomate", False),
        ("Céleri-rave", True),
        ("Moutarde à l'ancienne", True),
        ("Raisins secs", True),
    ]
    assert data["allergens"] == ["Céleri", "Moutarde", "Anhydride sulfureux et sulfites"]
    assert data["may_contain"] == ["Fruits à coque"]


# --- Drained weight --------------------------------------------------------------------------------------------------


def test_solids_in_a_liquid_carry_the_drained_net_weight(place, exempt):
    peach = product("Pêche", "fruit")
    water, sugar = pantry(place, "Eau", tracked=False), pantry(place, "Sucre")
    ingredients = [(peach, Decimal("7")), (water, Decimal("4")), (sugar, Decimal("1.2"))]
    lot = make(place, "CPEC", "Pêches au sirop léger", ingredients, jars=17, net=700, drained=450, liquid_medium=True)
    label = lot_label(lot)
    assert [i.name for i in label.ingredients] == ["Pêche", "Eau", "Sucre"]
    data = label.as_json()
    assert (data["net_g"], data["drained_g"]) == (700, 450)
    text = pdf_text(render(lot).content)
    assert "Poids net : 700 g · Poids net égoutté : 450 g" in text


# --- Organic wording -------------------------------------------------------------------------------------------------


def organic_lot(chain):
    sugar = pantry(chain, "Sucre de canne bio")
    return make(
        chain, "CPOM", "Compote de pomme", [(product("Pomme", "fruit"), Decimal("9")), (sugar, Decimal("1"))], jars=24
    )


def test_no_bio_without_a_recorded_organic_certification(place, exempt):
    lot = organic_lot(place)
    label = lot_label(lot)
    assert [(i.name, i.organic) for i in label.ingredients] == [("Pomme", False), ("Sucre de canne", False)]
    text = pdf_text(render(lot).content)
    assert "Sucre de canne." in text
    assert "bio" not in text.lower().replace("biologique", "")


def test_bio_kept_with_the_certifier_code_when_the_certification_is_valid(place, exempt):
    exempt.organic_certifier = "Organisme test"
    exempt.organic_certifier_code = "FR-BIO-01"
    exempt.organic_certificate_number = "123"
    exempt.organic_valid_until = DAY + timedelta(days=30)
    exempt.full_clean()
    exempt.save()
    lot = organic_lot(place)
    label = lot_label(lot)
    assert [(i.name, i.organic) for i in label.ingredients] == [("Pomme", False), ("Sucre de canne bio", True)]
    assert label.organic_share == Decimal(10)  # 1 kg of 10 kg of agricultural ingredients
    text = pdf_text(render(lot).content)
    assert "Sucre de canne bio*" in text
    assert "10 % des ingrédients d'origine agricole. FR-BIO-01" in text
    # Expired on the production day: the word goes.
    exempt.organic_valid_until = DAY - timedelta(days=1)
    exempt.save()
    assert [i.name for i in lot_label(lot).ingredients] == ["Pomme", "Sucre de canne"]


def test_the_certifier_code_is_checked(place, exempt):
    from django.core.exceptions import ValidationError

    exempt.organic_certifier_code = "BIO 01"
    with pytest.raises(ValidationError, match="FR-BIO-01"):
        exempt.full_clean()


def test_another_territorys_certification_does_not_count(place, other_chain):
    LabellingProfile.objects.create(
        territory=other_chain.territory,
        nutrition_exemption="annex_v_19",
        organic_certifier="Organisme test",
        organic_certifier_code="FR-BIO-01",
        organic_certificate_number="1",
        organic_valid_until=date(2099, 1, 1),
    )
    LabellingProfile.objects.create(territory=place.territory, nutrition_exemption="annex_v_19")
    assert [i.name for i in lot_label(organic_lot(place)).ingredients] == ["Pomme", "Sucre de canne"]


# --- Nothing dropped -------------------------------------------------------------------------------------------------


def test_no_label_without_a_mandatory_particular(place, client, animator, tmp_path):
    # No nutrition values and no exemption recorded; no address: nothing is printed.
    place.territory.address = ""
    place.territory.save()
    lot = make(place, "CTOM", "Coulis de tomate", [(place.tomato, Decimal("10"))], jars=24)
    with pytest.raises(LabelIncomplete) as info:
        lot_labels_pdf(lot)
    assert "adresse de l'exploitant" in str(info.value)
    assert "déclaration nutritionnelle" in str(info.value)
    out = tmp_path / "x.pdf"
    with pytest.raises(CommandError, match="adresse de l'exploitant"):
        call_command("labels", lot.code, "--out", str(out))
    assert not out.exists()
    client.force_login(animator)
    response = client.get(f"/t/romans/lots/{lot.code}/etiquettes.pdf", follow=True)
    assert response["Content-Type"].startswith("text/html")
    assert "adresse de l&#x27;exploitant" in response.content.decode()


def test_text_too_long_for_a_sheet_gives_no_pdf_and_names_what_fits(place, exempt, client, animator, tmp_path):
    spices = [(pantry(place, f"Épice numéro {i} de la maison"), Decimal("0.01")) for i in range(14)]
    lot = make(place, "CTOM", "Coulis de tomate", [(place.tomato, Decimal("10")), *spices], jars=24)
    with pytest.raises(LabelDoesNotFit) as info:
        lot_labels_pdf(lot, sheet="L7160")
    assert info.value.fits
    assert ("L7160", "single") not in info.value.fits
    message = str(info.value)
    assert "L7160" in message
    assert "Ce qui tient" in message
    out = tmp_path / "x.pdf"
    with pytest.raises(CommandError, match="ne tient pas"):
        call_command("labels", lot.code, "--out", str(out), "--sheet", "L7160")
    assert not out.exists()
    client.force_login(animator)
    response = client.get(f"/t/romans/lots/{lot.code}/etiquettes.pdf?sheet=L7160", follow=True)
    page = response.content.decode()
    assert "ne tient pas sur une étiquette L7160" in page
    fit_sheet, fit_layout = info.value.fits[0]
    pdf = lot_labels_pdf(lot, sheet=fit_sheet, layout=fit_layout, count=1)
    text = pdf_text(pdf.content)
    for i in range(14):
        assert f"Épice numéro {i} de la maison" in text


# --- Sizes -----------------------------------------------------------------------------------------------------------


def net_figure_heights_mm(content: bytes, net: str) -> list[float]:
    """Heights of the net quantity's figures as a PDF renderer places them (pdfium's glyph boxes)."""
    page = pypdfium2.PdfDocument(content)[0]
    textpage = page.get_textpage()
    chars = [textpage.get_text_range(i, 1) for i in range(textpage.count_chars())]
    text = "".join(chars)
    start = text.index(f"Poids net : {net}") + len("Poids net : ")
    heights = []
    for k in range(start, start + len(net)):
        if chars[k].isdigit():
            left, bottom, right, top = textpage.get_charbox(k)
            heights.append((top - bottom) * 25.4 / 72)
    return heights


@pytest.mark.parametrize(("net", "minimum"), [(30, 2.0), (120, 3.0), (350, 4.0), (1500, 6.0)])
def test_net_quantity_figures_are_tall_enough_measured_in_the_pdf(place, exempt, net, minimum):
    lot = make(place, f"N{net}", "Coulis de tomate", [(place.tomato, Decimal("10"))], jars=10, net=net)
    pdf = render(lot)
    heights = net_figure_heights_mm(pdf.content, f"{net} g")
    assert len(heights) == len(str(net))
    assert min(heights) >= minimum, heights
    print(f"{net} g: figures {min(heights):.2f}–{max(heights):.2f} mm (minimum {minimum} mm)")  # pytest -s
    # …and no text anywhere below the 1.2 mm x-height.
    assert pdf.smallest_font_pt >= MIN_FONT_PT


# --- label-data ------------------------------------------------------------------------------------------------------

SCHEMA = {
    "lot",
    "name",
    "ingredients",
    "allergens",
    "may_contain",
    "net_g",
    "drained_g",
    "fruit_g_per_100g",
    "sugar_g_per_100g",
    "ddm",
    "storage",
    "operator",
    "nutrition",
    "nutrition_exemption",
}


def test_label_data_prints_the_issue_schema(place, exempt):
    lot = pickles(place, jars=30)
    out = StringIO()
    call_command("label-data", lot.code, "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert set(data) == SCHEMA
    assert set(data["ingredients"][0]) == {"name", "percent", "share", "allergen", "organic"}
    assert data["lot"] == lot.code
    assert data["ddm"] == lot.best_before.isoformat()
    assert data["operator"] == {
        "name": "La Coopération entre 3 lieux",
        "address": "14 place du Chapitre, 26100 Romans-sur-Isère",
    }
    assert data["nutrition"] is None
    assert data["nutrition_exemption"].startswith("Annexe V, point 19")
    assert (data["net_g"], data["drained_g"], data["fruit_g_per_100g"], data["sugar_g_per_100g"]) == (
        330,
        None,
        None,
        None,
    )
    assert [i["share"] for i in data["ingredients"]] == [28.2, 28.2, 23.5, 14.1, 4.7, 1.4]


def test_label_data_refuses_an_unknown_lot(db):
    with pytest.raises(CommandError, match="^Lot inconnu : « NOPE-1 »\\.$"):
        call_command("label-data", "NOPE-1", "--json")


# --- Public page -----------------------------------------------------------------------------------------------------


def test_the_public_page_shows_the_same_label(place, exempt, client, django_assert_max_num_queries):
    celeriac = product("Céleri-rave", allergens=["celery"])
    lot = make(
        place, "SOUP", "Soupe de tomate au céleri", [(place.tomato, Decimal("6")), (celeriac, Decimal("1.5"))], jars=20
    )
    with django_assert_max_num_queries(12):
        page = client.get(f"/l/{lot.code}/").content.decode()
    assert "<b>Céleri</b>-rave" in page
    assert "Tomate (" in page
    assert "Céleri</b>-rave (" in page
    assert "La Coopération entre 3 lieux" in page
    assert "Allergènes</dt>" not in page


def test_label_data_picks_the_jar_format_of_a_lot_filling_several(place, exempt):
    from conserverie.territories.models import JarFormat

    big = JarFormat.objects.create(territory=place.territory, name="Bocal 750 ml", volume_ml=750, deposit_eur=1)
    specs = [
        FormatSpec(place.jar, 20, 350, HeatTreatment.STERILISATION, Decimal("110"), 45),
        FormatSpec(big, 10, 720, HeatTreatment.STERILISATION, Decimal("110"), 60),
    ]
    recipe = recipe_create(
        actor=place.actor,
        territory=place.territory,
        code="CTOM",
        name="Coulis de tomate",
        ingredients=[(place.tomato, Decimal("10"))],
        formats=specs,
        ph_limit=Decimal("4.2"),
    )
    recipe = signed_off(actor=place.actor, recipe=recipe)
    lot = lot_record(
        actor=place.actor,
        territory=place.territory,
        recipe=recipe,
        produced_on=DAY,
        location=place.truck,
        raw_inputs=[(place.raw, Decimal("10"))],
        outputs={place.jar: 8, big: 6},
    )
    out = StringIO()
    call_command("label-data", lot.code, "--json", stdout=out)
    assert json.loads(out.getvalue())["net_g"] == 350  # the smallest jar by default
    out = StringIO()
    call_command("label-data", lot.code, "--json", "--format", "750", stdout=out)
    assert json.loads(out.getvalue())["net_g"] == 720
    with pytest.raises(CommandError, match="n'a pas de bocal de 500 ml"):
        call_command("label-data", lot.code, "--json", "--format", "500")
    # 8 × 350 g + 6 × 720 g = 7.12 kg from 10 kg of tomato: 140 g per 100 g of coulis.
    assert lot_label(lot).ingredients[0].percent == Decimal(140)
