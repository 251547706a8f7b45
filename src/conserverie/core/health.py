"""`/healthz`: 200 "ok" when the application reaches its database and its cache, 503 and a one-line reason otherwise.

For probes (compose.yaml's healthcheck, Uptime Kuma, curl from cron): public, no login, exempt from the HTTPS
redirect (SECURE_REDIRECT_EXEMPT) and from the second factor (territories/two_factor.py). The reason names the part
that is down, never the error itself; the error goes to the log.
"""

import logging
import uuid

from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


def database_answers() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def cache_answers() -> bool:
    # A key of its own per probe: two probes at once never read each other's value.
    key, value = f"healthz:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, timeout=30)
    try:
        return cache.get(key) == value
    finally:
        cache.delete(key)


CHECKS = (("database", database_answers), ("cache", cache_answers))


@never_cache
@require_safe
def healthz(request):
    for name, answers in CHECKS:
        try:
            ok = answers()
        except Exception:
            logger.exception("healthz: the %s does not answer", name)
            ok = False
        if not ok:
            return HttpResponse(f"{name} unavailable", status=503, content_type="text/plain; charset=utf-8")
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")
