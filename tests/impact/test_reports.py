"""The social-utility report and the funders' activity report: PDF read back with pypdf, XLSX with openpyxl.

No direct identifier and no group smaller than 5 people (docs/architecture.md §4.7): participants' first names never
appear,
a count of 1 to 4 people is written "< 5", a survey with fewer than 5 responses is not detailed.
"""

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from conserverie.impact.periods import Period
from conserverie.impact.reports.content import fr_number, people, report_data, report_pdf, share
from conserverie.impact.reports.xlsx import report_xlsx
from conserverie.people.models import Participant

from ..pages import add_distributions, add_workshops, assert_flat_queries
from .voices_data import add_testimony, answer, survey_world

YEAR = Period.year(2026)


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def xlsx_text(content: bytes) -> str:
    book = load_workbook(io.BytesIO(content))
    return "\n".join(
        " | ".join("" if v is None else str(v) for v in row)
        for sheet in book
        for row in sheet.iter_rows(values_only=True)
    )


@pytest.fixture
def season(chain, coordinator):
    """Three workshops with 2 people each (6 households), jars given to Aïcha, a survey, chosen quotes."""
    add_workshops(chain, 3, registrations=2)
    add_distributions(chain, 3)
    world = survey_world(chain.territory, coordinator)
    for likert in (5, 4, 4, 3, 5, 2):
        answer(world, likert=likert, yes=likert > 2, text="Merci Gwendoline pour l'accueil")
    add_testimony(
        chain.territory,
        coordinator,
        world.dimensions[:2],
        text="Je ne connaissais personne, maintenant je dis bonjour à mes voisins.",
        role="habitante du quartier de la Monnaie",
        selected=True,
        event="Agora de juin",
    )
    add_testimony(chain.territory, coordinator, world.dimensions[2:3], text="Citation non retenue", selected=False)
    return world


def first_names(territory) -> list[str]:
    return list(Participant.objects.filter(territory=territory).values_list("first_name", flat=True))


def test_small_group_helpers():
    assert [people(n) for n in (0, 1, 4, 5, 120)] == ["0", "< 5", "< 5", "5", "120"]
    assert share(0.5, 4) == "—"
    assert share(0.3, 10) == "< 5"
    assert share(0.5, 10) == "50 %"
    assert share(0.9, 10) == "< 5"  # 1 person outside the share is singled out too
    assert fr_number(None) == "—"
    assert fr_number(1234.5) == "1\xa0234,5"
    assert fr_number(-1234567) == "-1\xa0234\xa0567"
    assert fr_number(3) == "3"


def test_the_yearly_report_pdf(season, chain):
    data = report_data(chain.territory, YEAR, "utilite-sociale")
    content = report_pdf(data)
    assert content.startswith(b"%PDF")
    page = pdf_text(content)
    assert "Rapport d'utilité sociale" in page
    assert "Romans — 2026" in page
    assert "Chiffres clés" in page
    assert "Ateliers" in page
    assert "Bocaux produits" in page
    assert "je dis bonjour à mes voisins" in page
    assert "habitante du quartier de la Monnaie" in page
    assert "Citation non retenue" not in page
    assert "Lien social et convivialité" in page
    assert "Liens créés (note moyenne)" in page
    assert "Questionnaire habitants" in page
    assert "6 réponses" in page
    for name in first_names(chain.territory) + ["Gwendoline"]:
        assert name not in page, name


def test_the_key_figures_of_the_report(season, chain):
    figures = dict(report_data(chain.territory, YEAR).figures)
    assert figures["Ateliers tenus"] == "3"
    assert figures["Personnes présentes aux ateliers"] == "0"  # nobody was checked in
    assert figures["Foyers touchés"] == "< 5"  # only Aïcha took jars home: a group of 1


def test_a_small_survey_is_not_detailed(chain, coordinator):
    world = survey_world(chain.territory, coordinator)
    for likert in (5, 1, 3):
        answer(world, likert=likert, yes=True)
    data = report_data(chain.territory, YEAR)
    (row,) = data.surveys
    assert row.responses == "< 5"
    assert row.lines == []
    page = pdf_text(report_pdf(data))
    assert "Moins de 5 réponses" in page
    sheet = xlsx_text(report_xlsx(data))
    assert "< 5" in sheet
    assert "moyenne 3" not in sheet


def test_the_funders_report_and_its_spreadsheet(season, chain):
    data = report_data(chain.territory, YEAR, "activite", "caf")
    page = pdf_text(report_pdf(data))
    assert "Bilan d'activité — animation collective familles" in page  # the CAF's own template
    assert "Caisse d'allocations familiales (CAF)" in page
    assert "Bocaux par destination et par structure" in page
    sheet = xlsx_text(report_xlsx(data))
    for expected in ("Bocaux donnés aux participants", "je dis bonjour à mes voisins", "Questionnaire habitants"):
        assert expected in sheet
    book = load_workbook(io.BytesIO(report_xlsx(data)))
    assert book.sheetnames == ["Chiffres clés", "Destinations", "Citations", "Questionnaires"]
    federation = load_workbook(io.BytesIO(report_xlsx(report_data(chain.territory, YEAR, "activite", "federation"))))
    assert federation.sheetnames == ["Chiffres clés", "Fleur", "Indicateurs", "Citations", "Questionnaires"]
    assert [row[0] for row in federation["Fleur"].iter_rows(min_row=2, values_only=True)][:2] == [
        "Alimentation saine et accessible",
        "Lien social et convivialité",
    ]
    for name in first_names(chain.territory) + ["Gwendoline"]:
        assert name not in sheet, name


def test_report_pages_for_a_viewer(client, season, chain, viewer):
    client.force_login(viewer)
    slug = chain.territory.slug
    page = client.get(reverse("surveys:reports", args=[slug]), {"periode": "2026"})
    assert page.status_code == 200
    assert "Rapports pour le conseil et les financeurs" in page.content.decode()
    results = reverse("surveys:results", args=[slug, season.survey.pk])
    assert results in page.content.decode()
    assert client.get(results).status_code == 200
    pdf = client.get(reverse("surveys:report_pdf", args=[slug, "utilite-sociale"]), {"periode": "2026"})
    assert pdf["Content-Type"] == "application/pdf"
    assert 'filename="romans-utilite-sociale-2026.pdf"' in pdf["Content-Disposition"]
    xlsx = client.get(reverse("surveys:report_xlsx", args=[slug, "activite"]), {"periode": "2026", "pour": "cis"})
    assert xlsx.status_code == 200
    assert "romans-activite-2026-cis.xlsx" in xlsx["Content-Disposition"]
    assert client.get(reverse("surveys:report_pdf", args=[slug, "inconnu"])).status_code == 404
    assert client.get(reverse("surveys:report_pdf", args=[slug, "activite"]), {"periode": "bof"}).status_code == 404
    bad = client.get(reverse("surveys:reports", args=[slug]), {"periode": "bof"})
    assert bad.status_code == 422
    assert "Période illisible" in bad.content.decode()


def test_another_territory_gets_no_report(client, season, chain, other_coordinator, other):
    client.force_login(other_coordinator)
    assert client.get(reverse("surveys:report_pdf", args=["romans", "utilite-sociale"])).status_code == 404
    theirs = client.get(reverse("surveys:report_xlsx", args=["vercors", "utilite-sociale"]), {"periode": "2026"})
    sheet = xlsx_text(theirs.content)
    assert "je dis bonjour" not in sheet
    assert "Questionnaire habitants" not in sheet


def test_report_generation_queries_do_not_grow(client, chain, coordinator, django_assert_num_queries):
    world = survey_world(chain.territory, coordinator)
    client.force_login(coordinator)
    url = reverse("surveys:report_pdf", args=[chain.territory.slug, "activite"]) + "?periode=2026"
    count = [0]

    def grow(n):
        add_workshops(chain, n, registrations=2)
        for i in range(n * 3):
            answer(world, likert=1 + i % 5, yes=i % 2 == 0, number=i)
            add_testimony(chain.territory, coordinator, world.dimensions[:2], text=f"Parole {count[0]}", selected=True)
            count[0] += 1

    assert_flat_queries(client, url, grow, django_assert_num_queries, n=2)


def test_the_period_bounds_the_quotes(chain, coordinator):
    world = survey_world(chain.territory, coordinator)
    add_testimony(
        chain.territory, coordinator, world.dimensions[:1], text="En 2025", said_on=date(2025, 5, 1), selected=True
    )
    assert [q.text for q in report_data(chain.territory, Period.year(2025)).quotes] == ["En 2025"]
    assert report_data(chain.territory, YEAR).quotes == []


def test_reports_page_queries_do_not_grow(client, chain, viewer, coordinator, django_assert_num_queries):
    world = survey_world(chain.territory, coordinator)
    client.force_login(viewer)
    url = reverse("surveys:reports", args=[chain.territory.slug]) + "?periode=2026"

    def grow(n):
        add_workshops(chain, n, registrations=1)
        for i in range(n * 3):
            answer(world, likert=1 + i % 5, yes=i % 3 == 0)
            add_testimony(chain.territory, coordinator, world.dimensions[:1], text=f"Mot {i}", selected=True)

    assert assert_flat_queries(client, url, grow, django_assert_num_queries, n=2) <= 25  # docs/performance.md
