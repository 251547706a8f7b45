"""Panels of farm figures for the pages of the producers app (a lower layer that may not import them)."""

from django import template

from conserverie.figures.farms import kg_per_season, produce_outcome

register = template.Library()


@register.simple_tag
def farm_outcome(producer, year=None) -> dict:
    """{% farm_outcome producer year as outcome %}: kg, lots, jars and households of the farm's produce."""
    return produce_outcome(producer, year)


@register.simple_tag
def farm_seasons(producer) -> list[dict]:
    """{% farm_seasons producer as seasons %}: kilos collected per season and product, newest first."""
    return kg_per_season(producer)
