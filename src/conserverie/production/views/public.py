from django.shortcuts import get_object_or_404, render
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from conserverie.core.scoping import every_territory, territory_scope
from conserverie.production.labelling import (
    ingredients_markup,
    jam_texts,
    lot_label,
    may_contain_text,
    nutrition_text,
    organic_text,
)
from conserverie.production.models import LotStatus, ProductionLot
from conserverie.production.selectors import recall_of
from conserverie.sourcing.models import RawLotMovement

# A lot the cannery holds back: its jars must not be eaten until it is released (or for good). docs/safety-en.md
HELD = (LotStatus.BLOCKED, LotStatus.NON_CONFORMING)


@require_GET
def lot_public(request, code):
    """The page behind the QR code on every jar: what is inside and where it comes from, no personal data.

    A recalled lot's page says why (the reason for the public), since when and what to do, and no longer suggests
    how to cook it; a blocked lot's page says it must not be eaten (Regulation (EC) 178/2002 art. 19(1): inform the
    consumers of the reason for the recall)."""
    with every_territory():
        lot = get_object_or_404(ProductionLot.objects.select_related("territory", "workshop__site"), code=code)
    with territory_scope(lot.territory):
        farms = (
            RawLotMovement.objects.filter(production_lot=lot, kind=RawLotMovement.Kind.USED)
            .values("raw_lot__producer__name", "raw_lot__producer__commune", "raw_lot__product__name")
            .distinct()
            .order_by("raw_lot__producer__commune", "raw_lot__producer__name")
        )
        snapshot = lot.recipe_snapshot
        # The same label model as the printed labels and `label-data`: the page never says something else.
        label = lot_label(lot)
        return render(
            request,
            "production/lot_public.html",
            {
                "lot": lot,
                "recipe": snapshot,
                "farms": farms,
                "label": label,
                "ingredients": mark_safe(ingredients_markup(label, escape).removeprefix("Ingrédients : ")),
                "label_notes": [
                    t
                    for t in (organic_text(label), may_contain_text(label), *jam_texts(label), nutrition_text(label))
                    if t
                ],
                "recalled": lot.status == LotStatus.RECALLED,
                "recall": recall_of(lot) if lot.status == LotStatus.RECALLED else None,
                "held": lot.status in HELD,
            },
        )
