"""Staff trainings (HACCP, hygiene): recorded by a coordinator; a valid HACCP training is what signs a schedule or
a release (`permissions.require_trained`, docs/safety-en.md)."""

from datetime import date
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conserverie.core.history import save_as
from conserverie.territories.models import Membership, Territory, Training, TrainingKind
from conserverie.territories.permissions import require

CERTIFICATE_TYPES = {".pdf", ".jpg", ".jpeg", ".png"}
CERTIFICATE_MAX_BYTES = 5 * 1024 * 1024
EXPIRY_WARNING_DAYS = 60


def training_record(
    *,
    actor,
    territory: Territory,
    user,
    kind: str,
    obtained_on: date,
    organisation: str,
    expires_on: date | None = None,
    certificate=None,
) -> Training:
    require(actor, territory, "training.manage")
    organisation = (organisation or "").strip()
    errors = {}
    if not Membership.objects.filter(user=user, territory=territory).exists():
        errors["user"] = _("Cette personne n'est pas membre de ce territoire.")
    if kind not in TrainingKind.values:
        errors["kind"] = _("Choisissez la formation : HACCP ou hygiène alimentaire.")
    if obtained_on is None:
        errors["obtained_on"] = _("Indiquez la date de la formation.")
    elif obtained_on > timezone.localdate():
        errors["obtained_on"] = _("Une formation suivie est dans le passé.")
    if expires_on is not None and obtained_on is not None and expires_on <= obtained_on:
        errors["expires_on"] = _("La fin de validité suit la date de la formation.")
    if not organisation:
        errors["organisation"] = _("Indiquez l'organisme de formation.")
    elif len(organisation) > 120:
        errors["organisation"] = _("L'organisme tient en 120 caractères au plus.")
    if certificate is not None:
        if PurePath(certificate.name).suffix.lower() not in CERTIFICATE_TYPES:
            errors["certificate"] = _("L'attestation est un PDF, un JPEG ou un PNG.")
        elif certificate.size > CERTIFICATE_MAX_BYTES:
            errors["certificate"] = _("L'attestation fait 5 Mo au plus.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        training = Training(
            territory=territory,
            user=user,
            kind=kind,
            obtained_on=obtained_on,
            organisation=organisation,
            expires_on=expires_on,
            recorded_by=actor,
        )
        if certificate is not None:
            training.certificate = certificate
        return save_as(training, actor)


def training_state(training: Training, today: date) -> str:
    """« valid », « expiring » (within 60 days), « expired » or « future »."""
    if training.obtained_on > today:
        return "future"
    if training.expires_on is None:
        return "valid"
    if training.expires_on < today:
        return "expired"
    if (training.expires_on - today).days <= EXPIRY_WARNING_DAYS:
        return "expiring"
    return "valid"
