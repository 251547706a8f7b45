from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conserverie.core.forms import BoundedForm
from conserverie.core.pages import CountInput, DateInput, FastSelect, KgInput
from conserverie.people.models import Participant
from conserverie.stock.models import StockMovement
from conserverie.territories.models import JarFormat, Location

# More jars than any truck, shop or season holds: a bigger number is a typo (or an attack), refused by the form
# before it reaches the database (whose integer columns would overflow with a 500).
MAX_JARS = 100_000

# The production lot, known to the ledger through its foreign key only: stock sits below production in the layers
# (docs/architecture.md), so it names the model its rows point to instead of importing it.
ProductionLot = StockMovement._meta.get_field("lot").related_model
LOT_STATUSES = dict(ProductionLot._meta.get_field("status").flatchoices)  # {value: label}, without the import


def lot_label(code: str, recipe_name: str, status: str, statuses=LOT_STATUSES) -> str:
    """How a lot is written in a list: its code, its recipe, its status (`statuses`: see `status_labels`)."""
    return f"{code} — {recipe_name} ({statuses.get(status, status)})"


def status_labels() -> dict:
    """The lot statuses in the active language, for a list of lots: a lazy label is translated again at each use
    (a thousand lots, a thousand look-ups in the catalogue)."""
    return {value: str(label) for value, label in LOT_STATUSES.items()}


class LotChoices(forms.models.ModelChoiceIterator):
    """The options of a lot list read as (id, code, recipe, status) tuples, not as lots: the same options, without
    building a lot and its recipe (and decoding their JSON fields) for each of the territory's lots, which took most
    of the stock forms' time at ten seasons (1,500 lots: 300 ms; docs/performance.md, k20). The chosen lot is still
    fetched as a model by the field's `to_python`."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        statuses = status_labels()
        for pk, code, recipe_name, status in self.queryset.values_list("pk", "code", "recipe__name", "status"):
            yield (pk, lot_label(code, recipe_name, status, statuses))


class LotChoiceField(forms.ModelChoiceField):
    widget = FastSelect  # every lot of the territory: no template per option (issue 20)
    iterator = LotChoices

    def label_from_instance(self, obj):
        return lot_label(obj.code, obj.recipe.name, obj.status)


class TerritoryForm(BoundedForm):
    """Every record a form offers belongs to the page's territory: a forged id is simply not a choice."""

    def __init__(self, *args, territory, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, LotChoiceField):
                field.queryset = (
                    ProductionLot.objects.filter(territory=territory)
                    .select_related("recipe")
                    .order_by("-produced_on", "-id")
                )
            elif isinstance(field, forms.ModelChoiceField):
                field.queryset = field.queryset.model.objects.filter(territory=territory)
        if "day" in self.fields:
            self.fields["day"].initial = timezone.localdate()


class MoveForm(TerritoryForm):
    lot = LotChoiceField(label=_("Lot"), queryset=ProductionLot.objects.none())
    jar_format = forms.ModelChoiceField(label=_("Format"), queryset=JarFormat.objects.none())
    source = forms.ModelChoiceField(label=_("Depuis"), queryset=Location.objects.none())
    destination = forms.ModelChoiceField(label=_("Vers"), queryset=Location.objects.none())
    quantity = forms.IntegerField(label=_("Bocaux"), min_value=0, max_value=MAX_JARS, widget=CountInput)
    day = forms.DateField(label=_("Date"), widget=DateInput)
    reason = forms.CharField(label=_("Remarque"), required=False, max_length=250)


class DiscardForm(TerritoryForm):
    lot = LotChoiceField(label=_("Lot"), queryset=ProductionLot.objects.none())
    jar_format = forms.ModelChoiceField(label=_("Format"), queryset=JarFormat.objects.none())
    location = forms.ModelChoiceField(label=_("Emplacement"), queryset=Location.objects.none())
    quantity = forms.IntegerField(label=_("Bocaux"), min_value=0, max_value=MAX_JARS, widget=CountInput)
    broken = forms.BooleanField(label=_("Cassés (sinon : jetés)"), required=False)
    day = forms.DateField(label=_("Date"), widget=DateInput)
    reason = forms.CharField(label=_("Pourquoi ?"), required=False, max_length=250)


def participant_option(pk, first_name: str, neighbourhood: str) -> str:
    return f"{first_name} #{pk}" + (f" — {neighbourhood}" if neighbourhood else "")


class ParticipantChoices(forms.models.ModelChoiceIterator):
    """The participants as (id, first name, neighbourhood) tuples, not models (as `LotChoices`; k20)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for pk, first_name, neighbourhood in self.queryset.values_list("pk", "first_name", "neighbourhood"):
            yield (pk, participant_option(pk, first_name, neighbourhood))


class ParticipantField(forms.ModelChoiceField):
    widget = FastSelect  # every participant of the territory: no template per option (docs/performance.md, k20)
    iterator = ParticipantChoices

    def label_from_instance(self, obj):
        return participant_option(obj.pk, obj.first_name, obj.neighbourhood)


class DepositReturnForm(TerritoryForm):
    location = forms.ModelChoiceField(label=_("Rapportés à"), queryset=Location.objects.none())
    jar_format = forms.ModelChoiceField(label=_("Format"), queryset=JarFormat.objects.none())
    quantity = forms.IntegerField(label=_("Bocaux vides"), min_value=0, max_value=MAX_JARS, widget=CountInput)
    participant = ParticipantField(
        label=_("Rapportés par"),
        queryset=Participant.objects.none(),
        required=False,
        help_text=_("Le participant, pour suivre sa consigne (facultatif, obligatoire pour un avoir)."),
    )
    keep_as_credit = forms.TypedChoiceField(
        label=_("La consigne"),
        choices=[("", _("est remboursée")), ("1", _("est gardée en avoir pour la prochaine cession"))],
        coerce=bool,
        empty_value=False,
        required=False,
        widget=forms.RadioSelect,
    )
    refunded_eur = forms.DecimalField(
        label=_("Consigne remboursée (€)"),
        required=False,
        max_digits=8,
        decimal_places=2,
        widget=KgInput,
        help_text=_("Laisser vide : la consigne du format, pour chaque bocal. 0 si la personne la laisse."),
    )
    day = forms.DateField(label=_("Date"), widget=DateInput)


class InventoryForm(TerritoryForm):
    lot = LotChoiceField(label=_("Lot"), queryset=ProductionLot.objects.none())
    jar_format = forms.ModelChoiceField(label=_("Format"), queryset=JarFormat.objects.none())
    location = forms.ModelChoiceField(label=_("Emplacement"), queryset=Location.objects.none())
    counted = forms.IntegerField(
        label=_("Bocaux comptés"),
        min_value=0,
        max_value=MAX_JARS,
        widget=CountInput,
        help_text=_("Le registre garde l'écart comme un ajustement, sans rien effacer."),
    )
    day = forms.DateField(label=_("Date du comptage"), widget=DateInput)
    reason = forms.CharField(label=_("Pourquoi l'écart ?"), required=False, max_length=250)


class EmptyBuyForm(TerritoryForm):
    location = forms.ModelChoiceField(label=_("Livrés à"), queryset=Location.objects.none())
    jar_format = forms.ModelChoiceField(label=_("Format"), queryset=JarFormat.objects.none())
    quantity = forms.IntegerField(label=_("Bocaux vides achetés"), min_value=0, max_value=MAX_JARS, widget=CountInput)
    amount_eur = forms.DecimalField(
        label=_("Prix payé (€)"), required=False, min_value=0, max_digits=8, decimal_places=2, widget=KgInput
    )
    day = forms.DateField(label=_("Date"), widget=DateInput)
    reason = forms.CharField(label=_("Fournisseur ou remarque"), required=False, max_length=250)


class EmptyMoveForm(TerritoryForm):
    jar_format = forms.ModelChoiceField(label=_("Format"), queryset=JarFormat.objects.none())
    source = forms.ModelChoiceField(label=_("Depuis"), queryset=Location.objects.none())
    destination = forms.ModelChoiceField(label=_("Vers"), queryset=Location.objects.none())
    quantity = forms.IntegerField(label=_("Bocaux vides"), min_value=0, max_value=MAX_JARS, widget=CountInput)
    washed = forms.BooleanField(
        label=_("Bocaux lavés, de retour du partenaire de lavage"),
        required=False,
        help_text=_("Cochez quand les bocaux reviennent propres ; sinon c'est un simple transport."),
    )
    day = forms.DateField(label=_("Date"), widget=DateInput)
    reason = forms.CharField(label=_("Remarque"), required=False, max_length=250)


class EmptyBreakForm(TerritoryForm):
    location = forms.ModelChoiceField(label=_("Emplacement"), queryset=Location.objects.none())
    jar_format = forms.ModelChoiceField(label=_("Format"), queryset=JarFormat.objects.none())
    quantity = forms.IntegerField(label=_("Bocaux vides cassés"), min_value=0, max_value=MAX_JARS, widget=CountInput)
    day = forms.DateField(label=_("Date"), widget=DateInput)
    reason = forms.CharField(label=_("Pourquoi ?"), required=False, max_length=250)


class EmptyCountForm(TerritoryForm):
    location = forms.ModelChoiceField(label=_("Emplacement"), queryset=Location.objects.none())
    jar_format = forms.ModelChoiceField(label=_("Format"), queryset=JarFormat.objects.none())
    counted = forms.IntegerField(
        label=_("Bocaux vides comptés"),
        min_value=0,
        max_value=MAX_JARS,
        widget=CountInput,
        help_text=_("Le registre garde l'écart comme un ajustement, sans rien effacer."),
    )
    day = forms.DateField(label=_("Date du comptage"), widget=DateInput)
    reason = forms.CharField(label=_("Pourquoi l'écart ?"), required=False, max_length=250)


class FarmJarsReturnForm(BoundedForm):
    """Jars made from a farm's produce processed for it (à façon), given back to it: from which lot, shelf and
    format, how many, the fee per jar (empty: the offer's) and the day."""

    lot = LotChoiceField(label=_("Lot de bocaux"), queryset=ProductionLot.objects.none())
    jar_format = forms.ModelChoiceField(label=_("Format"), queryset=JarFormat.objects.none())
    location = forms.ModelChoiceField(label=_("Pris à l'emplacement"), queryset=Location.objects.none())
    jars = forms.IntegerField(label=_("Bocaux rendus à la ferme"), min_value=1, max_value=MAX_JARS, widget=CountInput)
    fee_eur_per_jar = forms.DecimalField(
        label=_("Prix de la transformation (€/bocal)"),
        max_digits=6,
        decimal_places=2,
        min_value=0,
        required=False,
        widget=KgInput,
        help_text=_("Vide : le prix convenu dans l'offre."),
    )
    day = forms.DateField(label=_("Rendus le"), widget=DateInput)

    def __init__(self, *args, raw_lot, **kwargs):
        super().__init__(*args, **kwargs)
        territory = raw_lot.territory
        # Only the lots made with this raw lot (one subquery, no import of production).
        self.fields["lot"].queryset = (
            ProductionLot.objects.filter(territory=territory, raw_inputs__raw_lot=raw_lot)
            .distinct()
            .select_related("recipe")
            .order_by("-produced_on", "-id")
        )
        self.fields["jar_format"].queryset = JarFormat.objects.filter(territory=territory).order_by("volume_ml")
        self.fields["location"].queryset = Location.objects.filter(territory=territory).order_by("name")
        self.fields["day"].initial = timezone.localdate()
