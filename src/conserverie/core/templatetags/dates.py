"""`{{ day|human_date:"j F Y" }}`: dates the French way ("1er janvier", "7 déc.") — core/formats.py."""

from django import template
from django.utils import timezone

from conserverie.core.formats import human_date as _human_date

register = template.Library()


@register.filter(expects_localtime=True)
def human_date(value, fmt="j F Y"):
    if hasattr(value, "tzinfo") and value.tzinfo is not None:
        value = timezone.localtime(value)
    return _human_date(value, fmt)
