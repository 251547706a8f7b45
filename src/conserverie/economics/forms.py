from decimal import Decimal

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from conserverie.core.forms import BoundedForm
from conserverie.core.pages import DateInput, KgInput
from conserverie.economics.scenario_schema import SCHEMA, Group, JarMix, Number, ScenarioInvalid, normalize
from conserverie.economics.unit_costs import PARAMETERS, Category

SEP = "__"  # a form field's name for the input at path (group, key): "group__key"


class CostItemForm(BoundedForm):
    category = forms.ChoiceField(label=gettext_lazy("Catégorie"), choices=Category.choices)
    label = forms.CharField(label=gettext_lazy("Libellé"), max_length=150)
    amount_eur = forms.DecimalField(label=gettext_lazy("Montant (€)"), max_digits=10, decimal_places=2, widget=KgInput)
    date = forms.DateField(label=gettext_lazy("Date"), widget=DateInput)
    end_date = forms.DateField(label=gettext_lazy("Fin de la période"), required=False, widget=DateInput)
    funder = forms.CharField(
        label=gettext_lazy("Financeur"),
        max_length=150,
        required=False,
        help_text=gettext_lazy("Pour une subvention ou un contrat."),
    )
    note = forms.CharField(label=gettext_lazy("Remarque"), max_length=250, required=False)


class ParametersForm(BoundedForm):
    def __init__(self, *args, parameters=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name, _default, label, unit in PARAMETERS:
            self.fields[name] = forms.DecimalField(
                label=f"{label} ({unit})",
                max_digits=8,
                decimal_places=3,
                min_value=0,
                widget=KgInput(attrs={"step": "any"}),
                initial=getattr(parameters, name, None),
            )
        self.fields["deposit_forfeit_months"] = forms.IntegerField(
            label=gettext_lazy("Consigne acquise après (mois)"),
            required=False,
            min_value=1,
            max_value=120,
            initial=getattr(parameters, "deposit_forfeit_months", None),
            help_text=gettext_lazy(
                "Règle écrite de la conserverie : une consigne dont le bocal n'est pas revenu après ce nombre de mois "
                "devient une recette, ce jour-là. Vide : les consignes restent dues."
            ),
        )


def _number_field(spec: Number, label) -> forms.DecimalField:
    unit = f" ({spec.unit})" if spec.unit else ""
    return forms.DecimalField(label=f"{label}{unit}", widget=KgInput(attrs={"step": "any"}), help_text=spec.help)


def field_name(path: str) -> str:
    return path.replace(".", SEP)


HUNDRED = Decimal("100")


def is_share(spec) -> bool:
    """A number that is a fraction of a whole (a share, a rate): asked in percent on the page."""
    return isinstance(spec, Number) and spec.maximum == 1 and not spec.unit


def _percent_field(label, help_text="") -> forms.DecimalField:
    return forms.DecimalField(
        label=f"{label} (%)",
        min_value=0,
        max_value=100,
        widget=KgInput(attrs={"step": "any"}),
        help_text=help_text,
    )


def _percent(fraction) -> Decimal:
    """0.28 → 28: the initial value of a percent field, without trailing zeros."""
    value = Decimal(str(fraction)) * HUNDRED
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


class ScenarioForm(BoundedForm):
    """One field per number of the schema; initial values are the territory's figures (or Romans').

    Shares and rates (the destinations of the jars, the jar formats, the return rate) are asked in percent, as
    people think of them (issue 19, item 7): "28" for 0.28. `inputs()` gives the simulator its fractions back.
    """

    name = forms.CharField(
        label=gettext_lazy("Nom du scénario"),
        max_length=120,
        required=False,
        help_text=gettext_lazy("Pour l'enregistrer et le comparer aux autres."),
    )

    def __init__(self, *args, initial_values: dict, volumes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.sections = []  # (title, help, [field names]) for the template
        self.percent_fields: set[str] = set()  # asked in percent, given to the simulator as fractions
        self.share_groups: list[list[str]] = []  # fields whose percents add up to 100
        main = []
        for spec in SCHEMA:
            if isinstance(spec, Number):
                if is_share(spec):
                    self.fields[spec.name] = _percent_field(spec.label, spec.help)
                    self.fields[spec.name].initial = _percent(initial_values[spec.name])
                    self.percent_fields.add(spec.name)
                else:
                    self.fields[spec.name] = _number_field(spec, spec.label)
                    self.fields[spec.name].initial = initial_values[spec.name]
                main.append(spec.name)
            elif isinstance(spec, Group):
                names = []
                for child in spec.fields:
                    name = f"{spec.name}{SEP}{child.name}"
                    if spec.shares or is_share(child):
                        self.fields[name] = _percent_field(child.label, child.help)
                        self.fields[name].initial = _percent(initial_values[spec.name][child.name])
                        self.percent_fields.add(name)
                    else:
                        self.fields[name] = _number_field(child, child.label)
                        self.fields[name].initial = initial_values[spec.name][child.name]
                    names.append(name)
                help_text = _("En pourcentage ; le total fait 100 %.") if spec.shares else spec.help
                self.sections.append((spec.label, help_text, names))
                if spec.shares:
                    self.share_groups.append(names)
            elif isinstance(spec, JarMix):
                mix = initial_values[spec.name]
                names = []
                for volume in sorted({*mix, *(str(v) for v in volumes)}, key=int):
                    name = f"{spec.name}{SEP}{volume}"
                    self.fields[name] = _percent_field(_("Part des bocaux de %(volume)s ml") % {"volume": volume})
                    self.fields[name].initial = _percent(mix.get(volume, 0))
                    self.percent_fields.add(name)
                    names.append(name)
                self.sections.append(
                    (spec.label, _("Part de chaque format en pourcentage ; le total fait 100 %."), names)
                )
                self.share_groups.append(names)
        self.sections.insert(0, (_("Activité, personnel et financement"), "", main))

    def bound_sections(self):
        return [(title, help_text, [self[name] for name in names]) for title, help_text, names in self.sections]

    def inputs(self) -> dict:
        """The scenario as the simulator reads it, from the cleaned data."""
        data = {}
        for name, value in self.cleaned_data.items():
            if name == "name" or value is None:
                continue
            if name in self.percent_fields:
                value = value / HUNDRED
            if SEP in name:
                group, key = name.split(SEP, 1)
                if group == "jar_mix" and not value:
                    continue  # a format left at 0 is not in the mix
                data.setdefault(group, {})[key] = value
            else:
                data[name] = value
        return data

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        for names in self.share_groups:
            total = sum((cleaned.get(name) or 0) for name in names)
            if abs(total - HUNDRED) > 1:
                self.add_error(
                    names[0],
                    _("Les parts doivent faire 100 %% au total (ici %(total)s %%).")
                    % {"total": _percent(total / HUNDRED)},
                )
        if self.errors:
            return cleaned
        try:
            self.values = normalize(self.inputs())
        except ScenarioInvalid as exc:
            for path, message in exc.errors.items():
                self._error_at(path, message)
        return cleaned

    def _error_at(self, path: str, message: str) -> None:
        name = field_name(path)
        if name not in self.fields:  # a group's total: shown at its first field
            name = next((f for f in self.fields if f.startswith(name + SEP)), None)
        self.add_error(name, message[:1].upper() + message[1:])


class ChartForm(BoundedForm):
    """The chart of accounts: a number and a wording per use (the SIREN is the legal entity's)."""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for key, use, account, default in rows:
            number = forms.CharField(
                label=gettext_lazy("Compte « %(use)s »") % {"use": use},
                max_length=20,
                initial=account.number,
                help_text=gettext_lazy("Par défaut : %(n)s") % {"n": default.number},
            )
            label = forms.CharField(label=gettext_lazy("Intitulé"), max_length=120, initial=account.label)
            self.fields[f"{key}_number"], self.fields[f"{key}_label"] = number, label
            self.rows.append(key)

    def accounts(self) -> dict:
        return {key: (self.cleaned_data[f"{key}_number"], self.cleaned_data[f"{key}_label"]) for key in self.rows}

    def pairs(self):
        return [(self[f"{key}_number"], self[f"{key}_label"]) for key in self.rows]
