"""Surveys: build, open, answer through the anonymous link, type in from paper, close; refusals write nothing."""

import io
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from conserverie.impact.models import Answer, Question, Response, Survey
from conserverie.impact.surveys.services import (
    question_add,
    question_delete,
    response_submit,
    survey_close,
    survey_create,
    survey_open,
)

from ..pages import text
from .voices_data import SUMMER, answer, survey_world


def value_kept(page, question_pk, value) -> bool:
    """The radio the person chose is still checked on the page that shows the refusal."""
    return f'value="{value}" class="btn-check" id="id_q{question_pk}_{int(value) - 1}" checked' in page or (
        f'name="q{question_pk}" value="{value}"' in page and "checked" in page
    )


def counts():
    return (Survey.objects.count(), Question.objects.count(), Response.objects.count(), Answer.objects.count())


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """The rate-limit counters live in the cache: each test starts from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(romans, coordinator):
    return survey_world(romans.territory, coordinator)


def test_a_survey_is_built_opened_and_closed(romans, coordinator):
    survey = survey_create(actor=coordinator, territory=romans.territory, title="Producteurs", audience="farmers")
    assert survey.status == Survey.Status.DRAFT
    assert len(survey.token) >= 16
    with pytest.raises(ValidationError) as exc:
        survey_open(actor=coordinator, survey=survey)
    assert "au moins une question" in str(exc.value)
    question = question_add(actor=coordinator, survey=survey, text="Satisfait ?", kind=Question.Kind.YES_NO)
    assert question.order == 1
    survey_open(actor=coordinator, survey=survey)
    assert survey.status == Survey.Status.OPEN
    assert survey.opened_at
    with pytest.raises(ValidationError):
        question_add(actor=coordinator, survey=survey, text="Encore ?", kind=Question.Kind.TEXT)
    with pytest.raises(ValidationError):
        question_delete(actor=coordinator, question=question)
    survey_close(actor=coordinator, survey=survey)
    assert survey.status == Survey.Status.CLOSED
    assert survey.history.count() == 3


def test_a_text_question_cannot_feed_an_indicator(world, coordinator, romans):
    draft = survey_create(actor=coordinator, territory=romans.territory, title="Brouillon", audience="staff")
    with pytest.raises(ValidationError) as exc:
        question_add(actor=coordinator, survey=draft, text="Un mot", kind=Question.Kind.TEXT, indicator=world.link)
    assert "indicator" in exc.value.message_dict


def test_only_the_staff_of_the_territory_builds_surveys(romans, viewer, other_coordinator):
    for actor in (viewer, other_coordinator):
        with pytest.raises(PermissionDenied):
            survey_create(actor=actor, territory=romans.territory, title="X", audience="residents")
    assert counts() == (0, 0, 0, 0)


def test_an_anonymous_answer_is_recorded(world):
    response = answer(world, likert=4, yes=True, number="2,5", text="Super")
    assert response.channel == Response.Channel.ONLINE
    assert response.entered_by is None
    values = {a.question_id: (a.value, a.text) for a in response.answers.all()}
    assert values == {
        world.likert.pk: (Decimal("4"), ""),
        world.yes_no.pk: (Decimal("1"), ""),
        world.number.pk: (Decimal("2.50"), ""),
        world.text.pk: (None, "Super"),
    }


@pytest.mark.parametrize(
    ("field", "raw", "message"),
    [
        ("likert", "7", "Choisissez une note de 1 à 5."),
        ("likert", "3.5", "Choisissez une note de 1 à 5."),
        ("yes_no", "peut-être", "Répondez par oui ou par non."),
        ("number", "beaucoup", "Écrivez un nombre, par exemple 3."),
        ("number", "-2", "Écrivez un nombre positif, plus petit qu'un million."),
        ("number", "NaN", "Écrivez un nombre, par exemple 3."),
    ],
)
def test_a_wrong_answer_is_refused_whole(world, field, raw, message):
    before = counts()
    answers = {world.likert.pk: "3", world.text.pk: "Bien", getattr(world, field).pk: raw}
    with pytest.raises(ValidationError) as exc:
        response_submit(survey=world.survey, answers=answers)
    assert exc.value.message_dict == {f"q{getattr(world, field).pk}": [message]}
    assert counts() == before


def test_an_empty_answer_and_a_missing_required_one_are_refused(world, romans, coordinator):
    with pytest.raises(ValidationError) as exc:
        response_submit(survey=world.survey, answers={})
    assert "au moins une question" in str(exc.value)
    survey = survey_create(actor=coordinator, territory=romans.territory, title="Obligatoire", audience="residents")
    q = question_add(actor=coordinator, survey=survey, text="Note ?", kind=Question.Kind.LIKERT, required=True)
    question_add(actor=coordinator, survey=survey, text="Un mot ?", kind=Question.Kind.TEXT)
    survey_open(actor=coordinator, survey=survey)
    with pytest.raises(ValidationError) as exc:
        response_submit(survey=survey, answers={q.pk: ""})
    assert exc.value.message_dict == {f"q{q.pk}": ["Merci de répondre à cette question."]}


def test_a_closed_or_draft_survey_refuses_online_answers(world, coordinator):
    survey_close(actor=coordinator, survey=world.survey)
    before = counts()
    with pytest.raises(ValidationError) as exc:
        answer(world, likert=3)
    assert "fermé" in str(exc.value)
    assert counts() == before


def test_paper_answers_are_typed_in_also_after_closing(world, coordinator, viewer):
    survey_close(actor=coordinator, survey=world.survey)
    response = answer(world, likert=5, actor=coordinator)
    assert response.channel == Response.Channel.PAPER
    assert response.entered_by == coordinator
    with pytest.raises(PermissionDenied):
        answer(world, likert=5, actor=viewer)


# The pages


def test_the_public_link_shows_the_questions_and_records_an_answer(client, world):
    url = reverse("survey_public:answer", args=[world.survey.token])
    page = text(client.get(url))
    assert "Avez-vous rencontré des voisins ?" in page
    assert "anonymes" in page
    assert "prénom" not in page.lower()
    assert "e-mail" not in page.lower()
    response = client.post(url, {f"q{world.likert.pk}": "4", f"q{world.yes_no.pk}": "oui"})
    assert response.status_code == 302
    assert response["Location"].endswith("/merci/")
    assert "Merci" in text(client.get(response["Location"]))
    assert Response.objects.get().answers.count() == 2


def test_bad_input_on_the_public_link_gives_a_french_message_at_the_field(client, world):
    url = reverse("survey_public:answer", args=[world.survey.token])
    before = counts()
    response = client.post(url, {f"q{world.likert.pk}": "4", f"q{world.number.pk}": "douze"})
    assert response.status_code == 422
    page = text(response)
    assert "Écrivez un nombre, par exemple 3." in page
    # The message sits in the number question's block, not at the top of the page.
    blocks = page.split('data-testid="question"')[1:]
    (block,) = [b for b in blocks if "Combien d'ateliers ?" in b]
    assert "Écrivez un nombre" in block
    assert value_kept(page, world.likert.pk, "4")
    assert counts() == before


def test_the_honeypot_and_a_closed_survey_write_nothing(client, world, coordinator):
    url = reverse("survey_public:answer", args=[world.survey.token])
    before = counts()
    assert client.post(url, {f"q{world.likert.pk}": "4", "website": "http://spam"}).status_code == 422
    survey_close(actor=coordinator, survey=world.survey)
    response = client.post(url, {f"q{world.likert.pk}": "4"})
    assert response.status_code == 422
    assert "fermé" in text(response)
    assert counts() == before


def test_a_draft_survey_link_is_not_found(client, romans, coordinator):
    draft = survey_world(romans.territory, coordinator, open_it=False).survey
    assert client.get(reverse("survey_public:answer", args=[draft.token])).status_code == 404
    assert client.get(reverse("survey_public:answer", args=["pas-un-jeton"])).status_code == 404


def test_a_double_submission_records_one_answer(client, world):
    """Issue 17: a double click, or the form sent again with the back button, records the answer once."""
    import re

    url = reverse("survey_public:answer", args=[world.survey.token])
    key = re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', client.get(url).content.decode()).group(1)
    data = {f"q{world.likert.pk}": "4", f"q{world.yes_no.pk}": "oui", "idempotency_key": key}
    first, second = client.post(url, data), client.post(url, {**data, f"q{world.likert.pk}": "5"})
    assert first.status_code == second.status_code == 302
    response = Response.objects.get()
    assert sorted(response.answers.values_list("value", flat=True)) == [1, 4]
    # Another page (another key) is another answer; a bad key is refused at the form.
    client.post(url, {**data, "idempotency_key": "b" * 32})
    assert Response.objects.count() == 2
    assert client.post(url, {**data, "idempotency_key": "../x"}).status_code == 422
    assert Response.objects.count() == 2


def test_the_service_gives_back_the_first_answer_for_the_same_key(world):
    answers = {world.likert.pk: "3"}
    first = response_submit(survey=world.survey, answers=answers, idempotency_key="c" * 32)
    again = response_submit(survey=world.survey, answers={world.likert.pk: "1"}, idempotency_key="c" * 32)
    assert again.pk == first.pk
    assert Answer.objects.count() == 1


def test_the_public_link_is_rate_limited(client, world, settings):
    settings.RATELIMITS = {**settings.RATELIMITS, "survey": "2/600"}
    url = reverse("survey_public:answer", args=[world.survey.token])
    for _ in range(2):
        client.post(url, {f"q{world.likert.pk}": "4"})
    assert client.post(url, {f"q{world.likert.pk}": "4"}).status_code == 429
    assert Response.objects.count() == 2


def test_staff_build_a_survey_through_the_pages(client, romans, coordinator):
    client.force_login(coordinator)
    slug = romans.territory.slug
    response = client.post(reverse("surveys:new", args=[slug]), {"title": "Bilan", "audience": "partners"})
    survey = Survey.objects.get()
    assert response["Location"] == reverse("surveys:detail", args=[slug, survey.pk])
    bad = client.post(reverse("surveys:question_add", args=[slug, survey.pk]), {"text": "", "kind": "likert"})
    assert bad.status_code == 422
    assert "Écrivez la question." in text(bad)
    client.post(reverse("surveys:question_add", args=[slug, survey.pk]), {"text": "Utile ?", "kind": "yes_no"})
    client.post(reverse("surveys:status", args=[slug, survey.pk]), {"action": "open"})
    survey.refresh_from_db()
    assert survey.status == "open"
    assert survey.questions.count() == 1
    page = text(client.get(reverse("surveys:detail", args=[slug, survey.pk])))
    assert f"/q/{survey.token}/" in page
    assert 'data-testid="answer-qr" ' in page or 'data-testid="answer-qr">' in page
    assert "data:image/svg+xml" in page


def test_paper_entry_page(client, world, coordinator, romans):
    client.force_login(coordinator)
    url = reverse("surveys:paper", args=[romans.territory.slug, world.survey.pk])
    assert "Date de la réponse sur papier" in text(client.get(url))
    bad = client.post(url, {"day": "2026-07-02", f"q{world.likert.pk}": "9"})
    assert bad.status_code == 422
    assert "Choisissez une note de 1 à 5." in text(bad)
    assert Response.objects.count() == 0
    future = client.post(url, {"day": "2999-01-01", f"q{world.likert.pk}": "3"})
    assert future.status_code == 422
    assert Response.objects.count() == 0
    ok = client.post(url, {"day": "2026-07-02", f"q{world.likert.pk}": "3", f"q{world.text.pk}": "Bien"})
    assert ok.status_code == 302
    response = Response.objects.get()
    assert response.channel == "paper"
    assert response.answered_on == SUMMER.replace(day=2)


def test_another_territory_never_sees_the_surveys(client, world, romans, other_coordinator):
    client.force_login(other_coordinator)
    slug = romans.territory.slug
    for name, args in [
        ("surveys:list", [slug]),
        ("surveys:detail", [slug, world.survey.pk]),
        ("surveys:results", [slug, world.survey.pk]),
        ("surveys:paper", [slug, world.survey.pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 404
    own = client.get(reverse("surveys:list", args=["vercors"]))
    assert own.status_code == 200
    assert "Questionnaire habitants" not in text(own)
    assert client.get(reverse("surveys:detail", args=["vercors", world.survey.pk])).status_code == 404


def test_a_forged_indicator_of_another_territory_is_refused(client, world, romans, other, other_coordinator):
    from .voices_data import survey_world as build

    theirs = build(other.territory, other_coordinator, open_it=False)
    client = Client()
    client.force_login(other_coordinator)
    response = client.post(
        reverse("surveys:question_add", args=["vercors", theirs.survey.pk]),
        {"text": "Volé ?", "kind": "likert", "indicator": world.link.pk},
    )
    assert response.status_code == 422
    assert not Question.objects.filter(text="Volé ?").exists()


def test_the_paper_version_to_print(client, world, coordinator, romans):
    client.force_login(coordinator)
    response = client.get(reverse("surveys:paper_pdf", args=[romans.territory.slug, world.survey.pk]))
    assert response["Content-Type"] == "application/pdf"
    page = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    for expected in ("Questionnaire habitants", "Avez-vous rencontré des voisins ?", "4 — Beaucoup", "n'écrivez pas"):
        assert expected in page
