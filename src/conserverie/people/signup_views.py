"""The public pages of a sign-up, shared by the workshops (/ateliers/…) and the gleaning outings (/randos/…).

No account: anyone may read and sign up; these pages never show another participant's data. One `SignupPages` per
kind of bookable says what differs (its registrations, URL names, templates, form and services); the templates of
`people/signup/` hold the pages and the confirmation e-mail, each app's templates fill in their blocks
(docs/architecture.md §3, "One sign-up").
"""

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from conserverie.core.forms import BoundedForm
from conserverie.core.pages import add_service_errors, form_status
from conserverie.core.ratelimit import hit
from conserverie.core.scoping import every_territory, territory_scope
from conserverie.people.cancel_code import LENGTH, cancel_code, find_registration
from conserverie.people.models import Bookable, RegistrationBase
from conserverie.people.phones import validate_phone
from conserverie.people.privacy import participant_signup_complete

log = logging.getLogger(__name__)


def signup_from_form(form, *, signup, robot_message: str):
    """The public sign-up of a form (workshop or gleaning outing): the registration, or None with the reasons on
    the form. A robot (honeypot filled) writes nothing; the person, the registration and the consents are one
    transaction."""
    if form.is_robot():
        form.add_error(None, robot_message)
        return None
    if not form.is_valid():
        return None
    for contact in form.contacts() if getattr(settings, "RATELIMIT_ENABLED", True) else ():
        allowed, _retry = hit("signup_contact", hashlib.sha256(contact.encode()).hexdigest()[:32])
        if not allowed:
            form.add_error(None, _("Trop d'inscriptions avec ce téléphone ou cet e-mail. Réessayez plus tard."))
            return None
    try:
        with transaction.atomic():
            registration = signup(**form.service_kwargs())
            participant_signup_complete(
                participant=registration.participant,
                scopes=form.consent_scopes(),
                how_heard=form.cleaned_data.get("how_heard", ""),
            )
    except ValidationError as exc:
        for _field, message in add_service_errors(form, exc):
            form.add_error(None, message)
        return None
    return registration


class CancelCodeForm(BoundedForm):
    """The phone number and the short code printed on the confirmation page (people/cancel_code.py)."""

    phone = forms.CharField(label=gettext_lazy("Votre numéro de téléphone"), max_length=30, validators=[validate_phone])
    code = forms.CharField(
        label=gettext_lazy("Votre code d'annulation (6 signes)"),
        max_length=12,
        help_text=gettext_lazy("Il est sur la page de confirmation de votre inscription, par exemple K7M3QX."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].widget.attrs.update(autocomplete="tel", inputmode="tel")
        self.fields["code"].widget.attrs.update(autocomplete="off", autocapitalize="characters", spellcheck="false")


@dataclass(frozen=True)
class SignupPages:
    """The public pages of one kind of bookable: its page with the sign-up form, the confirmation page, the page of
    the personal cancel link, and the confirmation e-mail.

    The templates are `<templates>detail.html`, `confirmation.html`, `cancel.html` and `confirmation_email.txt`,
    extending those of `people/signup/`; they get `registration` and the bookable as `bookable` and under its own
    name (`workshop`, `outing`).
    """

    model: type[RegistrationBase]
    related: tuple[str, ...]  # what the pages read with a registration (select_related)
    namespace: str  # URL names "<namespace>:confirmation" and "<namespace>:cancel"
    templates: str  # the app's folder of public templates, ending in "/"
    form: type  # the public sign-up form
    signup: Callable  # the public sign-up service, taking the bookable by its name and the form's data
    cancel: Callable  # the cancel service, taking `registration`
    subject: Callable[[RegistrationBase], str]  # the confirmation e-mail's subject
    robot_message: str  # what a robot (the honeypot filled) is told

    @property
    def name(self) -> str:
        return self.model.bookable_field

    def _context(self, registration: RegistrationBase, **extra) -> dict:
        bookable = registration.bookable
        return {"registration": registration, "bookable": bookable, self.name: bookable, **extra}

    def _by_token(self, token: str) -> RegistrationBase:
        """The sign-up of a personal link, whatever its territory; its page then runs in that territory's scope."""
        with every_territory():
            return get_object_or_404(self.model._default_manager.select_related(*self.related), token=token)

    def detail(self, request, bookable: Bookable):
        """The bookable's public page, in its territory's scope (docs/architecture.md §8)."""
        with territory_scope(bookable.territory):
            return self._detail(request, bookable)

    def _detail(self, request, bookable: Bookable):
        """A POST signs up while the bookable accepts sign-ups, then shows the confirmation."""
        is_open = bookable.accepts_signups
        form = self.form(request.POST or None)
        if request.method == "POST" and is_open:
            registration = signup_from_form(
                form, signup=partial(self.signup, **{self.name: bookable}), robot_message=self.robot_message
            )
            if registration is not None:
                self.send_confirmation(request, registration)
                return redirect(f"{self.namespace}:confirmation", registration.token)
        context = {"bookable": bookable, self.name: bookable, "left": bookable.places_left, "is_open": is_open}
        return render(request, self.templates + "detail.html", {**context, "form": form}, status=form_status(request))

    def send_confirmation(self, request, registration: RegistrationBase) -> None:
        """The confirmation and the personal cancel link by e-mail, when one was given; a mail failure keeps the
        sign-up."""
        participant = registration.participant
        if not participant.email:
            return
        context = self._context(registration, cancel_url=registration.cancel_url())
        body = render_to_string(self.templates + "confirmation_email.txt", context, request=request)
        try:
            send_mail(self.subject(registration), body, settings.DEFAULT_FROM_EMAIL, [participant.email])
        except Exception as exc:  # noqa: BLE001 - the person has the link on screen anyway
            # Never the exception's text (SMTPRecipientsRefused holds the address) nor a traceback with the body.
            log.warning(
                "confirmation e-mail not sent for %s %s: %s",
                registration._meta.label,
                registration.pk,
                type(exc).__name__,
            )

    def confirmation(self, request, token: str):
        registration = self._by_token(token)
        with territory_scope(registration.bookable.territory):
            context = self._context(
                registration, cancel_url=registration.cancel_url(), cancel_code=cancel_code(registration.token)
            )
            return render(request, self.templates + "confirmation.html", context)

    def cancel_by_code(self, request):
        """The phone number and the short code lead to the personal cancel page (which asks to confirm)."""
        form = CancelCodeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            with every_territory():
                registration = find_registration(
                    self.model, phone=form.cleaned_data["phone"], code=form.cleaned_data["code"]
                )
            if registration is not None:
                return redirect(f"{self.namespace}:cancel", registration.token)
            form.add_error(
                None,
                _(
                    "Ce numéro et ce code ne correspondent à aucune inscription en cours. Vérifiez les %(n)s signes "
                    "du code, ou appelez la structure qui organise."
                )
                % {"n": LENGTH},
            )
        context = {"form": form, "namespace": self.namespace}
        return render(request, "people/signup/cancel_code.html", context, status=form_status(request))

    def cancel_page(self, request, token: str):
        """The personal link: a GET shows what would be cancelled (a link preview must not cancel), a POST
        cancels until the bookable starts."""
        registration = self._by_token(token)
        with territory_scope(registration.bookable.territory):
            if request.method == "POST" and registration.can_cancel_online:
                self.cancel(registration=registration)
                messages.success(
                    request, _("C'est noté : votre inscription est annulée. Merci de nous avoir prévenus.")
                )
                return redirect(f"{self.namespace}:cancel", token)
            return render(request, self.templates + "cancel.html", self._context(registration))
