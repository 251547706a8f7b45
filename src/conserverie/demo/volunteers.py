"""The people side of the demo: consents with their scopes, how people heard of the cannery, volunteer hours, and
one participant who asked to be erased (her workshops and jars still count, without her name)."""

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from conserverie.people.models import ConsentScope, HowHeard
from conserverie.people.privacy import participant_erase, participant_signup_complete
from conserverie.people.signup import participant_create
from conserverie.territories.models import Role
from conserverie.workshops.models import Registration, Workshop
from conserverie.workshops.volunteers import volunteer_hours_record

ACTIVITIES = ["Accueil des participants", "Épluchage et découpe", "Vaisselle et rangement", "Glanage", "Étiquetage"]
HOW_HEARD_WEIGHTS = [
    (HowHeard.WORD_OF_MOUTH, 5),
    (HowHeard.SOCIAL_CENTRE, 4),
    (HowHeard.POSTER, 2),
    (HowHeard.MARKET, 2),
    (HowHeard.SOCIAL_MEDIA, 1),
    (HowHeard.OTHER, 1),
]


def _consents_and_how_heard(ctx) -> None:
    rng = ctx.rng
    answers = [value for value, weight in HOW_HEARD_WEIGHTS for _ in range(weight)]
    for participant in ctx.participants:
        scopes = [ConsentScope.REMINDERS] if participant.reminders or rng.random() < 0.5 else []
        if rng.random() < 0.4:
            scopes.append(ConsentScope.PHOTOS)
        if rng.random() < 0.6:
            scopes.append(ConsentScope.SURVEYS)
        how_heard = rng.choice(answers) if rng.random() < 0.8 else ""
        participant_signup_complete(participant=participant, scopes=scopes, how_heard=how_heard)


def _volunteer_hours(ctx) -> None:
    """A handful of regulars help at past workshops; the volunteer account helps too."""
    rng, territory = ctx.rng, ctx.territory
    past = list(Workshop.objects.filter(territory=territory, status=Workshop.Status.DONE, starts_at__lt=timezone.now()))
    if not past:
        return
    present = (
        Registration.objects.filter(workshop__in=past, attended=True)
        .values_list("participant_id", flat=True)
        .distinct()
    )
    by_pk = {p.pk: p for p in ctx.participants}
    regulars = [by_pk[pk] for pk in sorted(set(present)) if pk in by_pk][:8]
    volunteer = get_user_model().objects.filter(memberships__territory=territory, memberships__role=Role.VOLUNTEER)
    helpers = [("participant", p) for p in regulars] + [("user", u) for u in volunteer]
    for kind, person in helpers:
        for workshop in rng.sample(past, min(len(past), rng.randint(2, 6))):
            volunteer_hours_record(
                actor=ctx.coordinator,
                territory=territory,
                workshop=workshop,
                date=timezone.localtime(workshop.starts_at).date(),
                hours=Decimal(rng.choice(("1.5", "2", "3", "3.5"))),
                activity=rng.choice(ACTIVITIES),
                **{kind: person},
            )
    # An outing to glean, with no workshop.
    if regulars:
        volunteer_hours_record(
            actor=ctx.coordinator,
            territory=territory,
            participant=regulars[0],
            date=ctx.today - timedelta(days=20),
            hours=Decimal("4"),
            activity=ACTIVITIES[3],
        )


def _one_erased(ctx) -> None:
    """The last participant asked to be forgotten."""
    if ctx.participants:
        participant_erase(
            actor=ctx.coordinator, participant=ctx.participants[-1], reason="Demande de la personne (démo)"
        )


# A resident who signed up twice, once in lower case and with her e-mail in capitals (issue 17): the pair the
# coordinator's « Doublons probables » page proposes, with its reasons (same e-mail, same first name and commune).
DUPLICATE = [("Mireille", "mireille.demo@example.org"), ("mireille", "Mireille.Demo@example.org")]


def _one_duplicate(ctx) -> None:
    if ctx.territory.slug != "romans":
        return
    for first_name, email in DUPLICATE:
        participant = participant_create(
            territory=ctx.territory, first_name=first_name, email=email, neighbourhood="Les Balmes", consent=True
        )
        participant_signup_complete(participant=participant, scopes=[ConsentScope.REMINDERS])


def add_volunteers_and_consents(ctx) -> None:
    _consents_and_how_heard(ctx)
    _volunteer_hours(ctx)
    _one_erased(ctx)
    _one_duplicate(ctx)
