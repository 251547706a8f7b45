import uuid

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator, RegexValidator


class LoginForm(AuthenticationForm):
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


class IdempotentForm(forms.Form):
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
