"""Password reset by e-mail: Django's own views, under /mot-de-passe/, with the project's French templates.

The template names are ours (core/password/…): the admin app ships registration/password_reset_*.html too, and it
comes first in INSTALLED_APPS. The address of the link comes from the request's host (checked by ALLOWED_HOSTS).
The request form is rate-limited per client address, so that nobody floods a mailbox.
"""

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from conserverie.core.ratelimit import ratelimit

urlpatterns = [
    path(
        "oublie/",
        ratelimit("password_reset")(
            auth_views.PasswordResetView.as_view(
                template_name="core/password/reset_form.html",
                email_template_name="core/password/reset_email.txt",
                subject_template_name="core/password/reset_subject.txt",
                success_url=reverse_lazy("password_reset_done"),
            )
        ),
        name="password_reset",
    ),
    path(
        "oublie/envoye/",
        auth_views.PasswordResetDoneView.as_view(template_name="core/password/reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "nouveau/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="core/password/reset_confirm.html", success_url=reverse_lazy("password_reset_complete")
        ),
        name="password_reset_confirm",
    ),
    path(
        "nouveau/fait/",
        auth_views.PasswordResetCompleteView.as_view(template_name="core/password/reset_complete.html"),
        name="password_reset_complete",
    ),
]
