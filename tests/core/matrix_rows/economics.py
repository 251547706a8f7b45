"""Permission-matrix rows of the economics pages (issue #8): readers see figures, coordinators the books."""

from decimal import Decimal

from conserverie.economics.services import cost_item_add, scenario_save

from ..matrix_base import COORD, REDIRECT, Row, coordinators, readers


def _item(w):
    item = cost_item_add(
        actor=w.users[COORD],
        territory=w.territory,
        category="insurance",
        label="Assurance du camion",
        amount_eur=Decimal("120"),
        date=w.lot.produced_on,
    )
    return {"pk": item.pk}


def _scenario(w):
    return {"pk": scenario_save(actor=w.users[COORD], territory=w.territory, name="Village", inputs={"farms": 12}).pk}


ROWS = {
    "economics:summary": Row(readers()),
    "economics:summary_xlsx": Row(readers()),
    "economics:fec": Row(coordinators()),
    "economics:chart": Row(coordinators()),
    "economics:costs": Row(coordinators()),
    "economics:cost_delete": Row(coordinators(REDIRECT), _item, method="post"),
    "economics:parameters": Row(coordinators()),
    "economics:scenarios": Row(coordinators()),
    "economics:scenario_delete": Row(coordinators(REDIRECT), _scenario, method="post"),
}
