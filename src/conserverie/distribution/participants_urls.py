from django.urls import path

from conserverie.distribution.views import messages
from conserverie.distribution.views import participants as registry

app_name = "participants"

urlpatterns = [
    path("", registry.participant_list, name="list"),
    path("<int:pk>/", registry.participant_detail, name="detail"),
    path("benevoles/", registry.volunteers, name="volunteers"),
    path("messages-non-envoyes/", messages.failed_messages, name="failed_messages"),
]
