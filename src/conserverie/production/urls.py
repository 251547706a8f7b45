from django.urls import path

from conserverie.production.views import staff as views

app_name = "production"

urlpatterns = [
    path("", views.lot_list, name="lots"),
    path("nouveau/", views.lot_new, name="lot_new"),
    path("registre/", views.register_view, name="register"),
    path("registre.pdf", views.register_pdf_view, name="register_pdf"),
    path("registre.xlsx", views.register_xlsx_view, name="register_xlsx"),
    path("<str:code>/", views.lot_detail, name="lot_detail"),
    path("<str:code>/liberer/", views.lot_release_view, name="lot_release"),
    path("<str:code>/bloquer/", views.lot_block_view, name="lot_block"),
    path("<str:code>/releves/", views.lot_reading_view, name="lot_reading"),
    path("<str:code>/stabilite/", views.lot_stability_start_view, name="lot_stability_start"),
    path("<str:code>/stabilite/resultat/", views.lot_stability_result_view, name="lot_stability_result"),
    path("<str:code>/fermetures/", views.lot_seal_check_view, name="lot_seal_check"),
    path("<str:code>/action-corrective/", views.lot_correct_view, name="lot_correct"),
    path("<str:code>/etiquettes.pdf", views.lot_labels_view, name="lot_labels"),
    path("<str:code>/rappel/", views.lot_recall_view, name="lot_recall"),
    path("<str:code>/rappel/retrait/", views.recall_withdraw_view, name="recall_withdraw"),
]
