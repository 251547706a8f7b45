"""Permission-matrix rows of the food-safety and distribution pages added for issues #5 and #6."""

from ..matrix_base import ANIM, Row, pk, post_staff

ROWS = {
    "production:lot_reading": Row(post_staff(), lambda w: {"code": w.lot.code}, method="post"),
}
ROWS["distribution:reverse"] = Row({**post_staff(), ANIM: 403}, pk("distribution"), method="post")
