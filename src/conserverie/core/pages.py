"""Small helpers the staff pages share: search, paging, and a service's refusal put back on the form."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.utils.choices import BaseChoiceIterator
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe

PER_PAGE = 25


def search_term(request) -> str:
    return request.GET.get("q", "").strip()[:100]


def paginate(request, queryset, per_page: int = PER_PAGE, param: str = "page"):
    """The requested page (an out-of-range or junk number gives the nearest valid page)."""
    return Paginator(queryset, per_page).get_page(request.GET.get(param))


def query_string(request, **changes) -> str:
    """The current GET parameters with `changes` applied, for paging and filter links."""
    params = request.GET.copy()
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode()


def error_items(exc: ValidationError):
    """(field or None, message) pairs of a service's ValidationError."""
    if hasattr(exc, "error_dict"):
        for field, messages in exc.message_dict.items():
            for message in messages:
                yield (None if field == "__all__" else field), message
    else:
        for message in exc.messages:
            yield None, message


def add_service_errors(form, exc: ValidationError, aliases: dict | None = None) -> list[tuple]:
    """Put the service's messages on `form`, at the field they name when the form has it.

    `aliases` maps a service's field name to the form's (`day` → `produced_on`). Returns the
    (field, message) pairs the form has no field for, so a page can show them next to a section.
    """
    aliases = aliases or {}
    leftovers = []
    for field, message in error_items(exc):
        target = aliases.get(field, field)
        if target in form.fields:
            form.add_error(target, message)
        else:
            leftovers.append((field, message))
    return leftovers


def add_row_error(row_forms, field: str, message: str, key: str = "lot") -> None:
    """Put a message on the row whose record (by `key`, a code appearing in the message) it names.

    Falls back to the first filled row, then to the first row.
    """
    filled = [f for f in row_forms if getattr(f, "cleaned_data", None)]
    target = None
    for row in filled:
        record = row.cleaned_data.get(key)
        code = getattr(record, "code", None)
        if code and code in message:
            target = row
            break
    if target is None:
        target = filled[0] if filled else (row_forms[0] if row_forms else None)
    if target is None:
        return
    target.add_error(field if field in target.fields else None, message)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


class KgInput(forms.NumberInput):
    """A number pad on a phone, decimals allowed."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"inputmode": "decimal", "step": "0.01", "min": "0", **(attrs or {})})


class CountInput(forms.NumberInput):
    def __init__(self, attrs=None):
        super().__init__(attrs={"inputmode": "numeric", "step": "1", "min": "0", **(attrs or {})})


def _attrs(attrs: dict) -> str:
    """Django's widgets/attrs.html in Python: ` name="value"`, a True value alone, a False one left out."""
    return "".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


class SharedOptions(BaseChoiceIterator):
    """Flat choices whose `<option>`s are written once and reused by every `FastSelect` given them as its choices
    (the same object: Django keeps an iterator as it is). The distribution form's three lines offer the same
    thousand lots at ten seasons: written once, not three times, nor as a dict per option (docs/performance.md,
    f21). Only the selected option differs from one select to the next."""

    def __init__(self, choices):
        self.choices = list(choices)
        self.values, self.options = [], []
        for value, label in self.choices:
            if isinstance(label, (list, tuple)):
                raise ValueError("SharedOptions holds flat choices, not groups")
            self.values.append("" if value is None else str(value))
            self.options.append(
                (f'\n  <option value="{escape(self.values[-1])}"', f">{conditional_escape(label)}</option>")
            )
        self.position = {}
        for index, value in enumerate(self.values):
            self.position.setdefault(value, index)  # Django selects the first option of a value
        self.plain = "".join(start + end for start, end in self.options)

    def __iter__(self):
        return iter(self.choices)

    def __len__(self):
        return len(self.choices)

    def html(self, values) -> str:
        """The options, the first whose value is in `values` (a `format_value` list) selected."""
        found = [self.position[value] for value in values if value in self.position]
        if not found:
            return self.plain
        chosen = min(found)
        start, end = self.options[chosen]
        before = "".join(s + e for s, e in self.options[:chosen])
        after = "".join(s + e for s, e in self.options[chosen + 1 :])
        return f"{before}{start} selected{end}{after}"


class FastSelect(forms.Select):
    """A `<select>` written in Python rather than through a template per option: the same HTML as Django's
    `select.html` (its attributes, optgroups, the selected option), at a fraction of the time. A list of a few
    hundred lots or workshops, three times on the distribution form, took most of the page's 0.5 s (issue 20).
    Flat choices are written as `SharedOptions` (given as its choices, from their cached HTML): no dict per
    option; groups the longer way, option by option."""

    def render(self, name, value, attrs=None, renderer=None):
        options = self.choices
        if not isinstance(options, SharedOptions):
            # Read once (a model field's choices are a query), without asking their length first (another query).
            choices = list(iter(options))
            flat = not any(isinstance(label, (list, tuple)) for _value, label in choices)
            options = SharedOptions(choices) if flat else None
        if options is not None and not self.allow_multiple_selected:
            start = f'<select name="{escape(name)}"{_attrs(self.build_attrs(self.attrs, attrs))}>'
            return mark_safe(f"{start}{options.html(self.format_value(value))}\n</select>")  # noqa: S308 - escaped
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{escape(group_name)}">')
            for option in options:
                parts.append(
                    f'\n  <option value="{escape(str(option["value"]))}"{_attrs(option["attrs"])}>'
                    f"{conditional_escape(option['label'])}</option>"
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


def form_status(request) -> int:
    """A page re-rendered after a POST shows a refusal: 422, so scripts and tests can tell."""
    return 422 if request.method == "POST" else 200
