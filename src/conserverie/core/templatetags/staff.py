from django import template

from conserverie.core.pages import query_string

register = template.Library()


@register.simple_tag(takes_context=True)
def with_params(context, **changes):
    """`?…` with the current GET parameters and `changes` applied (an empty value removes a parameter)."""
    changes = {key: (value if value not in ("", None) else None) for key, value in changes.items()}
    return "?" + query_string(context["request"], **changes)
