"""Writes of the economics domain: cost and revenue items, unit costs, saved scenarios. Coordinators only."""

import re
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from conserverie.core.history import save_as
from conserverie.economics.models import CostItem, CostParameters, LedgerAccount, Scenario
from conserverie.economics.scenario_schema import ScenarioInvalid, as_json, normalize
from conserverie.economics.simulator import simulate
from conserverie.economics.unit_costs import FUNDED_CATEGORIES, PARAMETERS, Category
from conserverie.territories.models import Territory
from conserverie.territories.permissions import require

MAX_AMOUNT = Decimal("10000000")


def cost_item_add(
    *,
    actor,
    territory: Territory,
    category: str,
    label: str,
    amount_eur: Decimal,
    date: date,
    end_date: date | None = None,
    funder: str = "",
    note: str = "",
) -> CostItem:
    """A cost or revenue entered by hand; it replaces the derived line of its category for the period."""
    require(actor, territory, "economics.manage")
    label, funder = (label or "").strip(), (funder or "").strip()
    errors = {}
    if category not in Category.values:
        errors["category"] = _("Choisissez une catégorie.")
    if not label:
        errors["label"] = _("Donnez un libellé.")
    if amount_eur is None or amount_eur <= 0:
        errors["amount_eur"] = _("Le montant doit être supérieur à zéro.")
    elif amount_eur > MAX_AMOUNT:
        errors["amount_eur"] = _("Montant invraisemblable : vérifiez la saisie.")
    if date is None:
        errors["date"] = _("Indiquez la date.")
    elif end_date is not None and end_date < date:
        errors["end_date"] = _("La fin de la période doit suivre son début.")
    if category in FUNDED_CATEGORIES and not funder:
        errors["funder"] = _("Indiquez le financeur de cette subvention ou de ce contrat.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        item = CostItem(
            territory=territory,
            category=category,
            label=label,
            amount_eur=amount_eur,
            date=date,
            end_date=end_date,
            funder=funder,
            note=(note or "").strip(),
            created_by=actor,
        )
        return save_as(item, actor)


def cost_item_remove(*, actor, item: CostItem) -> None:
    require(actor, item.territory, "economics.manage")
    with transaction.atomic():
        item._history_user = actor
        item.delete()


def parameters_set(*, actor, territory: Territory, **values) -> CostParameters:
    """The territory's unit costs (fuel, jars, energy, pantry, an hour of animation)."""
    require(actor, territory, "economics.manage")
    names = [name for name, *_rest in PARAMETERS]
    unknown = set(values) - set(names)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: _("Paramètre inconnu.")})
    errors = {name: _("Ne peut pas être négatif.") for name, value in values.items() if value is None or value < 0}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        parameters = CostParameters.objects.select_for_update().filter(territory=territory).first()
        parameters = parameters or CostParameters(territory=territory)
        for name, value in values.items():
            setattr(parameters, name, value)
        parameters.updated_by = actor
        return save_as(parameters, actor)


MAX_FORFEIT_MONTHS = 120


def deposit_rule_set(*, actor, territory: Territory, months: int | None) -> CostParameters:
    """The territory's written rule on deposits: forfeited when the jar has not come back after `months` months
    (None: never forfeited, the deposits stay owed)."""
    require(actor, territory, "economics.manage")
    if months is not None and not (1 <= months <= MAX_FORFEIT_MONTHS):
        raise ValidationError(
            {
                "deposit_forfeit_months": _("Indiquez un nombre de mois entre 1 et %(max)s, ou laissez vide.")
                % {"max": MAX_FORFEIT_MONTHS}
            }
        )
    with transaction.atomic():
        parameters = CostParameters.objects.select_for_update().filter(territory=territory).first()
        parameters = parameters or CostParameters(territory=territory)
        parameters.deposit_forfeit_months = months
        parameters.updated_by = actor
        return save_as(parameters, actor)


def scenario_save(*, actor, territory: Territory, name: str, inputs: dict) -> Scenario:
    """Simulate `inputs` and keep them with the result under `name` (the same name is replaced)."""
    require(actor, territory, "economics.manage")
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Donnez un nom au scénario.")})
    try:
        result = simulate(inputs)
    except ScenarioInvalid as exc:
        raise ValidationError({path.replace(".", "__"): message for path, message in exc.errors.items()}) from None
    with transaction.atomic():
        scenario = Scenario.objects.select_for_update().filter(territory=territory, name=name).first() or Scenario(
            territory=territory, name=name
        )
        scenario.inputs = as_json(normalize(inputs))
        scenario.result = result.as_json()
        scenario.created_by = actor
        return save_as(scenario, actor)


def scenario_remove(*, actor, scenario: Scenario) -> None:
    require(actor, scenario.territory, "economics.manage")
    with transaction.atomic():
        scenario._history_user = actor
        scenario.delete()


ACCOUNT_NUMBER = re.compile(r"^[1-8][0-9A-Z]{1,19}$")


def chart_set(*, actor, territory: Territory, accounts: dict) -> dict:
    """The territory's chart of accounts: {key: (number, label)} for the keys of `economics/chart.py` (an account
    left at its default is not stored). The SIREN that names the FEC file is the legal entity's
    (`territories.LegalEntity`, one source, set on the legal entity's page)."""
    from conserverie.economics.chart import DEFAULTS

    require(actor, territory, "economics.manage")
    errors = {}
    cleaned = {}
    for key, (number, label) in accounts.items():
        if key not in DEFAULTS:
            errors[f"{key}_number"] = _("Compte inconnu.")
            continue
        number, label = "".join(str(number or "").split()).upper(), " ".join(str(label or "").split())
        if not ACCOUNT_NUMBER.match(number):
            errors[f"{key}_number"] = _(
                "Un numéro de compte commence par sa classe (1 à 8) et ne contient que des chiffres ou des "
                "lettres (20 au plus)."
            )
        if not label or len(label) > 120:
            errors[f"{key}_label"] = _("Donnez l'intitulé du compte (120 caractères au plus).")
        cleaned[key] = (number, label)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        saved = {a.key: a for a in LedgerAccount.objects.select_for_update().filter(territory=territory)}
        for key, (number, label) in cleaned.items():
            default_number, default_label, _use = DEFAULTS[key]
            account = saved.get(key)
            if (number, label) == (default_number, str(default_label)):
                if account is not None:
                    account._history_user = actor
                    account.delete()
                continue
            account = account or LedgerAccount(territory=territory, key=key)
            if (account.number, account.label) != (number, label):
                account.number, account.label, account.updated_by = number, label, actor
                save_as(account, actor)
    return cleaned
