"""A territory's chart of accounts: which account each kind of FEC entry is booked to (docs/economics-en.md).

The defaults follow the French chart of accounts (plan comptable général) as associations use it (ANC regulation
2018-06): classes 6/7 for charges and revenue, 4196 for jar deposits owed back, 86/87 for contributions in kind.
The coordinator may change any number or wording (`chart_set`); what is not saved keeps its default.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from conserverie.economics.models import LedgerAccount
from conserverie.economics.unit_costs import Category


@dataclass(frozen=True)
class Account:
    number: str
    label: str


# key: (default number, default label, what it is used for). Order: how the chart page lists them.
DEFAULTS = {
    # Treasury and third parties
    "cash": ("530", _("Caisse"), _("Encaissements en espèces")),
    "bank": ("512", _("Banque"), _("Chèques, cartes, virements")),
    "customers": ("411", _("Clients et usagers"), _("Ventes et contrats saisis à la main")),
    "suppliers": ("401", _("Fournisseurs"), _("Charges saisies ou calculées")),
    "farms": ("401", _("Fournisseurs — fermes"), _("Achats aux fermes")),
    "farm_payments": ("512", _("Banque"), _("Paiement des fermes à la collecte")),
    "staff": ("421", _("Personnel — rémunérations dues"), _("Salaires")),
    "grants_receivable": ("441", _("État et collectivités — subventions à recevoir"), _("Subventions")),
    "deposits": ("4196", _("Clients — dettes pour emballages consignés"), _("Consignes des bocaux (une dette)")),
    "credits": ("4198", _("Clients — avoirs à établir"), _("Consignes transformées en avoir")),
    # Revenue (class 7)
    "sales": ("707", _("Ventes de marchandises"), _("Bocaux vendus ou cédés contre un prix")),
    "processing_fees": ("706", _("Prestations de services"), _("Transformation à façon pour les fermes")),
    "deposits_forfeited": ("708", _("Produits des activités annexes"), _("Consignes acquises (bocaux non rendus)")),
    "subsidies": ("74", _("Subventions d'exploitation"), _("Subventions")),
    "contracts": ("706", _("Prestations de services"), _("Contrats et conventions")),
    # Charges (class 6)
    "vehicle": ("6135", _("Locations mobilières"), _("Camion : location ou amortissement")),
    "insurance": ("616", _("Primes d'assurance"), _("Assurance")),
    "upkeep": ("6155", _("Entretien et réparations sur biens mobiliers"), _("Entretien du camion")),
    "fuel": ("6061", _("Fournitures non stockables (eau, énergie)"), _("Carburant")),
    "jars_lids": ("6026", _("Achats d'emballages"), _("Bocaux et couvercles")),
    "energy": ("6061", _("Fournitures non stockables (eau, énergie)"), _("Énergie")),
    "pantry": ("601", _("Achats de matières premières"), _("Épicerie (sucre, sel, vinaigre…)")),
    "staff_animators": ("641", _("Rémunérations du personnel"), _("Salaires : animation")),
    "staff_coordination": ("641", _("Rémunérations du personnel"), _("Salaires : coordination")),
    "haccp_training": ("6228", _("Honoraires divers"), _("Formation HACCP")),
    "other_cost": ("628", _("Charges externes diverses"), _("Autres charges")),
    "farm_purchases": ("6011", _("Achats de produits aux fermes"), _("Achats aux fermes")),
    # Contributions in kind (classes 86/87, outside the result)
    "in_kind_use_goods": ("861", _("Mise à disposition gratuite de biens"), _("Usage interne (emploi)")),
    "in_kind_goods": ("871", _("Prestations en nature"), _("Usage interne (ressource)")),
    "in_kind_volunteers_use": ("864", _("Personnel bénévole"), _("Bénévolat (emploi)")),
    "in_kind_volunteers": ("875", _("Bénévolat"), _("Bénévolat (ressource)")),
}
KEYS = tuple(DEFAULTS)
# The account a category's amount is booked to (each category of unit_costs.py has its key of the same name).
CATEGORY_KEYS = {c.value: c.value for c in Category}
assert set(CATEGORY_KEYS.values()) <= set(DEFAULTS), "every category needs a default account"


def default_chart() -> dict[str, Account]:
    return {key: Account(number, str(label)) for key, (number, label, _use) in DEFAULTS.items()}


def chart_of(territory) -> dict[str, Account]:
    """The territory's chart: its saved accounts over the defaults (one query)."""
    chart = default_chart()
    for key, number, label in LedgerAccount.objects.filter(territory=territory, key__in=KEYS).values_list(
        "key", "number", "label"
    ):
        chart[key] = Account(number, label)
    return chart


def chart_rows(territory) -> list[tuple[str, str, Account, Account]]:
    """(key, use, account in force, default account) in the page's order."""
    chart, defaults = chart_of(territory), default_chart()
    return [(key, str(DEFAULTS[key][2]), chart[key], defaults[key]) for key in KEYS]
