"""The simulator's input schema: every key, its type, default (Romans' figures), bounds, unit and meaning.

A scenario is a JSON object; any key left out takes its default. Numbers are read as Decimal. Three kinds of
key: a number (`int` must be whole), an object of named numbers (`prices`, `vehicle`, `destinations`), and
`jar_mix`, an object {volume in ml: share}. Shares (`jar_mix`, `destinations`) must add up to 1.

Refusals name the field with its path (`vehicle.lease_eur`): unknown key, wrong type, negative value, value
above the field's bound ("absurd": 600 workshops a week, a 2 000 km radius).
"""

import math
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

D = Decimal


@dataclass(frozen=True)
class Number:
    name: str
    default: Decimal
    maximum: Decimal
    label: object
    unit: str = ""
    minimum: Decimal = D("0")
    whole: bool = False
    help: object = ""


@dataclass(frozen=True)
class Group:
    """An object of named numbers; `shares`: its values add up to 1."""

    name: str
    label: object
    fields: tuple
    shares: bool = False
    help: object = ""

    def child(self, key):
        return next((f for f in self.fields if f.name == key), None)


@dataclass(frozen=True)
class JarMix:
    name: str
    label: object
    default: dict = field(default_factory=dict)
    help: object = ""


MAX_MONEY = D("10000000")
JAR_VOLUMES = (D("50"), D("5000"))  # ml: a jar outside these bounds is a typo

SCHEMA = (
    Number("farms", D("30"), D("500"), gettext_lazy("Fermes partenaires"), whole=True, minimum=D("1")),
    Number("radius_km", D("30"), D("200"), gettext_lazy("Rayon de collecte"), "km", minimum=D("1")),
    Number("workshops_per_week", D("2"), D("14"), gettext_lazy("Ateliers par semaine"), minimum=D("0.5")),
    Number("weeks_per_year", D("30"), D("52"), gettext_lazy("Semaines d'activité par an"), whole=True, minimum=D("1")),
    Number("participants_per_workshop", D("8"), D("100"), gettext_lazy("Participants par atelier"), minimum=D("1")),
    Number("kg_per_workshop", D("25"), D("1000"), gettext_lazy("Kilos transformés par atelier"), "kg", minimum=D("1")),
    JarMix(
        "jar_mix",
        gettext_lazy("Répartition des bocaux par format"),
        {"250": D("0.30"), "375": D("0.50"), "750": D("0.20")},
        gettext_lazy("Part de chaque format (volume en ml) ; le total fait 1."),
    ),
    Number("deposit_eur", D("1.00"), D("10"), gettext_lazy("Consigne moyenne d'un bocal"), "€"),
    Group(
        "prices",
        gettext_lazy("Prix"),
        (
            Number("group_sale_eur", D("3.50"), D("50"), gettext_lazy("Prix d'un bocal au groupement d'achat"), "€"),
            Number("jar_eur", D("0.85"), D("10"), gettext_lazy("Prix d'un bocal neuf"), "€"),
            Number("lid_eur", D("0.25"), D("5"), gettext_lazy("Prix d'un couvercle"), "€"),
            Number("fuel_eur_per_l", D("1.80"), D("10"), gettext_lazy("Prix du carburant"), "€/L"),
            Number("eur_per_kwh", D("0.25"), D("5"), gettext_lazy("Prix de l'électricité"), "€/kWh"),
            Number("pantry_eur_per_kg", D("2.00"), D("100"), gettext_lazy("Prix moyen de l'épicerie"), "€/kg"),
        ),
    ),
    Number("staff_fte", D("1.5"), D("50"), gettext_lazy("Salariés (équivalents temps plein)"), "ETP"),
    Number("fte_cost_eur", D("36000"), D("200000"), gettext_lazy("Coût annuel chargé d'un ETP"), "€"),
    Group(
        "vehicle",
        gettext_lazy("Camion"),
        (
            Number("lease_eur", D("7800"), D("200000"), gettext_lazy("Location ou amortissement annuel"), "€"),
            Number("insurance_eur", D("1450"), D("50000"), gettext_lazy("Assurance annuelle"), "€"),
            Number("upkeep_eur", D("900"), D("50000"), gettext_lazy("Entretien annuel"), "€"),
            Number("l_per_100km", D("11"), D("60"), gettext_lazy("Consommation"), "L/100 km"),
        ),
    ),
    Number("subsidies_eur", D("35000"), MAX_MONEY, gettext_lazy("Subventions et contrats"), "€"),
    Group(
        "destinations",
        gettext_lazy("Destination des bocaux"),
        (
            Number("participants", D("0.50"), D("1"), gettext_lazy("Cédés aux participants (consigne)")),
            Number("group_sale", D("0.35"), D("1"), gettext_lazy("Vendus au groupement d'achat")),
            Number("internal", D("0.15"), D("1"), gettext_lazy("Usage interne des structures")),
        ),
        shares=True,
        help=gettext_lazy("Parts des bocaux ; le total fait 1."),
    ),
    Number("return_rate", D("0.60"), D("1"), gettext_lazy("Taux de retour des bocaux consignés")),
    Number(
        "visits_per_household", D("2.5"), D("100"), gettext_lazy("Ateliers par foyer sur la saison"), minimum=D("1")
    ),
    Number("kg_per_batch", D("10"), D("200"), gettext_lazy("Kilos par fournée"), "kg", minimum=D("1")),
    Number("kwh_per_batch", D("6"), D("200"), gettext_lazy("Énergie par fournée"), "kWh"),
    Number("pantry_kg_per_jar", D("0.03"), D("1"), gettext_lazy("Épicerie par bocal"), "kg"),
    Number("other_fixed_eur", D("1500"), MAX_MONEY, gettext_lazy("Autres charges fixes (formation HACCP…)"), "€"),
    Number("workshop_hours", D("3"), D("24"), gettext_lazy("Durée d'un atelier"), "h", minimum=D("0.5")),
    Number("prep_hours_per_workshop", D("2"), D("48"), gettext_lazy("Préparation et rangement par atelier"), "h"),
    Number("animators_per_workshop", D("2"), D("20"), gettext_lazy("Animateurs par atelier"), whole=True),
    Number("stops_per_round", D("3"), D("50"), gettext_lazy("Fermes visitées par tournée"), whole=True, minimum=D("1")),
)
BY_NAME = {spec.name: spec for spec in SCHEMA}


class ScenarioInvalid(ValueError):
    """`errors`: {field path: French message}; the first one is the one-line reason."""

    def __init__(self, errors: dict):
        self.errors = errors
        path, message = next(iter(errors.items()))
        super().__init__(f"{path} : {message}")


def defaults() -> dict:
    values = {}
    for spec in SCHEMA:
        if isinstance(spec, Number):
            values[spec.name] = spec.default
        elif isinstance(spec, Group):
            values[spec.name] = {child.name: child.default for child in spec.fields}
        else:
            values[spec.name] = dict(spec.default)
    return values


def _number(value, spec: Number, path: str, errors: dict):
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        errors[path] = _("un nombre est attendu.")
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        errors[path] = _("un nombre est attendu.")
        return None
    if not number.is_finite():
        errors[path] = _("un nombre fini est attendu.")
    elif spec.whole and number != number.to_integral_value():
        errors[path] = _("un nombre entier est attendu.")
    elif number < 0:
        errors[path] = _("ne peut pas être négatif.")
    elif number < spec.minimum:
        errors[path] = _("doit valoir au moins %(min)s.") % {"min": spec.minimum}
    elif number > spec.maximum:
        errors[path] = _("valeur invraisemblable (au plus %(max)s).") % {"max": spec.maximum}
    else:
        return number
    return None


def _shares_total(values: dict, path: str, errors: dict) -> None:
    if all(v is not None for v in values.values()) and abs(sum(values.values()) - 1) > D("0.01"):
        errors[path] = _("les parts doivent faire 1 au total (ici %(total)s).") % {"total": sum(values.values())}


def _group(value, spec: Group, errors: dict) -> dict:
    merged = {child.name: child.default for child in spec.fields}
    if not isinstance(value, dict):
        errors[spec.name] = _("un objet {clé: nombre} est attendu.")
        return merged
    for key, item in value.items():
        child = spec.child(key)
        if child is None:
            errors[f"{spec.name}.{key}"] = _("champ inconnu.")
            continue
        merged[key] = _number(item, child, f"{spec.name}.{key}", errors)
    if spec.shares:
        _shares_total(merged, spec.name, errors)
    return merged


def _jar_mix(value, spec: JarMix, errors: dict) -> dict:
    if not isinstance(value, dict) or not value:
        errors[spec.name] = _("un objet {volume en ml: part} est attendu.")
        return dict(spec.default)
    share = Number(spec.name, D("0"), D("1"), spec.label)
    mix = {}
    for key, item in value.items():
        path = f"{spec.name}.{key}"
        text = str(key).strip()
        if not text.isdigit() or not JAR_VOLUMES[0] <= D(text) <= JAR_VOLUMES[1]:
            errors[path] = _("volume en ml attendu (entre 50 et 5000).")
            continue
        mix[str(int(text))] = _number(item, share, path, errors)
    _shares_total(mix, spec.name, errors)
    return mix


def normalize(data: dict | None) -> dict:
    """The scenario with every key filled (defaults for those left out), as Decimal; ScenarioInvalid otherwise."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ScenarioInvalid({"scenario": _("un objet JSON {clé: valeur} est attendu.")})
    errors = {}
    values = defaults()
    for key, value in data.items():
        spec = BY_NAME.get(key)
        if spec is None:
            errors[str(key)] = _("champ inconnu.")
        elif isinstance(spec, Number):
            values[key] = _number(value, spec, key, errors)
        elif isinstance(spec, Group):
            values[key] = _group(value, spec, errors)
        else:
            values[key] = _jar_mix(value, spec, errors)
    if errors:
        raise ScenarioInvalid(errors)
    return values


def numeric_paths(values: dict) -> list[tuple[str, ...]]:
    """Paths of the numbers a sensitivity analysis may vary (shares are left out: they must add up to 1)."""
    paths = []
    for spec in SCHEMA:
        if isinstance(spec, Number):
            paths.append((spec.name,))
        elif isinstance(spec, Group) and not spec.shares:
            paths += [(spec.name, child.name) for child in spec.fields]
    return paths


def spec_of(path: tuple[str, ...]) -> Number:
    spec = BY_NAME[path[0]]
    return spec.child(path[1]) if len(path) > 1 else spec


def label_of(path: tuple[str, ...]) -> str:
    spec = spec_of(path)
    return str(spec.label)


def as_json(values: dict) -> dict:
    """Decimal -> int or float, for JSON (a whole number stays whole)."""

    def plain(value):
        if isinstance(value, dict):
            return {key: plain(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [plain(item) for item in value]
        if isinstance(value, Decimal):
            return int(value) if value == value.to_integral_value() and abs(value) < 10**15 else float(value)
        if isinstance(value, Promise):
            return str(value)
        return value

    return plain(values)


def schema_help() -> str:
    """The schema as text, for `conserverie simulate --help` and the docs."""
    lines = []
    for spec in SCHEMA:
        if isinstance(spec, Number):
            lines.append(_line(spec.name, spec))
        elif isinstance(spec, Group):
            lines.append(f"{spec.name}: {spec.label}" + (f" ({spec.help})" if spec.help else ""))
            lines += ["  " + _line(child.name, child) for child in spec.fields]
        else:
            mix = ", ".join(f'"{k}": {v}' for k, v in spec.default.items())
            lines.append(f"{spec.name}: {spec.label} — {{{mix}}}")
    return "\n".join(lines)


def _line(name, spec: Number) -> str:
    kind = _("entier") if spec.whole else _("nombre")
    unit = f" {spec.unit}" if spec.unit else ""
    return f"{name}: {spec.label} — {kind}, {spec.minimum}…{spec.maximum}{unit}, {_('défaut')} {spec.default}"


PI = D(str(math.pi))
