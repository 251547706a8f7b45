from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from conserverie.core.scoping import every_territory, territory_scope
from conserverie.production.models import LotStatus, ProductionLot
from conserverie.recipes.models import ALLERGEN_LABELS
from conserverie.sourcing.models import RawLotMovement


@require_GET
def lot_public(request, code):
    """The page behind the QR code on every jar: what is inside and where it comes from, no personal data."""
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
        allergens = [ALLERGEN_LABELS.get(code, code) for code in snapshot.get("allergens", [])]
        return render(
            request,
            "production/lot_public.html",
            {
                "lot": lot,
                "recipe": snapshot,
                "farms": farms,
                "allergens": allergens,
                "recalled": lot.status == LotStatus.RECALLED,
            },
        )
