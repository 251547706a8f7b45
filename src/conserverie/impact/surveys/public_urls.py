"""The anonymous answer link of a survey, under /q/: no account, no personal data."""

from django.urls import path

from conserverie.impact.surveys import views as survey_views

app_name = "survey_public"

urlpatterns = [
    path("<str:token>/", survey_views.answer, name="answer"),
    path("<str:token>/merci/", survey_views.thanks, name="thanks"),
]
