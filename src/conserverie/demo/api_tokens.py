"""The demo's API token: a read-only token of Romans' coordination, known in advance like the demo password, so
that `make demo` can be called at once (`curl -H "Authorization: Bearer <DEMO_API_TOKEN>" …/api/v1/lots`).

Stored as any token is (its SHA-256 only); a real deployment never loads the demo.
"""

from django.contrib.auth import get_user_model

from conserverie.api.models import ApiToken, TokenScope
from conserverie.api.services import PREFIX, digest_of

DEMO_API_TOKEN = PREFIX + "de" * 32


def build_api_token(territory) -> ApiToken:
    user = get_user_model().objects.get(username="coordination")
    token = ApiToken(
        territory=territory,
        user=user,
        name="Démonstration",
        prefix=DEMO_API_TOKEN[: len(PREFIX) + 6],
        digest=digest_of(DEMO_API_TOKEN),
        scope=TokenScope.READ,
    )
    token._history_user = user
    token.save()
    return token
