"""The person's API tokens: which exist, when they were last used, and a button to revoke each (docs/api-en.md)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from conserverie.api.models import ApiToken
from conserverie.api.services import token_revoke
from conserverie.core.scoping import every_territory


@login_required
@require_http_methods(["GET"])
def tokens(request):
    with every_territory():  # one person's tokens, in every territory where they hold a role
        rows = list(ApiToken.objects.filter(user=request.user).select_related("territory"))
        return render(request, "api/tokens.html", {"tokens": rows})


@login_required
@require_http_methods(["POST"])
def revoke(request, pk: int):
    with every_territory():
        token = get_object_or_404(ApiToken.objects.filter(user=request.user), pk=pk)
        token_revoke(actor=request.user, token=token)
    message = _("Le jeton %(prefix)s… est révoqué : il ne donne plus accès à rien.") % {"prefix": token.prefix}
    messages.success(request, message)
    return redirect("api_tokens")
