"""The default HACCP plan of a recipe, from its category and its schedules, for the trained person to review.

It covers the seven principles of Regulation (EC) 852/2004, art. 5 §2 (docs/safety-en.md):
(a) the hazards (biological, chemical, physical, allergens), (b) the critical control points, (c) their critical
limits, (d) monitoring (what, how, how often, who), (e) corrective actions, (f) verification, (g) documents and
records. Acid products (pH ≤ 4.5): the pH of each lot and the pasteurisation are critical; low-acid products:
the sterilisation (F0 ≥ 3.0 min at the core), the seal and the stability test (NF V08-408 practice).

The plan is a French document (like the labels and the register): its text is the operator's, kept as written.
"""

from decimal import Decimal

from django.utils.translation import gettext as _

from conserverie.recipes.lethality import ACID, F0_MINIMUM, fmt
from conserverie.recipes.models import ALLERGEN_LABELS, CcpKind, HeatTreatment

HAZARD_KINDS = ("biological", "chemical", "physical", "allergens")
CCP_FIELDS = ("step", "hazard", "critical_limit", "what", "how", "frequency", "who", "corrective_action")
WHO = "La personne formée HACCP de l'atelier"


def _french(value, places=1) -> str:
    return fmt(Decimal(value), places)


def _allergen_text(recipe) -> str:
    derived = [str(ALLERGEN_LABELS[c]) for c in recipe.ingredient_allergens()]
    may = [str(ALLERGEN_LABELS[c]) for c in recipe.may_contain if c in ALLERGEN_LABELS]
    text = (
        "Allergènes des ingrédients (annexe II du règlement 1169/2011) : " + ", ".join(derived) + "."
        if derived
        else "Aucun des 14 allergènes réglementaires parmi les ingrédients."
    )
    if may:
        text += " Peut contenir (même atelier) : " + ", ".join(may) + "."
    return (
        text + " Maîtrise : allergènes tirés des ingrédients sur l'étiquette, nettoyage du matériel entre deux "
        "recettes, toute substitution enregistrée sur le lot avec ses allergènes."
    )


def default_hazards(recipe) -> dict:
    acid = recipe.category == ACID
    biological = (
        "Moisissures, levures et bactéries végétatives : détruites par la pasteurisation. Clostridium botulinum "
        "ne se développe pas à pH ≤ 4,5 : l'acidité de chaque lot est donc un point critique."
        if acid
        else "Spores de Clostridium botulinum (toxine botulique) dans un produit peu acide : détruites par la "
        "stérilisation F0 ≥ 3 min au point le plus lent à chauffer. Recontamination par un défaut de fermeture ; "
        "bactéries thermophiles (test de stabilité)."
    )
    return {
        "biological": biological,
        "chemical": "Produits de nettoyage mal rincés, couvercles ou joints non conformes au contact alimentaire : "
        "rinçage à l'eau potable, couvercles neufs d'un fournisseur qui en atteste.",
        "physical": "Éclats de verre (bocal ébréché), terre et cailloux des légumes, noyaux, pédoncules : tri et "
        "lavage, bocaux inspectés avant remplissage.",
        "allergens": _allergen_text(recipe),
    }


def _heat_ccp(recipe, formats) -> dict:
    sterilised = any(f.treatment == HeatTreatment.STERILISATION for f in formats)
    limits = "; ".join(
        f"{f.jar_format.name} : {_french(f.temperature_c)} °C pendant {f.minutes} min au bain, valeur à cœur "
        f"≥ {_french(f.target_minimum_min)} min (référence {_french(f.target_tref_c)} °C, z {_french(f.target_z_c)} °C)"
        for f in formats
    )
    if sterilised:
        return {
            "kind": CcpKind.STERILISATION.value,
            "step": "Stérilisation à l'autoclave",
            "hazard": "Survie des spores de Clostridium botulinum",
            "critical_limit": f"F0 ≥ {_french(F0_MINIMUM)} min à cœur (121,1 °C, z 10 °C), plancher non abaissable. "
            + limits,
            "what": "Température et durée au bain ; courbe de température à cœur du bocal le plus lent à chauffer",
            "how": "Thermomètre de l'autoclave, minuteur, sonde à cœur relevée chaque minute ; F0 calculé",
            "frequency": "Chaque fournée et chaque format",
            "who": WHO,
            "corrective_action": "F0 insuffisant : nouvelle stérilisation complète, ou destruction des bocaux ; le "
            "lot reste bloqué tant qu'une courbe n'atteint pas la valeur.",
        }
    return {
        "kind": CcpKind.PASTEURISATION.value,
        "step": "Pasteurisation au stérilisateur",
        "hazard": "Survie des moisissures, levures et bactéries végétatives",
        "critical_limit": limits,
        "what": "Température et durée au bain (et courbe à cœur si la sonde est posée)",
        "how": "Thermomètre du stérilisateur et minuteur",
        "frequency": "Chaque fournée et chaque format",
        "who": WHO,
        "corrective_action": "Barème non atteint : nouveau traitement thermique, ou cuisine interne le jour même, "
        "ou destruction des bocaux ; action corrective enregistrée sur le lot.",
    }


def default_ccps(recipe, formats) -> list[dict]:
    """`formats`: the recipe's formats with their jar format (prefetched)."""
    ccps = []
    if recipe.category == ACID:
        limit = recipe.ph_limit if recipe.ph_limit is not None else Decimal("4.5")
        ccps.append(
            {
                "kind": CcpKind.PH.value,
                "step": "Préparation, avant le remplissage",
                "hazard": "Produit pas assez acide : Clostridium botulinum pourrait se développer",
                "critical_limit": f"pH ≤ {_french(limit)}",
                "what": "pH du produit",
                "how": "pH-mètre étalonné (solutions tampons 4 et 7)",
                "frequency": "Chaque lot",
                "who": WHO,
                "corrective_action": "pH trop haut : acidifier (citron, vinaigre) et mesurer de nouveau, ou "
                "stériliser comme un produit peu acide (F0 ≥ 3 min) ; sinon le lot est non conforme.",
            }
        )
    if formats:
        ccps.append(_heat_ccp(recipe, formats))
    ccps.append(
        {
            "kind": CcpKind.SEAL.value,
            "step": "Refroidissement, le lendemain",
            "hazard": "Recontamination par un bocal mal fermé",
            "critical_limit": "Aucun couvercle qui bouge",
            "what": "Fermeture de chaque bocal",
            "how": "Appui sur chaque couvercle",
            "frequency": "Chaque lot, le lendemain du traitement",
            "who": WHO,
            "corrective_action": "Bocal mal fermé : cuisine interne le jour même ou destruction ; jamais distribué.",
        }
    )
    if recipe.category != ACID:
        temps = "7 jours à 37 °C" + (" et 7 jours à 55 °C" if recipe.stability_at_55 else "")
        ccps.append(
            {
                "kind": CcpKind.STABILITY.value,
                "step": "Avant la libération du lot",
                "hazard": "Stérilisation insuffisante non détectée",
                "critical_limit": f"Après {temps} : aucun bocal bombé, aucune fuite, pH qui varie de 0,5 au plus, "
                "aspect et odeur normaux",
                "what": "Bocaux témoins du lot en incubation",
                "how": "Étuve (pratique de la norme NF V08-408)",
                "frequency": "Chaque lot",
                "who": WHO,
                "corrective_action": "Test instable : lot bloqué, rappel proposé si des bocaux sont sortis.",
            }
        )
    return ccps


def default_verification(recipe) -> str:
    return (
        "Thermomètres et pH-mètre vérifiés chaque mois (eau bouillante, solutions tampons 4 et 7). Registre HACCP "
        "relu chaque mois par la personne formée. Plan revu à chaque nouvelle version de la recette et à tout "
        "changement de matériel (règlement 852/2004, art. 5 §3)."
    )


def default_records(recipe) -> str:
    return (
        "Registre HACCP de chaque lot : relevés de traitement thermique et courbe à cœur, pH, contrôle des "
        "fermetures, test de stabilité, actions correctives, personne formée qui libère le lot. Fiche de ce plan "
        "conservée version par version avec la recette."
    )


def default_plan(recipe) -> dict:
    """The fields of a default plan (no database write): hazards, ccps, verification, records."""
    formats = list(recipe.formats.select_related("jar_format").order_by("jar_format__volume_ml", "pk"))
    return {
        "hazards": default_hazards(recipe),
        "ccps": default_ccps(recipe, formats),
        "verification": default_verification(recipe),
        "records": default_records(recipe),
    }


def plan_errors(hazards: dict, ccps: list[dict], verification: str, records: str) -> dict:
    """Why a plan does not cover the seven principles of art. 5 §2; field → French message."""
    errors = {}
    missing = [kind for kind in HAZARD_KINDS if not (hazards.get(kind) or "").strip()]
    if missing:
        errors["hazards"] = _("Décrivez chaque danger : biologique, chimique, physique et allergènes.")
    if not ccps:
        errors["ccps"] = _("Un plan HACCP a au moins un point critique.")
    for ccp in ccps:
        if ccp.get("kind") not in CcpKind.values:
            errors["ccps"] = _("Point critique inconnu.")
            break
        empty = [name for name in CCP_FIELDS if not (ccp.get(name) or "").strip()]
        if empty:
            errors["ccps"] = _(
                "%(ccp)s : indiquez la limite critique, la surveillance (quoi, comment, quand, qui) et l'action "
                "corrective."
            ) % {"ccp": CcpKind(ccp["kind"]).label}
            break
    if not verification.strip():
        errors["verification"] = _("Indiquez comment le plan est vérifié.")
    if not records.strip():
        errors["records"] = _("Indiquez les documents et enregistrements tenus.")
    return errors


def lot_readings(recipe) -> dict:
    """The readings the lot form asks for a recipe, from its plan's critical control points: the pH when the pH
    is critical, the core curve when the sterilisation is (no query: prefetch `haccp_plan` and `formats`).

    A recipe whose plan was not written yet is read through its default plan's points."""
    try:
        kinds = recipe.haccp_plan.ccp_kinds
    except recipe._meta.model.haccp_plan.RelatedObjectDoesNotExist:
        kinds = {CcpKind.SEAL.value}
        if recipe.category == ACID:
            kinds.add(CcpKind.PH.value)
        treatments = {f.treatment for f in recipe.formats.all()}
        if HeatTreatment.STERILISATION in treatments:
            kinds.add(CcpKind.STERILISATION.value)
        elif treatments:
            kinds.add(CcpKind.PASTEURISATION.value)
    return {"ph": CcpKind.PH in kinds, "core": CcpKind.STERILISATION in kinds}
