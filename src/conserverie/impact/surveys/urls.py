"""Surveys, testimonies and reports of a territory, under /t/<slug>/enquetes/."""

from django.urls import path

from conserverie.impact.reports import views as report_views
from conserverie.impact.surveys import views as survey_views
from conserverie.impact.views import testimonies as testimony_views

app_name = "surveys"

urlpatterns = [
    path("", survey_views.survey_list, name="list"),
    path("nouveau/", survey_views.survey_new, name="new"),
    path("<int:pk>/", survey_views.survey_detail, name="detail"),
    path("<int:pk>/modifier/", survey_views.survey_edit, name="edit"),
    path("<int:pk>/questions/", survey_views.question_add, name="question_add"),
    path("<int:pk>/questions/<int:question_pk>/retirer/", survey_views.question_delete, name="question_delete"),
    path("<int:pk>/etat/", survey_views.survey_status, name="status"),
    path("<int:pk>/papier/", survey_views.survey_paper, name="paper"),
    path("<int:pk>/questionnaire.pdf", survey_views.survey_paper_print, name="paper_pdf"),
    path("<int:pk>/resultats/", survey_views.survey_results, name="results"),
    path("temoignages/", testimony_views.testimony_list, name="testimonies"),
    path("temoignages/nouveau/", testimony_views.testimony_new, name="testimony_new"),
    path("temoignages/<int:pk>/", testimony_views.testimony_edit, name="testimony_edit"),
    path("temoignages/<int:pk>/rapports/", testimony_views.testimony_toggle, name="testimony_toggle"),
    path("rapports/", report_views.reports, name="reports"),
    path("rapports/contrat-impact/", report_views.contract, name="contract"),
    path("rapports/contrat-impact/<int:pk>/retirer/", report_views.contract_term_delete, name="contract_term_delete"),
    path("rapports/<str:kind>.pdf", report_views.report_pdf, name="report_pdf"),
    path("rapports/<str:kind>.xlsx", report_views.report_xlsx, name="report_xlsx"),
]
