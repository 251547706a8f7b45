"""Planning: one animator at one workshop at a time, recurring series, cancelling a workshop and telling people."""

from datetime import date, time

import pytest
from django.core import mail

from conserverie.core import sms
from conserverie.territories.models import Membership, Role
from conserverie.workshops.models import Registration, Workshop, WorkshopSeries
from conserverie.workshops.services import (
    participant_create,
    registration_create,
    series_cancel_from,
    series_create,
    series_dates,
    workshop_cancel,
    workshop_open,
)

from ..conftest import DAY, aware
from ..helpers import forbidden, history_user, refused


@pytest.fixture(autouse=True)
def sms_outbox(settings):
    settings.SMS_BACKEND = "conserverie.core.sms.MemoryBackend"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


def _open(place, actor, day=DAY, start=14, hours=3, **over):
    kwargs = {
        "actor": actor,
        "territory": place.territory,
        "title": "Atelier confitures",
        "site": place.site,
        "structure": place.structure,
        "starts_at": aware(day, start),
        "ends_at": aware(day, start + hours),
        "capacity": 2,
    }
    kwargs.update(over)
    return workshop_open(**kwargs)


def _series(place, actor, **over):
    kwargs = {
        "actor": actor,
        "territory": place.territory,
        "title": "Marché du mercredi",
        "site": place.site,
        "structure": place.structure,
        "weekday": 2,
        "start_time": time(9),
        "end_time": time(12),
        "first_date": date(2026, 5, 1),
        "last_date": date(2026, 5, 31),
        "capacity": 8,
    }
    kwargs.update(over)
    return series_create(**kwargs)


# An animator at one workshop at a time


def test_an_animator_cannot_run_two_overlapping_workshops_even_in_another_territory(romans, other, animator):
    Membership.objects.create(user=animator, territory=other.territory, role=Role.ANIMATOR)
    first = _open(other, animator, animators=[animator], title="Soupes au Vercors")
    with refused("animators", "anime déjà un atelier à cette heure-là") as info:
        _open(romans, animator, start=16, animators=[animator])
    message = info.value.message_dict["animators"][0]
    assert "autre territoire" in message
    assert "anim" in message
    # The other territory's workshop is not named to this territory's staff.
    assert "Soupes au Vercors" not in message
    # Without that animator, or at another time, the workshop opens.
    assert _open(romans, animator, start=18, animators=[animator]).pk != first.pk


def test_a_cancelled_workshop_frees_its_animator_and_the_truck(romans, animator):
    first = _open(romans, animator, animators=[animator])
    workshop_cancel(actor=animator, workshop=first, reason="Camion en panne")
    assert _open(romans, animator, animators=[animator]).status == Workshop.Status.PLANNED


# Series


def test_series_dates_are_every_weekday_between_two_dates():
    assert series_dates(weekday=2, first_date=date(2026, 5, 1), last_date=date(2026, 5, 31)) == [
        date(2026, 5, 6),
        date(2026, 5, 13),
        date(2026, 5, 20),
        date(2026, 5, 27),
    ]


def test_a_series_creates_every_workshop_at_once(chain, animator):
    series = _series(chain, animator, animators=[animator], planned_recipes=[chain.recipe])
    workshops = list(series.workshops.order_by("starts_at"))
    assert [w.starts_at for w in workshops] == [aware(date(2026, 5, d), 9) for d in (6, 13, 20, 27)]
    assert all(w.capacity == 8 and w.title == "Marché du mercredi" for w in workshops)
    assert all(list(w.animators.all()) == [animator] for w in workshops)
    assert all(list(w.planned_recipes.all()) == [chain.recipe] for w in workshops)
    assert history_user(series) == animator
    assert history_user(workshops[0]) == animator


def test_a_series_with_one_taken_date_writes_nothing_and_names_the_dates(romans, animator):
    _open(romans, animator, day=date(2026, 5, 13), start=10, hours=1)
    _open(romans, animator, day=date(2026, 5, 27), start=8, hours=2)
    with refused("first_date", "Rien n'a été créé") as info:
        _series(romans, animator)
    message = info.value.message_dict["first_date"][0]
    assert "13/05/2026" in message
    assert "27/05/2026" in message
    assert "06/05/2026" not in message
    assert "Le camion est déjà pris" in message


def test_a_series_refuses_a_busy_animator(romans, other, animator):
    Membership.objects.create(user=animator, territory=other.territory, role=Role.ANIMATOR)
    _open(other, animator, day=date(2026, 5, 20), start=11, animators=[animator], title="Soupes au Vercors")
    with refused("first_date", "20/05/2026") as info:
        _series(romans, animator, animators=[animator])
    assert "anime déjà un atelier" in info.value.message_dict["first_date"][0]
    assert "Soupes au Vercors" not in info.value.message_dict["first_date"][0]


def test_a_series_checks_its_fields(romans, animator):
    with refused("end_time", "finir après"):
        _series(romans, animator, end_time=time(8))
    with refused("last_date"):
        _series(romans, animator, last_date=date(2026, 4, 1))
    with refused("last_date", "Aucun de ces jours"):
        _series(romans, animator, first_date=date(2026, 5, 7), last_date=date(2026, 5, 8))
    with refused("last_date", "au plus"):
        _series(romans, animator, last_date=date(2028, 5, 31))


def test_a_series_is_for_staff_of_its_territory(romans, other_coordinator):
    with forbidden():
        _series(romans, other_coordinator)


def test_cancel_a_series_from_a_date(romans, animator):
    series = _series(romans, animator)
    person = participant_create(territory=romans.territory, first_name="Léa", email="lea@example.org", consent=True)
    late = series.workshops.get(starts_at=aware(date(2026, 5, 27), 9))
    registration_create(workshop=late, participant=person)
    cancelled = series_cancel_from(actor=animator, series=series, day=date(2026, 5, 20), reason="Fin du marché")
    assert [w.starts_at.date() for w in cancelled] == [date(2026, 5, 20), date(2026, 5, 27)]
    statuses = dict(series.workshops.values_list("starts_at", "status"))
    assert statuses[aware(date(2026, 5, 13), 9)] == Workshop.Status.PLANNED
    assert statuses[aware(date(2026, 5, 20), 9)] == Workshop.Status.CANCELLED
    series.refresh_from_db()
    assert series.last_date == date(2026, 5, 19)
    assert len(mail.outbox) == 1
    assert "Fin du marché" in mail.outbox[0].body
    with refused("day"):
        series_cancel_from(actor=animator, series=series, day=date(2026, 5, 20), reason="Encore")


# Cancelling one workshop


def test_cancel_tells_everyone_registered_or_waiting_by_email_and_sms(romans, animator, sms_outbox):
    workshop = _open(romans, animator, capacity=1)
    by_mail = participant_create(territory=romans.territory, first_name="Aïcha", email="a@example.org", consent=True)
    by_phone = participant_create(territory=romans.territory, first_name="Bruno", phone="0601020304", consent=True)
    gone = participant_create(territory=romans.territory, first_name="Chloé", email="c@example.org", consent=True)
    silent = participant_create(territory=romans.territory, first_name="Driss", consent=True)
    registration_create(workshop=workshop, participant=by_mail)
    assert registration_create(workshop=workshop, participant=by_phone).status == Registration.Status.WAITING
    cancelled = registration_create(workshop=workshop, participant=gone)
    cancelled.status = Registration.Status.CANCELLED
    cancelled.save()
    registration_create(workshop=workshop, participant=silent)

    workshop = workshop_cancel(actor=animator, workshop=workshop, reason="Le camion est en panne")

    assert workshop.status == Workshop.Status.CANCELLED
    assert workshop.cancel_reason == "Le camion est en panne"
    assert history_user(workshop) == animator
    assert [m.to for m in mail.outbox] == [["a@example.org"]]
    email = mail.outbox[0]
    assert email.subject.startswith("Atelier annulé : Atelier confitures")
    assert "Bonjour Aïcha" in email.body
    assert "est annulé" in email.body
    assert "Le camion est en panne" in email.body
    assert "mercredi 10 juin" in email.body
    assert "14h" in email.body
    assert [m.to for m in sms_outbox] == ["+33601020304"]  # stored and sent in E.164 (issue 17)
    assert "est annulé" in sms_outbox[0].text
    assert "Le camion est en panne" in sms_outbox[0].text


def test_cancel_needs_a_reason_and_a_planned_workshop(romans, animator, other_coordinator):
    workshop = _open(romans, animator)
    with refused("reason"):
        workshop_cancel(actor=animator, workshop=workshop, reason="  ")
    with forbidden():
        workshop_cancel(actor=other_coordinator, workshop=workshop, reason="Pluie")
    workshop_cancel(actor=animator, workshop=workshop, reason="Pluie")
    with refused(None, "déjà annulé"):
        workshop_cancel(actor=animator, workshop=workshop, reason="Pluie")
    assert len(mail.outbox) == 0


def test_cancel_button_on_the_staff_workshop_page(client, romans, animator):
    workshop = _open(romans, animator)
    client.force_login(animator)
    url = f"/t/romans/ateliers/{workshop.pk}/"
    assert "Annuler cet atelier" in client.get(url).content.decode()
    response = client.post(url + "annuler/", {"reason": "Orage annoncé"}, follow=True)
    assert "Les personnes inscrites sont prévenues" in response.content.decode()
    workshop.refresh_from_db()
    assert workshop.status == Workshop.Status.CANCELLED
    assert workshop.cancel_reason == "Orage annoncé"


def test_cancel_without_a_reason_changes_nothing(client, romans, animator):
    workshop = _open(romans, animator)
    client.force_login(animator)
    response = client.post(f"/t/romans/ateliers/{workshop.pk}/annuler/", {"reason": ""}, follow=True)
    assert "pourquoi" in response.content.decode()
    workshop.refresh_from_db()
    assert workshop.status == Workshop.Status.PLANNED


# The series form


def test_series_form_creates_the_series_and_shows_its_month(client, chain, animator):
    client.force_login(animator)
    data = {
        "title": "Marché du mercredi",
        "site": chain.site.pk,
        "structure": chain.structure.pk,
        "weekday": "2",
        "start_time": "09:00",
        "end_time": "12:00",
        "first_date": "2026-05-01",
        "last_date": "2026-10-31",
        "capacity": "10",
        "animators": [animator.pk],
        "planned_recipes": [chain.recipe.pk],
    }
    assert client.get("/t/romans/ateliers/serie/").status_code == 200
    response = client.post("/t/romans/ateliers/serie/", data)
    assert response.status_code == 302
    assert response.url == "/t/romans/ateliers/calendrier/?mois=2026-05"
    series = WorkshopSeries.objects.get()
    assert series.workshops.count() == 26
    # The same series again: every date taken, nothing written, the dates on the page.
    response = client.post("/t/romans/ateliers/serie/", data)
    assert response.status_code == 422
    assert "Rien n&#x27;a été créé" in response.content.decode()
    assert "06/05/2026" in response.content.decode()
    assert WorkshopSeries.objects.count() == 1


def test_series_form_for_another_territory_is_not_found(client, romans, other_coordinator):
    client.force_login(other_coordinator)
    assert client.get("/t/romans/ateliers/serie/").status_code == 404


def test_no_workshop_on_day_the_form_refuses_gently(client, romans, animator):
    client.force_login(animator)
    response = client.post(
        "/t/romans/ateliers/serie/",
        {
            "title": "X",
            "site": romans.site.pk,
            "structure": romans.structure.pk,
            "weekday": "2",
            "start_time": "09:00",
            "end_time": "12:00",
            "first_date": "2026-05-07",
            "last_date": "2026-05-08",
            "capacity": "10",
        },
    )
    assert response.status_code == 422
    assert "Aucun de ces jours" in response.content.decode()


def test_a_series_at_the_end_of_the_calendar_never_fails(romans, animator):
    series = _series(romans, animator, first_date=date(9999, 12, 20), last_date=date(9999, 12, 31))
    assert series.workshops.count() == 2  # 22 and 29 December 9999; the next Wednesday does not exist
