import re
import uuid

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, RegexValidator
from django.utils.translation import gettext_lazy as _

# Input bounds of every form (issue 17, item 8): a text field without a length of its own gets one, and a single-line
# field refuses the characters that break a line, a CSV row or a label (CR, LF, tab, NUL and the other control
# characters, the Unicode line and paragraph separators). Django's CharField already refuses NUL in every field.
SINGLE_LINE_MAX = 200
TEXT_MAX = 5000
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def single_line(value) -> None:
    """The shared validator of every single-line text field: no control character (CR, LF, tab, NUL…)."""
    if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
        raise ValidationError(
            _("Écrivez sur une seule ligne : pas de retour à la ligne, de tabulation ni de caractère invisible."),
            code="control_characters",
        )


def is_multiline(field: forms.Field) -> bool:
    return isinstance(field.widget, forms.Textarea)


def bound_text_fields(form: forms.BaseForm) -> None:
    """Give each text field of `form` its bounds (idempotent): a maximum length (SINGLE_LINE_MAX on one line,
    TEXT_MAX in a text area, unless the field has its own) and, on one line, `single_line`. Passwords are typed,
    never shown nor stored: only their length is bounded."""
    for field in form.fields.values():
        if not isinstance(field, forms.CharField):
            continue
        if field.max_length is None:
            field.max_length = TEXT_MAX if is_multiline(field) else SINGLE_LINE_MAX
            field.validators.append(MaxLengthValidator(field.max_length))
            field.widget.attrs.setdefault("maxlength", str(field.max_length))
        if not is_multiline(field) and not isinstance(field.widget, forms.PasswordInput):
            if single_line not in field.validators:
                field.validators.append(single_line)


class BoundedFormMixin:
    """Every form of the project has it (tests/core/test_input_bounds.py): `bound_text_fields` on its fields, once
    the form's own `__init__` has added its fields, and again before cleaning (a field added later is bounded too)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bound_text_fields(self)

    def full_clean(self):
        bound_text_fields(self)
        super().full_clean()


class BoundedForm(BoundedFormMixin, forms.Form):
    """The project's `forms.Form`: a form with the input bounds of every form."""


class LoginForm(BoundedFormMixin, AuthenticationForm):
    """Django's login form, with its username length enforced before anyone tries to authenticate.

    Django only sets `max_length` on the field there (no validator), so a 20,000-character name reached
    authenticate() and django-axes, whose attempt log is varchar(255): a 500 on PostgreSQL.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = self.fields["username"].max_length or 150
        self.fields["username"].validators.append(MaxLengthValidator(limit))


IDEMPOTENCY_KEY = r"^[0-9a-f]{32}$"


def new_idempotency_key() -> str:
    return uuid.uuid4().hex


class IdempotentForm(BoundedForm):
    """A public form that a double click or a resubmission must not act on twice (issue 17).

    The page draws a random key into a hidden field; the service that acts on the form keeps the key with what it
    wrote and, given the same key again, gives back what it wrote the first time. A form re-shown with its errors
    keeps its key (the same attempt). A POST without a key (an old page) still works, without that protection.
    """

    idempotency_key = forms.CharField(
        required=False,
        max_length=32,
        widget=forms.HiddenInput,
        validators=[RegexValidator(IDEMPOTENCY_KEY)],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", new_idempotency_key())
