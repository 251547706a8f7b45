from django import template

register = template.Library()


@register.filter
def candidate_key(row) -> str:
    return f"{row['lot_id']}_{row['jar_format_id']}"


@register.simple_tag
def posted_value(posted, prefix, key, default=""):
    """What the person typed in the field `prefix + key` (kept when the page comes back with an error)."""
    return posted.get(f"{prefix}{key}", default) if posted else default
