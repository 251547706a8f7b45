"""Labels read back from the PDF: the text a person reads, the QR code a phone scans, the smallest font."""

from io import BytesIO

import pypdf
import pypdfium2
import pytest
import zxingcpp
from django.core.management import CommandError, call_command

from conserverie.production.labels import MIN_FONT_PT, SHEETS, X_HEIGHT_EM, LabelDoesNotFit, lot_labels_pdf, lot_url
from conserverie.production.models import LabellingProfile

from ..helpers import released_lot


@pytest.fixture
def lot(chain, settings):
    settings.SITE_URL = "https://conserverie.example.org"
    chain.territory.organisation = "La Coopération entre 3 lieux"
    chain.territory.address = "14 place du Chapitre, 26100 Romans-sur-Isère"
    chain.territory.save()
    LabellingProfile.objects.create(territory=chain.territory, nutrition_exemption="annex_v_19")
    lot = released_lot(chain, jars=17)
    snapshot = lot.recipe_snapshot
    snapshot["ingredients"].append(
        {"name": "Graines de moutarde", "kg_per_batch": "0.05", "raw": False, "allergens": ["mustard"]}
    )
    snapshot["allergens"] = ["mustard"]
    lot.recipe_snapshot = snapshot
    lot.save()
    return lot


def font_sizes(reader: pypdf.PdfReader) -> list[float]:
    """Every font size set by a Tf operator, times the text matrix scale (ReportLab writes 1 0 0 1 x y)."""
    sizes = []

    def before(op, args, cm, tm):
        if op == b"Tf":
            sizes.append(float(args[1]) * abs(tm[3]) * abs(cm[3]))

    for page in reader.pages:
        page.extract_text(visitor_operand_before=before)
    return sizes


def decoded_qr_codes(content: bytes) -> list[str]:
    pdf = pypdfium2.PdfDocument(content)
    image = pdf[0].render(scale=300 / 72).to_pil()
    return sorted({result.text for result in zxingcpp.read_barcodes(image)})


# On the small L7160 label the mandatory text at the legal sizes needs two labels a jar (front and back).
SHEET_LAYOUTS = [("L7163", "single", 1), ("L7160", "front_back", 2)]


@pytest.mark.parametrize(("sheet", "layout", "per_jar"), SHEET_LAYOUTS)
def test_one_label_per_jar_with_what_the_law_asks(lot, sheet, layout, per_jar):
    pdf = lot_labels_pdf(lot, sheet=sheet, layout=layout)
    grid = SHEETS[sheet]
    assert pdf.labels == 17 * per_jar
    assert pdf.pages == -(-17 * per_jar // grid.per_sheet)
    reader = pypdf.PdfReader(BytesIO(pdf.content))
    assert len(reader.pages) == pdf.pages
    text = " ".join(page.extract_text() for page in reader.pages)
    flat = " ".join(text.split())
    assert flat.count(lot.code) >= 17
    assert "Coulis de tomate" in flat
    assert f"{lot.best_before:%d/%m/%Y}" in flat
    assert "À consommer de préférence avant le" in flat
    assert "Graines de moutarde" in flat
    assert "Allergènes" not in flat  # emphasised inside the list, never repeated apart
    assert "Poids net : 350 g" in flat
    assert "Consigne du bocal : 1,00 €" in flat
    assert "La Coopération entre 3 lieux" in flat
    assert "26100 Romans-sur-Isère" in flat


def test_allergens_are_bold_and_no_text_is_below_the_legal_x_height(lot):
    pdf = lot_labels_pdf(lot, sheet="L7160", layout="front_back")
    reader = pypdf.PdfReader(BytesIO(pdf.content))
    sizes = font_sizes(reader)
    assert sizes
    assert min(sizes) >= MIN_FONT_PT
    assert pdf.smallest_font_pt >= MIN_FONT_PT
    # 1.2 mm x-height (Regulation (EU) 1169/2011, Annex IV) with the smallest x-height of the printed font.
    assert float(MIN_FONT_PT) * 25.4 / 72 * float(X_HEIGHT_EM) >= 1.2
    bold = []

    def visit(text, cm, tm, font, size):
        if font and "Bold" in font.get("/BaseFont", ""):
            bold.append(text)

    reader.pages[0].extract_text(visitor_text=visit)
    bold_text = "".join(bold)
    assert "moutarde" in bold_text
    assert "Graines" not in bold_text  # the allergen's word, not the whole name
    assert lot.code in bold_text


@pytest.mark.parametrize(("sheet", "layout", "per_jar"), SHEET_LAYOUTS)
def test_the_qr_code_decodes_to_the_public_lot_page(lot, sheet, layout, per_jar):
    content = lot_labels_pdf(lot, sheet=sheet, layout=layout).content
    url = lot_url(lot)
    assert url == f"https://conserverie.example.org/l/{lot.code}/"
    assert decoded_qr_codes(content) == [url]


def test_count_overrides_the_number_of_labels(lot):
    pdf = lot_labels_pdf(lot, count=30)
    assert pdf.labels == 30
    assert pdf.pages == 3


def test_labels_command_writes_the_pdf(lot, tmp_path):
    out = tmp_path / "etiquettes.pdf"
    call_command("labels", lot.code, "--out", str(out), "--sheet", "L7160", "--layout", "front_back", "--count", "5")
    reader = pypdf.PdfReader(out)
    assert len(reader.pages) == 1
    assert lot.code in reader.pages[0].extract_text()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["NOPE-1"], "Lot inconnu"),
        (["{code}", "--sheet", "L9999"], "Format de planche inconnu"),
        (["{code}", "--count", "0"], "au moins 1"),
    ],
)
def test_labels_command_refuses_bad_input(lot, tmp_path, args, message):
    args = [a.format(code=lot.code) for a in args]
    with pytest.raises(CommandError, match=message):
        call_command("labels", *args, "--out", str(tmp_path / "x.pdf"))
    assert not (tmp_path / "x.pdf").exists()


def test_staff_download_the_labels_from_the_lot_page(client, lot, animator):
    url = f"/t/romans/lots/{lot.code}/etiquettes.pdf"
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(animator)
    assert f'href="{url}"' in client.get(f"/t/romans/lots/{lot.code}/").content.decode()
    response = client.get(url + "?sheet=L7160&layout=front_back")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="etiquettes-{lot.code}-L7160-recto-verso.pdf"' in response["Content-Disposition"]
    assert len(pypdf.PdfReader(BytesIO(response.content)).pages) == 2  # 17 jars × 2 labels on sheets of 21
    assert client.get(url + "?sheet=A4").status_code == 404


def test_text_too_long_for_the_small_sheet_is_refused_never_cut_nor_shrunk_below_the_minimum(lot):
    snapshot = lot.recipe_snapshot
    snapshot["ingredients"] += [{"name": f"Épice numéro {i}", "kg_per_batch": "0.01", "raw": False} for i in range(40)]
    lot.recipe_snapshot = snapshot
    with pytest.raises(LabelDoesNotFit) as info:
        lot_labels_pdf(lot, sheet="L7160", count=1)
    assert ("L7160", "single") not in info.value.fits
    assert ("L7160", "front_back") not in info.value.fits
    snapshot["ingredients"] = snapshot["ingredients"][:12]
    pdf = lot_labels_pdf(lot, sheet="L7160", count=1, layout="front_back")
    assert pdf.smallest_font_pt >= MIN_FONT_PT
    assert min(font_sizes(pypdf.PdfReader(BytesIO(pdf.content)))) >= MIN_FONT_PT
