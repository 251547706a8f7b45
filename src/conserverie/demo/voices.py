"""Demo data for #7: the residents' survey of 2026 (about 80 answers over the season) and of 2025, a small farmers'
survey (fewer than 5 answers: its results stay hidden outside the team), a draft for partners, and testimonies and
Agora contributions for every petal, some chosen for the reports. All fictional; no names, only roles.
"""

from datetime import date, timedelta

from conserverie.impact.models import Dimension, Indicator, Question, Testimony
from conserverie.impact.surveys.services import (
    TestimonyData,
    question_add,
    response_enter,
    response_submit,
    survey_close,
    survey_create,
    survey_open,
    testimony_save,
)
from conserverie.workshops.models import Workshop

LIKERT, YES_NO, NUMBER, TEXT = Question.Kind.LIKERT, Question.Kind.YES_NO, Question.Kind.NUMBER, Question.Kind.TEXT

# (question, kind, name of the survey indicator it feeds or "")
RESIDENT_QUESTIONS = [
    (
        "L'atelier m'a donné envie de cuisiner plus de fruits et légumes.",
        LIKERT,
        "Je cuisine plus de fruits et légumes",
    ),
    ("Grâce aux ateliers, je connais mieux mes voisins.", LIKERT, "Je connais mieux mes voisins"),
    ("Pendant l'atelier, j'ai pu donner mon avis et il a compté.", YES_NO, ""),
    ("À combien d'ateliers êtes-vous venu·e cette année ?", NUMBER, ""),
    ("Qu'est-ce que la conserverie a changé pour vous ?", TEXT, ""),
]
FARMER_QUESTIONS = [
    ("La conserverie m'aide à moins jeter.", LIKERT, ""),
    ("Je continuerai à proposer mes surplus.", YES_NO, ""),
    ("Combien de kilos auriez-vous jetés sans la conserverie (estimation) ?", NUMBER, ""),
]
FREE_WORDS = [
    "Je fais des bocaux à la maison maintenant.",
    "J'ai rencontré des gens de l'autre bout du quartier.",
    "Mes enfants mangent des légumes qu'ils ne connaissaient pas.",
    "On rit beaucoup pendant les ateliers.",
    "Le bocal à prix de la consigne, ça aide à la fin du mois.",
    "J'ai appris à faire un coulis sans sucre ajouté.",
    "Je viens avec ma voisine, c'est notre sortie de la semaine.",
]

# (petal index, kind, audience, role, month offset, event, text, selected)
QUOTES = [
    (
        0,
        "agora",
        "residents",
        "mère de trois enfants, quartier de la Monnaie",
        "2026-03-14",
        "Agora de mars",
        "Avant, les légumes bio, je pensais que ce n'était pas pour nous. Là, on repart avec un bocal et une recette.",
        True,
    ),
    (
        0,
        "testimony",
        "residents",
        "retraité du centre-ville",
        "2026-06-18",
        "",
        "Je cuisine de nouveau pour moi tout seul, parce que j'ai appris des choses simples.",
        False,
    ),
    (
        0,
        "testimony",
        "partners",
        "conseillère en économie sociale et familiale",
        "2026-09-22",
        "",
        "Les familles que j'accompagne parlent des bocaux entre elles : c'est devenu un sujet de conversation.",
        True,
    ),
    (
        1,
        "agora",
        "residents",
        "habitante de la Monnaie",
        "2026-03-14",
        "Agora de mars",
        "Je ne connaissais personne en arrivant dans le quartier. Maintenant je dis bonjour à la moitié de l'immeuble.",
        True,
    ),
    (
        1,
        "testimony",
        "residents",
        "jeune père, quartier des Ors",
        "2026-07-08",
        "",
        "Éplucher des tomates à dix autour d'une table, on se parle forcément.",
        False,
    ),
    (
        1,
        "agora",
        "staff",
        "animatrice d'un centre social",
        "2026-10-10",
        "Agora d'octobre",
        "Des personnes qui ne venaient jamais au centre social passent maintenant la porte pour autre chose.",
        True,
    ),
    (
        2,
        "agora",
        "residents",
        "bénévole depuis le printemps",
        "2026-10-10",
        "Agora d'octobre",
        "On a choisi nous-mêmes les recettes de l'automne. C'est la première fois qu'on me demande mon avis.",
        True,
    ),
    (
        2,
        "testimony",
        "board",
        "membre du conseil d'administration",
        "2026-05-20",
        "Conseil d'administration",
        "Les habitants siègent au comité de pilotage : ce ne sont plus des bénéficiaires, ce sont des associés.",
        False,
    ),
    (
        2,
        "agora",
        "residents",
        "habitant du quartier Est",
        "2025-12-06",
        "Agora de décembre",
        "J'aimerais qu'on fasse un atelier dans mon immeuble, on a une salle commune qui ne sert à rien.",
        False,
    ),
    (
        3,
        "testimony",
        "farmers",
        "maraîchère bio à Peyrins",
        "2026-08-04",
        "",
        "Mes tomates déclassées partaient au compost. Maintenant je sais qu'elles finissent dans un bocal.",
        True,
    ),
    (
        3,
        "agora",
        "residents",
        "participante d'une rando'cueillette",
        "2026-10-10",
        "Agora d'octobre",
        "Aller ramasser des pommes chez le producteur, ça change le regard sur ce qu'on mange.",
        True,
    ),
    (
        3,
        "testimony",
        "farmers",
        "arboriculteur dans la vallée de l'Isère",
        "2026-09-12",
        "",
        "Je vends plus en direct depuis que des habitants sont venus au verger.",
        False,
    ),
    (
        4,
        "testimony",
        "residents",
        "habitante du centre-ville",
        "2026-07-22",
        "",
        "Je rapporte mes bocaux vides, comme une consigne d'autrefois. Rien ne se perd.",
        True,
    ),
    (
        4,
        "agora",
        "partners",
        "représentant d'une association de quartier",
        "2026-03-14",
        "Agora de mars",
        "Sauver des légumes qui seraient jetés, c'est concret : les enfants comprennent tout de suite.",
        False,
    ),
    (
        4,
        "testimony",
        "staff",
        "chauffeur du camion",
        "2026-06-30",
        "",
        "La tournée passe par les fermes proches : peu de kilomètres pour beaucoup de kilos.",
        False,
    ),
    (
        5,
        "testimony",
        "staff",
        "salariée en insertion",
        "2026-09-05",
        "",
        "J'ai obtenu mon certificat d'hygiène alimentaire grâce au poste à la conserverie.",
        True,
    ),
    (
        5,
        "agora",
        "partners",
        "commerçante du marché",
        "2026-10-10",
        "Agora d'octobre",
        "Les bocaux du groupement d'achat, on les vend bien : les gens savent d'où ça vient.",
        False,
    ),
    (
        5,
        "testimony",
        "board",
        "trésorier de l'association",
        "2026-11-02",
        "",
        "Chaque euro de subvention fait travailler des gens d'ici et des fermes d'ici.",
        True,
    ),
]


def _weighted(rng, weights):
    return rng.choices(range(1, len(weights) + 1), weights=weights)[0]


def _resident_answers(rng, questions, *, warmer: bool) -> dict:
    cook, neighbours, voice, count, words = questions
    answers = {
        cook.pk: _weighted(rng, [1, 2, 4, 7, 6] if warmer else [2, 3, 5, 5, 3]),
        neighbours.pk: _weighted(rng, [1, 3, 5, 6, 5] if warmer else [3, 4, 5, 4, 2]),
        voice.pk: "oui" if rng.random() < (0.78 if warmer else 0.6) else "non",
        count.pk: rng.choice([1, 1, 2, 2, 3, 4, 6]),
    }
    if rng.random() < 0.3:
        answers[words.pk] = rng.choice(FREE_WORDS)
    if rng.random() < 0.08:
        answers.pop(count.pk)
    return answers


def _build(actor, territory, title, audience, intro, specs, indicators) -> tuple:
    survey = survey_create(actor=actor, territory=territory, title=title, audience=audience, intro=intro)
    questions = [
        question_add(actor=actor, survey=survey, text=text, kind=kind, indicator=indicators.get(name))
        for text, kind, name in specs
    ]
    return survey_open(actor=actor, survey=survey), questions


def _days(rng, start: date, end: date, n: int) -> list[date]:
    span = max((end - start).days, 0)
    return sorted(start + timedelta(days=rng.randint(0, span)) for _ in range(n))


def add_surveys(ctx) -> None:
    actor, territory, rng = ctx.coordinator, ctx.territory, ctx.rng
    indicators = {
        i.name: i for i in Indicator.objects.filter(dimension__territory=territory, source=Indicator.Source.SURVEY)
    }
    intro = "Cinq questions, deux minutes. Vos réponses sont anonymes et nous aident à améliorer les ateliers."
    last = min(ctx.today, date(2026, 10, 31))
    # 2025: a shorter paper survey at the December Agora, closed since: the previous period of the flower.
    old, questions = _build(
        actor, territory, "Questionnaire habitants 2025", "residents", intro, RESIDENT_QUESTIONS, indicators
    )
    for day in _days(rng, date(2025, 10, 1), date(2025, 12, 6), 31):
        response_enter(actor=actor, survey=old, answers=_resident_answers(rng, questions, warmer=False), day=day)
    survey_close(actor=actor, survey=old)
    # 2026: online through the link, and the papers of the truck typed in (about one in four).
    current, questions = _build(
        actor, territory, "Questionnaire habitants 2026", "residents", intro, RESIDENT_QUESTIONS, indicators
    )
    for day in _days(rng, date(2026, 4, 15), max(last, date(2026, 4, 15)), 82):
        answers = _resident_answers(rng, questions, warmer=True)
        if rng.random() < 0.25 and day <= ctx.today:
            response_enter(actor=ctx.animator, survey=current, answers=answers, day=day)
        else:
            response_submit(survey=current, answers=answers, day=day)
    farmers, questions = _build(
        actor,
        territory,
        "Questionnaire producteurs 2026",
        "farmers",
        "Trois questions sur ce que la conserverie change pour votre ferme.",
        FARMER_QUESTIONS,
        indicators,
    )
    for day, (likert, yes, kg) in zip(
        _days(rng, date(2026, 9, 1), max(last, date(2026, 9, 1)), 4),
        [(5, "oui", 300), (4, "oui", 120), (4, "oui", 80), (3, "non", 40)],
        strict=True,
    ):
        answers = {questions[0].pk: likert, questions[1].pk: yes, questions[2].pk: kg}
        response_submit(survey=farmers, answers=answers, day=day)
    survey_create(
        actor=actor,
        territory=territory,
        title="Questionnaire partenaires",
        audience="partners",
        intro="Pour le bilan avec les structures partenaires.",
    )


def add_testimonies(ctx) -> None:
    actor, territory = ctx.coordinator, ctx.territory
    petals = list(Dimension.objects.filter(territory=territory))
    workshops = list(
        Workshop.objects.filter(territory=territory, starts_at__date__lt=ctx.today)
        .exclude(status=Workshop.Status.CANCELLED)
        .order_by("starts_at")
    )
    for index, (petal, kind, audience, role, day, event, text, selected) in enumerate(QUOTES):
        said_on = min(date.fromisoformat(day), ctx.today)
        workshop = None
        if not event and workshops and index % 3 == 1:
            workshop = min(workshops, key=lambda w: abs((w.starts_at.date() - said_on).days))
        extra = [petals[(petal + 1) % len(petals)]] if index % 4 == 0 else []
        testimony_save(
            actor=actor,
            territory=territory,
            data=TestimonyData(
                text=text,
                audience=audience,
                said_on=said_on,
                dimensions=[petals[petal], *extra],
                kind=Testimony.Kind.AGORA if kind == "agora" else Testimony.Kind.TESTIMONY,
                role=role,
                event=event,
                workshop=workshop,
                selected=selected,
            ),
        )


def add_voices(ctx) -> None:
    """Called at the end of build_romans with the DemoContext of the Romans season."""
    add_surveys(ctx)
    add_testimonies(ctx)
