"""The purchasing group's figures as every report gives them (issue 18): households served, orders, jars, the average
basket and the share of households in a priority area, with the small-group masking of docs/architecture.md §4.7.

One rule for `report --json`, the dashboard, the distribution report and the funders' reports (it lives here, in
the layer below `reporting` that holds the masking, so the funders' reports of `impact` read it too).

The counts are given as they are (as `households`); the average basket and the priority-area share are computed
from the households themselves, so with 1 to 4 households they are masked (None): they would
tell the basket or the address of one identifiable household. A masked figure is null in `report --json` while
`group_households` is between 1 and 4."""

from conserverie.impact.surveys.stats import too_small
from conserverie.purchasing.selectors import group_figures, group_figures_by_structure

GROUP_KEYS = ("group_households", "group_orders", "group_jars", "group_average_basket_eur", "group_priority_share")


def masked(data: dict) -> dict:
    """`data` (from `purchasing.selectors.summarise_orders`) as it may be shown: the basket as a float, the basket
    and the share None under 5 households."""
    data = dict(data)
    if too_small(data["group_households"]):
        data["group_average_basket_eur"] = None
        data["group_priority_share"] = None
    if data["group_average_basket_eur"] is not None:
        data["group_average_basket_eur"] = float(data["group_average_basket_eur"])
    return data


def group_report(territory, start=None, end=None, structure=None) -> dict:
    return masked(group_figures(territory, start, end, structure))


def group_report_by_structure(territory, start=None, end=None) -> tuple[dict, list[tuple[str, dict]]]:
    """The territory's masked figures and each structure's (by name): one query."""
    total, rows = group_figures_by_structure(territory, start, end)
    return masked(total), [(name, masked(data)) for name, data in rows]
