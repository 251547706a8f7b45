"""The log of API calls is kept API_CALL_RETENTION_MONTHS months (12 by default), then deleted by the nightly
`conserverie retention` job (docs/api-en.md, "Rate limit and log"; CNIL délibération n° 2021-122)."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from conserverie.api.models import ApiCall
from conserverie.core.scoping import every_territory
from tests.api.conftest import new_token


@pytest.fixture
def calls(api, coordinator, romans, other, other_coordinator):
    """One call of each territory's token, then their dates set back: 13 months, 11 months and today."""
    for user, place in ((coordinator, romans), (other_coordinator, other)):
        token = new_token(user, place.territory, scope="read")
        for _n in range(3):
            assert api.get("/api/v1/territories", token).status_code == 200
    now = timezone.now()
    with every_territory():
        rows = list(ApiCall.objects.order_by("pk"))
        assert len(rows) == 6
        for row, days in zip(rows, [396, 335, 0] * 2, strict=True):
            ApiCall.objects.filter(pk=row.pk).update(at=now - timedelta(days=days))
    return rows


def ages() -> list[int]:
    now = timezone.now()
    with every_territory():
        return sorted((now - at).days for at in ApiCall.objects.values_list("at", flat=True))


def run(*args) -> str:
    out = StringIO()
    call_command("retention", *args, stdout=out)
    return out.getvalue()


def test_the_nightly_job_deletes_the_calls_older_than_twelve_months_in_every_territory(calls, settings):
    assert settings.API_CALL_RETENTION_MONTHS == 12
    said = run("--dry-run")
    assert "2 ligne(s) du journal api.ApiCall seraient supprimée(s) (plus de 12 mois)" in said
    assert ages() == [0, 0, 335, 335, 396, 396]
    said = run()
    assert "2 ligne(s) du journal api.ApiCall supprimée(s) (plus de 12 mois)" in said
    assert ages() == [0, 0, 335, 335]
    settings.API_CALL_RETENTION_MONTHS = 6
    run()
    assert ages() == [0, 0]


def test_a_retention_below_one_month_is_refused_and_nothing_is_deleted(calls, settings):
    settings.API_CALL_RETENTION_MONTHS = 0
    with pytest.raises(CommandError, match="au moins un mois"):
        run()
    with pytest.raises(CommandError, match="au moins un mois"):
        run("--dry-run")
    assert len(ages()) == 6
