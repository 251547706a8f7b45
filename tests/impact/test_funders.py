"""Funders' reports per funder (issue 16 item 6): each template its wording, figures and sections; the Contrat
d'impact social pays by results (threshold, target, measured value, payment due, the evaluator's sign-off); only
what has happened counts; money in the PDF in French format ("13 000,00 €")."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from conserverie.impact.models import ContractSignOff, Dimension, Indicator
from conserverie.impact.periods import Period
from conserverie.impact.reports.content import report_data, report_pdf
from conserverie.impact.reports.funders import TEMPLATES, payment_due
from conserverie.impact.reports.xlsx import report_xlsx
from conserverie.impact.services import (
    contract_indicator_set,
    contract_signoff_record,
    dimensions_create_defaults,
    indicator_create,
    indicator_value_record,
)
from conserverie.workshops.services import workshop_open

from ..conftest import aware
from .test_reports import pdf_text, xlsx_text

D = Decimal
YEAR = Period.year(2026)
# A French amount: groups of 3 digits separated by a (no-break) space, a decimal comma, 2 decimals, the euro sign.
FRENCH_MONEY = re.compile(r"^\d{1,3}(?:[ \xa0\u202f]\d{3})*,\d{2}[ \xa0\u202f]?€$")
ANY_MONEY = re.compile(r"(?<![\d,.])\d+(?:[ \xa0\u202f]\d{3})*(?:[.,]\d+)?[ \xa0\u202f]?€")


def money_in(text: str) -> list[str]:
    return [m.group(0).strip() for m in ANY_MONEY.finditer(text)]


@pytest.fixture
def contract(chain, coordinator):
    """Two hand-entered indicators: families in work 15 (threshold 10, target 20, 10 000 € → 5 000,00 € due) and
    kilos thrown away 30 (lower is better: threshold 50, target 20, 3 000 € → 2 000,00 € due)."""
    t = chain.territory
    dimensions_create_defaults(t)  # returns only the petals it creates
    dimensions = list(Dimension.objects.filter(territory=t).order_by("order"))
    work = indicator_create(
        actor=coordinator, dimension=dimensions[5], name="Familles vers l'emploi", source="manual", target=D("20")
    )
    waste = indicator_create(
        actor=coordinator,
        dimension=dimensions[4],
        name="Kilos jetés",
        source="manual",
        target=D("20"),
        unit="kg",
        higher_is_better=False,
    )
    for indicator, value in ((work, "15"), (waste, "30")):
        indicator_value_record(actor=coordinator, indicator=indicator, period=YEAR, value=D(value), source_note="R")
    common = {"actor": coordinator, "territory": t}
    contract_indicator_set(**common, indicator=work, threshold=D("10"), target=D("20"), payment_eur=D("10000"))
    contract_indicator_set(**common, indicator=waste, threshold=D("50"), target=D("20"), payment_eur=D("3000"))
    return {"work": work, "waste": waste}


def test_payment_by_results_arithmetic():
    assert payment_due(D("5"), D("10"), D("20"), D("1000")) == D("0.00")  # short of the threshold
    assert payment_due(D("10"), D("10"), D("20"), D("1000")) == D("0.00")  # at the threshold
    assert payment_due(D("12.5"), D("10"), D("20"), D("1000")) == D("250.00")
    assert payment_due(D("35"), D("10"), D("20"), D("1000")) == D("1000.00")  # beyond the target: capped
    assert payment_due(D("30"), D("50"), D("20"), D("3000"), higher_is_better=False) == D("2000.00")
    assert payment_due(D("10"), D("50"), D("20"), D("3000"), higher_is_better=False) == D("3000.00")
    assert payment_due(None, D("10"), D("20"), D("1000")) == D("0.00")  # masked or unknown: nothing due


def test_the_cis_report_pays_by_results_and_shows_the_sign_off(chain, coordinator, contract, clock):
    clock(date(2026, 12, 6))
    data = report_data(chain.territory, YEAR, "activite", "cis")
    rows = {r.indicator: r for r in data.contract.rows}
    assert rows["Familles vers l'emploi"].measured == D("15")
    assert rows["Familles vers l'emploi"].due == D("5000.00")
    assert rows["Kilos jetés"].due == D("2000.00")
    assert data.contract.total_due == D("7000.00")
    assert data.contract.total_payment == D("13000.00")
    page = pdf_text(report_pdf(data))
    assert "Rapport de résultats — contrat à impact social" in page
    assert "Validation de l'évaluateur : pas encore donnée" in page
    for amount in ("5 000,00 €", "2 000,00 €", "7 000,00 €", "13 000,00 €"):
        assert amount in page.replace("\xa0", " "), amount
    contract_signoff_record(
        actor=coordinator,
        territory=chain.territory,
        period=YEAR,
        evaluator="Évaluatrice de test",
        organisation="Cabinet test",
        signed_on=date(2026, 12, 5),
    )
    page = pdf_text(report_pdf(report_data(chain.territory, YEAR, "activite", "cis")))
    assert "Validé par Évaluatrice de test (Cabinet test) le 05/12/2026." in page
    book = report_xlsx(report_data(chain.territory, YEAR, "activite", "cis"))
    assert "Contrat à impact social" in xlsx_text(book)


def test_the_contract_refuses_nonsense(chain, coordinator, contract, other, other_coordinator, clock):
    clock(date(2026, 12, 6))
    common = {"actor": coordinator, "territory": chain.territory}
    with pytest.raises(ValidationError) as refused:
        contract_indicator_set(
            **common, indicator=contract["work"], threshold=D("20"), target=D("10"), payment_eur=D("0")
        )
    assert {"threshold", "payment_eur"} <= set(refused.value.message_dict)
    with pytest.raises(ValidationError) as refused:  # lower is better: the threshold must be above the target
        contract_indicator_set(
            **common, indicator=contract["waste"], threshold=D("10"), target=D("20"), payment_eur=D("5")
        )
    assert "au-dessus de la cible" in refused.value.message_dict["threshold"][0]
    theirs = indicator_create(
        actor=other_coordinator,
        dimension=dimensions_create_defaults(other.territory)[0],
        name="Ailleurs",
        source="manual",
        target=D("1"),
    )
    with pytest.raises(ValidationError) as refused:
        contract_indicator_set(**common, indicator=theirs, threshold=D("0"), target=D("1"), payment_eur=D("5"))
    assert "indicator" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        contract_signoff_record(**common, period=YEAR, evaluator="", organisation="X", signed_on=date(2026, 12, 7))
    assert {"evaluator", "signed_on"} <= set(refused.value.message_dict)
    assert not ContractSignOff.objects.exists()


def test_each_funder_has_its_own_report(chain, coordinator, contract):
    texts = {}
    for key, template in TEMPLATES.items():
        data = report_data(chain.territory, YEAR, "activite", key)
        texts[key] = " ".join(pdf_text(report_pdf(data)).split())
        assert str(template.title) in texts[key]
        assert str(template.name) in texts[key]
        labels = [label for label, _text in data.figures]
        assert len(labels) == len(template.figures)
    assert "Kilos transformés en bocaux" in texts["regional"]
    assert "Kilos transformés en bocaux" not in texts["caf"]
    assert "La fleur de l'utilité sociale" in texts["federation"]
    assert "La fleur de l'utilité sociale" not in texts["caf"]
    assert "Indicateurs du contrat et paiement aux résultats" in texts["cis"]
    assert "Indicateurs du contrat" not in texts["regional"]
    assert len(set(texts.values())) == len(TEMPLATES)


def test_a_workshop_not_yet_held_is_not_counted(chain, coordinator, clock):
    """On 6 December a workshop of 10 December (in the period) is not a workshop held."""
    clock(date(2026, 12, 6))
    for day in (date(2026, 12, 1), date(2026, 12, 10)):
        workshop_open(
            actor=coordinator,
            territory=chain.territory,
            title=f"Atelier du {day:%d}",
            site=chain.site,
            structure=chain.structure,
            starts_at=aware(day, 14),
            ends_at=aware(day, 17),
        )
    for key in ("caf", "federation", "cis"):
        figures = dict(report_data(chain.territory, YEAR, "activite", key).figures)
        assert figures["Ateliers tenus"] == "1", key


def test_every_money_amount_of_the_pdfs_is_french(chain, coordinator, contract, clock):
    """Every amount with a euro sign in the funders' PDFs reads "4 317,00 €" (never "4317.00")."""
    from ..pages import add_distributions

    clock(date(2026, 12, 6))
    add_distributions(chain, 3)  # money in the destinations table (a sale at 3.00 per jar)
    found = []
    for key in TEMPLATES:
        page = pdf_text(report_pdf(report_data(chain.territory, YEAR, "activite", key)))
        found += money_in(page)
    assert len(found) >= 6
    for amount in found:
        assert FRENCH_MONEY.match(amount), amount
    assert not re.search(r"\d\.\d{2}\b", " ".join(found))


def test_the_coordinator_sets_the_contract_on_its_page(client, chain, coordinator, viewer, contract, clock):
    clock(date(2026, 12, 6))
    url = reverse("surveys:contract", args=[chain.territory.slug]) + "?periode=2026"
    client.force_login(coordinator)
    page = client.get(url)
    assert page.status_code == 200
    assert "7 000,00 €" in page.content.decode().replace("\xa0", " ").replace("\u202f", " ")
    bad = client.post(
        url,
        {
            "sign": "1",
            "sign-periode": "2026",
            "sign-evaluator": "",
            "sign-organisation": "X",
            "sign-signed_on": (date(2026, 12, 6) + timedelta(days=1)).isoformat(),
        },
    )
    assert bad.status_code == 422
    assert "Une validation ne peut pas être datée de demain." in bad.content.decode()
    ok = client.post(
        url,
        {
            "sign": "1",
            "sign-periode": "2026",
            "sign-evaluator": "É. Test",
            "sign-organisation": "Cabinet",
            "sign-signed_on": "2026-12-06",
        },
    )
    assert ok.status_code == 302
    assert ContractSignOff.objects.get().evaluator == "É. Test"
    client.force_login(viewer)
    assert client.get(url).status_code in (403, 404)


def test_contract_page_queries_do_not_grow(client, chain, coordinator, django_assert_num_queries, clock):
    from ..pages import assert_flat_queries

    clock(date(2026, 12, 6))
    dimensions = dimensions_create_defaults(chain.territory)
    client.force_login(coordinator)
    counter = [0]

    def grow(n):
        for _ in range(n):
            counter[0] += 1
            indicator = indicator_create(
                actor=coordinator, dimension=dimensions[0], name=f"I{counter[0]}", source="manual", target=D("9")
            )
            contract_indicator_set(
                actor=coordinator,
                territory=chain.territory,
                indicator=indicator,
                threshold=D("1"),
                target=D("9"),
                payment_eur=D("10"),
            )

    url = reverse("surveys:contract", args=[chain.territory.slug]) + "?periode=2026"
    assert_flat_queries(client, url, grow, django_assert_num_queries, n=2)
    assert Indicator.objects.count() == 6
