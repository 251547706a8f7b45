"""Numbers printed the French way by commands and documents (the web pages use Django's localisation)."""

from django.utils import translation
from django.utils.formats import number_format


def french_number(value, decimals: int = 1) -> str:
    """1234.5 -> "1 234,5": the French format of the web pages (grouped thousands, decimal comma)."""
    with translation.override("fr"):
        if isinstance(value, int) and not isinstance(value, bool):
            return number_format(value, use_l10n=True, force_grouping=True)
        return number_format(round(float(value), decimals), decimal_pos=decimals, use_l10n=True, force_grouping=True)
