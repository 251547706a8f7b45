from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator


class LoginForm(AuthenticationForm):
    """Django's login form, with its username length enforced before anyone tries to authenticate.

    Django only sets `max_length` on the field there (no validator), so a 20,000-character name reached
    authenticate() and django-axes, whose attempt log is varchar(255): a 500 on PostgreSQL.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = self.fields["username"].max_length or 150
        self.fields["username"].validators.append(MaxLengthValidator(limit))
