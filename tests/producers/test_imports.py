"""Import of producers from CSV or XLSX: every bad row reported together, nothing written; export re-imports."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from conserverie.producers import imports
from conserverie.producers.imports import ImportRefused, producers_import, read_file
from conserverie.producers.models import Producer
from conserverie.producers.services import producer_create

from ..helpers import forbidden, table_counts
from ..pages import text

HEADER = "nom;commune;latitude;longitude;distance_km;certifiee_ab;fin_certification;reseaux;active"
GOOD = [
    "Ferme des Lilas;Peyrins;45,09;5,04;6,2;oui;31/12/2027;CIVAM, AMAP;oui",
    "Jardin du Ruisseau;Alixan;44.98;5.03;;non;;;",
    "Vergers d'Octobre;Clérieux;45,08;4,96;;oui;2027-03-01;Agribiodrôme;non",
]
URL = "/t/romans/producteurs/import/"


def upload(lines, name="fermes.csv", encoding="utf-8"):
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode(encoding), content_type="text/csv")


def xlsx_upload(rows, name="fermes.xlsx"):
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def test_a_good_csv_creates_every_farm_with_its_values(romans, coordinator):
    created = producers_import(actor=coordinator, territory=romans.territory, rows=read_file(upload([HEADER, *GOOD])))
    assert [p.name for p in created] == ["Ferme des Lilas", "Jardin du Ruisseau", "Vergers d'Octobre"]
    lilas, ruisseau, vergers = created
    assert lilas.lat == Decimal("45.09")
    assert lilas.distance_km == Decimal("6.2")
    assert lilas.certification_expiry == date(2027, 12, 31)
    assert lilas.networks == "CIVAM, AMAP"
    assert not ruisseau.organic_certified
    assert ruisseau.certification_expiry is None
    assert ruisseau.is_active
    # No distance in the file: computed from the hub (45.0431, 5.0511) by great circle.
    assert ruisseau.distance_km == Decimal("7.2")
    assert vergers.certification_expiry == date(2027, 3, 1)
    assert not vergers.is_active


def test_every_bad_row_is_reported_with_its_line_and_nothing_is_written(romans, coordinator):
    producer_create(
        actor=coordinator,
        territory=romans.territory,
        name="Ferme Existante",
        commune="Peyrins",
        lat=Decimal("45.1"),
        lon=Decimal("5.0"),
    )
    lines = [
        HEADER,
        GOOD[0],  # line 2: fine
        ";Peyrins;45;5;;;;;",  # 3: no name
        "Ferme Nord;Peyrins;95;5;;;;;",  # 4: latitude out of range
        "Ferme Est;Peyrins;45;abc;;;;;",  # 5: longitude not a number
        "Ferme Sud;Peyrins;45;5;;;32/13/2027;;",  # 6: bad date
        "ferme des lilas;Peyrins;45;5;;;;;",  # 7: same name as line 2
        "Ferme Existante;Peyrins;45;5;;;;;",  # 8: already in the territory
        "Ferme Ouest;Peyrins;45;5;-3;peut-être;;;",  # 9: negative distance and not a yes/no
    ]
    before = table_counts()
    with pytest.raises(ImportRefused) as info:
        producers_import(actor=coordinator, territory=romans.territory, rows=read_file(upload(lines)))
    assert table_counts() == before
    problems = dict(info.value.problems)
    assert sorted(problems) == [3, 4, 5, 6, 7, 8, 9]
    assert "« nom » est vide" in problems[3]
    assert problems[4] == "Latitude hors limites (entre -90 et 90)."
    assert "« abc » n'est pas un nombre (longitude)" in problems[5]
    assert problems[6] == "Date « 32/13/2027 » illisible (attendu JJ/MM/AAAA)."
    assert problems[7] == "Même nom qu'à la ligne 2."
    assert "existe déjà sur le territoire" in problems[8]
    assert "distance ne peut pas être négative" in problems[9]
    assert "« peut-être » : répondez oui ou non" in problems[9]


def test_missing_required_columns_are_named(romans, coordinator):
    with pytest.raises(ImportRefused) as info:
        read_file(upload(["nom;commune", "Ferme;Peyrins"]))
    assert info.value.problems == [(1, "Colonnes obligatoires absentes : latitude, longitude.")]


def test_an_empty_file_is_refused(romans):
    with pytest.raises(ImportRefused) as info:
        read_file(upload([HEADER]))
    assert "aucune ligne" in info.value.problems[0][1]


def test_a_windows_spreadsheet_csv_with_commas_is_read(romans, coordinator):
    lines = ["nom,commune,latitude,longitude", "Ferme Énergie,Génissieux,45.08,5.08"]
    created = producers_import(
        actor=coordinator, territory=romans.territory, rows=read_file(upload(lines, encoding="cp1252"))
    )
    assert created[0].name == "Ferme Énergie"
    assert created[0].commune == "Génissieux"


def test_xlsx_import_reports_bad_rows_by_spreadsheet_line(romans, coordinator):
    rows = [
        HEADER.split(";"),
        ["Ferme XL", "Peyrins", 45.09, 5.04, None, "oui", date(2027, 5, 1), "AMAP", "oui"],
        ["Ferme XL bis", "Peyrins", 45.09, 200, None, None, None, None, None],
    ]
    before = table_counts()
    with pytest.raises(ImportRefused) as info:
        producers_import(actor=coordinator, territory=romans.territory, rows=read_file(xlsx_upload(rows)))
    assert [line for line, _reason in info.value.problems] == [3]
    assert table_counts() == before
    rows.pop()
    (farm,) = producers_import(actor=coordinator, territory=romans.territory, rows=read_file(xlsx_upload(rows)))
    assert farm.certification_expiry == date(2027, 5, 1)
    assert farm.lon == Decimal("5.04")


def test_a_file_that_is_not_a_workbook_is_refused(romans):
    with pytest.raises(ImportRefused) as info:
        read_file(SimpleUploadedFile("x.xlsx", b"PK\x03\x04 not really a zip"))
    assert "XLSX" in info.value.problems[0][1]


@pytest.mark.parametrize("persona", ["animator", "other_coordinator"])
def test_only_a_coordinator_of_the_territory_imports(request, romans, persona):
    actor = request.getfixturevalue(persona)
    rows = read_file(upload([HEADER, *GOOD]))
    with forbidden():
        producers_import(actor=actor, territory=romans.territory, rows=rows)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_reimports_into_another_territory_identically(romans, other, coordinator, other_coordinator, fmt):
    producers_import(actor=coordinator, territory=romans.territory, rows=read_file(upload([HEADER, *GOOD])))
    source = Producer.objects.filter(territory=romans.territory)
    data = imports.export_csv(source) if fmt == "csv" else imports.export_xlsx(source)
    producers_import(
        actor=other_coordinator,
        territory=other.territory,
        rows=read_file(SimpleUploadedFile(f"export.{fmt}", data)),
    )
    fields = ["name", "commune", "lat", "lon", "distance_km", "organic_certified", "certification_expiry"]
    fields += ["networks", "is_active"]
    assert list(Producer.objects.filter(territory=other.territory).values(*fields)) == list(source.values(*fields))


def test_the_export_has_the_import_columns(romans, coordinator):
    producers_import(actor=coordinator, territory=romans.territory, rows=read_file(upload([HEADER, *GOOD])))
    book = load_workbook(io.BytesIO(imports.export_xlsx(Producer.objects.all())))
    assert [c.value for c in book.active[1]] == [*HEADER.split(";"), "adresse", "telephone", "acces", "identifiant"]
    csv_text = imports.export_csv(Producer.objects.order_by("name")).decode("utf-8-sig")
    lilas = Producer.objects.get(name="Ferme des Lilas")
    assert (
        csv_text.splitlines()[1]
        == f"Ferme des Lilas;Peyrins;45,090000;5,040000;6,2;oui;31/12/2027;CIVAM, AMAP;oui;;;;{lilas.pk}"
    )


def test_a_reimported_export_updates_the_farms_it_names(coord_client, romans, coordinator):
    producers_import(actor=coordinator, territory=romans.territory, rows=read_file(upload([HEADER, *GOOD])))
    lilas = Producer.objects.get(name="Ferme des Lilas")
    book = load_workbook(io.BytesIO(imports.export_xlsx(Producer.objects.order_by("name"))))
    rows = [[cell.value for cell in row] for row in book.active.iter_rows()]
    header = rows[0]
    first = dict(zip(header, rows[1], strict=True))
    assert first["identifiant"] == lilas.pk
    rows[1][header.index("nom")] = "Ferme des Lilas (GAEC)"  # renamed: the id still names it
    rows[1][header.index("telephone")] = "04 65 71 00 02"
    rows[1][header.index("acces")] = "Portail vert"
    rows.append(["Nouvelle ferme", "Triors", "45.08", "5.11", None, "oui", None, None, "oui", None, None, None, None])
    before = Producer.objects.count()
    response = coord_client.post(URL, {"file": xlsx_upload(rows)}, follow=True)
    assert "4 fermes importées (1 ajoutées, 3 mises à jour)." in text(response)
    assert Producer.objects.count() == before + 1
    lilas.refresh_from_db()
    assert (lilas.name, lilas.phone, lilas.access_notes) == ("Ferme des Lilas (GAEC)", "04 65 71 00 02", "Portail vert")


def test_an_import_refuses_two_rows_for_one_farm_and_a_name_of_another(romans, coordinator):
    producers_import(actor=coordinator, territory=romans.territory, rows=read_file(upload([HEADER, *GOOD])))
    lilas, ruisseau = Producer.objects.get(name="Ferme des Lilas"), Producer.objects.get(name="Jardin du Ruisseau")
    head = HEADER + ";identifiant"
    lines = [head, f"Ferme A;Peyrins;45;5;;;;;;{lilas.pk}", f"Ferme B;Peyrins;45;5;;;;;;{lilas.pk}"]
    lines.append(f"Jardin du Ruisseau;Alixan;45;5;;;;;;{lilas.pk + ruisseau.pk + 1000}")  # unknown id: a new farm
    before = table_counts()
    with pytest.raises(ImportRefused) as refused:
        producers_import(actor=coordinator, territory=romans.territory, rows=read_file(upload(lines)))
    assert refused.value.problems == [
        (3, "Même ferme qu'à la ligne 2."),
        (4, "Une ferme de ce nom existe déjà sur le territoire."),
    ]
    assert table_counts() == before


def test_the_blank_template_has_the_columns_and_no_row(coord_client, romans):
    page = text(coord_client.get(URL))
    assert 'href="/t/romans/producteurs/modele.xlsx"' in page
    response = coord_client.get("/t/romans/producteurs/modele.xlsx")
    book = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in book.active[1]] == imports.COLUMNS
    assert book.active.max_row == 1
    csv_text = coord_client.get("/t/romans/producteurs/modele.csv").content.decode("utf-8-sig")
    assert csv_text.splitlines() == [";".join(imports.COLUMNS)]
    assert coord_client.get("/t/romans/producteurs/modele.pdf").status_code == 404


# The page


@pytest.fixture
def coord_client(client, coordinator):
    client.force_login(coordinator)
    return client


def test_the_page_imports_a_good_file(coord_client, romans):
    response = coord_client.post(URL, {"file": upload([HEADER, *GOOD])}, follow=True)
    assert "3 fermes importées" in text(response)
    assert Producer.objects.filter(territory=romans.territory).count() == 3


def test_the_page_lists_every_bad_row_and_writes_nothing(coord_client, romans):
    before = table_counts()
    response = coord_client.post(URL, {"file": upload([HEADER, GOOD[0], ";;45;5;;;;;", "X;Y;1;999;;;;;"])})
    assert response.status_code == 422
    page = text(response)
    assert "2 lignes à corriger : rien n'a été importé." in page
    assert "Ligne 3 :" in page
    assert "Ligne 4 :" in page
    assert "Ligne 2" not in page
    assert table_counts() == before


def test_the_page_without_file_says_so(coord_client, romans):
    response = coord_client.post(URL, {})
    assert response.status_code == 422
    assert "Ce champ est obligatoire" in text(response)


def test_an_animator_cannot_open_the_import(client, animator, romans):
    client.force_login(animator)
    assert client.get(URL).status_code == 404


# The command


def test_the_command_imports_a_file(romans, coordinator, tmp_path):
    from django.core.management import call_command

    path = tmp_path / "fermes.csv"
    path.write_text("\n".join([HEADER, *GOOD]), encoding="utf-8")
    out = io.StringIO()
    call_command("import-producers", str(path), "--territory", "romans", "--json", stdout=out)
    assert out.getvalue().strip() == '{"imported": 3, "problems": []}'
    assert Producer.objects.filter(territory=romans.territory).count() == 3


def test_the_command_lists_bad_rows_and_fails_without_writing(romans, coordinator, tmp_path):
    from django.core.management import CommandError, call_command

    path = tmp_path / "fermes.csv"
    path.write_text("\n".join([HEADER, GOOD[0], "X;Y;1;999;;;;;"]), encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 ligne"):
        call_command("import-producers", str(path), "--territory", "romans", stderr=err)
    assert "Ligne 3 : Longitude hors limites (entre -180 et 180)." in err.getvalue()
    assert not Producer.objects.exists()
    with pytest.raises(CommandError, match="Territoire inconnu"):
        call_command("import-producers", str(path), "--territory", "nulle-part")
