"""Permission-matrix rows of the flower pages (issue #7): staff and viewers read, coordinators shape it."""

from decimal import Decimal

from conserverie.impact.models import Dimension, Indicator
from conserverie.impact.services import dimensions_create_defaults

from ..matrix_base import REDIRECT, Row, coordinators, readers


def _dimension(w):
    dimensions_create_defaults(w.territory)
    return Dimension.objects.filter(territory=w.territory).order_by("order").first()


def _manual_indicator(w):
    dimension = _dimension(w)
    indicator, _created = Indicator.objects.get_or_create(
        dimension=dimension, name="Repas partagés", defaults={"source": "manual", "target": Decimal("10")}
    )
    return indicator


ROWS = {
    "impact:flower": Row(readers()),
    "impact:flower_svg": Row(readers()),
    "impact:petal": Row(readers(), lambda w: {"pk": _dimension(w).pk}),
    "impact:dimensions": Row(coordinators()),
    "impact:dimensions_defaults": Row(coordinators(REDIRECT), method="post"),
    "impact:dimension_new": Row(coordinators()),
    "impact:dimension_edit": Row(coordinators(), lambda w: {"pk": _dimension(w).pk}),
    "impact:indicator_new": Row(coordinators()),
    "impact:indicator_edit": Row(coordinators(), lambda w: {"pk": _manual_indicator(w).pk}),
    "impact:indicator_value": Row(coordinators(), lambda w: {"pk": _manual_indicator(w).pk}),
}
