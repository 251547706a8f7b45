"""Forward-trace panels (where the jars went) for pages of lower apps: the recall sheet of production and the raw
lot page of sourcing, which may not import distribution (docs/architecture.md, "Pages that show a higher layer")."""

from django import template

from conserverie.distribution import trace

register = template.Library()


@register.simple_tag
def lots_forward(lots) -> trace.LotsForward:
    """{% lots_forward lots as forward %}: the distribution lines and remaining stock of these production lots."""
    return trace.lots_forward([each.pk for each in lots])


@register.simple_tag
def raw_lot_forward(raw_lot) -> trace.ForwardTrace:
    """{% raw_lot_forward raw_lot as trace %}: the raw lot's movements, then its lots' recipients and stock."""
    return trace.raw_lot_forward(raw_lot)
