"""Phone numbers and e-mail addresses as one person is recognised by (issue 17, docs/architecture.md §3 "One
person, one household").

A phone number is parsed with `phonenumbers` (French numbers by default: `06 12 34 56 78`, `+33 6 …`, `0033 6 …`
are one number) and stored in E.164 (`+33612345678`), the form SMS providers take; it is shown in the national
format to French staff (`06 12 34 56 78`). An e-mail address is compared without regard to case.
"""

import unicodedata

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

DEFAULT_REGION = "FR"


def phone_normalise(raw: str, *, region: str = DEFAULT_REGION) -> str:
    """`raw` as E.164, or "" for an empty value; a ValidationError (French, at the field) for a wrong number."""
    raw = (raw or "").strip()
    if not raw:
        return ""
    message = _("Ce numéro de téléphone ne semble pas juste (par exemple 06 12 34 56 78). Vérifiez-le ou laissez vide.")
    if len(raw) > 30:
        raise ValidationError(message, code="invalid_phone")
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        raise ValidationError(message, code="invalid_phone") from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(message, code="invalid_phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def validate_phone(raw: str) -> None:
    """The validator of every phone number a person types in a form (`phone_normalise` refuses it or not)."""
    phone_normalise(raw)


def phone_display(stored: str) -> str:
    """A stored number for people: national format for a French number, international otherwise; a value that
    does not parse (written before numbers were checked) as it is."""
    if not stored:
        return ""
    try:
        number = phonenumbers.parse(stored, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return stored
    if not phonenumbers.is_valid_number(number):
        return stored
    if phonenumbers.region_code_for_number(number) == DEFAULT_REGION:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def email_normalise(raw: str) -> str:
    """An address trimmed, its domain in lower case (the local part is kept: some servers tell cases apart)."""
    raw = (raw or "").strip()
    local, at, domain = raw.rpartition("@")
    return f"{local}@{domain.lower()}" if at else raw


def name_key(first_name: str) -> str:
    """A first name for comparison: no accents, no case, single spaces (« Aïcha » and « aicha » are one name)."""
    decomposed = unicodedata.normalize("NFKD", first_name or "")
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().replace("-", " ").split())
