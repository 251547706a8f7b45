from django.urls import path

from conserverie.reporting.views import distribution as views_distribution

app_name = "distribution_report"

urlpatterns = [
    path("", views_distribution.report, name="report"),
    path("<slug:key>.<str:ext>", views_distribution.report_export, name="export"),
]
