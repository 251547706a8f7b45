"""Periods of the indicators: a year, a season or a custom range, each with its previous period."""

from datetime import date

import pytest

from conserverie.impact.periods import Period


@pytest.mark.parametrize(
    ("key", "start", "end", "previous"),
    [
        ("2026", date(2026, 1, 1), date(2026, 12, 31), "2025"),
        ("2026-printemps", date(2026, 3, 1), date(2026, 5, 31), "2025-hiver"),
        ("2026-été", date(2026, 6, 1), date(2026, 8, 31), "2026-printemps"),
        ("2026-ETE", date(2026, 6, 1), date(2026, 8, 31), "2026-printemps"),
        ("2026-automne", date(2026, 9, 1), date(2026, 11, 30), "2026-ete"),
        ("2027-hiver", date(2027, 12, 1), date(2028, 2, 29), "2027-automne"),
        ("2026-03-01..2026-03-10", date(2026, 3, 1), date(2026, 3, 10), "2026-02-19..2026-02-28"),
    ],
)
def test_parse_and_previous(key, start, end, previous):
    period = Period.parse(key)
    assert (period.start, period.end, period.previous().key) == (start, end, previous)
    assert Period.parse(period.key) == period
    assert period.previous().end < period.start
    if period.kind == "range":
        assert (period.previous().end - period.previous().start) == (period.end - period.start)


def test_labels_are_french():
    assert Period.parse("2026-ete").label == "Été 2026"
    assert Period.parse("2026-03-01..2026-06-30").label == "du 01/03/2026 au 30/06/2026"


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ("", "Période illisible"),
        ("l'an dernier", "Période illisible"),
        ("2026-mousson", "Saison inconnue"),
        ("2026-02-30..2026-03-01", "Date impossible"),
        ("2026-06-01..2026-03-01", "avant son début"),
        ("1850", "hors limites"),
    ],
)
def test_bad_keys_say_why_in_french(key, reason):
    with pytest.raises(ValueError, match=reason):
        Period.parse(key)
