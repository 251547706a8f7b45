"""Only what has happened counts: workshops held (started, not cancelled, up to the end of the period and not after
today) and the people who came, in the figures, `report --json`, the flower's indicators and the dashboard."""

import json
from datetime import date
from io import StringIO

from django.core.management import call_command

from conserverie.figures.selectors import territory_figures
from conserverie.impact.periods import Period
from conserverie.impact.registry import COMPUTATIONS, Context
from conserverie.workshops.models import Workshop
from conserverie.workshops.services import registration_checkin, registration_create, workshop_open

from ..conftest import aware
from ..pages import add_participant

TODAY = date(2026, 12, 6)


def _workshop(chain, day, title):
    return workshop_open(
        actor=chain.actor,
        territory=chain.territory,
        title=title,
        site=chain.site,
        structure=chain.structure,
        starts_at=aware(day, 14),
        ends_at=aware(day, 17),
        animators=[chain.actor],
    )


def _season(chain, clock):
    """Today 6 December 2026. Held: 20 November (2 people came). Planned: 12 and 19 December (3 people signed up
    to each, none could have come). Cancelled: 25 November."""
    clock(date(2026, 11, 1))
    held = _workshop(chain, date(2026, 11, 20), "Atelier tenu")
    cancelled = _workshop(chain, date(2026, 11, 25), "Atelier annulé")
    planned = [_workshop(chain, day, f"Atelier prévu {day}") for day in (date(2026, 12, 12), date(2026, 12, 19))]
    for i in range(2):
        registration = registration_create(workshop=held, participant=add_participant(chain, f"Présente {i}"))
        registration_checkin(actor=chain.actor, registration=registration)
    for workshop in planned:
        for i in range(3):
            registration = registration_create(workshop=workshop, participant=add_participant(chain, f"Inscrite {i}"))
            # Even a check-in typed ahead by mistake does not make a future workshop held.
            registration_checkin(actor=chain.actor, registration=registration)
    Workshop.objects.filter(pk=cancelled.pk).update(status=Workshop.Status.CANCELLED)
    clock(TODAY)


def test_the_figures_count_held_workshops_only(chain, clock):
    _season(chain, clock)
    figures = territory_figures(chain.territory, date(2026, 1, 1), date(2026, 12, 31))
    assert figures.workshops == 1
    assert figures.participants == 2
    # Without a period (the dashboard): the same, nothing planned counts.
    assert territory_figures(chain.territory).workshops == 1
    # A period that ends before the workshop was held counts nothing.
    assert territory_figures(chain.territory, date(2026, 1, 1), date(2026, 11, 19)).workshops == 0


def test_report_json_and_the_flower_agree(chain, clock):
    _season(chain, clock)
    out = StringIO()
    call_command("report", "--territory", "romans", "--from", "2026-01-01", "--to", "2026-12-31", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert (data["workshops"], data["participants"]) == (1, 2)
    context = Context(chain.territory, Period.year(2026))
    assert COMPUTATIONS["workshops"].compute(context).value == 1
    assert context.attendance["present"] == 2


def test_the_dashboard_shows_held_workshops_only(chain, clock, client, coordinator):
    _season(chain, clock)
    client.force_login(coordinator)
    response = client.get(f"/t/{chain.territory.slug}/")
    assert response.status_code == 200
    assert response.context["f"].workshops == 1


def test_a_household_is_in_a_priority_area_from_its_own_neighbourhood_never_the_workshop_site(chain, clock):
    """Three households came to a workshop held on a priority site: one from Mours-Saint-Eusèbe (no QPV), one from
    La Monnaie (a QPV of the territory, declared as its neighbourhood), one that ticked the box."""
    from conserverie.people.models import Household, Participant
    from conserverie.territories.models import PriorityArea, Site

    clock(date(2026, 11, 1))
    Site.objects.filter(pk=chain.site.pk).update(priority_area=True)
    PriorityArea.objects.create(territory=chain.territory, name="La Monnaie", city="Romans-sur-Isère")
    workshop = _workshop(chain, date(2026, 11, 20), "Atelier au quartier")
    people = [add_participant(chain, name) for name in ("Mours", "Monnaie", "Coche")]
    Participant.objects.filter(pk=people[0].pk).update(neighbourhood="Mours-Saint-Eusèbe")
    Participant.objects.filter(pk=people[1].pk).update(neighbourhood="la monnaie")
    Participant.objects.filter(pk=people[2].pk).update(neighbourhood="Ailleurs")
    # The box is ticked for the home (one person, one household: issue 17).
    Household.objects.filter(pk__in=[p.household_id for p in people]).update(priority_area=False)
    for person, commune in zip(people, ("Mours-Saint-Eusèbe", "la monnaie", "Ailleurs"), strict=True):
        Household.objects.filter(pk=person.household_id).update(commune=commune)
    Household.objects.filter(pk=people[2].household_id).update(priority_area=True)
    for person in people:
        registration = registration_create(workshop=workshop, participant=person)
        registration_checkin(actor=chain.actor, registration=registration)
    clock(TODAY)
    figures = territory_figures(chain.territory, date(2026, 1, 1), date(2026, 12, 31))
    assert figures.households == 3
    assert figures.priority_area_share == round(2 / 3, 3)
    # The same neighbourhood in another territory's list does not count here.
    PriorityArea.objects.filter(territory=chain.territory).delete()
    assert territory_figures(chain.territory, date(2026, 1, 1), date(2026, 12, 31)).priority_area_share == round(
        1 / 3, 3
    )
