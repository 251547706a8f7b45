"""Every constant of the economic model in one place: categories, unit costs, the fixed/variable split.

The unit costs are the defaults of a territory's parameters (`CostParameters`), used to derive cost lines from
the platform's records (km driven, jars produced, batches, pantry bought, workshop hours) and by the simulator.
They are orders of magnitude for 2026 in France, to be replaced by each territory's own figures.
"""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

CENT = Decimal("0.01")
ZERO = Decimal("0")


def eur(value) -> Decimal:
    """Money to the cent."""
    return (Decimal(value) if value is not None else ZERO).quantize(CENT)


class Category(models.TextChoices):
    # Costs
    VEHICLE = "vehicle", _("Camion : location ou amortissement")
    INSURANCE = "insurance", _("Assurance")
    UPKEEP = "upkeep", _("Entretien du camion")
    FUEL = "fuel", _("Carburant")
    JARS_LIDS = "jars_lids", _("Bocaux et couvercles")
    ENERGY = "energy", _("Énergie")
    PANTRY = "pantry", _("Épicerie (sucre, sel, vinaigre…)")
    STAFF_ANIMATORS = "staff_animators", _("Salaires : animation")
    STAFF_COORDINATION = "staff_coordination", _("Salaires : coordination")
    HACCP_TRAINING = "haccp_training", _("Formation HACCP")
    OTHER_COST = "other_cost", _("Autres charges")
    FARM_PURCHASES = "farm_purchases", _("Achats de produits aux fermes")
    # Revenues
    SALES = "sales", _("Ventes")
    PROCESSING_FEES = "processing_fees", _("Transformation à façon pour les fermes")
    DEPOSITS_FORFEITED = "deposits_forfeited", _("Consignes acquises (bocaux non rendus)")
    SUBSIDIES = "subsidies", _("Subventions")
    CONTRACTS = "contracts", _("Contrats et conventions")


COST_CATEGORIES = (
    Category.VEHICLE,
    Category.INSURANCE,
    Category.UPKEEP,
    Category.FUEL,
    Category.JARS_LIDS,
    Category.ENERGY,
    Category.PANTRY,
    Category.STAFF_ANIMATORS,
    Category.STAFF_COORDINATION,
    Category.HACCP_TRAINING,
    Category.OTHER_COST,
    Category.FARM_PURCHASES,
)
# Revenue is money the cannery earns or receives. Deposits received are not revenue (they are owed back while the
# jar is out: a liability, account 4196); only the deposits forfeited under the territory's rule are. The jars the
# structures use and the volunteers' hours are contributions in kind (classes 86/87), shown apart from revenue and
# result (docs/economics-en.md).
REVENUE_CATEGORIES = (
    Category.SALES,
    Category.PROCESSING_FEES,
    Category.DEPOSITS_FORFEITED,
    Category.SUBSIDIES,
    Category.CONTRACTS,
)
# Costs that grow with every jar made; all the others are fixed for a season (the truck, salaried staff).
VARIABLE_CATEGORIES = (Category.FUEL, Category.JARS_LIDS, Category.ENERGY, Category.PANTRY, Category.FARM_PURCHASES)
# Revenue the cannery earns itself (money received for its jars and its work); subsidies and contracts come from
# funders. Coverage and break-even count these only.
OWN_REVENUE_CATEGORIES = (Category.SALES, Category.PROCESSING_FEES, Category.DEPOSITS_FORFEITED)
# Revenues whose item names a funder.
FUNDED_CATEGORIES = (Category.SUBSIDIES, Category.CONTRACTS)

# Derived from the records when no item of the same category is entered by hand for the period.
DERIVED_CATEGORIES = (
    Category.FUEL,
    Category.JARS_LIDS,
    Category.ENERGY,
    Category.PANTRY,
    Category.STAFF_ANIMATORS,
    Category.SALES,
    Category.DEPOSITS_FORFEITED,
)

# Default parameters of a territory: (field, default, label, unit).
PARAMETERS = [
    ("fuel_l_per_100km", Decimal("11.0"), _("Consommation du camion"), _("L/100 km")),
    ("fuel_eur_per_l", Decimal("1.80"), _("Prix du carburant"), _("€/L")),
    ("jar_eur", Decimal("0.85"), _("Prix d'un bocal neuf"), _("€")),
    ("lid_eur", Decimal("0.25"), _("Prix d'un couvercle"), _("€")),
    ("kwh_per_batch", Decimal("6.0"), _("Énergie par fournée"), _("kWh")),
    ("eur_per_kwh", Decimal("0.25"), _("Prix de l'électricité"), _("€/kWh")),
    ("pantry_eur_per_kg", Decimal("2.00"), _("Prix moyen de l'épicerie"), _("€/kg")),
    ("animator_hour_eur", Decimal("24.00"), _("Coût d'une heure d'animation (chargée)"), _("€/h")),
]
PARAMETER_DEFAULTS = {name: default for name, default, _label, _unit in PARAMETERS}
