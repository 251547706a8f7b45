"""Numbers printed the French way by commands and documents (the web pages use Django's localisation)."""

from django.utils import translation
from django.utils.formats import number_format


def french_number(value, decimals: int = 1) -> str:
    """1234.5 -> "1 234,5": the French format of the web pages (grouped thousands, decimal comma)."""
    with translation.override("fr"):
        if isinstance(value, int) and not isinstance(value, bool):
            return number_format(value, use_l10n=True, force_grouping=True)
        return number_format(round(float(value), decimals), decimal_pos=decimals, use_l10n=True, force_grouping=True)


def _first_of_month(fmt: str) -> str:
    """The format with "1er" for the day: each unescaped `j` followed by the literal `er` (`j\\e\\r`)."""
    out, escaped = [], False
    for char in fmt:
        out.append(char)
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "j":
            out.append(r"\e\r")
    return "".join(out)


def human_date(value, fmt: str = "j F Y") -> str:
    """A date as a French reader expects it: "1er janvier", "7 déc.", "juil." (issue 19, item 7).

    Django's `M` capitalises ("Déc") and drops the point; `N` gives the abbreviations of the language ("déc.",
    "juil.", "sept."), so `M` is read as `N`. In French the first day of a month is "1er" (Imprimerie nationale,
    Lexique des règles typographiques). Other languages keep Django's format as it is.
    """
    from django.utils.formats import date_format

    if value in (None, ""):
        return ""
    fmt = fmt.replace("M", "N")
    if translation.get_language() and translation.get_language().startswith("fr") and getattr(value, "day", 0) == 1:
        fmt = _first_of_month(fmt)
    return date_format(value, fmt)
