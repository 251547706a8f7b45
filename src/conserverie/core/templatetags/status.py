from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def status_badge(record, extra_class: str = "") -> str:
    """{% status_badge lot %}: the record's status label in the colour its model gives it (core.status)."""
    classes = f"badge text-bg-{record.status_colour}" + (f" {extra_class}" if extra_class else "")
    return format_html('<span class="{}">{}</span>', classes, record.get_status_display())
