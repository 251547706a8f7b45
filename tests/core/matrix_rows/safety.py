"""Permission-matrix rows of the food-safety and distribution pages added for issues #5 and #6."""

from ..matrix_base import ANIM, COORD, Row, pk, post_staff, staff


def _tier(w):
    from conserverie.distribution.models import PriceTier

    return PriceTier.objects.get_or_create(
        territory=w.territory,
        structure=w.structure,
        name="Tarif solidaire",
        defaults={"percent": 50, "updated_by": w.users[COORD]},
    )[0]


ROWS = {
    "trace:farm": Row(staff()),
    "trainings:list": Row(staff()),
    "production:lot_reading": Row(post_staff(), lambda w: {"code": w.lot.code}, method="post"),
    "production:lot_stability_start": Row(post_staff(), lambda w: {"code": w.lot.code}, method="post"),
    "production:lot_stability_result": Row(post_staff(), lambda w: {"code": w.lot.code}, method="post"),
    "distribution:reverse": Row({**post_staff(), ANIM: 403}, pk("distribution"), method="post"),
    "distribution:tier_withdraw": Row(post_staff(), lambda w: {"pk": _tier(w).pk}, method="post"),
    "stock:empties": Row(staff()),
    "stock:empty_form": Row(staff(), lambda w: {"action": "achat"}),
}
