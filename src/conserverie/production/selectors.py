"""Reads of production lots in the domain's words."""

from decimal import Decimal

from django.db import models
from django.db.models import F, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Round

from conserverie.production.models import PantryUse, Recall
from conserverie.recipes.models import PantryLot


def recall_of(lot) -> Recall | None:
    """The recall that took `lot` off the shelves (its own, or one of a lot sharing a raw lot)."""
    return lot.recalled_in.select_related("lot", "recalled_by").order_by("-recalled_at", "-id").first()


def pantry_lots_with_balance(queryset=None):
    """Pantry lots with `kg_used` (drawn by production lots) and `kg_left`; the balance is production's to know."""
    used = PantryUse.objects.filter(pantry_lot=OuterRef("pk")).values("pantry_lot").annotate(t=Sum("kg")).values("t")
    kg = models.DecimalField(max_digits=10, decimal_places=3)
    queryset = PantryLot.objects.all() if queryset is None else queryset
    return queryset.annotate(
        kg_used=Coalesce(Subquery(used, output_field=kg), Value(Decimal("0")), output_field=kg)
    ).annotate(kg_left=Round(F("kg") - F("kg_used"), 3, output_field=kg))  # SQLite: floats, see RawLot
