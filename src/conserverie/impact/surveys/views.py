"""Survey pages: the team builds, opens and closes a questionnaire, types in paper answers and reads the results;
a resident answers through the anonymous link (/q/<token>/), without an account and without giving a name.
"""

import segno
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from conserverie.core.pages import add_service_errors, form_status
from conserverie.core.ratelimit import ratelimit
from conserverie.core.scoping import every_territory, territory_scope
from conserverie.impact.models import Question, Survey
from conserverie.impact.surveys import services
from conserverie.impact.surveys.forms import AnswerForm, QuestionForm, SurveyForm
from conserverie.impact.surveys.paper import survey_paper_pdf
from conserverie.impact.surveys.stats import MIN_GROUP, question_results
from conserverie.territories.models import REPORT_ROLES, Role
from conserverie.territories.permissions import role_in
from conserverie.territories.staff import territory_view


def _survey(territory, pk):
    return get_object_or_404(Survey.objects.of(territory), pk=pk)


def answer_url(survey) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("survey_public:answer", args=[survey.token])


@territory_view()
def survey_list(request, territory):
    surveys = Survey.objects.of(territory).with_counts().order_by("status", "-created_at", "-pk")
    return render(request, "impact/surveys/list.html", {"territory": territory, "surveys": surveys})


@territory_view()
@require_http_methods(["GET", "POST"])
def survey_new(request, territory):
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        survey = services.survey_create(actor=request.user, territory=territory, **form.cleaned_data)
        messages.success(request, _("Questionnaire créé. Ajoutez maintenant ses questions."))
        return redirect("surveys:detail", territory.slug, survey.pk)
    return render(
        request,
        "impact/surveys/form.html",
        {"territory": territory, "form": form, "title": _("Nouveau questionnaire")},
        status=form_status(request),
    )


@territory_view()
@require_http_methods(["GET", "POST"])
def survey_edit(request, territory, pk):
    survey = _survey(territory, pk)
    initial = {"title": survey.title, "audience": survey.audience, "intro": survey.intro}
    form = SurveyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.survey_update(actor=request.user, survey=survey, **form.cleaned_data)
        messages.success(request, _("Questionnaire enregistré."))
        return redirect("surveys:detail", territory.slug, survey.pk)
    return render(
        request,
        "impact/surveys/form.html",
        {"territory": territory, "form": form, "survey": survey, "title": _("Modifier le questionnaire")},
        status=form_status(request),
    )


def answer_qr(survey) -> str:
    """The answer link as a QR code (an SVG data URI) to print on a poster or show on the tablet."""
    return segno.make(answer_url(survey), error="m").svg_data_uri(scale=6)


def _detail(request, territory, survey, question_form=None, status=200):
    return render(
        request,
        "impact/surveys/detail.html",
        {
            "territory": territory,
            "survey": survey,
            "questions": survey.questions.select_related("indicator__dimension"),
            "question_form": question_form or QuestionForm(territory=territory),
            "answer_url": answer_url(survey),
            "answer_qr": answer_qr(survey) if survey.is_open else "",
            "responses_n": survey.responses.count(),
        },
        status=status,
    )


@territory_view()
def survey_detail(request, territory, pk):
    return _detail(request, territory, _survey(territory, pk))


@territory_view()
@require_POST
def question_add(request, territory, pk):
    survey = _survey(territory, pk)
    form = QuestionForm(request.POST, territory=territory)
    if form.is_valid():
        try:
            services.question_add(actor=request.user, survey=survey, **form.cleaned_data)
        except ValidationError as exc:
            for _field, message in add_service_errors(form, exc):
                form.add_error(None, message)
        else:
            messages.success(request, _("Question ajoutée."))
            return redirect("surveys:detail", territory.slug, survey.pk)
    return _detail(request, territory, survey, question_form=form, status=422)


@territory_view()
@require_POST
def question_delete(request, territory, pk, question_pk):
    survey = _survey(territory, pk)
    question = get_object_or_404(Question, survey=survey, pk=question_pk)
    try:
        services.question_delete(actor=request.user, question=question)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Question retirée."))
    return redirect("surveys:detail", territory.slug, survey.pk)


@territory_view()
@require_POST
def survey_status(request, territory, pk):
    survey = _survey(territory, pk)
    action = request.POST.get("action")
    try:
        if action == "open":
            services.survey_open(actor=request.user, survey=survey)
            messages.success(request, _("Le questionnaire est ouvert : partagez son lien."))
        elif action == "close":
            services.survey_close(actor=request.user, survey=survey)
            messages.success(request, _("Le questionnaire est fermé : il ne prend plus de réponses en ligne."))
        else:
            messages.error(request, _("Action inconnue."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("surveys:detail", territory.slug, survey.pk)


@territory_view()
@require_http_methods(["GET", "POST"])
def survey_paper(request, territory, pk):
    """Type in one paper questionnaire; the form comes back empty for the next one."""
    survey = _survey(territory, pk)
    questions = list(survey.questions.all())
    form = AnswerForm(request.POST or None, questions=questions, with_day=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.response_enter(
                actor=request.user, survey=survey, answers=form.raw_answers(), day=form.cleaned_data["day"]
            )
        except ValidationError as exc:
            for _field, message in add_service_errors(form, exc):
                form.add_error(None, message)
        else:
            messages.success(request, _("Réponse enregistrée. Vous pouvez saisir le questionnaire suivant."))
            return redirect("surveys:paper", territory.slug, survey.pk)
    return render(
        request,
        "impact/surveys/paper.html",
        {"territory": territory, "survey": survey, "form": form},
        status=form_status(request),
    )


@territory_view()
def survey_paper_print(request, territory, pk):
    """The questionnaire as a PDF to print and hand out."""
    survey = _survey(territory, pk)
    response = HttpResponse(survey_paper_pdf(survey), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="questionnaire-{survey.pk}.pdf"'
    return response


@territory_view(roles=REPORT_ROLES)
def survey_results(request, territory, pk):
    """Counts per question. A viewer (board, funders) never sees a cell of 1 to 4 answers nor the free texts."""
    survey = _survey(territory, pk)
    is_viewer = role_in(request.user, territory) == Role.VIEWER
    if is_viewer and survey.status == Survey.Status.DRAFT:
        raise Http404
    results = question_results(survey, mask_small=is_viewer, with_texts=not is_viewer)
    return render(
        request,
        "impact/surveys/results.html",
        {
            "territory": territory,
            "survey": survey,
            "results": results,
            "responses_n": survey.responses.count(),
            "is_viewer": is_viewer,
            "min_group": MIN_GROUP,
        },
    )


# The public side: no account, no personal data.


def _public_survey(token) -> Survey:
    """The survey of an answer link, whatever its territory; the page then runs in that territory's scope."""
    with every_territory():
        return get_object_or_404(Survey.objects.select_related("territory"), token=token)


@require_http_methods(["GET", "POST"])
@ratelimit("survey")
def answer(request, token):
    survey = _public_survey(token)
    with territory_scope(survey.territory):
        if survey.status == Survey.Status.DRAFT:
            return render(request, "impact/surveys/public/not_open.html", {"survey": survey}, status=404)
        questions = list(survey.questions.all())
        form = AnswerForm(request.POST or None, questions=questions)
        if request.method == "POST":
            if not survey.is_open:
                form.add_error(None, _("Ce questionnaire est fermé : merci, mais il ne prend plus de réponses."))
            elif form.is_robot():
                form.add_error(None, _("Votre réponse n'a pas pu être enregistrée. Réessayez."))
            elif form.is_valid():
                try:
                    services.response_submit(
                        survey=survey,
                        answers=form.raw_answers(),
                        idempotency_key=form.cleaned_data.get("idempotency_key", ""),
                    )
                except ValidationError as exc:
                    for _field, message in add_service_errors(form, exc):
                        form.add_error(None, message)
                else:
                    return redirect("survey_public:thanks", survey.token)
        return render(
            request,
            "impact/surveys/public/answer.html",
            {"survey": survey, "form": form},
            status=form_status(request),
        )


@require_GET
def thanks(request, token):
    survey = _public_survey(token)
    with territory_scope(survey.territory):
        return render(request, "impact/surveys/public/thanks.html", {"survey": survey})
