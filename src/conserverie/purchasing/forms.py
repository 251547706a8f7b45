from django import forms
from django.utils.translation import gettext_lazy as _

from conserverie.core.forms import BoundedForm
from conserverie.core.pages import CountInput, DateInput, TimeInput
from conserverie.distribution.models import PaymentMode, PriceTier
from conserverie.people.phones import validate_phone
from conserverie.purchasing.models import GroupMember
from conserverie.purchasing.services import item_name
from conserverie.territories.models import Location, Structure


class TierChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.structure.name} — {obj.name} ({obj.percent.normalize():f} %)"


class MemberForm(BoundedForm):
    structure = forms.ModelChoiceField(label=_("Structure"), queryset=Structure.objects.none())
    first_name = forms.CharField(label=_("Prénom"), max_length=60)
    phone = forms.CharField(label=_("Téléphone"), max_length=30, required=False, validators=[validate_phone])
    email = forms.EmailField(label=_("E-mail"), max_length=254, required=False)
    household_size = forms.IntegerField(
        label=_("Personnes au foyer"), min_value=1, max_value=20, initial=1, widget=CountInput
    )
    commune = forms.CharField(label=_("Quartier ou commune"), max_length=100, required=False)
    priority_area = forms.BooleanField(label=_("Habite un quartier prioritaire"), required=False)
    price_tier = TierChoice(
        label=_("Tarif social"), queryset=PriceTier.objects.none(), required=False, empty_label=_("Prix du groupement")
    )
    notify_email = forms.BooleanField(label=_("Accepte les messages par e-mail"), required=False)
    notify_sms = forms.BooleanField(label=_("Accepte les messages par SMS"), required=False)
    consent = forms.BooleanField(
        label=_("La personne accepte que la structure garde ces informations pour ses commandes."), required=True
    )

    def __init__(self, *args, territory, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["structure"].queryset = Structure.objects.filter(territory=territory).order_by("name")
        self.fields["price_tier"].queryset = (
            PriceTier.objects.filter(territory=territory, is_active=True)
            .select_related("structure")
            .order_by("structure__name", "name")
        )


class MemberEditForm(BoundedForm):
    price_tier = TierChoice(
        label=_("Tarif social"), queryset=PriceTier.objects.none(), required=False, empty_label=_("Prix du groupement")
    )
    notify_email = forms.BooleanField(label=_("Accepte les messages par e-mail"), required=False)
    notify_sms = forms.BooleanField(label=_("Accepte les messages par SMS"), required=False)

    def __init__(self, *args, member: GroupMember, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["price_tier"].queryset = (
            PriceTier.objects.filter(structure=member.structure, is_active=True)
            .select_related("structure")
            .order_by("name")
        )


class RoundForm(BoundedForm):
    structure = forms.ModelChoiceField(label=_("Structure"), queryset=Structure.objects.none())
    title = forms.CharField(label=_("Titre"), max_length=120, help_text=_("Par ex. « Commande de juin »."))
    location = forms.ModelChoiceField(label=_("Bocaux pris à"), queryset=Location.objects.none())
    closes_day = forms.DateField(label=_("Fin des commandes : jour"), widget=DateInput)
    closes_time = forms.TimeField(label=_("Fin des commandes : heure"), widget=TimeInput, initial="20:00")
    pickup_place = forms.CharField(label=_("Lieu de retrait"), max_length=150)
    pickup_day = forms.DateField(label=_("Jour de retrait"), widget=DateInput)
    pickup_start = forms.TimeField(label=_("Retrait de"), widget=TimeInput, initial="16:00")
    pickup_end = forms.TimeField(label=_("Retrait jusqu'à"), widget=TimeInput, initial="18:30")

    def __init__(self, *args, territory, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["structure"].queryset = Structure.objects.filter(territory=territory).order_by("name")
        self.fields["location"].queryset = Location.objects.filter(territory=territory).order_by("name")


class QuantitiesForm(BoundedForm):
    """One number field per catalogue item (`q<item id>`), bounded by what the item offers."""

    def __init__(self, *args, items, current: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        current = current or {}
        self.items = list(items)
        for item in self.items:
            self.fields[f"q{item.pk}"] = forms.IntegerField(
                label=f"{item_name(item)} — {item.jar_format.name}",
                min_value=0,
                max_value=item.offered,
                required=False,
                initial=current.get(item.pk, 0),
                widget=CountInput,
            )

    def item_fields(self):
        return [(item, self[f"q{item.pk}"]) for item in self.items]

    def quantities(self) -> dict[int, int]:
        return {item.pk: self.cleaned_data.get(f"q{item.pk}") or 0 for item in self.items}


class StaffOrderForm(QuantitiesForm):
    member = forms.ModelChoiceField(label=_("Membre"), queryset=GroupMember.objects.none())

    def __init__(self, *args, the_round, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = (
            GroupMember.objects.filter(structure=the_round.structure, status=GroupMember.Status.ACTIVE)
            .select_related("participant")
            .order_by("participant__first_name", "pk")
        )
        self.fields["member"].label_from_instance = lambda m: f"{m.participant.first_name} #{m.participant_id}"
        self.order_fields(["member"])


class HandOverForm(BoundedForm):
    """What one member takes away: the jars handed per line, the payment and the empty jars returned."""

    payment_mode = forms.ChoiceField(label=_("Paiement"), choices=PaymentMode.choices, initial=PaymentMode.CASH)
    empties = forms.IntegerField(
        label=_("Bocaux vides rapportés"), min_value=0, max_value=200, required=False, initial=0, widget=CountInput
    )
    use_credit = forms.BooleanField(
        label=_("Consignes payées avec l'avoir"),
        required=False,
        help_text=_(
            "L'avoir vient des bocaux vides rendus sans remboursement ; ceux rapportés maintenant s'y ajoutent."
        ),
    )

    def __init__(self, *args, order, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = list(order.lines.all())
        for line in self.lines:
            self.fields[f"h{line.pk}"] = forms.IntegerField(
                label=f"{item_name(line.item)} — {line.item.jar_format.name}",
                min_value=0,
                max_value=line.quantity,
                initial=line.quantity,
                widget=CountInput,
            )

    def line_fields(self):
        return [(line, self[f"h{line.pk}"]) for line in self.lines]

    def handed(self) -> dict[int, int]:
        return {line.pk: self.cleaned_data.get(f"h{line.pk}") or 0 for line in self.lines}
