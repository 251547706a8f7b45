"""The purchasing group's figures as the reports give them (issue 18): households served, orders, jars, the average
basket and the share of households in a priority area, with the small-group masking of docs/architecture.md §4.7.

The counts are given as they are (as `households`); the average basket and the priority-area share are computed
from the households themselves, so with 1 to 4 households they are masked (None): they would
tell the basket or the address of one identifiable household. A masked figure is null in `report --json` while
`group_households` is between 1 and 4."""

from conserverie.impact.surveys.stats import too_small
from conserverie.purchasing.selectors import group_figures

GROUP_KEYS = ("group_households", "group_orders", "group_jars", "group_average_basket_eur", "group_priority_share")


def group_report(territory, start=None, end=None, structure=None) -> dict:
    data = group_figures(territory, start, end, structure)
    masked = too_small(data["group_households"])
    if masked:
        data["group_average_basket_eur"] = None
        data["group_priority_share"] = None
    if data["group_average_basket_eur"] is not None:
        data["group_average_basket_eur"] = float(data["group_average_basket_eur"])
    return data
