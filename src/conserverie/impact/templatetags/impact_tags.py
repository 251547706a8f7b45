from django import template
from django.template.defaultfilters import floatformat

register = template.Library()


@register.filter
def figure(value) -> str:
    """A value of the flower in French, with no trailing zero: 127.50 → "127,5", 1500.00 → "1 500"."""
    if value is None or value == "":
        return "—"
    text = floatformat(value, "-2g")
    if "," in text:
        text = text.rstrip("0").rstrip(",")
    return text
