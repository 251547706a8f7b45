"""Writes of the flower: dimensions (petals), indicators and the values entered by hand. Coordinators only."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from conserverie.core.history import save_as
from conserverie.impact.models import Dimension, Indicator, IndicatorValue
from conserverie.impact.periods import Period
from conserverie.impact.registry import COMPUTATIONS
from conserverie.territories.models import Territory
from conserverie.territories.permissions import require

# The six petals drawn from the project's aims (name, description, colour).
DEFAULT_DIMENSIONS = [
    (
        gettext_lazy("Alimentation saine et accessible"),
        gettext_lazy("Des produits bio et locaux transformés ensemble, à un prix accessible à tous les foyers."),
        "#c0392b",
    ),
    (
        gettext_lazy("Lien social et convivialité"),
        gettext_lazy("Se rencontrer autour d'un atelier, entre voisins, générations et cultures."),
        "#e67e22",
    ),
    (
        gettext_lazy("Pouvoir d'agir et gouvernance partagée"),
        gettext_lazy("Les habitants décident, s'engagent comme bénévoles et prennent part à la coopération."),
        "#8e44ad",
    ),
    (
        gettext_lazy("Lien ville–campagne et soutien aux paysans"),
        gettext_lazy("Des débouchés pour les surplus des fermes bio proches, des habitants qui découvrent les fermes."),
        "#27ae60",
    ),
    (
        gettext_lazy("Transition écologique"),
        gettext_lazy("Moins de gaspillage, des bocaux réutilisables consignés, des circuits courts."),
        "#16a085",
    ),
    (
        gettext_lazy("Économie locale et emploi"),
        gettext_lazy("Des emplois sur le territoire et une activité qui s'équilibre."),
        "#2c3e50",
    ),
]


def _check_dimension(territory: Territory, name: str, exclude_pk: int | None = None) -> dict:
    errors = {}
    if not name:
        errors["name"] = _("Donnez un nom à cette dimension.")
    elif Dimension.objects.filter(territory=territory, name__iexact=name).exclude(pk=exclude_pk).exists():
        errors["name"] = _("Une dimension porte déjà ce nom sur ce territoire.")
    return errors


def dimensions_create_defaults(territory: Territory, *, actor=None) -> list[Dimension]:
    """The six default petals of a territory; those that already exist (same name) are kept as they are."""
    if actor is not None:
        require(actor, territory, "impact.configure")
    existing = {name.lower() for name in Dimension.objects.filter(territory=territory).values_list("name", flat=True)}
    created = []
    with transaction.atomic():
        for order, (name, description, colour) in enumerate(DEFAULT_DIMENSIONS, start=1):
            if str(name).lower() in existing:
                continue
            dimension = Dimension(
                territory=territory, name=str(name), description=str(description), colour=colour, order=order
            )
            created.append(save_as(dimension, actor))
    return created


def dimension_create(
    *, actor, territory: Territory, name: str, description: str = "", colour: str = "#2e7d32", order: int = 0
) -> Dimension:
    require(actor, territory, "impact.configure")
    name = (name or "").strip()
    errors = _check_dimension(territory, name)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        dimension = Dimension(
            territory=territory, name=name, description=description.strip(), colour=colour.lower(), order=order
        )
        return save_as(dimension, actor)


def dimension_update(
    *, actor, dimension: Dimension, name: str, description: str = "", colour: str, order: int
) -> Dimension:
    require(actor, dimension.territory, "impact.configure")
    name = (name or "").strip()
    errors = _check_dimension(dimension.territory, name, exclude_pk=dimension.pk)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        dimension.name = name
        dimension.description = (description or "").strip()
        dimension.colour = (colour or "").lower()
        dimension.order = order
        return save_as(dimension, actor)


def _check_indicator(dimension: Dimension, fields: dict, exclude_pk: int | None = None) -> dict:
    errors = {}
    if not fields["name"]:
        errors["name"] = _("Donnez un nom à cet indicateur.")
    elif Indicator.objects.filter(dimension=dimension, name__iexact=fields["name"]).exclude(pk=exclude_pk).exists():
        errors["name"] = _("Cette dimension a déjà un indicateur de ce nom.")
    if fields["source"] not in Indicator.Source.values:
        errors["source"] = _("Choisissez d'où vient la valeur.")
    elif fields["source"] == Indicator.Source.COMPUTED and fields["computation"] not in COMPUTATIONS:
        errors["computation"] = _("Choisissez le calcul de cet indicateur.")
    if fields["target"] is None or fields["target"] < 0:
        errors["target"] = _("La cible est un nombre positif ou nul.")
    if fields["weight"] is None or fields["weight"] < 0:
        errors["weight"] = _("Le poids est un nombre positif ou nul.")
    return errors


def _indicator_fields(**fields) -> dict:
    fields["name"] = (fields.get("name") or "").strip()
    fields["unit"] = (fields.get("unit") or "").strip()
    fields["manual_source"] = (fields.get("manual_source") or "").strip()
    if fields["source"] != Indicator.Source.COMPUTED:
        fields["computation"] = ""
    elif not fields["unit"] and fields["computation"] in COMPUTATIONS:
        fields["unit"] = str(COMPUTATIONS[fields["computation"]].unit)
    return fields


def indicator_create(
    *,
    actor,
    dimension: Dimension,
    name: str,
    source: str,
    target: Decimal,
    unit: str = "",
    computation: str = "",
    weight: Decimal = Decimal("1"),
    higher_is_better: bool = True,
    manual_source: str = "",
    order: int = 0,
) -> Indicator:
    require(actor, dimension.territory, "impact.configure")
    fields = _indicator_fields(
        name=name,
        source=source,
        target=target,
        unit=unit,
        computation=computation,
        weight=weight,
        higher_is_better=higher_is_better,
        manual_source=manual_source,
        order=order,
    )
    errors = _check_indicator(dimension, fields)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        return save_as(Indicator(dimension=dimension, **fields), actor)


def indicator_update(*, actor, indicator: Indicator, **changes) -> Indicator:
    """Change an indicator; `changes` are the fields of indicator_create (a moved dimension stays in the territory)."""
    territory = indicator.dimension.territory
    require(actor, territory, "impact.configure")
    dimension = changes.pop("dimension", indicator.dimension)
    if dimension.territory_id != territory.pk:
        raise ValidationError({"dimension": _("Cette dimension n'appartient pas à ce territoire.")})
    current = {
        name: getattr(indicator, name)
        for name in (
            "name",
            "source",
            "target",
            "unit",
            "computation",
            "weight",
            "higher_is_better",
            "manual_source",
            "order",
        )
    }
    current.update(changes)
    fields = _indicator_fields(**current)
    errors = _check_indicator(dimension, fields, exclude_pk=indicator.pk)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        indicator.dimension = dimension
        for name, value in fields.items():
            setattr(indicator, name, value)
        return save_as(indicator, actor)


def indicator_value_record(
    *, actor, indicator: Indicator, period: Period | str, value: Decimal, source_note: str
) -> IndicatorValue:
    """Enter (or correct) the value of a hand-entered indicator for a period, with where it comes from."""
    require(actor, indicator.dimension.territory, "impact.configure")
    errors = {}
    if isinstance(period, str):
        try:
            period = Period.parse(period)
        except ValueError as error:
            errors["period"] = str(error)
    if indicator.source != Indicator.Source.MANUAL:
        errors["value"] = _("Seuls les indicateurs saisis à la main reçoivent une valeur saisie.")
    if value is None:
        errors["value"] = _("Indiquez une valeur.")
    source_note = (source_note or "").strip()
    if not source_note:
        errors["source_note"] = _("Indiquez la source de ce chiffre (document, comptage, enquête…).")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        row = IndicatorValue.objects.select_for_update().filter(indicator=indicator, period=period.key).first()
        if row is None:
            row = IndicatorValue(indicator=indicator, period=period.key)
        row.value = value
        row.source_note = source_note
        row.entered_by = actor
        return save_as(row, actor)


# --- Contrat d'impact social (issue 16 item 6) ------------------------------------------------------------------

MAX_PAYMENT = Decimal("10000000")


def contract_indicator_set(
    *, actor, territory: Territory, indicator: Indicator, threshold: Decimal, target: Decimal, payment_eur: Decimal
):
    """One indicator the contract pays on: nothing under `threshold`, `payment_eur` at `target`, in proportion in
    between. When lower is better (fewer kilos thrown away…), the threshold is above the target."""
    from conserverie.impact.models import ContractIndicator

    require(actor, territory, "impact.configure")
    errors = {}
    if indicator is None or indicator.dimension.territory_id != territory.pk:
        errors["indicator"] = _("Choisissez un indicateur de la fleur de ce territoire.")
    if threshold is None:
        errors["threshold"] = _("Indiquez le seuil.")
    if target is None:
        errors["target"] = _("Indiquez la cible.")
    if threshold is not None and target is not None and indicator is not None and "indicator" not in errors:
        if indicator.higher_is_better and not threshold < target:
            errors["threshold"] = _("Le seuil doit être sous la cible (plus c'est haut, mieux c'est).")
        elif not indicator.higher_is_better and not threshold > target:
            errors["threshold"] = _("Le seuil doit être au-dessus de la cible (plus c'est bas, mieux c'est).")
    if payment_eur is None or payment_eur <= 0:
        errors["payment_eur"] = _("Le paiement doit être supérieur à zéro.")
    elif payment_eur > MAX_PAYMENT:
        errors["payment_eur"] = _("Montant invraisemblable : vérifiez la saisie.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        term = ContractIndicator.objects.select_for_update().filter(territory=territory, indicator=indicator).first()
        term = term or ContractIndicator(territory=territory, indicator=indicator)
        term.threshold, term.target, term.payment_eur, term.updated_by = threshold, target, payment_eur, actor
        return save_as(term, actor)


def contract_indicator_remove(*, actor, term) -> None:
    require(actor, term.territory, "impact.configure")
    with transaction.atomic():
        term._history_user = actor
        term.delete()


def contract_signoff_record(
    *, actor, territory: Territory, period: Period, evaluator: str, organisation: str, signed_on, statement: str = ""
):
    """The evaluator's sign-off of the measured values of `period` (one per period; a new one replaces it)."""
    from django.utils import timezone

    from conserverie.impact.models import ContractSignOff

    require(actor, territory, "impact.configure")
    evaluator, organisation = " ".join((evaluator or "").split()), " ".join((organisation or "").split())
    errors = {}
    if not evaluator:
        errors["evaluator"] = _("Indiquez qui a évalué.")
    if not organisation:
        errors["organisation"] = _("Indiquez l'organisme d'évaluation.")
    if signed_on is None:
        errors["signed_on"] = _("Indiquez la date de validation.")
    elif signed_on > timezone.localdate():
        errors["signed_on"] = _("Une validation ne peut pas être datée de demain.")
    elif signed_on < period.start:
        errors["signed_on"] = _("La validation ne peut pas précéder la période évaluée.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        sign_off = ContractSignOff.objects.select_for_update().filter(territory=territory, period=period.key).first()
        sign_off = sign_off or ContractSignOff(territory=territory, period=period.key)
        sign_off.evaluator, sign_off.organisation, sign_off.signed_on = evaluator, organisation, signed_on
        sign_off.statement, sign_off.recorded_by = " ".join((statement or "").split())[:500], actor
        return save_as(sign_off, actor)
