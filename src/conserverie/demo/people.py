"""Fictional participants (invented first names, no surname, fictional phones) and their registrations."""

from django.utils.translation import gettext as _

from conserverie.workshops.models import Registration
from conserverie.workshops.services import (
    participant_create,
    registration_cancel,
    registration_checkin,
    registration_create,
)

FIRST_NAMES = [
    "Amina", "Bernard", "Chantal", "Dylan", "Éloïse", "Fatou", "Gérard", "Hélène", "Inès", "Jules", "Karim",
    "Léa", "Mehdi", "Nadia", "Océane", "Patrick", "Rachida", "Samir", "Thérèse", "Yanis", "Zoé", "Aïcha",
    "Brigitte", "Claude", "Damien", "Emma", "Farid", "Gisèle", "Hugo", "Imane", "Josiane", "Kevin", "Louise",
    "Mohamed", "Nathalie", "Olivier", "Pascale", "Quentin", "Rose", "Sofiane", "Tom", "Valérie", "Yasmine",
    "Zakaria", "Alice", "Baptiste", "Céline", "Driss", "Estelle", "Fabrice", "Ghislaine", "Hamza", "Isabelle",
    "Jacqueline", "Khadija", "Lucas", "Malika", "Noah", "Odile", "Paul", "Rania", "Sylvie", "Théo", "Victor",
    "Wassila", "Yvette",
]  # fmt: skip

# (neighbourhood or commune, in a priority area of the city policy)
ROMANS_NEIGHBOURHOODS = [
    ("Centre ancien", True),
    ("La Monnaie", True),
    ("Les Ors", True),
    ("Saint-Nicolas", True),
    ("Jacquemart", False),
    ("Les Balmes", False),
    ("Bourg-de-Péage", False),
    ("Mours-Saint-Eusèbe", False),
    ("Peyrins", False),
    ("Génissieux", False),
    ("Chatuzange-le-Goubet", False),
]


def create_participants(*, territory, rng, count, neighbourhoods, phone_offset=0):
    """Phones, when given, are in the fictional 06 00 00 00 xx range."""
    people = []
    for index in range(count):
        neighbourhood, priority = rng.choice(neighbourhoods)
        number = (index + phone_offset) % 100
        people.append(
            participant_create(
                territory=territory,
                first_name=rng.choice(FIRST_NAMES),
                phone=f"06 00 00 00 {number:02d}" if rng.random() < 0.6 else "",
                neighbourhood=neighbourhood,
                household_size=rng.choice((1, 1, 2, 2, 3, 4, 5)),
                priority_area=priority,
                consent=True,
            )
        )
    return people


def register(ctx, workshop, *, full: bool) -> None:
    """Sign people up; a full workshop gets a few more than its places, who wait."""
    rng = ctx.rng
    target = workshop.capacity + 3 if full else workshop.capacity - rng.randint(1, 5)
    people = 0
    for participant in rng.sample(ctx.participants, min(len(ctx.participants), workshop.capacity + 6)):
        if people >= target:
            break
        size = min(participant.household_size, rng.choice((1, 1, 1, 2, 2, 3)))
        registration_create(workshop=workshop, participant=participant, party_size=size)
        people += size


def take_attendance(ctx, workshop, *, cancel_one: bool) -> list:
    """Someone may cancel (the waiting list moves up), most come, a few come without signing up."""
    rng = ctx.rng
    if cancel_one:
        first = workshop.registrations.filter(status=Registration.Status.CONFIRMED).first()
        if first is not None:
            registration_cancel(registration=first)
    present = []
    for registration in workshop.registrations.filter(status=Registration.Status.CONFIRMED).select_related(
        "participant"
    ):
        if rng.random() < 0.88:
            registration_checkin(actor=ctx.animator, registration=registration)
            present.append(registration.participant)
    registered = set(workshop.registrations.values_list("participant_id", flat=True))
    walk_ins = [p for p in rng.sample(ctx.participants, 6) if p.pk not in registered][: rng.randint(0, 2)]
    for participant in walk_ins:
        registration_create(workshop=workshop, participant=participant, party_size=1, walk_in=True)
        present.append(participant)
    return present


def workshop_title(recipes, event_name: str = "") -> str:
    names = [recipe.name[0].lower() + recipe.name[1:] for recipe in recipes]
    title = _("Atelier %(recipes)s") % {"recipes": " et ".join(names)}
    return f"{event_name} : {title}" if event_name else title
