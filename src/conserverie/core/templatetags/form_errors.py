"""The summary of a form's errors at the top of every page (docs/architecture.md §7; issue 19, item 4).

`{% error_summary %}` in base.html finds every form and formset of the page's context that was checked and has
errors, and lists each error with a link to its field. One place for every form: public sign-ups, the farmer's
offer and the staff forms get it without touching their templates. The summary is `role="alert"` (read out by a
screen reader as soon as the page loads) and takes the focus (js/forms.js), so a person on a phone whose first
error is below the screen sees at once what is wrong and where.
"""

from django import forms, template
from django.forms.formsets import BaseFormSet
from django.utils.translation import gettext as _

register = template.Library()


def _checked(form) -> bool:
    """A bound form the view already validated: never run a form's validation just to print it."""
    return form.is_bound and getattr(form, "_errors", None) is not None


def _field_target(form, name: str) -> str:
    """The id a link should point to: the field's input (its first choice for radios and check boxes)."""
    field = form[name]
    auto_id = field.auto_id
    if not auto_id or field.is_hidden:
        return ""
    widget = field.field.widget
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return f"{auto_id}_0"
    if isinstance(widget, forms.MultiWidget):
        return f"{auto_id}_0"
    return auto_id


def form_errors(form, row: int | None = None) -> list[dict]:
    """(label, message, target id) of each error of a checked form, in the order of its fields."""
    if not _checked(form):
        return []
    items = []
    prefix = _("Ligne %(row)s") % {"row": row} + " — " if row is not None else ""
    for message in form.non_field_errors():
        items.append({"label": prefix.rstrip(" —") if prefix else "", "message": message, "target": ""})
    for name in form.fields:
        if name not in form.errors:
            continue
        field = form[name]
        label = str(field.label or name).rstrip(" .:")  # "… cet atelier." — then the message
        target = _field_target(form, name)
        for message in form.errors[name]:
            items.append({"label": prefix + label, "message": message, "target": target})
    return items


def formset_errors(formset) -> list[dict]:
    if not formset.is_bound or getattr(formset, "_errors", None) is None:
        return []
    items = [{"label": "", "message": message, "target": ""} for message in formset.non_form_errors()]
    for index, form in enumerate(formset.forms, start=1):
        items.extend(form_errors(form, row=index))
    return items


def collect(values) -> list[dict]:
    """The errors of every checked form or formset among `values`, each form once."""
    items, seen = [], set()
    for value in values:
        if id(value) in seen:
            continue
        seen.add(id(value))
        if isinstance(value, BaseFormSet):
            items.extend(formset_errors(value))
        elif isinstance(value, forms.BaseForm):
            items.extend(form_errors(value))
        elif isinstance(value, list | tuple) and value and all(isinstance(v, forms.BaseForm) for v in value):
            for index, form in enumerate(value, start=1):
                if id(form) not in seen:
                    seen.add(id(form))
                    items.extend(form_errors(form, row=index if len(value) > 1 else None))
    return items


@register.inclusion_tag("core/_error_summary.html", takes_context=True)
def error_summary(context):
    items = collect(context.flatten().values())
    return {"errors": items}
