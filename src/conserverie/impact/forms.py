"""Forms of the flower: the period picker, dimensions, indicators and values entered by hand."""

from django import forms
from django.utils.translation import gettext_lazy as _

from conserverie.core.forms import BoundedForm
from conserverie.core.pages import DateInput
from conserverie.impact.models import Dimension, Indicator
from conserverie.impact.periods import SEASONS, Period, _season_label
from conserverie.impact.registry import computation_choices


class ColourInput(forms.TextInput):
    input_type = "color"


class DimensionForm(BoundedForm):
    name = forms.CharField(label=_("Nom"), max_length=120, error_messages={"required": _("Donnez un nom.")})
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    colour = forms.RegexField(
        label=_("Couleur"),
        regex=r"^#[0-9a-fA-F]{6}$",
        initial="#2e7d32",
        widget=ColourInput(attrs={"class": "form-control form-control-color"}),
        error_messages={"invalid": _("Une couleur au format #rrggbb.")},
    )
    order = forms.IntegerField(label=_("Ordre dans la fleur"), min_value=0, max_value=99, initial=1)


class IndicatorForm(BoundedForm):
    dimension = forms.ModelChoiceField(label=_("Dimension (pétale)"), queryset=Dimension.objects.none())
    name = forms.CharField(label=_("Nom"), max_length=150, error_messages={"required": _("Donnez un nom.")})
    source = forms.ChoiceField(label=_("D'où vient la valeur"), choices=Indicator.Source.choices)
    computation = forms.ChoiceField(
        label=_("Calcul (indicateur calculé)"), required=False, choices=[("", "—"), *computation_choices()]
    )
    unit = forms.CharField(
        label=_("Unité"), max_length=30, required=False, help_text=_("Vide : l'unité du calcul choisi.")
    )
    target = forms.DecimalField(label=_("Cible"), min_value=0, max_digits=12, decimal_places=2)
    weight = forms.DecimalField(label=_("Poids"), min_value=0, max_digits=5, decimal_places=2, initial=1)
    higher_is_better = forms.BooleanField(
        label=_("Plus c'est haut, mieux c'est"),
        required=False,
        initial=True,
        help_text=_("Décochez quand il faut rester sous la cible (par exemple des kilomètres)."),
    )
    manual_source = forms.CharField(label=_("Source habituelle (indicateur saisi)"), max_length=200, required=False)
    order = forms.IntegerField(label=_("Ordre"), min_value=0, max_value=99, initial=1)

    def __init__(self, *args, territory, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dimension"].queryset = Dimension.objects.filter(territory=territory)


class IndicatorValueForm(BoundedForm):
    period = forms.CharField(
        label=_("Période"),
        max_length=30,
        help_text=_("Une année (2026), une saison (2026-printemps) ou des dates (2026-03-01..2026-06-30)."),
    )
    value = forms.DecimalField(label=_("Valeur"), max_digits=14, decimal_places=2)
    source_note = forms.CharField(
        label=_("Source du chiffre"), max_length=250, error_messages={"required": _("Indiquez la source.")}
    )

    def clean_period(self):
        try:
            return Period.parse(self.cleaned_data["period"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None


class PeriodForm(BoundedForm):
    """The period picker: a year, a season of a year, or two dates. Read from the query string."""

    year = forms.IntegerField(label=_("Année"), min_value=2000, max_value=2100, required=False)
    season = forms.ChoiceField(label=_("Saison"), required=False)
    start = forms.DateField(label=_("Du"), widget=DateInput, required=False)
    end = forms.DateField(label=_("Au"), widget=DateInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["season"].choices = [("", _("Toute l'année"))] + [
            (slug, _season_label(slug).capitalize()) for slug in SEASONS
        ]

    def period(self, default: Period) -> Period:
        """The period asked for, else `default` (with the reason on the form)."""
        if not self.is_valid():
            return default
        data = self.cleaned_data
        try:
            if data["start"] or data["end"]:
                if not (data["start"] and data["end"]):
                    raise ValueError(_("Indiquez les deux dates de la période."))
                return Period.between(data["start"], data["end"])
            year = data["year"] or default.start.year
            if data["season"]:
                return Period.season(year, data["season"])
            if data["year"]:
                return Period.year(year)
        except ValueError as error:
            self.add_error(None, str(error))
        return default


class ContractIndicatorForm(BoundedForm):
    """One indicator of the Contrat d'impact social: the territory chooses it among its flower's indicators."""

    indicator = forms.ModelChoiceField(label=_("Indicateur de la fleur"), queryset=Indicator.objects.none())
    threshold = forms.DecimalField(label=_("Seuil (rien n'est dû en deçà)"), max_digits=14, decimal_places=2)
    target = forms.DecimalField(label=_("Cible du contrat (paiement entier)"), max_digits=14, decimal_places=2)
    payment_eur = forms.DecimalField(label=_("Paiement à la cible (€)"), max_digits=10, decimal_places=2)

    def __init__(self, *args, territory, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = (
            Indicator.objects.filter(dimension__territory=territory)
            .select_related("dimension")
            .order_by("dimension__order", "order", "pk")
        )


class ContractSignOffForm(BoundedForm):
    """The evaluator's sign-off of a period's measured values."""

    periode = forms.CharField(label=_("Période évaluée"), max_length=30, help_text=_("Par exemple 2026."))
    evaluator = forms.CharField(label=_("Évaluateur ou évaluatrice"), max_length=150)
    organisation = forms.CharField(label=_("Organisme d'évaluation"), max_length=150)
    signed_on = forms.DateField(label=_("Date de validation"), widget=DateInput)
    statement = forms.CharField(label=_("Avis"), max_length=500, required=False)

    def clean_signed_on(self):
        from django.utils import timezone

        day = self.cleaned_data["signed_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("Une validation ne peut pas être datée de demain."))
        return day

    def clean_periode(self):
        try:
            return Period.parse(self.cleaned_data["periode"].strip())
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None
