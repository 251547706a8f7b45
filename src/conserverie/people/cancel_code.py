"""The short cancel code: six characters that, with the phone number, open the personal cancel page.

For people who gave only a phone number, a 70-character link is hard to keep (issue 19, item 7). The code is
derived from the registration's secret token (an HMAC with the site's secret key), so nothing new is stored: the
code and the link open the same page. Its alphabet leaves out what reads alike on a screen or on paper (0/O, 1/I/L,
2/Z, 5/S, 8/B, G/6): 22 signs, 22⁶ ≈ 113 million codes. Alone a code opens nothing: the phone number must match
too, and the form is rate-limited per address (core/ratelimit.py).
"""

import re

from django.utils.crypto import constant_time_compare, salted_hmac

from conserverie.people.models import RegistrationStatus

ALPHABET = "ACDEFHJKMNPQRTUVWXY347"
LENGTH = 6
_SALT = "conserverie.people.cancel_code"
# What a person may type for a letter that reads alike (o for 0 is not in the alphabet either way).
_TYPED = str.maketrans({"O": "Q", "0": "Q", "I": "1", "L": "1"})


def cancel_code(token: str) -> str:
    digest = salted_hmac(_SALT, token, algorithm="sha256").digest()
    number = int.from_bytes(digest[:8], "big")
    chars = []
    for _ in range(LENGTH):
        number, index = divmod(number, len(ALPHABET))
        chars.append(ALPHABET[index])
    return "".join(chars)


def clean_code(typed: str) -> str:
    """A typed code as the site prints it: capitals, spaces and dashes removed."""
    return re.sub(r"[\s\-.]", "", typed or "").upper()


def phone_digits(phone: str) -> str:
    """A phone number as its national digits: "+33 6 00 00 00 42", "0033600000042", "06.00.00.00.42" → "0600000042"."""
    digits = re.sub(r"\D", "", phone or "")
    if digits.startswith("0033"):
        digits = digits[4:]
    elif digits.startswith("33") and len(digits) == 11:
        digits = digits[2:]
    if len(digits) == 9:
        digits = "0" + digits
    return digits


def find_registration(model, *, phone: str, code: str):
    """The live registration of `model` whose code and participant's phone match, or None.

    Only registrations that can still be cancelled online are looked at, and only those whose phone ends with the
    same two digits (a narrow filter in the database); the code is then compared in constant time.
    """
    code, digits = clean_code(code), phone_digits(phone)
    if len(code) != LENGTH or len(digits) < 6:
        return None
    candidates = model._default_manager.exclude(status=RegistrationStatus.CANCELLED).filter(
        participant__phone__endswith=digits[-2:]
    )
    for registration in candidates.select_related("participant").only("token", "participant__phone", "status"):
        if phone_digits(registration.participant.phone) == digits and constant_time_compare(
            cancel_code(registration.token), code
        ):
            return registration
    return None
