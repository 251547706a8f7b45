from django.urls import path

from conserverie.api import views

urlpatterns = [
    path("", views.tokens, name="api_tokens"),
    path("<int:pk>/revoquer/", views.revoke, name="api_token_revoke"),
]
