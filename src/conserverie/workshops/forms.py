from datetime import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conserverie.core.pages import CountInput, DateInput, TimeInput
from conserverie.recipes.models import Recipe
from conserverie.territories.models import STAFF_ROLES, Site, Structure


class AnimatorChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class WorkshopForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=150)
    site = forms.ModelChoiceField(label=_("Lieu"), queryset=Site.objects.none())
    structure = forms.ModelChoiceField(label=_("Structure d'accueil"), queryset=Structure.objects.none())
    day = forms.DateField(label=_("Date"), widget=DateInput)
    start_time = forms.TimeField(label=_("Début"), widget=TimeInput)
    end_time = forms.TimeField(label=_("Fin"), widget=TimeInput)
    capacity = forms.IntegerField(label=_("Places"), min_value=1, initial=12, widget=CountInput)
    animators = AnimatorChoiceField(
        label=_("Animateurs et animatrices"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    planned_recipes = forms.ModelMultipleChoiceField(
        label=_("Recettes prévues"), queryset=Recipe.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, territory, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = Site.objects.filter(territory=territory)
        self.fields["structure"].queryset = Structure.objects.filter(territory=territory)
        self.fields["animators"].queryset = (
            get_user_model()
            .objects.filter(memberships__territory=territory, memberships__role__in=STAFF_ROLES, is_active=True)
            .order_by("first_name", "username")
        )
        self.fields["planned_recipes"].queryset = Recipe.objects.filter(territory=territory).producible()

    def service_kwargs(self) -> dict:
        """The cleaned data as `workshop_open` takes it: the day and two times become aware datetimes."""
        data = dict(self.cleaned_data)
        day = data.pop("day")
        data["starts_at"] = timezone.make_aware(datetime.combine(day, data.pop("start_time")))
        data["ends_at"] = timezone.make_aware(datetime.combine(day, data.pop("end_time")))
        return data


class CheckinForm(forms.Form):
    attended = forms.BooleanField(required=False)
